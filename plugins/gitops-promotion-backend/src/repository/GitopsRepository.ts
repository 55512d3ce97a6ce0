import { ConflictError, InputError } from '@backstage/errors';
import { BlobCache } from './BlobCache';
import { ConcurrencyLimit, concurrencyLimit } from './concurrencyLimit';
import {
  FileChange,
  GitIdentity,
  PullRequestRef,
  RepositoryProvider,
} from './types';

/** A branch's files at one commit. */
export interface Snapshot {
  branch: string;
  commitSha: string;
  /** path → blob SHA */
  files: Map<string, string>;
}

export interface CommitChangesRequest {
  branch: string;
  /** The commit the change set was computed on (the preview's base). */
  baseCommit: string;
  changes: FileChange[];
  message: string;
  author: GitIdentity;
}

export interface CommitChangesResult {
  commitSha: string;
  /** The commit it was finally based on; differs from baseCommit after a rebase. */
  parentSha: string;
  /** How many times the branch had moved on and the change was rebased. */
  rebases: number;
}

const MAX_ATTEMPTS = 10;
const TREE_CACHE_SIZE = 32;
/** Jittered backoff between attempts, so racing writers spread out. */
const backoff = (attempt: number) =>
  new Promise(resolve =>
    setTimeout(resolve, Math.random() * 50 * 2 ** Math.min(attempt, 5)),
  );

/**
 * One configured GitOps repository: snapshots of branches, file reads through
 * a blob cache, and atomic commits that are rebased over unrelated changes and
 * refused when a changed file moved.
 */
export class GitopsRepository {
  private readonly writeQueues = new Map<string, Promise<void>>();
  private readonly trees = new Map<string, Promise<Map<string, string>>>();

  private readonly blobs = new BlobCache();
  private readonly blobReadSlots: ConcurrencyLimit;

  constructor(
    readonly id: string,
    private readonly provider: RepositoryProvider,
    options: { maxConcurrentBlobReads?: number } = {},
  ) {
    this.blobReadSlots = concurrencyLimit(
      options.maxConcurrentBlobReads ?? Infinity,
    );
  }

  /** One request for the head, one tree listing (cached per commit). */
  async snapshot(branch: string): Promise<Snapshot> {
    const commitSha = await this.provider.getBranchHead(branch);
    return this.snapshotAt(branch, commitSha);
  }

  /** The tree listing is cached per commit: a commit's tree never changes. */
  async snapshotAt(branch: string, commitSha: string): Promise<Snapshot> {
    let files = this.trees.get(commitSha);
    if (!files) {
      files = this.provider.listFiles(commitSha);
      this.trees.set(commitSha, files);
      files.catch(() => this.trees.delete(commitSha));
      if (this.trees.size > TREE_CACHE_SIZE) {
        this.trees.delete(this.trees.keys().next().value!);
      }
    }
    return { branch, commitSha, files: await files };
  }

  /** The file's text in the snapshot, or undefined when the file does not exist. */
  async readFile(
    snapshot: Snapshot,
    path: string,
  ): Promise<string | undefined> {
    const sha = snapshot.files.get(path);
    return sha === undefined ? undefined : this.readBlob(sha);
  }

  readBlob(sha: string): Promise<string> {
    return this.blobs.get(sha, s =>
      this.blobReadSlots(() => this.provider.readBlob(s)),
    );
  }

  fileHistory(ref: string, path: string, limit: number) {
    return this.provider.fileHistory(ref, path, limit);
  }

  get cacheStats() {
    return { blobHits: this.blobs.hits, blobMisses: this.blobs.misses };
  }

  /**
   * Commits the change set as one commit on the branch. When the branch moved
   * since `baseCommit` but none of the changed files did, the same change is
   * applied on the new head (bounded retries). When a changed file moved, a
   * ConflictError names the file and the commit that changed it.
   */
  commitChanges(request: CommitChangesRequest): Promise<CommitChangesResult> {
    // Writers in this process take turns per branch; other processes (replicas)
    // are handled by the non-forced update and the retry below.
    const previous = this.writeQueues.get(request.branch) ?? Promise.resolve();
    const next = previous.then(() => this.commitWithRetry(request));
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.writeQueues.set(request.branch, settled);
    settled.then(() => {
      if (this.writeQueues.get(request.branch) === settled) {
        this.writeQueues.delete(request.branch);
      }
    });
    return next;
  }

  private async commitWithRetry(
    request: CommitChangesRequest,
  ): Promise<CommitChangesResult> {
    const base = await this.snapshotAt(request.branch, request.baseCommit);
    let parentSha = request.baseCommit;
    let rebases = 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = await this.provider.getBranchHead(request.branch);
      if (head !== parentSha) {
        await this.assertChangedFilesUnmoved(request, base, head);
        parentSha = head;
        rebases++;
      }
      const result = await this.provider.tryCommit({
        branch: request.branch,
        parentSha,
        changes: request.changes,
        message: request.message,
        author: request.author,
      });
      if (result.status === 'committed') {
        return { commitSha: result.commitSha, parentSha, rebases };
      }
      await backoff(attempt);
    }
    throw new ConflictError(
      `Branch '${request.branch}' kept moving during ${MAX_ATTEMPTS} attempts to commit; try again`,
    );
  }

  /**
   * Pull-request mode: commits the change set on a branch named after the
   * promotion and opens a pull request into `request.branch`. Asking again for
   * the same promotion (same branch name) returns the open pull request.
   */
  async proposeChanges(
    request: CommitChangesRequest & {
      pullRequestBranch: string;
      title: string;
      body: string;
    },
  ): Promise<{ pullRequest: PullRequestRef; reused: boolean }> {
    const pullRequests = this.provider.pullRequests;
    if (!pullRequests) {
      throw new InputError(
        `Repository '${this.id}' cannot open pull requests: its provider has none (use provider github, or direct commits)`,
      );
    }
    const existing = await pullRequests.findOpenPullRequest(
      request.pullRequestBranch,
    );
    if (existing) {
      return { pullRequest: existing, reused: true };
    }
    const attempt = await this.provider.tryCommit({
      branch: request.pullRequestBranch,
      parentSha: request.baseCommit,
      changes: request.changes,
      message: request.message,
      author: request.author,
      createBranch: true,
    });
    if (attempt.status === 'raced') {
      const opened = await pullRequests.findOpenPullRequest(
        request.pullRequestBranch,
      );
      if (opened) {
        return { pullRequest: opened, reused: true };
      }
      throw new ConflictError(
        `Branch '${request.pullRequestBranch}' already exists without an open pull request; delete the branch or close the earlier promotion first`,
      );
    }
    const pullRequest = await pullRequests.openPullRequest({
      branch: request.pullRequestBranch,
      base: request.branch,
      title: request.title,
      body: request.body,
    });
    return { pullRequest, reused: false };
  }

  private async assertChangedFilesUnmoved(
    request: CommitChangesRequest,
    base: Snapshot,
    headSha: string,
  ) {
    const head = await this.snapshotAt(request.branch, headSha);
    for (const { path } of request.changes) {
      if (base.files.get(path) !== head.files.get(path)) {
        const [last] = await this.provider.fileHistory(headSha, path, 1);
        const by = last
          ? ` by ${last.author.name} in ${last.commitSha.slice(0, 12)} ("${
              last.message
            }", ${last.date})`
          : '';
        throw new ConflictError(
          `${path} changed since ${request.baseCommit.slice(
            0,
            12,
          )}${by}; review the new state and try again`,
        );
      }
    }
  }
}
