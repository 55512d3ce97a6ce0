import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runGit } from '../clients/git/runGit';

/** Author and committer of the commits tests make. */
export const GIT_TEST_IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/**
 * A bare git repository `<dir>/<name>.git` whose branches hold the given
 * files byte for byte (no line-ending conversion), one commit each; the
 * first branch is created first and the others start from it.
 */
export async function createBareRepository(
  dir: string,
  name: string,
  branches: Record<string, Record<string, string>>,
): Promise<string> {
  const work = path.join(dir, `${name}-work`);
  const git = (...args: string[]) =>
    runGit(args, { cwd: work, env: GIT_TEST_IDENTITY });
  await fs.mkdir(work, { recursive: true });
  const [first, ...others] = Object.keys(branches);
  await git('init', '--quiet', `--initial-branch=${first}`);
  await git('config', 'core.autocrlf', 'false');
  for (const branch of [first, ...others]) {
    if (branch !== first) await git('checkout', '--quiet', '-b', branch);
    for (const [file, text] of Object.entries(branches[branch])) {
      await fs.mkdir(path.dirname(path.join(work, file)), { recursive: true });
      await fs.writeFile(path.join(work, file), text);
    }
    await git('add', '--all');
    await git('commit', '--quiet', '-m', `${branch}: import`);
  }
  const bare = path.join(dir, `${name}.git`);
  await runGit(['clone', '--quiet', '--bare', work, bare], { cwd: dir });
  return bare;
}

/** A catalog component for a service, optionally with a layout annotation. */
export function serviceComponent(service: string, layout?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: service,
      namespace: 'default',
      annotations: {
        'gitops-promotion/service': service,
        ...(layout && { 'gitops-promotion/layout': layout }),
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  };
}
