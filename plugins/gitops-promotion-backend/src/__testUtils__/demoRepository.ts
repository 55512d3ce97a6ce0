import { mockServices } from '@backstage/backend-test-utils';
import { setYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { seedDemoRepository } from '@internal/argocd-dev-server';
import { runGit } from '../clients/git/runGit';
import { GIT_TEST_IDENTITY as IDENTITY } from './bareRepository';

const examples = path.resolve(__dirname, '../../../../examples');

/**
 * A fresh copy of the demo GitOps repository (bare, 39 commits) in a temp dir.
 */
export interface DemoRepository {
  /** The temporary directory holding it; served as GIT_PROJECT_ROOT over HTTP. */
  dir: string;
  /** The bare repository (`<dir>/gitops-repo.git`), pushable over smart HTTP. */
  bare: string;
  /** The commit `main` points at. */
  head(): Promise<string>;
  /** A file at `main`. */
  show(file: string): Promise<string>;
  /** Sets YAML values in one commit pushed to `main`, as another writer would; resolves with its SHA. */
  commit(
    message: string,
    edits: Array<{ file: string; key: string; value: string }>,
  ): Promise<string>;
  /**
   * Makes each file have run each of its values (one commit per value, in
   * order), then restores what it had, with one push: rollbacks to those
   * values are then rollbacks to history.
   */
  recordHistory(
    edits: Array<{ file: string; key: string; values: string[] }>,
  ): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * Seeds the demo repository the way the portal does on first start.
 */
export async function createDemoRepository(): Promise<DemoRepository> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-demo-'));
  const bare = path.join(dir, 'gitops-repo.git');
  await seedDemoRepository({
    from: path.join(examples, 'gitops-repo'),
    history: path.join(examples, 'gitops-repo-history.yaml'),
    target: bare,
    logger: mockServices.logger.mock(),
  });
  await runGit(['config', 'http.receivepack', 'true'], { cwd: bare });
  const work = path.join(dir, 'work');
  const git = (...args: string[]) => runGit(args, { cwd: work, env: IDENTITY });
  return {
    dir,
    bare,
    head: async () =>
      (await runGit(['rev-parse', 'main'], { cwd: bare })).trim(),
    show: file => runGit(['show', `main:${file}`], { cwd: bare }),
    async commit(message, edits) {
      await fs
        .stat(work)
        .catch(() => runGit(['clone', '--quiet', bare, work], { cwd: dir }));
      await git('pull', '--quiet', '--ff-only', 'origin', 'main');
      for (const { file, key, value } of edits) {
        const filePath = path.join(work, file);
        const text = await fs.readFile(filePath, 'utf8');
        await fs.writeFile(filePath, setYamlValue(text, key, value));
      }
      await git('commit', '--quiet', '--all', '-m', message);
      await git('push', '--quiet', 'origin', 'main');
      return (await git('rev-parse', 'HEAD')).trim();
    },
    async recordHistory(edits) {
      await fs
        .stat(work)
        .catch(() => runGit(['clone', '--quiet', bare, work], { cwd: dir }));
      await git('pull', '--quiet', '--ff-only', 'origin', 'main');
      for (const { file, key, values } of edits) {
        const filePath = path.join(work, file);
        const original = await fs.readFile(filePath, 'utf8');
        for (const value of values) {
          await fs.writeFile(filePath, setYamlValue(original, key, value));
          await git('commit', '--quiet', '--all', '-m', `Set ${key} ${value}`);
        }
        await fs.writeFile(filePath, original);
        await git('commit', '--quiet', '--all', '-m', `Restore ${file}`);
      }
      await git('push', '--quiet', 'origin', 'main');
    },
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
