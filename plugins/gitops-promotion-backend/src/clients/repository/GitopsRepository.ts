import { ConflictError, InputError } from '@backstage/errors';
import { CoalescingTtlCache } from '../argocd/CoalescingTtlCache';
import { gitBlobSha } from '../github/gitBlobSha';
import { BlobCache } from './BlobCache';
import pLimit, { Limit } from 'p-limit';
import {
  FileChange,
  FileHistoryEntry,
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

/**
 * How long a commit keeps being rebased while the branch moves. Each lost race
 * is another writer's commit landing, so retrying never livelocks; but
 * replicas only meet at the remote, and a writer that lost a race pays a
 * fetch the winner's next writer does not: under a steady stream of another
 * replica's pushes it may lose dozens of races in a row (seen with two
 * replicas and 500 concurrent promotions). It gives up only when the branch
 * kept moving for this long (a minute: what proxies in front of Backstage
 * usually wait for an answer).
 */
const COMMIT_BUDGET_MS = 60_000;
/** However slow the attempts (a busy host), this many are made before giving up. */
const MIN_ATTEMPTS = 10;
const TREE_CACHE_SIZE = 32;
/** Path-by-path history reads (GitHub: one request each) at once. */
const MAX_CONCURRENT_HISTORY_READS = 8;
/** Above this many uncached blobs, a prefetch reads the whole tree at once. */
const DEFAULT_BULK_READ_THRESHOLD = 100;
/** After a failed bulk read, prefetches read blob by blob for this long. */
const BULK_READ_PAUSE_MS = 5 * 60_000;
/**
 * A short jittered pause between attempts, so racing writers fall out of
 * step. It does not grow: a writer that waits longer after each lost race only
 * loses more of them.
 */
const backoff = () =>
  new Promise(resolve => setTimeout(resolve, Math.random() * 100));

/**
 * One configured GitOps repository: snapshots of branches, file reads through
 * a blob cache, and atomic commits that are rebased over unrelated changes and
 * refused when a changed file moved.
 */
export class GitopsRepository {
  private readonly writeQueues = new Map<string, Promise<void>>();
  private readonly trees = new Map<string, Promise<Map<string, string>>>();
  /** Per branch, the tree listed last: the base of the next one. */
  private readonly lastTrees = new Map<
    string,
    { commitSha: string; files: Promise<Map<string, string>> }
  >();

  private readonly blobs: BlobCache;
  private readonly historyReadSlots = pLimit(MAX_CONCURRENT_HISTORY_READS);
  private readonly blobReadSlots: Limit;
  private readonly bulkReadThreshold: number;
  /** In-flight bulk reads by commit, shared by concurrent prefetches. */
  private readonly bulkReads = new Map<string, Promise<Map<string, string>>>();
  private bulkReadsPausedUntil = 0;
  /**
   * Branch heads for reads, shared by concurrent snapshots (one lookup in
   * flight per branch) and kept briefly; writes read the head themselves.
   */
  private readonly heads: CoalescingTtlCache<string>;

  constructor(
    readonly id: string,
    private readonly provider: RepositoryProvider,
    options: {
      maxConcurrentBlobReads?: number;
      /**
       * A prefetch finding more than this many blobs not cached reads them
       * with the provider's bulk read, if it has one (default 100; Infinity
       * never does).
       */
      bulkReadThreshold?: number;
      /**
       * How long a branch head looked up for {@link GitopsRepository.snapshot}
       * answers later snapshots of the branch. Default 0: only a lookup in
       * flight is shared. A commit made here updates it at once.
       */
      branchHeadTtlMs?: number;
      /**
       * Blob texts by SHA. A blob's SHA names its content in any repository,
       * so repositories may share one cache (and one memory bound).
       */
      blobs?: BlobCache;
    } = {},
  ) {
    this.blobs = options.blobs ?? new BlobCache();
    const headTtlMs = options.branchHeadTtlMs ?? 0;
    this.heads = new CoalescingTtlCache(() => headTtlMs);
    this.blobReadSlots = pLimit(options.maxConcurrentBlobReads ?? Infinity);
    this.bulkReadThreshold =
      options.bulkReadThreshold ?? DEFAULT_BULK_READ_THRESHOLD;
  }

  /**
   * The branch at its head: one head lookup (shared by concurrent snapshots
   * and cached for `branchHeadTtlMs`, so it may be that long behind commits
   * made elsewhere; `fresh` asks the provider now and caches its answer), one
   * tree listing (cached per commit).
   */
  async snapshot(
    branch: string,
    options: { fresh?: boolean } = {},
  ): Promise<Snapshot> {
    const lookup = () => this.provider.getBranchHead(branch);
    if (!options.fresh) {
      return this.snapshotAt(branch, await this.heads.get(branch, lookup));
    }
    const commitSha = await lookup();
    // What a write just saw is what the next preview shows (a refreshed
    // preview after a 409 must not show the head from before it).
    this.heads.set(branch, commitSha);
    return this.snapshotAt(branch, commitSha);
  }

  /**
   * The tree listing is cached per commit: a commit's tree never changes.
   * The branch's next commit is listed as the last one's tree with the
   * files that changed in between, when the provider can tell them.
   */
  async snapshotAt(branch: string, commitSha: string): Promise<Snapshot> {
    let files = this.trees.get(commitSha);
    if (!files) {
      const last = this.lastTrees.get(branch);
      files =
        last && this.provider.changedFiles
          ? this.treeAfter(last, commitSha)
          : this.provider.listFiles(commitSha);
      this.trees.set(commitSha, files);
      const listed = files;
      files.then(
        () => this.lastTrees.set(branch, { commitSha, files: listed }),
        () => undefined,
      );
      files.catch(() => this.trees.delete(commitSha));
      if (this.trees.size > TREE_CACHE_SIZE) {
        this.trees.delete(this.trees.keys().next().value!);
      }
    }
    return { branch, commitSha, files: await files };
  }

  /** `last`'s tree with the changes from it to `commitSha`. */
  private async treeAfter(
    last: { commitSha: string; files: Promise<Map<string, string>> },
    commitSha: string,
  ): Promise<Map<string, string>> {
    const [base, changes] = await Promise.all([
      last.files,
      this.provider.changedFiles!(last.commitSha, commitSha),
    ]);
    const files = new Map(base);
    for (const [path, blobSha] of changes) {
      if (blobSha === undefined) files.delete(path);
      else files.set(path, blobSha);
    }
    return files;
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
    return this.blobs.get(sha, s => this.readOneBlob(s));
  }

  /**
   * Prepares reading `paths` of the snapshot: when more than
   * `bulkReadThreshold` of their blobs are not cached and the provider has a
   * bulk read ({@link RepositoryProvider.readAllBlobs}), the commit's files
   * are read with that one request and the blob cache is filled with the
   * blobs of those paths (only SHAs of the snapshot's tree; each once).
   * Concurrent prefetches of one commit share one bulk read. Otherwise
   * nothing is read in bulk: the uncached blobs are read one by one, as
   * {@link GitopsRepository.readFile} would.
   *
   * Never rejects. A failed bulk read falls back to reading the blobs one by
   * one (what a read cost before bulk reads existed; their failures surface
   * from `readFile`) and pauses bulk reads for a few minutes, so a host that
   * cannot serve them (e.g. a proxy that blocks codeload.github.com) does not
   * delay every cold read. A blob the bulk read does not have (content
   * changed by the archive, a symlink) is read on its own.
   */
  async prefetch(snapshot: Snapshot, paths: Iterable<string>): Promise<void> {
    if (!this.provider.readAllBlobs) return;
    if (Date.now() < this.bulkReadsPausedUntil) return;
    const shas = new Set<string>();
    for (const path of paths) {
      const sha = snapshot.files.get(path);
      if (sha !== undefined) shas.add(sha);
    }
    if (shas.size <= this.bulkReadThreshold) return;

    // Looking each blob up in the cache tells which are missing: the cache
    // only calls back for those, and keeps the promise returned as the
    // blob's entry, so readers arriving meanwhile wait for it instead of
    // asking the provider. The promise settles once the bulk read is decided.
    const missing: Array<Promise<string>> = [];
    let decide!: (bulk: { read?: Promise<Map<string, string>> }) => void;
    const decided = new Promise<{ read?: Promise<Map<string, string>> }>(
      resolve => {
        decide = resolve;
      },
    );
    for (const sha of shas) {
      this.blobs.get(sha, s => {
        const text = decided.then(({ read }) =>
          read
            ? read.then(
                texts => texts.get(s) ?? this.readOneBlob(s),
                () => this.readOneBlob(s),
              )
            : this.readOneBlob(s),
        );
        missing.push(text);
        return text;
      });
    }
    if (missing.length <= this.bulkReadThreshold) {
      // Few enough to read one by one: the prefetch ends once they are read
      // (a failed read is the reader's to report).
      decide({});
      await Promise.allSettled(missing);
      return;
    }
    const read = this.bulkRead(snapshot.commitSha);
    decide({ read });
    await read.then(
      () => undefined,
      () => {
        this.bulkReadsPausedUntil = Date.now() + BULK_READ_PAUSE_MS;
      },
    );
  }

  private readOneBlob(sha: string): Promise<string> {
    return this.blobReadSlots(() => this.provider.readBlob(sha));
  }

  /** The provider's bulk read of a commit, shared while it is in flight. */
  private bulkRead(commitSha: string): Promise<Map<string, string>> {
    let pending = this.bulkReads.get(commitSha);
    if (!pending) {
      const provider = this.provider;
      pending = (async () => provider.readAllBlobs!(commitSha))();
      this.bulkReads.set(commitSha, pending);
      const forget = () => this.bulkReads.delete(commitSha);
      pending.then(forget, forget);
    }
    return pending;
  }

  async fileHistory(ref: string, path: string, limit: number) {
    return this.keepTexts(await this.provider.fileHistory(ref, path, limit));
  }

  /**
   * The histories of many paths of `ref`: one read when the provider can,
   * otherwise path by path, a few at a time.
   */
  async fileHistories(
    ref: string,
    paths: string[],
    limit: number,
  ): Promise<Map<string, FileHistoryEntry[]>> {
    if (this.provider.fileHistories) {
      const histories = await this.provider.fileHistories(ref, paths, limit);
      histories.forEach(entries => this.keepTexts(entries));
      return histories;
    }
    const histories = await Promise.all(
      paths.map(path =>
        this.historyReadSlots(() => this.fileHistory(ref, path, limit)),
      ),
    );
    return new Map(paths.map((path, i) => [path, histories[i]]));
  }

  /**
   * Puts the blob texts a provider read with a history (GitHub) in the blob
   * cache, so reading the versions along a history costs no request more. A
   * text is only kept under the SHA git gives its content.
   */
  private keepTexts(entries: FileHistoryEntry[]): FileHistoryEntry[] {
    const keep = (sha?: string, text?: string) => {
      if (sha && text !== undefined && !this.blobs.has(sha)) {
        if (gitBlobSha(text) === sha) this.blobs.add(sha, text);
      }
    };
    for (const entry of entries) {
      keep(entry.blobSha, entry.blobText);
      keep(entry.previousBlobSha, entry.previousBlobText);
    }
    return entries;
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
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
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
        // A preview right after this commit is computed on it.
        this.heads.set(request.branch, result.commitSha);
        return { commitSha: result.commitSha, parentSha, rebases };
      }
      this.heads.invalidate(request.branch);
      const elapsed = Date.now() - started;
      if (attempt >= MIN_ATTEMPTS && elapsed > COMMIT_BUDGET_MS) {
        throw new ConflictError(
          `Branch '${
            request.branch
          }' kept moving during ${attempt} attempts in ${Math.round(
            elapsed / 1000,
          )} s to commit; try again`,
        );
      }
      await backoff();
    }
  }

  /**
   * Whether `revision` (what Argo CD deployed) contains `commitSha`: equal, or
   * a descendant when other commits landed after it. Providers that cannot
   * tell ancestry answer by content: the revision has the same blobs as the
   * commit for every path the promotion wrote.
   */
  async containsCommit(
    commitSha: string,
    revision: string,
    paths: string[],
  ): Promise<boolean> {
    if (commitSha === revision) return true;
    if (this.provider.isAncestor) {
      return this.provider.isAncestor(commitSha, revision);
    }
    const [ours, theirs] = await Promise.all([
      this.snapshotAt('', commitSha),
      this.snapshotAt('', revision),
    ]);
    return paths.every(path => ours.files.get(path) === theirs.files.get(path));
  }

  /**
   * Whether `ancestor` is `descendant` or in its history: a commit a client
   * names (a preview's base) must be on the branch it is used for.
   */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    if (ancestor === descendant) return true;
    if (!this.provider.isAncestor) {
      throw new InputError(
        `Repository '${this.id}' cannot tell whether a commit is on a branch`,
      );
    }
    return this.provider.isAncestor(ancestor, descendant);
  }

  /** A pull request opened by this plugin, for the tracker. */
  getPullRequest(number: number): Promise<PullRequestRef> {
    const pullRequests = this.provider.pullRequests;
    if (!pullRequests) {
      throw new InputError(`Repository '${this.id}' has no pull requests`);
    }
    return pullRequests.getPullRequest(number);
  }

  /**
   * Posts a review on a pull request this plugin opened; false where the
   * host has no reviews here (only GitHub has).
   */
  async postPullRequestReview(number: number, body: string): Promise<boolean> {
    const review = this.provider.pullRequests?.postReview;
    if (!review) return false;
    await review.call(this.provider.pullRequests, number, body);
    return true;
  }

  /**
   * For the reconciler: the newest commit of `branch` since `since` with the
   * line `trailer` in its message (see
   * {@link RepositoryProvider.findCommitWithTrailer}), and in pull-request
   * mode the open pull request from `pullRequestBranch`. Without pull
   * requests (git CLI), `pullRequest` is undefined.
   */
  async findCommitWithTrailer(
    branch: string,
    trailer: string,
    since: Date,
    options: { pullRequestBranch?: string } = {},
  ): Promise<{
    commit?: { commitSha: string; date: string };
    pullRequest?: PullRequestRef;
  }> {
    if (!this.provider.findCommitWithTrailer) {
      throw new InputError(
        `Repository '${this.id}' cannot search its history for a commit`,
      );
    }
    const commit = await this.provider.findCommitWithTrailer(
      branch,
      trailer,
      since,
    );
    if (commit || !options.pullRequestBranch) return { commit };
    const pullRequest = await this.provider.pullRequests?.findOpenPullRequest(
      options.pullRequestBranch,
    );
    return { pullRequest };
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
        `Repository '${this.id}' cannot open pull requests: its host has no pull requests here (use provider github, a git url on a host under integrations (GitLab, Bitbucket, Azure DevOps, Gitea), or direct commits)`,
      );
    }
    const existing = await pullRequests.findOpenPullRequest(
      request.pullRequestBranch,
    );
    if (existing) {
      return { pullRequest: existing, reused: true };
    }
    // The pull request's branch starts at the branch's head (the change
    // rebased over unrelated commits, refused when a changed file moved),
    // never at a commit the request names.
    const head = await this.provider.getBranchHead(request.branch);
    if (head !== request.baseCommit) {
      await this.assertChangedFilesUnmoved(
        request,
        await this.snapshotAt(request.branch, request.baseCommit),
        head,
      );
    }
    const attempt = await this.provider.tryCommit({
      branch: request.pullRequestBranch,
      parentSha: head,
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

  /**
   * Throws the ConflictError a commit would, without writing: a file of
   * `paths` moved on `branch` between `baseCommit` and the head (a request
   * that waits before it is written, for approvals, is refused at once).
   */
  async assertUnmovedSince(
    branch: string,
    baseCommit: string,
    paths: string[],
  ): Promise<void> {
    const head = await this.provider.getBranchHead(branch);
    if (head === baseCommit) return;
    const base = await this.snapshotAt(branch, baseCommit);
    await this.assertChangedFilesUnmoved(
      { branch, baseCommit, changes: paths.map(path => ({ path })) },
      base,
      head,
    );
  }

  private async assertChangedFilesUnmoved(
    request: {
      branch: string;
      baseCommit: string;
      changes: Array<{ path: string }>;
    },
    base: Snapshot,
    headSha: string,
  ) {
    const head = await this.snapshotAt(request.branch, headSha);
    for (const { path } of request.changes) {
      const before = base.files.get(path);
      const after = head.files.get(path);
      if (before !== after) {
        const [last] = await this.provider.fileHistory(headSha, path, 1);
        const by = last
          ? ` by ${last.author.name} in ${last.commitSha.slice(0, 12)} ("${
              last.message
            }", ${last.date})`
          : '';
        // A change set may create files: one that appeared meanwhile is
        // someone else's, never overwritten.
        let what = 'changed';
        if (before === undefined) what = 'was created';
        else if (after === undefined) what = 'was deleted';
        throw new ConflictError(
          `${path} ${what} since ${request.baseCommit.slice(
            0,
            12,
          )}${by}; review the new state and try again`,
        );
      }
    }
  }
}
