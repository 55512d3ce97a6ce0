import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { FileEntry, GitObjectStore, Signature } from './GitObjectStore';
import { FakePullRequest, GithubPayloads } from './githubPayloads';
import { TarWriterEntry, writeTar } from './tarWriter';

/** An HTTP answer of the fake. */
export interface Response {
  status: number;
  /** A JSON body. */
  body?: unknown;
  /** A body sent as is (codeload's archives); `headers` name its type. */
  raw?: Buffer;
  headers?: Record<string, string>;
}

/** Where the fake's stand-in for codeload.github.com serves archives. */
export const CODELOAD_PREFIX = '/_codeload/';

/** A request, already checked against the API description. */
export interface Context {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

/** Where the repository lives and how it answers. */
export interface FakeRepositoryOptions {
  owner: string;
  repo: string;
  /** The API base URL, for `Location` headers. */
  url: string;
  payloads: GithubPayloads;
  /** A tree listing longer than this is cut off with `truncated: true`. */
  maxTreeEntries: number;
}

const BOT: Signature = {
  name: 'gitops-bot',
  email: 'gitops-bot@example.com',
  date: '2024-01-01T00:00:00Z',
};

/**
 * The repository behind the GitHub fake: git objects, refs and pull requests,
 * and GitHub's behaviour for each served operation: refs move only by
 * fast-forward unless forced, a branch cannot be created twice, the author of
 * a commit defaults to the authenticated user and the committer to the author,
 * a pull request is refused when one is open for the same head and base.
 */
export class FakeRepository {
  readonly objects = new GitObjectStore();
  readonly refs = new Map<string, string>();
  readonly pulls: FakePullRequest[] = [];
  /** The tokens of the archive links handed out by the tarball redirect. */
  private readonly archiveTokens = new Set<string>();
  private clock = Date.parse('2024-01-01T00:00:00Z');

  constructor(private readonly options: FakeRepositoryOptions) {}

  private get owner() {
    return this.options.owner;
  }

  private get repo() {
    return this.options.repo;
  }

  private get payloads() {
    return this.options.payloads;
  }

  /**
   * Commits files on a branch as someone else would push them (no API call):
   * content sets a file, null deletes it. Creates the branch if needed.
   */
  push(
    branch: string,
    files: Record<string, string | null>,
    options: {
      message?: string;
      author?: Partial<Signature>;
      modes?: Record<string, FileEntry['mode']>;
    } = {},
  ): string {
    const parent = this.refs.get(`heads/${branch}`);
    const current = parent
      ? this.objects.files(this.objects.commit(parent)!.tree)
      : new Map<string, FileEntry>();
    for (const [path, content] of Object.entries(files)) {
      if (content === null) current.delete(path);
      else
        current.set(path, {
          mode: options.modes?.[path] ?? current.get(path)?.mode ?? '100644',
          sha: this.objects.writeBlob(content),
        });
    }
    const author = { ...BOT, date: this.tick(), ...options.author };
    const sha = this.objects.writeCommit({
      tree: this.objects.writeTreeFromFiles(current),
      parents: parent ? [parent] : [],
      author,
      committer: author,
      message: options.message ?? `Update ${Object.keys(files).join(', ')}`,
    });
    this.refs.set(`heads/${branch}`, sha);
    return sha;
  }

  head(branch: string): string | undefined {
    return this.refs.get(`heads/${branch}`);
  }

  /** The text of a file on a branch, undefined when absent. */
  read(branch: string, path: string): string | undefined {
    const head = this.head(branch);
    const file = head && this.objects.fileAt(head, path);
    return file ? this.objects.blob(file.sha)!.toString('utf8') : undefined;
  }

  /** Closes an open pull request without merging it, as the GitHub UI would. */
  closePullRequest(number: number) {
    const pr = this.pulls.find(p => p.number === number);
    if (!pr || pr.state !== 'open') throw new Error(`PR #${number} not open`);
    const date = this.tick();
    Object.assign(pr, { state: 'closed', closedAt: date, updatedAt: date });
  }

