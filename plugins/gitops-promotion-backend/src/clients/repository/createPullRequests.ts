import { ScmIntegrationRegistry } from '@backstage/integration';
import { pullRequestHostOf } from '../../config/pullRequestHosts';
import { createAzureDevOpsPullRequests } from '../azure/AzureDevOpsPullRequests';
import { createBitbucketCloudPullRequests } from '../bitbucketCloud/BitbucketCloudPullRequests';
import { createBitbucketServerPullRequests } from '../bitbucketServer/BitbucketServerPullRequests';
import { createGiteaPullRequests } from '../gitea/GiteaPullRequests';
import { createGitlabMergeRequests } from '../gitlab/GitlabMergeRequests';
import { PullRequestProvider } from './types';

/**
 * The pull requests (merge requests) of a git provider's repository, through
 * the adapter of its host's kind in `integrations`; undefined where the host
 * has none (a local path, SSH, an unknown host). Throws at startup when the
 * integration lacks credentials.
 */
export function createPullRequests(
  integrations: ScmIntegrationRegistry,
  repositoryUrl: string,
): PullRequestProvider | undefined {
  const options = { integrations, repositoryUrl };
  switch (pullRequestHostOf(integrations, repositoryUrl)) {
    case 'gitlab':
      return createGitlabMergeRequests(options);
    case 'bitbucketCloud':
      return createBitbucketCloudPullRequests(options);
    case 'bitbucketServer':
      return createBitbucketServerPullRequests(options);
    case 'azure':
      return createAzureDevOpsPullRequests(options);
    case 'gitea':
      return createGiteaPullRequests(options);
    default:
      return undefined;
  }
}
