import { formatCommitMessage } from '../../clients/repository/commitMessage';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { FileChange } from '../../clients/repository/types';
import { RepositoryConfig } from '../../config/types';
import { Requester } from '../promotions/requesterIdentity';

/** One branch of one configured repository: where a write lands. */
export interface WriteTarget {
  repository: RepositoryConfig;
  branch: string;
}

/** A change set ready to be written, with what a reviewer reads of it. */
export interface GitopsChange {
  target: WriteTarget;
  mode: 'commit' | 'pull-request';
  /** The commit the changes were computed on (and a person reviewed). */
  baseCommit: string;
  changes: FileChange[];
  subject: string;
  /** One line per change, for the commit message's body. */
  summary: string[];
  /** The unified diff of every file, for the pull request's description. */
  diff: string;
  requester: Requester;
  /** The ledger records the change fulfils, one `Promotion-Id` trailer each. */
  promotionIds?: string[];
  /** Who approved the change in the portal: one `Approved-by` trailer each. */
  approvedBy?: string[];
  /** The pull request's branch; an open pull request from it is reused. */
  pullRequestBranch: string;
}

export type GitopsWriteResult =
  | { mode: 'commit'; commitSha: string; commitUrl?: string }
  | {
      mode: 'pull-request';
      pullRequest: { number: number; url: string };
      /** An open pull request from the same branch was found and returned. */
      reused: boolean;
    };

/**
 * The one way GitOps Promotion writes to a GitOps repository: a change set
 * becomes one commit on the branch, or one pull request into it, with one
 * commit message format (subject, summary, trailers naming the requester and
 * the promotions). Promotions, release trains, CI and onboarding all write
 * here.
 */
export class GitopsWriter {
  constructor(
    private readonly repositories: (id: string) => GitopsRepository,
  ) {}

  async write(change: GitopsChange): Promise<GitopsWriteResult> {
    const { target, requester } = change;
    const repository = this.repositories(target.repository.id);
    const message = formatCommitMessage({
      subject: change.subject,
      body: change.summary,
      requester,
      promotionIds: change.promotionIds,
      approvedBy: change.approvedBy,
    });
    const commit = {
      branch: target.branch,
      baseCommit: change.baseCommit,
      changes: change.changes,
      message,
      author: requester,
    };
    if (change.mode === 'pull-request') {
      const { pullRequest, reused } = await repository.proposeChanges({
        ...commit,
        pullRequestBranch: change.pullRequestBranch,
        title: change.subject,
        body: `${message}\n\n\`\`\`diff\n${change.diff}\`\`\`\n`,
      });
      return {
        mode: 'pull-request',
        pullRequest: { number: pullRequest.number, url: pullRequest.url },
        reused,
      };
    }
    const { commitSha } = await repository.commitChanges(commit);
    return {
      mode: 'commit',
      commitSha,
      commitUrl: commitUrl(target.repository, commitSha),
    };
  }
}

/**
 * The first item written to another branch than the first item's: a change
 * set is one commit, so it must land on one branch of one repository.
 */
export function otherBranch<T>(
  items: T[],
  targetOf: (item: T) => WriteTarget,
): { first: T; other: T } | undefined {
  const [first] = items;
  if (!first) return undefined;
  const at = targetOf(first);
  const other = items.find(item => {
    const target = targetOf(item);
    return (
      target.repository.id !== at.repository.id || target.branch !== at.branch
    );
  });
  return other === undefined ? undefined : { first, other };
}

/** A link to the commit on the repository's host, where one is known. */
function commitUrl(
  repository: RepositoryConfig,
  sha: string,
): string | undefined {
  if (repository.provider !== 'github') return undefined;
  return `${repository.url
    .replace(/\.git$/, '')
    .replace(/\/$/, '')}/commit/${sha}`;
}