  /** Merges an open pull request with a merge commit, as the GitHub UI would. */
  mergePullRequest(number: number): string {
    const pr = this.pulls.find(p => p.number === number);
    if (!pr || pr.state !== 'open') throw new Error(`PR #${number} not open`);
    const base = this.head(pr.base)!;
    const head = this.head(pr.head)!;
    const date = this.tick();
    const merger = { ...BOT, date };
    const sha = this.objects.writeCommit({
      tree: this.objects.commit(head)!.tree,
      parents: [base, head],
      author: merger,
      committer: merger,
      message: `Merge pull request #${number} from ${this.owner}/${pr.head}`,
    });
    this.refs.set(`heads/${pr.base}`, sha);
    Object.assign(pr, {
      state: 'closed',
      merged: true,
      mergeCommitSha: sha,
      mergedAt: date,
      closedAt: date,
      updatedAt: date,
    });
    return sha;
  }

  /** Serves one operation of the API. */
  handle(operationId: string, ctx: Context): Response {
    switch (operationId) {
      case 'git/get-ref':
        return this.getRef(ctx);
      case 'git/get-tree':
        return this.getTree(ctx);
      case 'git/get-blob':
        return this.getBlob(ctx);
      case 'git/get-commit':
        return this.getCommit(ctx);
      case 'git/create-tree':
        return this.createTree(ctx);
      case 'git/create-commit':
        return this.createCommit(ctx);
      case 'git/update-ref':
        return this.updateRef(ctx);
      case 'git/create-ref':
        return this.createRef(ctx);
      case 'repos/list-commits':
        return this.listCommits(ctx);
      case 'repos/compare-commits-with-basehead':
        return this.compareCommits(ctx);
      case 'repos/get-content':
        return this.getContent(ctx);
      case 'pulls/list':
        return this.listPulls(ctx);
      case 'pulls/create':
        return this.createPull(ctx);
      case 'pulls/get':
        return this.getPull(ctx);
      case 'pulls/create-review':
        return this.createReview(ctx);
      case 'repos/download-tarball-archive':
        return this.downloadTarball(ctx);
      default:
        throw new Error(`unhandled ${operationId}`);
    }
  }

  private checkRepo(ctx: Context): Response | undefined {
    return ctx.params.owner === this.owner && ctx.params.repo === this.repo
      ? undefined
      : this.notFound();
  }

  private notFound(): Response {
    return { status: 404, body: this.payloads.error(404, 'Not Found') };
  }

  private invalid(message: string, extra = {}): Response {
    return { status: 422, body: this.payloads.error(422, message, extra) };
  }

  /** A commit SHA, a branch name or `heads/<branch>`. */
  resolveCommit(ref: string): string | undefined {
    if (this.objects.commit(ref)) return ref;
    return this.refs.get(`heads/${ref}`) ?? this.refs.get(ref);
  }

  private getRef(ctx: Context): Response {
    const sha = this.refs.get(ctx.params.ref);
    if (this.checkRepo(ctx) || !sha) return this.notFound();
    return { status: 200, body: this.payloads.gitRef(ctx.params.ref, sha) };
  }

  private getTree(ctx: Context): Response {
    if (this.checkRepo(ctx)) return this.notFound();
    const id = ctx.params.tree_sha;
    const commit = this.resolveCommit(id);
    const treeSha = commit ? this.objects.commit(commit)!.tree : id;
    if (!this.objects.tree(treeSha)) return this.notFound();
    const entries = ctx.query.has('recursive')
      ? this.objects.listRecursive(treeSha)
      : this.objects.listRecursive(treeSha).filter(e => !e.path.includes('/'));
    const max = this.options.maxTreeEntries;
    return {
      status: 200,
      body: this.payloads.gitTree(
        treeSha,
        entries.slice(0, max),
        entries.length > max,
      ),
    };
  }

