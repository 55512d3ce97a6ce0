import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import os from 'node:os';
import path from 'node:path';
import { GitopsPromotionConfig, RepositoryConfig } from '../../config/types';
import { assertServiceName, repositoryOf } from '../../config/serviceNames';
import { ScmIntegrations } from '@backstage/integration';
import { GitCliProvider } from '../git/GitCliProvider';
import { gitHttpCredentials } from '../git/gitHttpCredentials';
import { createPullRequests } from './createPullRequests';
import { BlobCache } from './BlobCache';
import { GitopsRepository } from './GitopsRepository';
import { createGithubProvider } from '../github';
import { RepositoryProvider } from './types';

const GITHUB_CONCURRENT_READS = 8;

/**
 * One GitopsRepository per configured repository, each with the provider its
 * configuration names; for a repository per service (`url` with
 * `{service}`), one per service, made on first use under the id
 * `<id>/<service>` (see repositoryOf). Shared repositories are built at
 * startup, so a GitHub repository without a matching `integrations.github`
 * entry fails the start with a clear message; a per-service GitHub template
 * is checked then too.
 */
export function createRepositories(options: {
  config: GitopsPromotionConfig;
  rootConfig: Config;
  logger: LoggerService;
}): (id: string) => GitopsRepository {
  const { config, rootConfig, logger } = options;
  const integrations = ScmIntegrations.fromConfig(rootConfig);
  const workingDirectory = path.resolve(
    config.workingDirectory ??
      path.join(os.tmpdir(), 'backstage-gitops-promotion'),
  );
  // Pull requests only where an environment asks for them: a host's adapter
  // needs more than git does (an API URL, an owner/repository path).
  const inPullRequestMode = new Set(
    config.environments
      .filter(e => e.policy.mode === 'pull-request')
      .map(e => e.repository),
  );
  // One bound on blob memory however many repositories there are.
  const blobs = new BlobCache();
  const create = (repository: RepositoryConfig, configuredId: string) => {
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
            credentials: gitHttpCredentials(integrations, repository.url),
            pullRequests: inPullRequestMode.has(configuredId)
              ? createPullRequests(integrations, repository.url)
              : undefined,
          });
    // GitHub asks integrators not to fire many concurrent requests; git batches reads itself.
    const maxConcurrentBlobReads =
      repository.provider === 'github' ? GITHUB_CONCURRENT_READS : Infinity;
    return new GitopsRepository(repository.id, provider, {
      maxConcurrentBlobReads,
      branchHeadTtlMs: repository.branchHeadTtlMs,
      blobs,
    });
  };
  const repositories = new Map<string, GitopsRepository>();
  for (const repository of config.repositories) {
    if (repository.perService) {
      // Fails now, not at the first request, when the host has no integration.
      create(repositoryOf(repository, 'service'), repository.id);
    } else {
      repositories.set(repository.id, create(repository, repository.id));
    }
  }
  return id => {
    let repository = repositories.get(id);
    if (!repository) {
      const [templateId, service, ...rest] = id.split('/');
      const template = config.repositories.find(
        r => r.id === templateId && r.perService,
      );
      if (!template || service === undefined || rest.length) {
        throw new Error(`No GitOps repository '${id}' is configured`);
      }
      repository = create(
        repositoryOf(template, assertServiceName(service)),
        template.id,
      );
      repositories.set(id, repository);
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
