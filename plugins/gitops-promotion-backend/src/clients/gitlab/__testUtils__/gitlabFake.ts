/*
 * An in-process HTTP fake of the part of GitLab's REST API (v4) that
 * GitlabMergeRequests uses, following GitLab's documentation:
 *
 * - Merge requests API, https://docs.gitlab.com/api/merge_requests/
 *   "List project merge requests": GET /projects/:id/merge_requests
 *     (state=opened|closed|locked|merged|all, source_branch, page, per_page;
 *     200 with a JSON array and the X-Page/X-Per-Page/X-Total... headers)
 *   "Create MR": POST /projects/:id/merge_requests (source_branch,
 *     target_branch, title required; description optional; 201 with the merge
 *     request; 409 {"message": ["Another open merge request already exists for
 *     this source branch: !N"]} when an open one of the same branches exists,
 *     409 {"message": ["You can't use same project/branch for source and
 *     target"]})
 *   "Get single MR": GET /projects/:id/merge_requests/:merge_request_iid
 *     (404 {"message": "404 Not found"})
 *   Merge request fields: iid, web_url, state, source_branch, sha,
 *     merge_commit_sha, squash_commit_sha, source/target_project_id, ...
 * - Namespaced paths, https://docs.gitlab.com/api/rest/#namespaced-paths
 *   (`:id` is the numeric id or the URL-encoded path, `group%2Fproject`;
 *   an unknown project: 404 {"message": "404 Project Not Found"})
 * - REST API authentication, https://docs.gitlab.com/api/rest/authentication/
 *   (PRIVATE-TOKEN header or Authorization: Bearer; invalid or missing:
 *   401 {"message": "401 Unauthorized"})
 * - REST API troubleshooting, status codes,
 *   https://docs.gitlab.com/api/rest/troubleshooting/ (400 for a missing
 *   attribute, Grape's {"error": "title is missing"}; 403 {"message":
 *   "403 Forbidden"}; 409; 429; 5xx)
 * - User and IP rate limits, response text and headers,
 *   https://docs.gitlab.com/administration/settings/user_and_ip_rate_limits/
 *   (429 with text body "Retry later", RateLimit-Name, RateLimit-Limit,
 *   RateLimit-Observed, RateLimit-Remaining, RateLimit-Reset,
 *   RateLimit-ResetTime, Retry-After)
 *
 * Anything else (another route, an unknown query parameter or body field,
 * a project path that is not encoded, a request without the token, a token in
 * the URL) is refused with GitLab's error shape and recorded in `violations`,
 * which tests assert are empty.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** The operations the fake serves. */
export type GitlabOperation = 'list' | 'create' | 'get';

/** One request the fake answered. */
export interface RecordedRequest {
  operation?: GitlabOperation;
  method: string;
  /** The raw path and query as sent (project id still encoded). */
  url: string;
  query: Record<string, string>;
  /** How the token came: `private-token` or `bearer` header. */
  auth?: 'private-token' | 'bearer';
  body: unknown;
  status: number;
}

/** A failure the fake answers with instead of serving a request. */
export interface Fault {
  /** Only requests for this operation fail (all when absent). */
  operation?: GitlabOperation;
  status: number;
  /** The `message` of the JSON error body (a string or, like GitLab's validation errors, a list). */
  message?: string | string[];
  /** A text body instead of JSON (e.g. the rate limiter's "Retry later"). */
  text?: string;
  headers?: Record<string, string>;
  /** How many requests fail (default 1; Infinity for all). */
  times?: number;
}

/** A merge request as the fake keeps it. */
export interface FakeMergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'locked' | 'merged';
  source_branch: string;
  target_branch: string;
  source_project_id: number;
  target_project_id: number;
  sha: string;
  merge_commit_sha: string | null;
  squash_commit_sha: string | null;
  squash: boolean;
  created_at: string;
  updated_at: string;
  merged_at: string | null;
  closed_at: string | null;
}

/** What {@link GitlabFake.start} accepts. */
export interface GitlabFakeOptions {
  /** The project's full path (default `acme/platform/gitops`). */
  projectPath?: string;
  /** Requests must carry it as PRIVATE-TOKEN or Authorization: Bearer. */
  token?: string;
  /** A self-managed instance under a relative path, e.g. `/gitlab`. */
  basePath?: string;
}

const PROJECT_ID = 4242;
const FORK_PROJECT_ID = 4343;
const LIST_QUERY = new Set(['state', 'source_branch', 'page', 'per_page']);
const CREATE_FIELDS = new Set([
  'source_branch',
  'target_branch',
  'title',
  'description',
]);
const STATES = new Set(['opened', 'closed', 'locked', 'merged', 'all']);

