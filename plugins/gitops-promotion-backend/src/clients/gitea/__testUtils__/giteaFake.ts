/*
 * An in-process HTTP fake of the three pull request operations of Gitea's
 * (and Forgejo's) REST API v1 that GiteaPullRequests calls, on 127.0.0.1.
 *
 * The contract it follows, from Gitea's documentation and the source its
 * swagger description is generated from:
 *
 * - API usage (authentication, pagination, MAX_RESPONSE_ITEMS = 50):
 *   https://docs.gitea.com/development/api-usage
 *   Authorization header forms: `token <t>` (exactly `token`), `bearer <t>`
 *   and `basic <base64(user:password)>` (both case-insensitive), a token
 *   also accepted as the basic password or as the basic username with an
 *   empty password: services/auth/oauth2.go and services/auth/basic.go,
 *   https://github.com/go-gitea/gitea/blob/main/services/auth/basic.go
 *   Pagination: `page` (1-based) and `limit`; `X-Total-Count` and `Link`
 *   response headers; `limit` <= 0 means 30 (DEFAULT_PAGING_NUM), above 50 is
 *   cut to 50.
 * - Swagger (operations repoListPullRequests, repoCreatePullRequest,
 *   repoGetPullRequest; definitions PullRequest, PRBranchInfo,
 *   CreatePullRequestOption): https://gitea.com/api/swagger and
 *   https://github.com/go-gitea/gitea/blob/main/templates/swagger/v1_json.tmpl
 * - The handlers: https://github.com/go-gitea/gitea/blob/main/routers/api/v1/repo/pull.go
 *   list: GET /repos/{owner}/{repo}/pulls?state=open|closed|all&page&limit
 *     → 200 [PullRequest]
 *   create: POST /repos/{owner}/{repo}/pulls {head, base, title, body}
 *     → 201 PullRequest; 404 (a branch is missing); 409 when an open,
 *     unmerged pull request with the same head and base exists, message
 *     `pull request already exists for these targets [id: .., issue_id: ..,
 *     head_repo_id: .., base_repo_id: .., head_branch: .., base_branch: ..]`
 *     (models/issues/pull.go ErrPullRequestAlreadyExists); 422 when head
 *     equals base or the title is missing.
 *   get: GET /repos/{owner}/{repo}/pulls/{index} → 200 PullRequest; 404.
 * - Error bodies: `{"message": ..., "url": <swagger URL>}`, 404 with
 *   message `not found` (services/context/api.go APIError,
 *   APIErrorNotFound): https://github.com/go-gitea/gitea/blob/main/services/context/api.go
 * - PullRequest JSON (`number`, `html_url` = <web>/<owner>/<repo>/pulls/<n>,
 *   `state` open|closed, `merged`, `merged_at`, `merge_commit_sha` null
 *   until merged, `head`/`base` {label, ref, sha, repo_id}):
 *   https://github.com/go-gitea/gitea/blob/main/modules/structs/pull.go
 *
 * Anything else (unknown paths, query parameters or body fields, missing or
 * wrong credentials, other repositories) is refused with Gitea's error shape
 * and recorded in `violations`; tests assert there are none.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** The operations the fake serves (swagger operation ids). */
export type GiteaOperation =
  | 'repoListPullRequests'
  | 'repoCreatePullRequest'
  | 'repoGetPullRequest';

/** One request the fake answered. */
export interface RecordedRequest {
  operation?: GiteaOperation;
  method: string;
  /** Path and query as received. */
  url: string;
  authorization?: string;
  body?: unknown;
  status: number;
}

/** A failure the fake answers with instead of serving a request. */
export interface GiteaFault {
  /** Only requests for this operation fail (all when absent). */
  operation?: GiteaOperation;
  status: number;
  /** Gitea's `message` (a default per status when absent). */
  message?: string;
  /** A raw body instead of Gitea's JSON (a reverse proxy's page). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** How many requests fail (default 1; Infinity for all). */
  times?: number;
}

/** A pull request as the fake stores it. */
export interface FakePullRequest {
  id: number;
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  headSha: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha?: string;
  mergedAt?: string;
  closedAt?: string;
  createdAt: string;
}

export interface GiteaFakeOptions {
  owner?: string;
  repo?: string;
  /** The integration's username; when set, basic auth must name it. */
  username?: string;
  /** The password or access token every request must carry. */
  password?: string;
  /** Branches that exist (default: `main`). */
  branches?: string[];
  /** MAX_RESPONSE_ITEMS (default 50). */
  maxResponseItems?: number;
}

const SWAGGER_URL_PATH = '/api/swagger';
const DEFAULT_PAGING_NUM = 30;
const REPO_ID = 7;

