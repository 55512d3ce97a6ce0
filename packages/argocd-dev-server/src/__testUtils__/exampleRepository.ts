import { setYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runGitCommand } from '../git/runGitCommand';
import { DevServerLayout } from '../options';

const root = path.resolve(__dirname, '../../../..');

/** The layouts and environments of the repository's app-config.yaml. */
export async function readExampleConfig(): Promise<{
  layouts: DevServerLayout[];
  environments: string[];
}> {
  const config = parseYaml(
    await fs.readFile(path.join(root, 'app-config.yaml'), 'utf8'),
  ).gitopsPromotion;
  return {
    layouts: config.layouts,
    environments: config.environments.map((e: { name: string }) => e.name),
  };
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const identity = [
    '-c',
    'user.name=Test',
    '-c',
    'user.email=test@example.com',
  ];
  return (await runGitCommand(cwd, [...identity, ...args])).toString('utf8');
}

/** A bare repository with examples/gitops-repo committed on `main`, in a temp dir. */
export interface ExampleRepository {
  /** The bare repository. */
  path: string;
  /** Sets YAML values in one commit pushed to `main`; resolves with its SHA. */
  commit(
    message: string,
    edits: Array<{ file: string; key: string; value: string }>,
  ): Promise<string>;
  /** Adds (or replaces) whole files in one commit pushed to `main`; resolves with its SHA. */
  add(message: string, files: Record<string, string>): Promise<string>;
  remove(): Promise<void>;
}

/** Creates an {@link ExampleRepository}. */
export async function createExampleRepository(): Promise<ExampleRepository> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'argocd-dev-server-'));
  const work = path.join(dir, 'work');
  const bare = path.join(dir, 'gitops.git');
  await fs.mkdir(work);
  await git(work, 'init', '--quiet', '--initial-branch=main');
  await fs.cp(path.join(root, 'examples/gitops-repo'), work, {
    recursive: true,
  });
  await git(work, 'add', '--all');
  await git(work, 'commit', '--quiet', '-m', 'Import');
  await git(dir, 'clone', '--quiet', '--bare', work, bare);
  await git(work, 'remote', 'add', 'origin', bare);
  return {
    path: bare,
    async commit(message, edits) {
      await git(work, 'pull', '--quiet', '--ff-only', 'origin', 'main');
      for (const { file, key, value } of edits) {
        const filePath = path.join(work, file);
        await fs.writeFile(
          filePath,
          setYamlValue(await fs.readFile(filePath, 'utf8'), key, value),
        );
      }
      await git(work, 'commit', '--quiet', '--all', '-m', message);
      await git(work, 'push', '--quiet', 'origin', 'main');
      return (await git(work, 'rev-parse', 'HEAD')).trim();
    },
    async add(message, files) {
      await git(work, 'pull', '--quiet', '--ff-only', 'origin', 'main');
      for (const [file, content] of Object.entries(files)) {
        await fs.mkdir(path.dirname(path.join(work, file)), {
          recursive: true,
        });
        await fs.writeFile(path.join(work, file), content);
      }
      await git(work, 'add', '--all');
      await git(work, 'commit', '--quiet', '-m', message);
      await git(work, 'push', '--quiet', 'origin', 'main');
      return (await git(work, 'rev-parse', 'HEAD')).trim();
    },
    remove: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