  private getBlob(ctx: Context): Response {
    const blob = this.objects.blob(ctx.params.file_sha);
    if (this.checkRepo(ctx) || !blob) return this.notFound();
    return {
      status: 200,
      body: this.payloads.blob(ctx.params.file_sha, blob),
    };
  }

  private getCommit(ctx: Context): Response {
    const commit = this.objects.commit(ctx.params.commit_sha);
    if (this.checkRepo(ctx) || !commit) return this.notFound();
    return {
      status: 200,
      body: this.payloads.gitCommit(ctx.params.commit_sha, commit),
    };
  }

  private createTree(ctx: Context): Response {
    if (this.checkRepo(ctx)) return this.notFound();
    const { base_tree: baseTree, tree } = ctx.body as {
      base_tree?: string;
      tree: {
        path: string;
        mode: string;
        type: string;
        sha?: string | null;
        content?: string;
      }[];
    };
    if (baseTree && !this.objects.tree(baseTree)) {
      return this.invalid('base_tree is not a valid tree oid');
    }
    const files = baseTree
      ? this.objects.files(baseTree)
      : new Map<string, FileEntry>();
    for (const entry of tree) {
      const parts = entry.path.split('/');
      if (parts.some(p => !p || p === '.' || p === '..')) {
        return this.invalid(
          `tree.path contains a malformed path component: ${entry.path}`,
        );
      }
      if (entry.sha !== undefined && entry.content !== undefined) {
        return this.invalid(
          'Must supply either tree.sha or tree.content, not both',
        );
      }
      if (entry.type !== 'blob') {
        return this.invalid('The fake only writes blobs');
      }
      if (entry.sha === null) {
        files.delete(entry.path);
        continue;
      }
      const sha =
        entry.content !== undefined
          ? this.objects.writeBlob(entry.content)
          : entry.sha;
      if (!sha || !this.objects.blob(sha)) {
        return this.invalid(`tree.sha ${sha} is not a valid blob`);
      }
      files.set(entry.path, { mode: entry.mode as FileEntry['mode'], sha });
    }
    const sha = this.objects.writeTreeFromFiles(files);
    const top = this.objects
      .listRecursive(sha)
      .filter(e => !e.path.includes('/'));
    return { status: 201, body: this.payloads.gitTree(sha, top, false) };
  }

  private createCommit(ctx: Context): Response {
    if (this.checkRepo(ctx)) return this.notFound();
    const body = ctx.body as {
      message: string;
      tree: string;
      parents?: string[];
      author?: { name: string; email: string; date?: string };
      committer?: { name?: string; email?: string; date?: string };
    };
    if (!this.objects.tree(body.tree)) {
      return this.invalid('Tree SHA does not exist');
    }
    const parents = body.parents ?? [];
    if (parents.some(p => !this.objects.commit(p))) {
      return this.invalid(
        'Parent SHA does not exist or is not a commit object',
      );
    }
    const date = this.tick();
    // GitHub: the author defaults to the authenticated user, the committer to the author
    const author = body.author ? { date, ...body.author } : { ...BOT, date };
    const committer =
      body.committer?.name && body.committer.email
        ? ({ date, ...body.committer } as Signature)
        : author;
    const commit = {
      tree: body.tree,
      parents,
      author,
      committer,
      message: body.message,
    };
    const sha = this.objects.writeCommit(commit);
    return { status: 201, body: this.payloads.gitCommit(sha, commit) };
  }

  private updateRef(ctx: Context): Response {
    if (this.checkRepo(ctx)) return this.notFound();
    const { sha, force } = ctx.body as { sha: string; force?: boolean };
    const ref = ctx.params.ref;
    const current = this.refs.get(ref);
    if (!current) return this.invalid('Reference does not exist');
    if (!this.objects.commit(sha)) return this.invalid('Object does not exist');
    if (!force && !this.isAncestor(current, sha)) {
      return this.invalid('Update is not a fast forward');
    }
    this.refs.set(ref, sha);
    return { status: 200, body: this.payloads.gitRef(ref, sha) };
  }

