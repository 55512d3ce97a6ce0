import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { LRUCache } from 'lru-cache';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { catFileBatch } from './catFileBatch';
import { runGit } from './runGit';
import { streamGitRecords } from './streamGitRecords';
import { hasTrailerLine } from '../repository/trailers';
import {
  CommitAttempt,
  CommitWithTrailer,
  FileHistoryEntry,
  GitIdentity,
  PullRequestProvider,
  RepositoryProvider,
  TryCommitRequest,
} from '../repository/types';

const FIELD = '\x1f';
const RECORD = '\x1e';
const ZERO_SHA = /^0+$/;

export interface GitCliProviderOptions {
  /** Remote URL or local path of the repository. */
  url: string;
  /** A directory this provider owns: its bare cache of the remote lives there. */
  cacheDir: string;
  /** Who commits: the service account; the requester is the author. */
  committer: GitIdentity;
  /**
   * How long the remote may stay silent before an exchange with it is
   * abandoned as unavailable (default 60 s). ls-remote and push, which move
   * little data, are also killed once they take longer than that.
   */
  timeoutMs?: number;
  /**
   * The `Authorization` header for the remote, asked for before each
   * exchange with it (see gitHttpCredentials). It reaches git through its
   * environment (GIT_CONFIG_*), never the URL or the command line.
   */
  credentials?: () => Promise<string | undefined>;
  /** The host's pull requests (merge requests), when it has an adapter. */
  pullRequests?: PullRequestProvider;
}

/** git commands that talk to the remote. */
const REMOTE_COMMANDS = new Set(['ls-remote', 'fetch', 'push']);
/** Remote commands that are always short: a fetch of a large repository is not. */
const SHORT_REMOTE_COMMANDS = new Set(['ls-remote', 'push']);
const DEFAULT_TIMEOUT_MS = 60_000;
/** Commits whose message contains a trailer but not as a line, skipped at most. */
const MAX_TRAILER_MATCHES = 20;

/**
 * A GitOps repository behind any git remote (or a local path), through the git
 * CLI. Objects are kept in a bare cache; commits are built with a throw-away
 * index (no working tree) and pushed without force, so concurrent writers in
 * one process never share state and a moved branch is reported, not overwritten.
 */
export class GitCliProvider implements RepositoryProvider {
  private ready?: Promise<void>;
  private fetches: Promise<unknown> = Promise.resolve();
  /**
   * Set when the cache was empty: branch heads are then fetched without
   * their history (`--depth=1`: the tree and blobs of a 10,000-file
   * repository in a fraction of a second, where the whole history takes
   * seconds), and the history is fetched once, when something first needs it.
   */
  private shallowStart = false;
  private history?: Promise<void>;
  private pendingBlobs: Array<{
    sha: string;
    resolve: (text: string) => void;
    reject: (error: Error) => void;
  }> = [];

  readonly pullRequests?: PullRequestProvider;
  // Branch heads and the few commits previews pin: small, as lru-cache
  // allocates `max` slots up front and there may be a repository per service.
  private readonly knownCommits = new LRUCache<string, true>({
    max: 256,
    ttl: 60 * 60 * 1000,
  });

  constructor(private readonly options: GitCliProviderOptions) {
    this.pullRequests = options.pullRequests;
  }

  async getBranchHead(branch: string): Promise<string> {
    await this.init();
    const sha = await this.remoteBranchSha(branch);
    if (!sha) {
      throw new ServiceUnavailableError(
        `Branch '${branch}' does not exist in the GitOps repository`,
      );
    }
    await this.ensureObject(sha, branch);
    return sha;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    await this.init();
    await this.withHistory();
    await this.ensureCommit(descendant);
    return runGit(['merge-base', '--is-ancestor', ancestor, descendant], {
      cwd: this.options.cacheDir,
    }).then(
      () => true,
      () => false,
    );
  }

  async listFiles(commitSha: string): Promise<Map<string, string>> {
    await this.init();
    await this.ensureCommit(commitSha);
    const out = await this.git([
      'ls-tree',
      '-r',
      '-z',
      '--full-tree',
      commitSha,
    ]);
    const files = new Map<string, string>();
    for (const entry of out.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [, type, sha] = entry.slice(0, tab).split(' ');
      if (type === 'blob') {
        files.set(entry.slice(tab + 1), sha);
      }
    }
    return files;
  }