const CREATE_FIELDS = new Set([
  'head',
  'base',
  'title',
  'body',
  'assignee',
  'assignees',
  'labels',
  'milestone',
  'due_date',
  'reviewers',
  'team_reviewers',
]);
const LIST_PARAMETERS = new Set([
  'state',
  'sort',
  'milestone',
  'labels',
  'poster',
  'base_branch',
  'page',
  'limit',
]);

export class GiteaFake {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly pulls: FakePullRequest[] = [];
  readonly branches: Set<string>;
  readonly owner: string;
  readonly repo: string;
  readonly username?: string;
  readonly password: string;
  private readonly faults: GiteaFault[] = [];
  private readonly beforeCreate: Array<() => void> = [];
  private readonly maxResponseItems: number;
  private nextIndex = 1;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    options: GiteaFakeOptions,
  ) {
    this.owner = options.owner ?? 'acme';
    this.repo = options.repo ?? 'gitops';
    this.username = options.username;
    this.password = options.password ?? 'gitea-token-s3cr3t';
    this.branches = new Set(options.branches ?? ['main']);
    this.maxResponseItems = options.maxResponseItems ?? 50;
  }

  static async start(options: GiteaFakeOptions = {}): Promise<GiteaFake> {
    const fakes: GiteaFake[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => {
        fakes[0].handle(req, Buffer.concat(chunks).toString('utf8'), res);
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new GiteaFake(server, `http://127.0.0.1:${port}`, options);
    fakes.push(fake);
    return fake;
  }

  /** `host:port`, as integrations.gitea[].host. */
  get host(): string {
    return new URL(this.url).host;
  }

  /** The web page of the repository. */
  get repositoryUrl(): string {
    return `${this.url}/${this.owner}/${this.repo}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  assertNoViolations(): void {
    if (this.violations.length > 0) {
      throw new Error(
        `The Gitea fake saw contract violations:\n${this.violations.join(
          '\n',
        )}`,
      );
    }
  }

  /** The next matching requests fail with this answer. */
  injectFault(fault: GiteaFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Runs `hook` once, just before the next create request is served. */
  beforeNextCreate(hook: () => void): void {
    this.beforeCreate.push(hook);
  }

  /** Opens a pull request directly (as another client would). */
  openPullRequest(request: {
    head: string;
    base: string;
    title?: string;
    body?: string;
  }): FakePullRequest {
    this.branches.add(request.head);
    this.branches.add(request.base);
    const number = this.nextIndex++;
    const pr: FakePullRequest = {
      id: 1000 + number,
      number,
      title: request.title ?? `PR ${number}`,
      body: request.body ?? '',
      head: request.head,
      base: request.base,
      headSha: sha(`head ${request.head} ${number}`),
      state: 'open',
      merged: false,
      createdAt: new Date().toISOString(),
    };
    this.pulls.push(pr);
    return pr;
  }

  /** Merges an open pull request; returns the merge commit. */
  mergePullRequest(number: number): string {
    const pr = this.mustFind(number);
    const now = new Date().toISOString();
    pr.state = 'closed';
    pr.merged = true;
    pr.mergedAt = now;
    pr.closedAt = now;
    pr.mergeCommitSha = sha(`merge ${number} ${pr.headSha}`);
    return pr.mergeCommitSha;
  }

  /** Closes a pull request without merging it. */
  closePullRequest(number: number): void {
    const pr = this.mustFind(number);
    pr.state = 'closed';
    pr.closedAt = new Date().toISOString();
  }

  private mustFind(number: number): FakePullRequest {
    const pr = this.pulls.find(p => p.number === number);
    if (!pr) throw new Error(`No pull request #${number} in the fake`);
    return pr;
  }

  private handle(
    req: http.IncomingMessage,
    rawBody: string,
    res: http.ServerResponse,
  ): void {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.url);
    const record: RecordedRequest = {
      method,
      url: `${url.pathname}${url.search}`,
      authorization: req.headers.authorization,
      status: 0,
    };
    this.requests.push(record);
    const send = (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      record.status = status;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, {
        'content-type':
          typeof body === 'string'
            ? 'text/plain; charset=utf-8'
            : 'application/json;charset=utf-8',
        ...headers,
      });
      res.end(text);
    };
    const fail = (status: number, message: string, violation?: string) => {
      if (violation) {
        this.violations.push(`${method} ${record.url}: ${violation}`);
      }
      send(status, { message, url: `${this.url}${SWAGGER_URL_PATH}` });
    };

    const route = this.route(method, url.pathname);
    if (!route) {
      fail(404, 'not found', 'not an operation the fake serves');
      return;
    }
    record.operation = route.operation;
    if (route.owner !== this.owner || route.repo !== this.repo) {
      fail(
        404,
        'not found',
        `unexpected repository ${route.owner}/${route.repo}`,
      );
      return;
    }

    const auth = this.checkAuthorization(req.headers.authorization);
    if (auth) {
      fail(401, auth, auth);
      return;
    }

    const faultIndex = this.faults.findIndex(
      f => !f.operation || f.operation === route.operation,
    );
    if (faultIndex >= 0) {
      const fault = this.faults[faultIndex];
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) this.faults.splice(faultIndex, 1);
      record.status = fault.status;
      send(
        fault.status,
        fault.rawBody ?? {
          message: fault.message ?? defaultMessage(fault.status),
          url: `${this.url}${SWAGGER_URL_PATH}`,
        },
        fault.headers,
      );
      return;
    }

    switch (route.operation) {
      case 'repoListPullRequests':
        this.list(url, send, fail);
        return;
      case 'repoCreatePullRequest':
        this.create(req, rawBody, record, send, fail);
        return;
      case 'repoGetPullRequest':
        this.get(route.index!, url, send, fail);
        return;
      default:
        fail(404, 'not found', 'unrouted');
    }
  }

  private route(
    method: string,
    pathname: string,
  ):
    | { operation: GiteaOperation; owner: string; repo: string; index?: string }
    | undefined {
    const match =
      /^\/api\/v1\/repos\/([^/]+)\/([^/]+)\/pulls(?:\/([^/]+))?$/.exec(
        pathname,
      );
    if (!match) return undefined;
    const owner = decodeURIComponent(match[1]);
    const repo = decodeURIComponent(match[2]);
    const index = match[3];
    if (index === undefined && method === 'GET') {
      return { operation: 'repoListPullRequests', owner, repo };
    }
    if (index === undefined && method === 'POST') {
      return { operation: 'repoCreatePullRequest', owner, repo };
    }
    if (index !== undefined && method === 'GET') {
      return { operation: 'repoGetPullRequest', owner, repo, index };
    }
    return undefined;
  }

  /** Undefined when the header carries the configured credentials; else why not. */
  private checkAuthorization(header: string | undefined): string | undefined {
    if (!header) return 'token is required';
    const [scheme, value, ...rest] = header.trim().split(/\s+/);
    if (!value || rest.length > 0) return 'invalid Authorization header';
    if (scheme === 'token' || scheme.toLowerCase() === 'bearer') {
      return value === this.password
        ? undefined
        : 'invalid username, password or token';
    }
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon < 0 ? decoded : decoded.slice(0, colon);
      const pass = colon < 0 ? '' : decoded.slice(colon + 1);
      if ((pass === '' || pass === 'x-oauth-basic') && user === this.password) {
        return undefined;
      }
      if (
        pass === this.password &&
        (this.username === undefined || user === this.username)
      ) {
        return undefined;
      }
      return 'invalid username, password or token';
    }
    return 'invalid Authorization header';
  }

  private list(
    url: URL,
    send: (s: number, b: unknown, h?: Record<string, string>) => void,
    fail: (s: number, m: string, v?: string) => void,
  ) {
    for (const key of url.searchParams.keys()) {
      if (!LIST_PARAMETERS.has(key)) {
        fail(
          422,
          `unknown query parameter ${key}`,
          `unknown query parameter '${key}'`,
        );
        return;
      }
    }
    const state = url.searchParams.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) {
      fail(
        422,
        `invalid state ${state}`,
        `state '${state}' is not open|closed|all`,
      );
      return;
    }
    const page = integerParameter(url, 'page', 1);
    const limit = integerParameter(url, 'limit', 0);
    if (page === undefined || limit === undefined || page < 1 || limit < 0) {
      fail(
        422,
        'invalid page or limit',
        'page must be >= 1 and limit >= 0 integers',
      );
      return;
    }
    let pageSize = limit <= 0 ? DEFAULT_PAGING_NUM : limit;
    pageSize = Math.min(pageSize, this.maxResponseItems);
    const baseBranch = url.searchParams.get('base_branch');
    const matching = this.pulls
      .filter(pr => state === 'all' || pr.state === state)
      .filter(pr => !baseBranch || pr.base === baseBranch)
      // Gitea's default order: newest first
      .sort((a, b) => b.number - a.number);
    const items = matching
      .slice((page - 1) * pageSize, page * pageSize)
      .map(pr => this.toApi(pr));
    const headers: Record<string, string> = {
      'x-total-count': String(matching.length),
    };
    const pages = Math.ceil(matching.length / pageSize);
    if (page < pages) {
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next}>; rel="next"`;
    }
    send(200, items, headers);
  }

  private create(
    req: http.IncomingMessage,
    rawBody: string,
    record: RecordedRequest,
    send: (s: number, b: unknown) => void,
    fail: (s: number, m: string, v?: string) => void,
  ) {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      fail(
        415,
        'Content-Type must be application/json',
        'body is not sent as application/json',
      );
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody);
    } catch {
      fail(422, 'invalid JSON body', 'body is not JSON');
      return;
    }
    record.body = body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      fail(422, 'invalid body', 'body is not a CreatePullRequestOption object');
      return;
    }
    for (const key of Object.keys(body)) {
      if (!CREATE_FIELDS.has(key)) {
        fail(
          422,
          `unknown field ${key}`,
          `unknown CreatePullRequestOption field '${key}'`,
        );
        return;
      }
    }
    const { head, base, title } = body;
    const text = body.body;
    if (
      typeof head !== 'string' ||
      typeof base !== 'string' ||
      typeof title !== 'string' ||
      (text !== undefined && typeof text !== 'string')
    ) {
      fail(422, '[Title]: Required', 'head, base and title must be strings');
      return;
    }
    if (title.trim() === '') {
      fail(422, '[Title]: Required');
      return;
    }
    if (head === base) {
      fail(
        422,
        'Invalid PullRequest: There are no changes between the head and the base',
      );
      return;
    }
    if (!this.branches.has(head) || !this.branches.has(base)) {
      fail(404, 'not found');
      return;
    }
    for (const hook of this.beforeCreate.splice(0)) hook();
    const existing = this.pulls.find(
      pr =>
        pr.state === 'open' &&
        !pr.merged &&
        pr.head === head &&
        pr.base === base,
    );
    if (existing) {
      fail(
        409,
        `pull request already exists for these targets [id: ${existing.id}, issue_id: ${existing.number}, head_repo_id: ${REPO_ID}, base_repo_id: ${REPO_ID}, head_branch: ${head}, base_branch: ${base}]`,
      );
      return;
    }
    const pr = this.openPullRequest({ head, base, title, body: text });
    send(201, this.toApi(pr));
  }

  private get(
    index: string,
    url: URL,
    send: (s: number, b: unknown) => void,
    fail: (s: number, m: string, v?: string) => void,
  ) {
    if (url.search) {
      fail(
        422,
        'unexpected query',
        'repoGetPullRequest takes no query parameters',
      );
      return;
    }
    if (!/^[1-9]\d*$/.test(index)) {
      fail(404, 'not found', `index '${index}' is not a positive integer`);
      return;
    }
    const pr = this.pulls.find(p => p.number === Number(index));
    if (!pr) {
      fail(404, 'not found');
      return;
    }
    send(200, this.toApi(pr));
  }

  /** Gitea's PullRequest JSON (the fields our client reads and their neighbours). */
  private toApi(pr: FakePullRequest) {
    const repository = {
      id: REPO_ID,
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      html_url: this.repositoryUrl,
    };
    return {
      id: pr.id,
      url: `${this.repositoryUrl}/pulls/${pr.number}`,
      number: pr.number,
      title: pr.title,
      body: pr.body,
      state: pr.state,
      html_url: `${this.repositoryUrl}/pulls/${pr.number}`,
      diff_url: `${this.repositoryUrl}/pulls/${pr.number}.diff`,
      patch_url: `${this.repositoryUrl}/pulls/${pr.number}.patch`,
      mergeable: pr.state === 'open',
      merged: pr.merged,
      merged_at: pr.mergedAt ?? null,
      merge_commit_sha: pr.mergeCommitSha ?? null,
      merge_base: sha(`base ${pr.base}`),
      head: {
        label: pr.head,
        ref: pr.head,
        sha: pr.headSha,
        repo_id: REPO_ID,
        repo: repository,
      },
      base: {
        label: pr.base,
        ref: pr.base,
        sha: sha(`base ${pr.base}`),
        repo_id: REPO_ID,
        repo: repository,
      },
      created_at: pr.createdAt,
      updated_at: pr.closedAt ?? pr.createdAt,
      closed_at: pr.closedAt ?? null,
    };
  }
}

function integerParameter(
  url: URL,
  name: string,
  fallback: number,
): number | undefined {
  const value = url.searchParams.get(name);
  if (value === null) return fallback;
  return /^-?\d+$/.test(value) ? Number(value) : undefined;
}

function defaultMessage(status: number): string {
  switch (status) {
    case 401:
      return 'invalid username, password or token';
    case 403:
      return 'user should have specific permission or be a site admin';
    case 404:
      return 'not found';
    case 409:
      return 'conflict';
    case 429:
      return 'Too Many Requests';
    default:
      return status >= 500 ? '' : `HTTP ${status}`;
  }
}

function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** Starts a fake with `main` and the given branches. */
export function startGiteaFake(options: GiteaFakeOptions = {}) {
  return GiteaFake.start(options);
}