  private createRef(ctx: Context): Response {
    if (this.checkRepo(ctx)) return this.notFound();
    const { ref, sha } = ctx.body as { ref: string; sha: string };
    if (!/^refs\/[^/]+\/.+/.test(ref)) {
      return this.invalid('Reference name is invalid');
    }
    const name = ref.slice('refs/'.length);
    if (this.refs.has(name)) return this.invalid('Reference already exists');
    if (!this.objects.commit(sha)) return this.invalid('Object does not exist');
    this.refs.set(name, sha);
    return {
      status: 201,
      body: this.payloads.gitRef(name, sha),
      headers: {
        location: `${this.options.url}/repos/${this.owner}/${this.repo}/git/refs/${name}`,
      },
    };
  }

  /**
   * The commits from `start` on that changed `path` (all without one),
   * newest first: follows first parents and keeps the commits whose file
   * differs from their first parent's (git's default history simplification
   * for linear histories; the fake's merges are compared with their first
   * parent).
   */
  *history(start: string, path?: string | null): Generator<string> {
    for (let sha: string | undefined = start; sha; ) {
      const parent: string | undefined = this.objects.commit(sha)!.parents[0];
      if (
        !path ||
        this.objects.fileAt(sha, path)?.sha !==
          (parent ? this.objects.fileAt(parent, path)?.sha : undefined)
      ) {
        yield sha;
      }
      sha = parent;
    }
  }

  /**
   * {@link FakeRepository.history}, a page of it. `since` and `until` keep
   * the commits whose committer date is in that window (bounds included),
   * as `git log --since/--until` does on GitHub.
   */
  private listCommits(ctx: Context): Response {
    if (this.checkRepo(ctx)) return this.notFound();
    const start = this.resolveCommit(ctx.query.get('sha') ?? 'main');
    if (!start) return this.notFound();
    const path = ctx.query.get('path');
    const perPage = Number(ctx.query.get('per_page') ?? 30);
    const page = Number(ctx.query.get('page') ?? 1);
    const since = ctx.query.has('since')
      ? Date.parse(ctx.query.get('since')!)
      : -Infinity;
    const until = ctx.query.has('until')
      ? Date.parse(ctx.query.get('until')!)
      : Infinity;
    const matching = [...this.history(start, path)].filter(sha => {
      const committed = Date.parse(this.objects.commit(sha)!.committer.date);
      return committed >= since && committed <= until;
    });
    const slice = matching.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      body: slice.map(sha =>
        this.payloads.commit(sha, this.objects.commit(sha)!),
      ),
    };
  }

  /** `base...head`: how head relates to base (the commits list is left empty). */
  private compareCommits(ctx: Context): Response {
    if (this.checkRepo(ctx)) return this.notFound();
    const [baseRef, headRef] = decodeURIComponent(ctx.params.basehead).split(
      '...',
    );
    const base = this.resolveCommit(baseRef);
    const head = headRef && this.resolveCommit(headRef);
    if (!base || !head) return this.notFound();
    const ahead = this.isAncestor(base, head);
    const behind = this.isAncestor(head, base);
    let status = 'diverged';
    if (base === head) status = 'identical';
    else if (ahead) status = 'ahead';
    else if (behind) status = 'behind';
    const mergeBase = behind ? head : base;
    const payload = (sha: string) =>
      this.payloads.commit(sha, this.objects.commit(sha)!);
    const url = `${this.options.url}/repos/${this.owner}/${this.repo}/compare/${baseRef}...${headRef}`;
    return {
      status: 200,
      body: {
        url,
        html_url: url,
        permalink_url: url,
        diff_url: `${url}.diff`,
        patch_url: `${url}.patch`,
        base_commit: payload(base),
        merge_base_commit: payload(mergeBase),
        status,
        ahead_by: ahead && base !== head ? 1 : 0,
        behind_by: behind && base !== head ? 1 : 0,
        total_commits: 0,
        commits: [],
        files: [],
      },
    };
  }