  /** One `git diff-tree` between the commits: as long as what changed. */
  async changedFiles(
    from: string,
    to: string,
  ): Promise<Map<string, string | undefined>> {
    await this.init();
    await this.ensureCommit(from);
    await this.ensureCommit(to);
    const out = await this.git([
      'diff-tree',
      '-r',
      '-z',
      '--no-renames',
      from,
      to,
    ]);
    // `:<old mode> <new mode> <old sha> <new sha> <status>\0<path>\0` each
    const fields = out.split('\0');
    const changes = new Map<string, string | undefined>();
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const [, newMode, , newSha] = fields[i].trim().split(' ');
      // gone, or no longer a file (a submodule): not in the listing
      const isFile = !ZERO_SHA.test(newSha) && newMode !== '160000';
      changes.set(fields[i + 1], isFile ? newSha : undefined);
    }
    return changes;
  }

  /** Reads requested in the same tick share one `git cat-file --batch`. */
  readBlob(blobSha: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.pendingBlobs.push({ sha: blobSha, resolve, reject });
      if (this.pendingBlobs.length === 1) {
        setImmediate(() => this.flushBlobReads());
      }
    });
  }

  private async flushBlobReads() {
    const batch = this.pendingBlobs.splice(0);
    try {
      await this.init();
      const blobs = await catFileBatch(this.options.cacheDir, [
        ...new Set(batch.map(b => b.sha)),
      ]);
      for (const { sha, resolve, reject } of batch) {
        const text = blobs.get(sha);
        if (text === undefined) {
          reject(
            new NotFoundError(`Blob ${sha} is not in the GitOps repository`),
          );
        } else {
          resolve(text);
        }
      }
    } catch (error) {
      const failure = this.unavailable('read blobs from', error);
      batch.forEach(b => b.reject(failure));
    }
  }

  async fileHistory(
    ref: string,
    filePath: string,
    limit: number,
  ): Promise<FileHistoryEntry[]> {
    return (await this.fileHistories(ref, [filePath], limit)).get(filePath)!;
  }

  /**
   * One `git log` for all the paths, however many: one walk of the history,
   * stopped as soon as every path has `limit` entries. git matches each
   * commit against every pathspec (thousands of paths take minutes), so many
   * paths are narrowed to their common directory and picked out here.
   */
  async fileHistories(
    ref: string,
    paths: string[],
    limit: number,
  ): Promise<Map<string, FileHistoryEntry[]>> {
    const histories = new Map<string, FileHistoryEntry[]>(
      paths.map(p => [p, []]),
    );
    if (paths.length === 0 || limit <= 0) return histories;
    await this.init();
    await this.withHistory();
    let unfilled = paths.length;
    const take = (record: string) => {
      // -z: `<header>\0` then per file `\n:<old mode> <new mode> <old sha>
      // <new sha> <status>\0<path>\0`, paths never quoted
      const [header, ...fields] = record.split('\0');
      const [commitSha, name, email, date, message, trailers] =
        header.split(FIELD);
      const promotionIds = trailers ? trailers.split(',') : [];
      for (let i = 0; i + 1 < fields.length; i++) {
        const change = fields[i].trimStart();
        if (!change.startsWith(':')) continue;
        const filePath = fields[++i];
        const history = histories.get(filePath);
        if (!history || history.length >= limit) continue;
        const [, , before, after] = change.split(' ');
        history.push({
          commitSha,
          author: { name, email },
          date,
          message,
          blobSha: ZERO_SHA.test(after) ? undefined : after,
          previousBlobSha: ZERO_SHA.test(before) ? undefined : before,
          promotionIds,
        });
        if (history.length === limit) unfilled -= 1;
      }
      return unfilled > 0;
    };
    await streamGitRecords(
      [
        // paths are names, never patterns (a `*` or `[` in a file name)
        '--literal-pathspecs',
        'log',
        `--format=${RECORD}%H${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%s${FIELD}%(trailers:key=Promotion-Id,valueonly,separator=%x2C)`,
        '--raw',
        '-z',
        '--no-abbrev',
        '--no-renames',
        ref,
        '--',
        ...pathspecsFor(paths),
      ],
      { cwd: this.options.cacheDir, separator: RECORD, take },
    );
    return histories;
  }

  /**
   * One ls-remote for the branch's head (fetched only when the cache does not
   * have it yet), then one local `git log` over the commits since `since`:
   * git stops walking at older commits, and matches the trailer as a fixed
   * string; the line is checked here.
   */
  async findCommitWithTrailer(
    branch: string,
    trailer: string,
    since: Date,
  ): Promise<CommitWithTrailer | undefined> {
    const head = await this.getBranchHead(branch);
    await this.withHistory();
    const out = await this.git([
      'log',
      '--fixed-strings',
      `--grep=${trailer}`,
      `--since=${gitDate(since)}`,
      `--max-count=${MAX_TRAILER_MATCHES}`,
      `--format=${RECORD}%H${FIELD}%cI${FIELD}%B`,
      head,
      '--',
    ]);
    for (const record of out.split(RECORD)) {
      const [commitSha, date, message] = record.split(FIELD);
      if (message !== undefined && hasTrailerLine(message, trailer)) {
        return { commitSha, date };
      }
    }
    return undefined;
  }

  async tryCommit(request: TryCommitRequest): Promise<CommitAttempt> {
    await this.init();
    await this.withHistory();
    const commitSha = await this.createCommit(request);
    const ref = `refs/heads/${request.branch}`;
    // --force-with-lease pins the expected old value: the update is refused if
    // anyone moved the branch (or, for a new branch, created it) meanwhile.
    const lease = `--force-with-lease=${ref}:${
      request.createBranch ? '' : request.parentSha
    }`;
    try {
      await this.git([
        'push',
        '--quiet',
        '--porcelain',
        lease,
        'origin',
        `${commitSha}:${ref}`,
      ]);
    } catch (error) {
      // The push may have landed although git reports a failure (the answer
      // was lost): then the branch points at our commit. A refused push is a
      // race when the branch no longer is where we based the commit (the
      // server's message varies by transport and version).
      const now = await this.remoteBranchSha(request.branch);
      const expected = request.createBranch ? undefined : request.parentSha;
      if (now === commitSha) {
        return { status: 'committed', commitSha };
      }
      if (now !== expected) {
        return { status: 'raced' };
      }
      throw this.unavailable('push to', error);
    }
    return { status: 'committed', commitSha };
  }

  private async createCommit(request: TryCommitRequest): Promise<string> {
    const indexDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-index-'));
    const env = { GIT_INDEX_FILE: path.join(indexDir, 'index') };
    try {
      await this.git(['read-tree', request.parentSha], env);
      for (const change of request.changes) {
        const blob = (
          await this.git(['hash-object', '-w', '--stdin'], env, change.content)
        ).trim();
        const mode = await this.fileMode(request.parentSha, change.path);
        await this.git(
          [
            'update-index',
            '--add',
            '--cacheinfo',
            `${mode},${blob},${change.path}`,
          ],
          env,
        );
      }
      const tree = (await this.git(['write-tree'], env)).trim();
      const { author } = request;
      const { committer } = this.options;
      return (
        await this.git(
          ['commit-tree', tree, '-p', request.parentSha, '-F', '-'],
          {
            GIT_AUTHOR_NAME: author.name,
            GIT_AUTHOR_EMAIL: author.email,
            GIT_COMMITTER_NAME: committer.name,
            GIT_COMMITTER_EMAIL: committer.email,
          },
          request.message,
        )
      ).trim();
    } finally {
      await fs.rm(indexDir, { recursive: true, force: true });
    }
  }

  private async fileMode(commitSha: string, filePath: string) {
    const out = await this.git(['ls-tree', commitSha, '--', filePath]);
    return out.split(' ')[0] || '100644';
  }

  private async remoteBranchSha(branch: string): Promise<string | undefined> {
    const ref = `refs/heads/${branch}`;
    const out = await this.git(['ls-remote', 'origin', ref]);
    return out
      .split('\n')
      .map(line => line.split('\t'))
      .find(([, name]) => name === ref)?.[0];
  }

  /** Fetches the branch when the cache does not have its head yet. */
  private async ensureObject(sha: string, branch: string) {
    if (await this.hasCommit(sha)) return;
    await this.fetch(
      `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
      () => this.hasCommit(sha),
      this.shallowStart && !this.history ? ['--depth=1'] : [],
    );
  }

  /**
   * The whole history of every branch, fetched once when the cache started
   * shallow: everything that walks history (ancestry, file histories,
   * trailers) or builds on it (commits) waits for it. Then, once per
   * process, the history is indexed (see indexHistory).
   */
  private withHistory(): Promise<void> {
    this.history ??= (async () => {
      if (this.shallowStart) {
        await this.fetch(
          '+refs/heads/*:refs/remotes/origin/*',
          async () => !(await isShallow(this.options.cacheDir)),
          ['--unshallow'],
        );
      }
      this.indexHistory();
    })().catch(error => {
      this.history = undefined;
      throw error;
    });
    return this.history;
  }

  /**
   * Writes a commit-graph with changed-path Bloom filters, in the background
   * (between fetches): `git log -- <file>` then skips the commits that did
   * not touch the file instead of diffing each (on 17,741 commits, 60 ms
   * instead of 650 ms for one file's history). Commits fetched later are
   * walked as before; the next process indexes them.
   */
  private indexHistory() {
    const run = this.fetches.then(() =>
      this.git(['commit-graph', 'write', '--reachable', '--changed-paths']),
    );
    this.fetches = run.catch(() => undefined);
  }

  /**
   * Makes sure a commit read elsewhere (another replica's preview) is in the
   * cache: fetches every branch once, then gives up with NotFoundError.
   */
  private async ensureCommit(sha: string) {
    if (await this.hasCommit(sha)) return;
    await this.withHistory();
    if (await this.hasCommit(sha)) return;
    await this.fetch('+refs/heads/*:refs/remotes/origin/*', () =>
      this.hasCommit(sha),
    );
    if (!(await this.hasCommit(sha))) {
      throw new NotFoundError(
        `Commit ${sha.slice(
          0,
          40,
        )} is not on any branch of the GitOps repository`,
      );
    }
  }

  /**
   * Fetches one at a time: concurrent fetches into one cache fail on the lock
   * of the remote-tracking ref they both update. A fetch whose wait made it
   * unnecessary (`done` says so) is skipped.
   */
  private fetch(
    refspec: string,
    done: () => Promise<boolean>,
    options: string[] = [],
  ) {
    const run = this.fetches.then(async () => {
      if (await done()) return;
      await this.git([
        'fetch',
        '--quiet',
        '--no-tags',
        ...options,
        'origin',
        refspec,
      ]);
    });
    this.fetches = run.catch(() => undefined);
    return run;
  }

  private async hasCommit(sha: string) {
    // A commit once in the cache stays (gc prunes only what is unreachable
    // for weeks): asking git again for the same head on every refresh
    // would start a process per repository for nothing.
    if (this.knownCommits.has(sha)) return true;
    const found = await runGit(['cat-file', '-e', `${sha}^{commit}`], {
      cwd: this.options.cacheDir,
    }).then(
      () => true,
      () => false,
    );
    if (found) this.knownCommits.set(sha, true);
    return found;
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      const { cacheDir, url } = this.options;
      await fs.mkdir(cacheDir, { recursive: true });
      const exists = await fs.stat(path.join(cacheDir, 'HEAD')).then(
        () => true,
        () => false,
      );
      if (!exists) {
        await runGit(['init', '--quiet', '--bare'], { cwd: cacheDir });
        await runGit(['remote', 'add', 'origin', url], { cwd: cacheDir });
        this.shallowStart = true;
      } else {
        await runGit(['remote', 'set-url', 'origin', url], { cwd: cacheDir });
        // a process that stopped before it fetched the history
        this.shallowStart = await isShallow(cacheDir);
      }
    })().catch(error => {
      this.ready = undefined;
      throw this.unavailable('prepare the cache of', error);
    });
    return this.ready;
  }

  private async git(
    args: string[],
    env?: Record<string, string>,
    input?: string,
  ) {
    const remote = REMOTE_COMMANDS.has(args[0]);
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const seconds = String(Math.max(1, Math.round(timeoutMs / 1000)));
    const authorization = remote
      ? await this.options.credentials?.()
      : undefined;
    return runGit(args, {
      cwd: this.options.cacheDir,
      // Over HTTP(S), curl gives up by itself on a remote that stalls; the
      // kill covers other transports for the short commands.
      env: remote
        ? {
            GIT_HTTP_LOW_SPEED_LIMIT: '1',
            GIT_HTTP_LOW_SPEED_TIME: seconds,
            ...(authorization && {
              GIT_CONFIG_COUNT: '1',
              GIT_CONFIG_KEY_0: 'http.extraHeader',
              GIT_CONFIG_VALUE_0: `Authorization: ${authorization}`,
            }),
            ...env,
          }
        : env,
      input,
      timeoutMs: SHORT_REMOTE_COMMANDS.has(args[0])
        ? timeoutMs + 5_000
        : undefined,
    }).catch(error => {
      throw this.unavailable(`run git ${args[0]} against`, error);
    });
  }

  private unavailable(action: string, error: unknown) {
    if (error instanceof ServiceUnavailableError) return error;
    return new ServiceUnavailableError(
      `Could not ${action} the GitOps repository: ${redact(String(error))}`,
    );
  }
}

/** Whether the cache holds only part of the history (a `--depth` fetch). */
function isShallow(cacheDir: string): Promise<boolean> {
  return fs.stat(path.join(cacheDir, 'shallow')).then(
    () => true,
    () => false,
  );
}

/** Removes credentials embedded in URLs from a message. */
export function redact(message: string): string {
  return message.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@');
}

/** A date as git reads it (ISO 8601 without milliseconds; rounded down). */
function gitDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Beyond this many paths, git log is given their common directory instead. */
const MAX_PATHSPECS = 16;

function pathspecsFor(paths: string[]): string[] {
  if (paths.length <= MAX_PATHSPECS) return paths;
  let common = paths[0].split('/').slice(0, -1);
  for (const p of paths) {
    const dirs = p.split('/');
    let same = 0;
    while (same < common.length && common[same] === dirs[same]) same += 1;
    common = common.slice(0, same);
  }
  return common.length > 0 ? [common.join('/')] : [];
}
