import { JsonObject } from '@backstage/types';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { GiteaFake } from '../clients/gitea/__testUtils__/giteaFake';
import { DemoRepository } from './demoRepository';
import { GitHttpServer, startGitHttpBackend } from './gitHttpBackend';

/**
 * The demo repository as a Gitea repository: served over smart HTTP for the
 * git CLI, with a fake of Gitea's REST API that knows the branches the git
 * remote has. `integrations` and `repositoryUrl` point the plugin at both.
 */
export async function startGiteaPullRequestHost(
  demo: DemoRepository,
  credentials: { username: string; password: string },
) {
  const git: GitHttpServer = await startGitHttpBackend(path.dirname(demo.dir));
  const gitea = await GiteaFake.start({
    owner: path.basename(demo.dir),
    repo: 'gitops-repo',
    ...credentials,
  });
  gitea.branches.has = (branch: string) => {
    try {
      execFileSync(
        'git',
        ['rev-parse', '--verify', '-q', `refs/heads/${branch}`],
        { cwd: demo.bare },
      );
      return true;
    } catch {
      return false;
    }
  };
  const integrations: JsonObject = {
    gitea: [
      { host: new URL(git.url).host, baseUrl: gitea.url, ...credentials },
    ],
  };
  return {
    gitea,
    integrations,
    repositoryUrl: `${git.url}/${path.basename(demo.dir)}/gitops-repo.git`,
    async close() {
      await gitea.close();
      await git.close();
    },
  };
}