export class GitlabFake {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly mergeRequests: FakeMergeRequest[] = [];
  readonly projectPath: string;
  readonly token: string;
  private readonly basePath: string;
  private readonly faults: Fault[] = [];
  private server!: http.Server;
  private nextId = 100;

  private constructor(options: GitlabFakeOptions) {
    this.projectPath = options.projectPath ?? 'acme/platform/gitops';
    this.token = options.token ?? 'glpat-FAKE0123456789abcdefXYZ';
    this.basePath = (options.basePath ?? '').replace(/\/+$/, '');
  }

  static async start(options: GitlabFakeOptions = {}): Promise<GitlabFake> {
    const fake = new GitlabFake(options);
    fake.server = http.createServer((req, res) => {
      fake.serve(req, res).catch(error => {
        fake.violations.push(`fake failed: ${error}`);
        send(res, 500, { message: '500 Internal Server Error' });
      });
    });
    await new Promise<void>(resolve =>
      fake.server.listen(0, '127.0.0.1', resolve),
    );
    return fake;
  }

  /** `127.0.0.1:<port>`: the integration's host. */
  get host(): string {
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** The instance's web root (integration `baseUrl`). */
  get url(): string {
    return `http://${this.host}${this.basePath}`;
  }

  /** The REST API root (integration `apiBaseUrl`). */
  get apiBaseUrl(): string {
    return `${this.url}/api/v4`;
  }

  /** The project's web page (the repository URL). */
  get projectUrl(): string {
    return `${this.url}/${this.projectPath}`;
  }

  webUrl(iid: number): string {
    return `${this.projectUrl}/-/merge_requests/${iid}`;
  }

  /** Makes the next matching request(s) fail. */
  fail(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /** Adds a merge request as another client (or a fork) would. */
  addMergeRequest(
    fields: Partial<FakeMergeRequest> & {
      source_branch: string;
      target_branch?: string;
      fromFork?: boolean;
    },
  ): FakeMergeRequest {
    const { fromFork, ...rest } = fields;
    const now = new Date().toISOString();
    const iid = this.mergeRequests.length + 1;
    const mr: FakeMergeRequest = {
      id: this.nextId++,
      iid,
      title: `Merge ${fields.source_branch}`,
      description: '',
      state: 'opened',
      target_branch: 'main',
      source_project_id: fromFork ? FORK_PROJECT_ID : PROJECT_ID,
      target_project_id: PROJECT_ID,
      sha: sha(`head:${fields.source_branch}:${iid}`),
      merge_commit_sha: null,
      squash_commit_sha: null,
      squash: false,
      created_at: now,
      updated_at: now,
      merged_at: null,
      closed_at: null,
      ...rest,
    };
    this.mergeRequests.push(mr);
    return mr;
  }

  /**
   * Merges a merge request as a user would in GitLab's UI. Merge method
   * `merge` (default) sets merge_commit_sha; `squash-ff` sets only
   * squash_commit_sha; `ff` sets neither (the source head lands on the
   * target). Returns the commit now on the target branch.
   */
  mergeMergeRequest(
    iid: number,
    method: 'merge' | 'squash-ff' | 'ff' = 'merge',
  ): string {
    const mr = this.find(iid);
    const now = new Date().toISOString();
    mr.state = 'merged';
    mr.merged_at = now;
    mr.updated_at = now;
    if (method === 'merge') {
      mr.merge_commit_sha = sha(`merge:${iid}`);
      return mr.merge_commit_sha;
    }
    if (method === 'squash-ff') {
      mr.squash = true;
      mr.squash_commit_sha = sha(`squash:${iid}`);
      return mr.squash_commit_sha;
    }
    return mr.sha;
  }

  /** Closes a merge request without merging it. */
  closeMergeRequest(iid: number): void {
    const mr = this.find(iid);
    mr.state = 'closed';
    mr.closed_at = new Date().toISOString();
    mr.updated_at = mr.closed_at;
  }

  assertNoViolations(): void {
    if (this.violations.length) {
      throw new Error(
        `The GitLab fake saw requests GitLab's documented API does not serve:\n${this.violations.join(
          '\n',
        )}`,
      );
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private find(iid: number): FakeMergeRequest {
    const mr = this.mergeRequests.find(m => m.iid === iid);
    if (!mr) throw new Error(`The fake has no merge request !${iid}`);
    return mr;
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const raw = req.url ?? '/';
    const [rawPath, rawQuery = ''] = raw.split('?');
    const params = new URLSearchParams(rawQuery);
    const query = Object.fromEntries(params.entries());
    const text = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url: raw,
      query,
      body: undefined,
      status: 0,
    };
    this.requests.push(record);
    const answer = (status: number, body: unknown, headers = {}) => {
      record.status = status;
      send(res, status, body, headers);
    };
    const refuse = (status: number, body: unknown, violation: string) => {
      this.violations.push(`${record.method} ${raw}: ${violation}`);
      answer(status, body);
    };

    // credentials belong in headers only
    if (
      params.has('private_token') ||
      params.has('access_token') ||
      raw.includes(this.token)
    ) {
      refuse(401, { message: '401 Unauthorized' }, 'credentials in the URL');
      return;
    }

    const prefix = `${this.basePath}/api/v4/projects/`;
    const route = rawPath.startsWith(prefix)
      ? /^([^/]+)\/merge_requests(?:\/([^/]+))?$/.exec(
          rawPath.slice(prefix.length),
        )
      : null;
    let operation: GitlabOperation | undefined;
    if (route && !route[2] && req.method === 'GET') operation = 'list';
    else if (route && !route[2] && req.method === 'POST') operation = 'create';
    else if (route && route[2] && req.method === 'GET') operation = 'get';
    record.operation = operation;
    if (!operation || !route) {
      refuse(
        404,
        { error: '404 Not Found' },
        'not an operation the fake serves',
      );
      return;
    }

    const privateToken = req.headers['private-token'];
    const authorization = req.headers.authorization;
    if (privateToken === this.token) record.auth = 'private-token';
    else if (authorization === `Bearer ${this.token}`) record.auth = 'bearer';
    else {
      refuse(
        401,
        { message: '401 Unauthorized' },
        privateToken || authorization
          ? 'wrong token'
          : 'no PRIVATE-TOKEN or Authorization: Bearer header',
      );
      return;
    }

    const projectId = route[1];
    if (
      projectId.includes('/') ||
      decodeURIComponent(projectId).includes('%')
    ) {
      refuse(
        404,
        { message: '404 Project Not Found' },
        'project id not encoded once',
      );
      return;
    }
    if (
      decodeURIComponent(projectId) !== this.projectPath &&
      projectId !== String(PROJECT_ID)
    ) {
      answer(404, { message: '404 Project Not Found' });
      return;
    }

    const fault = this.takeFault(operation);
    if (fault) {
      // GitLab's rate limiter answers with a text body, by default "Retry later"
      const textBody =
        fault.text ??
        (fault.status === 429 && fault.message === undefined
          ? 'Retry later'
          : undefined);
      answer(
        fault.status,
        textBody !== undefined
          ? textBody
          : { message: fault.message ?? defaultMessage(fault.status) },
        fault.headers ?? defaultHeaders(fault.status),
      );
      return;
    }

    if (operation === 'list') {
      this.list(params, record, answer, refuse);
    } else if (operation === 'create') {
      this.create(req, text, record, answer, refuse);
    } else {
      const iid = route[2];
      if (!/^\d+$/.test(iid)) {
        answer(400, { error: 'merge_request_iid is invalid' });
        return;
      }
      if (rawQuery) {
        refuse(
          400,
          { error: 'unexpected query' },
          `unexpected query ${rawQuery}`,
        );
        return;
      }
      const mr = this.mergeRequests.find(m => m.iid === Number(iid));
      if (!mr) answer(404, { message: '404 Not found' });
      else answer(200, this.present(mr));
    }
  }

  private list(
    params: URLSearchParams,
    record: RecordedRequest,
    answer: (
      status: number,
      body: unknown,
      headers?: Record<string, string>,
    ) => void,
    refuse: (status: number, body: unknown, violation: string) => void,
  ) {
    for (const key of params.keys()) {
      if (!LIST_QUERY.has(key)) {
        refuse(
          400,
          { error: `${key} is not modelled` },
          `unknown query parameter ${key}`,
        );
        return;
      }
    }
    const state = params.get('state') ?? 'all';
    if (!STATES.has(state)) {
      answer(400, { error: 'state does not have a valid value' });
      return;
    }
    const perPage = Number(params.get('per_page') ?? 20);
    const page = Number(params.get('page') ?? 1);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      refuse(400, { error: 'per_page is invalid' }, `per_page ${perPage}`);
      return;
    }
    const sourceBranch = params.get('source_branch');
    const matching = this.mergeRequests
      .filter(mr => state === 'all' || mr.state === state)
      .filter(mr => sourceBranch === null || mr.source_branch === sourceBranch)
      // newest first: order_by=created_at, sort=desc
      .sort((a, b) => b.id - a.id);
    const totalPages = Math.max(1, Math.ceil(matching.length / perPage));
    const items = matching.slice((page - 1) * perPage, page * perPage);
    record.body = undefined;
    answer(
      200,
      items.map(mr => this.present(mr)),
      {
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-total': String(matching.length),
        'x-total-pages': String(totalPages),
        'x-next-page': page < totalPages ? String(page + 1) : '',
        'x-prev-page': page > 1 ? String(page - 1) : '',
      },
    );
  }

  private create(
    req: http.IncomingMessage,
    text: string,
    record: RecordedRequest,
    answer: (
      status: number,
      body: unknown,
      headers?: Record<string, string>,
    ) => void,
    refuse: (status: number, body: unknown, violation: string) => void,
  ) {
    if (!req.headers['content-type']?.startsWith('application/json')) {
      refuse(415, { error: 'Unsupported media type' }, 'body is not JSON');
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      refuse(400, { error: 'body is invalid JSON' }, 'body is invalid JSON');
      return;
    }
    record.body = body;
    for (const key of Object.keys(body)) {
      if (!CREATE_FIELDS.has(key)) {
        refuse(
          400,
          { error: `${key} is not modelled` },
          `unknown body field ${key}`,
        );
        return;
      }
    }
    for (const key of ['source_branch', 'target_branch', 'title']) {
      if (typeof body[key] !== 'string' || !body[key]) {
        refuse(400, { error: `${key} is missing` }, `${key} is missing`);
        return;
      }
    }
    if (
      body.description !== undefined &&
      typeof body.description !== 'string'
    ) {
      refuse(
        400,
        { error: 'description is invalid' },
        'description is not a string',
      );
      return;
    }
    const source = body.source_branch as string;
    const target = body.target_branch as string;
    if (source === target) {
      answer(409, {
        message: ["You can't use same project/branch for source and target"],
      });
      return;
    }
    const similar = this.mergeRequests.find(
      mr =>
        mr.state === 'opened' &&
        mr.source_project_id === PROJECT_ID &&
        mr.source_branch === source &&
        mr.target_branch === target,
    );
    if (similar) {
      answer(409, {
        message: [
          `Another open merge request already exists for this source branch: !${similar.iid}`,
        ],
      });
      return;
    }
    const mr = this.addMergeRequest({
      source_branch: source,
      target_branch: target,
      title: body.title as string,
      description: (body.description as string | undefined) ?? '',
    });
    answer(201, this.present(mr));
  }

  /** The documented merge request representation (the fields that matter here). */
  private present(mr: FakeMergeRequest) {
    return {
      ...mr,
      project_id: PROJECT_ID,
      draft: false,
      work_in_progress: false,
      merge_status: 'can_be_merged',
      detailed_merge_status: mr.state === 'opened' ? 'mergeable' : 'not_open',
      web_url: this.webUrl(mr.iid),
      references: {
        short: `!${mr.iid}`,
        relative: `!${mr.iid}`,
        full: `${this.projectPath}!${mr.iid}`,
      },
    };
  }

  private takeFault(operation: GitlabOperation): Fault | undefined {
    const index = this.faults.findIndex(
      f => !f.operation || f.operation === operation,
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    const times = (fault.times ?? 1) - 1;
    if (times <= 0) this.faults.splice(index, 1);
    else fault.times = times;
    return fault;
  }
}

/** Starts a fake; see {@link GitlabFake}. */
export function startGitlabFake(options?: GitlabFakeOptions) {
  return GitlabFake.start(options);
}

function defaultMessage(status: number): string | string[] {
  switch (status) {
    case 401:
      return '401 Unauthorized';
    case 403:
      return '403 Forbidden';
    case 404:
      return '404 Not found';
    case 409:
      return ['409 Conflict'];
    case 502:
      return '502 Bad Gateway';
    case 503:
      return '503 Service Unavailable';
    default:
      return `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
  }
}

/** The documented headers of a rate-limited answer. */
function defaultHeaders(status: number): Record<string, string> {
  if (status !== 429) return {};
  const reset = new Date(Date.now() + 60_000);
  return {
    'ratelimit-name': 'throttle_authenticated_api',
    'ratelimit-limit': '2000',
    'ratelimit-observed': '2001',
    'ratelimit-remaining': '0',
    'ratelimit-reset': String(Math.floor(reset.getTime() / 1000)),
    'ratelimit-resettime': reset.toUTCString(),
    'retry-after': '60',
  };
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type':
      typeof body === 'string' ? 'text/plain' : 'application/json',
    ...headers,
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}
