/** A file's new content in a change set. */
export interface FileChange {
  path: string;
  content: string;
}

/** A person or bot in a commit. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** A commit touching one file, newest first in a history. */
export interface FileHistoryEntry {
  commitSha: string;
  author: GitIdentity;
  /** ISO 8601 author date */
  date: string;
  message: string;
  /** The file's blob after this commit; undefined when the commit deleted it. */
  blobSha?: string;
  /** The file's blob before this commit; undefined when the commit created it. */
  previousBlobSha?: string;
  /**
   * The commit's `Promotion-Id:` trailers (this plugin's commits carry one
   * per promotion), where the provider read them with the history.
   */
  promotionIds?: string[];
  /**
   * The text of `blobSha` when the provider read it with the history (GitHub
   * does, in the same query); absent otherwise, then it is read by SHA.
   */
  blobText?: string;
  /** The text of `previousBlobSha`, likewise. */
  previousBlobText?: string;
}

/** A commit to create on top of `parentSha`, moving `branch` to it. */
export interface TryCommitRequest {
  branch: string;
  parentSha: string;
  changes: FileChange[];
  message: string;
  /** The Backstage user who asked. */
  author: GitIdentity;
  /** Create `branch` at the new commit instead of moving it (pull-request mode). */
  createBranch?: boolean;
}

/** The outcome of one attempt to move a branch to a new commit. */
export type CommitAttempt =
  | { status: 'committed'; commitSha: string }
  /** Someone else moved the branch between reading its head and the update. */
  | { status: 'raced' };

/**
 * The narrow interface a GitOps repository provider (git CLI, GitHub) offers
 * the engine. Providers translate their failures into @backstage/errors.
 */
export interface RepositoryProvider {
  /** Present when the provider can open pull requests. */
  readonly pullRequests?: PullRequestProvider;
  /** Whether `descendant` contains `ancestor` in its history (optional). */
  isAncestor?(ancestor: string, descendant: string): Promise<boolean>;
  /** The commit the branch points at now. */
  getBranchHead(branch: string): Promise<string>;
  /** Every file of the commit's tree: path → blob SHA. */
  listFiles(commitSha: string): Promise<Map<string, string>>;
  /**
   * Optional: the files that differ between two commits, path → blob SHA in
   * `to`, or undefined where `to` has no such file. With it, the tree of a
   * branch's next commit costs what changed, not the whole listing.
   */
  changedFiles?(
    from: string,
    to: string,
  ): Promise<Map<string, string | undefined>>;
  /** A blob's text (UTF-8). */
  readBlob(blobSha: string): Promise<string>;
  /**
   * Optional bulk read: the text (UTF-8) of every file of the commit, keyed by
   * blob SHA, with ONE request for the whole tree (GitHub: the commit's
   * tarball) instead of one {@link RepositoryProvider.readBlob} per file. For
   * cold reads of many files, where a request per blob would exhaust a rate
   * limit. Keys are computed from the content received, so a file whose
   * archived content differs from its blob (or that the archive leaves out:
   * symlinks, submodules) is simply not found under its tree's SHA; callers
   * look up the SHAs they expect and read the others with `readBlob`.
   * Providers whose reads are already cheap (git CLI) do not offer it.
   */
  readAllBlobs?(commitSha: string): Promise<Map<string, string>>;
  /** The commits of `ref` that touched `path`, newest first. */
  fileHistory(
    ref: string,
    path: string,
    limit: number,
  ): Promise<FileHistoryEntry[]>;
  /**
   * {@link RepositoryProvider.fileHistory} of many paths at once, when the
   * provider can read them together (the git CLI in one `git log`, GitHub in
   * a few GraphQL queries).
   */
  fileHistories?(
    ref: string,
    paths: string[],
    limit: number,
  ): Promise<Map<string, FileHistoryEntry[]>>;
  /**
   * Creates a commit with `changes` on top of `parentSha` and moves `branch` to
   * it, only if the branch still points at `parentSha` (never forced).
   * With `createBranch`, the branch is created at the new commit instead.
   */
  tryCommit(request: TryCommitRequest): Promise<CommitAttempt>;
  /**
   * The newest commit in the history of `branch`, committed at or after
   * `since`, whose message has `trailer` as one of its lines (exactly, e.g.
   * `Promotion-Id: <uuid>`), or undefined when there is none. Reads the
   * branch as it is on the remote now.
   */
  findCommitWithTrailer?(
    branch: string,
    trailer: string,
    since: Date,
  ): Promise<CommitWithTrailer | undefined>;
}

/** What {@link RepositoryProvider.findCommitWithTrailer} finds. */
export interface CommitWithTrailer {
  commitSha: string;
  /** ISO 8601 committer date: when the commit was made on top of the branch. */
  date: string;
}

/** A pull request carrying a promotion. */
export interface PullRequestRef {
  number: number;
  url: string;
  /** The head branch, named after the promotion. */
  branch: string;
  state: 'open' | 'closed' | 'merged';
  /** The merge commit on the base branch once merged. */
  mergeCommitSha?: string;
}

/** Pull requests, for providers that have them (GitHub). */
export interface PullRequestProvider {
  /** The open pull request whose head is `branch`, if any. */
  findOpenPullRequest(branch: string): Promise<PullRequestRef | undefined>;
  openPullRequest(request: {
    branch: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequestRef>;
  getPullRequest(number: number): Promise<PullRequestRef>;
  /**
   * Posts a review comment on the pull request (approvals made in the
   * portal); hosts without reviews here leave it out.
   */
  postReview?(number: number, body: string): Promise<void>;
}
