import { ScmIntegrationRegistry } from '@backstage/integration';

/** The `integrations` kinds on whose hosts the git provider opens pull requests. */
export const PULL_REQUEST_HOSTS = [
  'gitlab',
  'bitbucketCloud',
  'bitbucketServer',
  'azure',
  'gitea',
] as const;

export type PullRequestHost = (typeof PULL_REQUEST_HOSTS)[number];

/**
 * For a repository of the `git` provider: the kind of the `integrations`
 * entry for the host of `url` when GitOps Promotion opens pull requests
 * there; undefined for a local path, SSH, or a host no such integration
 * names. (GitHub repositories use the `github` provider for pull requests.)
 * A per-service url (`{service}`) is looked up as is.
 */
export function pullRequestHostOf(
  integrations: ScmIntegrationRegistry,
  url: string,
): PullRequestHost | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  const type = integrations.byUrl(url.replace(/\{service\}/g, 'service'))?.type;
  return PULL_REQUEST_HOSTS.find(host => host === type);
}
