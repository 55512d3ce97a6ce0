import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { createOctokit, GithubRequestPolicy } from './createOctokit';
import { GithubProvider } from './GithubProvider';
import { parseGithubRepositoryUrl } from './parseGithubRepositoryUrl';
import { GitIdentity } from '../repository/types';

/** What {@link createGithubProvider} needs. */
export interface CreateGithubProviderOptions {
  /** The root config; `integrations.github` supplies the API base URL and credentials. */
  config: Config;
  /** `https://<host>/<owner>/<repo>`, the repository's `url` in `gitopsPromotion.repositories`. */
  repositoryUrl: string;
  /** Recorded as committer; when absent GitHub records the author as committer. */
  committer?: GitIdentity;
  logger: LoggerService;
  /** Retry and throttling tuning; the defaults suit production. */
  requestPolicy?: GithubRequestPolicy;
  /** Replaces the credentials provider built from `integrations.github`. */
  credentialsProvider?: GithubCredentialsProvider;
}

/**
 * Builds the provider for one GitHub repository from Backstage's
 * `integrations.github` configuration (token or GitHub App, API base URL for
 * GitHub Enterprise), the way the scaffolder's GitHub actions do. Fails at
 * startup when no integration covers the repository's host.
 */
export function createGithubProvider(
  options: CreateGithubProviderOptions,
): GithubProvider {
  const { config, repositoryUrl, logger } = options;
  const { host, owner, repo } = parseGithubRepositoryUrl(repositoryUrl);
  const integrations = ScmIntegrations.fromConfig(config);
  const integration = integrations.github.byHost(host);
  if (!integration) {
    throw new Error(
      `No integrations.github entry for host '${host}', needed by the GitOps repository ${repositoryUrl}; add one with a token or a GitHub App`,
    );
  }
  const { apiBaseUrl, token, apps } = integration.config;
  if (!apiBaseUrl) {
    throw new Error(
      `integrations.github entry for host '${host}' has no apiBaseUrl, needed by the GitOps repository ${repositoryUrl}`,
    );
  }
  if (!token && !apps?.length) {
    logger.warn(
      `integrations.github for '${host}' has neither a token nor a GitHub App; requests to ${owner}/${repo} are anonymous and writes will be refused`,
    );
  }
  const octokit = createOctokit({
    baseUrl: apiBaseUrl,
    repositoryUrl,
    credentialsProvider:
      options.credentialsProvider ??
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    logger,
    policy: options.requestPolicy,
  });
  return new GithubProvider({
    octokit,
    owner,
    repo,
    committer: options.committer,
  });
}
