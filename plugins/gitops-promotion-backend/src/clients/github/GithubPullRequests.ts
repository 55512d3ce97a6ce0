import { GithubClient } from './createOctokit';
import { githubFailure, mapGithubError } from './mapGithubError';
import { PullRequestProvider, PullRequestRef } from '../repository/types';
import {
  OpenPullRequestRequest,
  openPullRequestOnce,
  withMappedErrors,
} from '../pullRequests/openPullRequestOnce';

/** The fields of GitHub's pull request (full or simple) a PullRequestRef is made of. */
interface GithubPullRequest {
  number: number;
  html_url: string;
  state: string;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: { ref: string };
}

/** Where the pull requests are. */
export interface GithubPullRequestsOptions {
  octokit: GithubClient;
  owner: string;
  repo: string;
}

/**
 * Pull requests of one GitHub repository. Opening one is idempotent per head
 * branch: when a pull request for the branch is already open (opened by a
 * concurrent request, say), that one is returned.
 */
export class GithubPullRequests implements PullRequestProvider {
  constructor(private readonly options: GithubPullRequestsOptions) {}

  async findOpenPullRequest(
    branch: string,
  ): Promise<PullRequestRef | undefined> {
    const { octokit, owner, repo } = this.options;
    return withMappedErrors(
      async () => {
        const { data } = await octokit.rest.pulls.list({
          owner,
          repo,
          state: 'open',
          head: `${owner}:${branch}`,
          per_page: 10,
        });
        const found = data.find(pr => pr.head.ref === branch);
        return found && toPullRequestRef(found);
      },
      error => this.map(error, `list the open pull requests of '${branch}'`),
    );
  }

  async openPullRequest(
    request: OpenPullRequestRequest,
  ): Promise<PullRequestRef> {
    const { octokit, owner, repo } = this.options;
    return openPullRequestOnce({
      findFirst: false,
      find: () => this.findOpenPullRequest(request.branch),
      create: async () => {
        const { data } = await octokit.rest.pulls.create({
          owner,
          repo,
          head: request.branch,
          base: request.base,
          title: request.title,
          body: request.body,
        });
        return toPullRequestRef(data);
      },
      isAlreadyExists: error => {
        const failure = githubFailure(error);
        return (
          failure?.status === 422 && /already exists/i.test(failure.message)
        );
      },
      mapError: error =>
        this.map(
          error,
          `open a pull request from '${request.branch}' to '${request.base}'`,
        ),
    });
  }

  async getPullRequest(number: number): Promise<PullRequestRef> {
    const { octokit, owner, repo } = this.options;
    try {
      const { data } = await octokit.rest.pulls.get({
        owner,
        repo,
        pull_number: number,
      });
      return toPullRequestRef(data);
    } catch (error) {
      throw this.map(
        error,
        `read pull request #${number}`,
        `Pull request #${number} does not exist in ${owner}/${repo}`,
      );
    }
  }

  /**
   * A `COMMENT` review: the plugin's token authored the pull request, and
   * GitHub does not let an author approve their own pull request.
   */
  async postReview(number: number, body: string): Promise<void> {
    const { octokit, owner, repo } = this.options;
    try {
      await octokit.rest.pulls.createReview({
        owner,
        repo,
        pull_number: number,
        event: 'COMMENT',
        body,
      });
    } catch (error) {
      throw this.map(error, `review pull request #${number}`);
    }
  }

  private map(error: unknown, action: string, notFound?: string) {
    const { owner, repo } = this.options;
    return mapGithubError(error, {
      repository: `${owner}/${repo}`,
      action,
      notFound,
    });
  }
}

function toPullRequestRef(pr: GithubPullRequest): PullRequestRef {
  const ref = {
    number: pr.number,
    url: pr.html_url,
    branch: pr.head.ref,
  };
  if (pr.merged_at) {
    // merge_commit_sha names a test merge until the pull request is merged
    return {
      ...ref,
      state: 'merged',
      mergeCommitSha: pr.merge_commit_sha ?? undefined,
    };
  }
  return { ...ref, state: pr.state === 'open' ? 'open' : 'closed' };
}