  private getContent(ctx: Context): Response {
    if (this.checkRepo(ctx)) return this.notFound();
    const ref = ctx.query.get('ref') ?? 'main';
    const commit = this.resolveCommit(ref);
    const file = commit && this.objects.fileAt(commit, ctx.params.path);
    if (!file) return this.notFound();
    return {
      status: 200,
      body: this.payloads.contentFile(
        ctx.params.path,
        ref,
        file.sha,
        this.objects.blob(file.sha)!,
      ),
    };
  }

  private listPulls(ctx: Context): Response {
    if (this.checkRepo(ctx)) return this.notFound();
    const state = ctx.query.get('state') ?? 'open';
    const head = ctx.query.get('head');
    const base = ctx.query.get('base');
    const found = this.pulls.filter(
      pr =>
        (state === 'all' || pr.state === state) &&
        (!head || `${this.owner}:${pr.head}` === head) &&
        (!base || pr.base === base),
    );
    const perPage = Number(ctx.query.get('per_page') ?? 30);
    return {
      status: 200,
      body: found
        .slice(0, perPage)
        .map(pr => this.payloads.pullRequest(pr, false)),
    };
  }

  private createPull(ctx: Context): Response {
    if (this.checkRepo(ctx)) return this.notFound();
    const body = ctx.body as {
      title?: string;
      head: string;
      base: string;
      body?: string;
    };
    const head = body.head.replace(new RegExp(`^${this.owner}:`), '');
    const headSha = this.head(head);
    const baseSha = this.head(body.base);
    const field = (f: string) =>
      this.invalid('Validation Failed', {
        errors: [{ resource: 'PullRequest', field: f, code: 'invalid' }],
      });
    if (!headSha) return field('head');
    if (!baseSha) return field('base');
    if (!body.title) return field('title');
    if (
      this.pulls.some(
        p => p.state === 'open' && p.head === head && p.base === body.base,
      )
    ) {
      return this.invalid('Validation Failed', {
        errors: [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${this.owner}:${head}.`,
          },
        ],
      });
    }
    if (this.isAncestor(headSha, baseSha)) {
      return this.invalid('Validation Failed', {
        errors: [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `No commits between ${body.base} and ${head}`,
          },
        ],
      });
    }
    const date = this.tick();
    const pr: FakePullRequest = {
      number: this.pulls.length + 1,
      title: body.title,
      body: body.body ?? null,
      head,
      headSha,
      base: body.base,
      baseSha,
      state: 'open',
      merged: false,
      mergeCommitSha: null,
      createdAt: date,
      updatedAt: date,
      closedAt: null,
      mergedAt: null,
      user: BOT.name,
    };
    this.pulls.push(pr);
    return { status: 201, body: this.payloads.pullRequest(pr, true) };
  }

  /**
   * A review, submitted at once (an event given). As on GitHub, the author
   * of a pull request may comment on it but not approve it or request
   * changes.
   */
  private createReview(ctx: Context): Response {
    const pr = this.pulls.find(
      p => p.number === Number(ctx.params.pull_number),
    );
    if (this.checkRepo(ctx) || !pr) return this.notFound();
    const body = ctx.body as { body?: string; event?: string };
    const states = {
      COMMENT: 'COMMENTED',
      APPROVE: 'APPROVED',
      REQUEST_CHANGES: 'CHANGES_REQUESTED',
    } as const;
    const event = (body.event ?? 'COMMENT') as keyof typeof states;
    if (event !== 'COMMENT' && pr.user === BOT.name) {
      return this.invalid('Unprocessable Entity', {
        errors: [
          `Can not ${
            event === 'APPROVE' ? 'approve' : 'request changes on'
          } your own pull request`,
        ],
      });
    }
    const review = {
      id: 5000 + this.pulls.reduce((n, p) => n + (p.reviews?.length ?? 0), 0),
      user: BOT.name,
      body: body.body ?? '',
      state: states[event],
      submittedAt: this.tick(),
      commitId: pr.headSha,
    };
    pr.reviews = [...(pr.reviews ?? []), review];
    return { status: 200, body: this.payloads.review(pr, review) };
  }

  private getPull(ctx: Context): Response {
    const pr = this.pulls.find(
      p => p.number === Number(ctx.params.pull_number),
    );
    if (this.checkRepo(ctx) || !pr) return this.notFound();
    return { status: 200, body: this.payloads.pullRequest(pr, true) };
  }

  /**
   * GitHub answers with a 302 to a short-lived codeload.github.com link
   * (`legacy.tar.gz/<ref>?token=...`); the fake's link points at its own
   * {@link CODELOAD_PREFIX} path.
   */
  private downloadTarball(ctx: Context): Response {
    if (this.checkRepo(ctx)) return this.notFound();
    const { ref } = ctx.params;
    if (!this.resolveCommit(ref)) return this.notFound();
    const token = randomBytes(16).toString('hex');
    this.archiveTokens.add(token);
    return {
      status: 302,
      headers: {
        location: `${this.options.url}${CODELOAD_PREFIX}${this.owner}/${
          this.repo
        }/legacy.tar.gz/${ref
          .split('/')
          .map(encodeURIComponent)
          .join('/')}?token=${token}`,
      },
    };
  }

  /**
   * The codeload side of a tarball download: the gzipped archive of the
   * commit, if the link's token was handed out by a redirect. Not part of
   * the REST API (and not counted against its rate limit).
   */
  codeload(pathname: string, query: URLSearchParams): Response {
    const match = new RegExp(
      `^${CODELOAD_PREFIX}([^/]+)/([^/]+)/legacy\\.tar\\.gz/(.+)$`,
    ).exec(pathname);
    const commit =
      match && match[1] === this.owner && match[2] === this.repo
        ? this.resolveCommit(decodeURIComponent(match[3]))
        : undefined;
    if (!commit || !this.archiveTokens.has(query.get('token') ?? '')) {
      return {
        status: 404,
        raw: Buffer.from('404: Not Found'),
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      };
    }
    const name = `${this.owner}-${this.repo}-${commit.slice(0, 7)}`;
    return {
      status: 200,
      raw: gzipSync(this.tarball(commit)),
      headers: {
        'content-type': 'application/x-gzip',
        'content-disposition': `attachment; filename=${name}.tar.gz`,
      },
    };
  }

  /**
   * The uncompressed archive GitHub builds for a commit: `git archive` with a
   * pax global header carrying the commit id and everything under
   * `<owner>-<repo>-<short sha>/`; symlinks are links, directories members.
   */
  tarball(commitSha: string): Buffer {
    const commit = this.objects.commit(commitSha)!;
    const top = `${this.owner}-${this.repo}-${commitSha.slice(0, 7)}/`;
    const entries: TarWriterEntry[] = [{ path: top, type: 'directory' }];
    for (const entry of this.objects.listRecursive(commit.tree)) {
      const path = `${top}${entry.path}`;
      if (entry.type === 'tree') {
        entries.push({ path: `${path}/`, type: 'directory' });
      } else if (entry.mode === '120000') {
        entries.push({
          path,
          type: 'symlink',
          linkTarget: this.objects.blob(entry.sha)!.toString('utf8'),
        });
      } else {
        entries.push({
          path,
          type: 'file',
          mode: entry.mode === '100755' ? 0o775 : 0o664,
          content: this.objects.blob(entry.sha)!,
        });
      }
    }
    return writeTar(entries, {
      globalRecords: { comment: commitSha },
      mtime: Math.floor(Date.parse(commit.committer.date) / 1000),
    });
  }

  /** True when `ancestor` is `sha` or reachable from it through parents. */
  private isAncestor(ancestor: string, sha: string): boolean {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length) {
      const next = queue.shift()!;
      if (next === ancestor) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(this.objects.commit(next)?.parents ?? []));
    }
    return false;
  }

  /** Commit dates advance a minute per commit so histories are ordered. */
  private tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString().replace(/\.000Z$/, 'Z');
  }
}
