import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runGit } from '../clients/git/runGit';
import {
  createBareRepository,
  GIT_TEST_IDENTITY as IDENTITY,
} from './bareRepository';

/**
 * A bare GitOps repository in a temporary directory, for tests that run the
 * plugin against real git: point a repository's `url` at `url`.
 *
 * @public
 */
export interface TestGitopsRepository {
  /** The temporary directory holding the repository and its work tree. */
  dir: string;
  /** The bare repository's path: a repository `url` for the `git` provider. */
  url: string;
  /** The commit the branch points at. */
  head(): Promise<string>;
  /** A file's text at the branch's head. */
  show(file: string): Promise<string>;
  /** Writes files (path to text) in one commit pushed to the branch; resolves with its SHA. */
  commit(message: string, files: Record<string, string>): Promise<string>;
  /** Removes the directory. */
  cleanup(): Promise<void>;
}

/**
 * Creates a bare git repository whose first commit on `branch` (default
 * `main`) holds `files` (path to text). Needs the git CLI.
 *
 * @public
 */
export async function createTestGitopsRepository(options: {
  files: Record<string, string>;
  branch?: string;
}): Promise<TestGitopsRepository> {
  const branch = options.branch ?? 'main';
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-test-repo-'));
  const url = await createBareRepository(dir, 'gitops-repo', {
    [branch]: options.files,
  });
  await runGit(['config', 'http.receivepack', 'true'], { cwd: url });
  const work = path.join(dir, 'work');
  const git = (...args: string[]) => runGit(args, { cwd: work, env: IDENTITY });
  return {
    dir,
    url,
    head: async () =>
      (await runGit(['rev-parse', branch], { cwd: url })).trim(),
    show: file => runGit(['show', `${branch}:${file}`], { cwd: url }),
    async commit(message, files) {
      await fs
        .stat(work)
        .catch(() => runGit(['clone', '--quiet', url, work], { cwd: dir }));
      // The plugin pushes to the same repository: start from its head.
      await git('fetch', '--quiet', 'origin', branch);
      await git('checkout', '--quiet', '-B', branch, `origin/${branch}`);
      for (const [file, text] of Object.entries(files)) {
        const target = path.join(work, file);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, text);
      }
      await git('add', '--all');
      await git('commit', '--quiet', '-m', message);
      await git('push', '--quiet', 'origin', `HEAD:${branch}`);
      return (await git('rev-parse', 'HEAD')).trim();
    },
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
