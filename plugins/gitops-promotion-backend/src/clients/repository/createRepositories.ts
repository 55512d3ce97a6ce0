import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import os from 'node:os';
import path from 'node:path';
import { GitopsPromotionConfig } from '../../config/types';
import { GitCliProvider } from '../git/GitCliProvider';
import { GitopsRepository } from './GitopsRepository';
import { createGithubProvider } from '../github';
import { RepositoryProvider } from './types';

const GITHUB_CONCURRENT_READS = 8;

/**
 * One GitopsRepository per configured repository, each with the provider its
 * configuration names. Built once at startup, so a GitHub repository without
 * a matching `integrations.github` entry fails the start with a clear message.
 */
export function createRepositories(options: {
  config: GitopsPromotionConfig;
  rootConfig: Config;
  logger: LoggerService;
}): (id: string) => GitopsRepository {
  const { config, rootConfig, logger } = options;
  const workingDirectory = path.resolve(
    config.workingDirectory ??
      path.join(os.tmpdir(), 'backstage-gitops-promotion'),
  );
  const repositories = new Map(
    config.repositories.map(repository => {
      const provider: RepositoryProvider =
        repository.provider === 'github'
          ? createGithubProvider({
              config: rootConfig,
              repositoryUrl: repository.url,
              committer: config.committer,
              logger,
            })
          : new GitCliProvider({
              url: resolveGitUrl(repository.url),
              cacheDir: path.join(workingDirectory, `${repository.id}.git`),
              committer: config.committer,
            });
      // GitHub asks integrators not to fire many concurrent requests; git batches reads itself.
      const maxConcurrentBlobReads =
        repository.provider === 'github' ? GITHUB_CONCURRENT_READS : Infinity;
      return [
        repository.id,
        new GitopsRepository(repository.id, provider, {
          maxConcurrentBlobReads,
          branchHeadTtlMs: repository.branchHeadTtlMs,
        }),
      ];
    }),
  );
  return id => {
    const repository = repositories.get(id);
    if (!repository) {
      throw new Error(`No GitOps repository '${id}' is configured`);
    }
    return repository;
  };
}

/** Local paths resolve against the working directory; remote URLs stay as they are. */
function resolveGitUrl(url: string): string {
  const isRemote =
    /^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+@[^/:]+:/.test(url);
  return isRemote ? url : path.resolve(url);
}
