/*
 * An in-process fake of the part of Bitbucket Data Center's REST API 1.0 that
 * BitbucketServerPullRequests calls, on 127.0.0.1 (a free port).
 *
 * The contract it follows comes from Atlassian's documentation:
 *  - Pull requests API group (list, create, get):
 *    https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-pull-requests/
 *  - REST intro: URI structure, paged APIs (`values`, `size`, `limit`,
 *    `start`, `isLastPage`, `nextPageStart`; `start`/`limit` query), error
 *    body `{"errors": [{"context", "message", "exceptionName"}]}`:
 *    https://developer.atlassian.com/server/bitbucket/rest/v906/intro/
 *    (paging also in https://docs.atlassian.com/bitbucket-server/rest/5.16.0/bitbucket-rest.html)
 *  - 409 on create when an open pull request between the same branches
 *    exists (the error carries `existingPullRequest`):
 *    https://docs.atlassian.com/bitbucket-server/javadoc/9.5.0/api/com/atlassian/bitbucket/pull/DuplicatePullRequestException.html
 *  - Create body (`title`, `description`, `fromRef`/`toRef` with `id` and
 *    `repository: {slug, project: {key}}`): the documented example quoted in
 *    https://community.atlassian.com/forums/Bitbucket-questions/How-to-create-a-pull-request-via-the-Bitbucket-API/qaq-p/1090689
 *  - `properties.mergeCommit: {id, displayId}` on a merged pull request
 *    (absent when it was merged remotely):
 *    https://confluence.atlassian.com/bitbucketserver/event-payload-938025882.html
 *  - Authentication: HTTP access tokens as `Authorization: Bearer`, or Basic:
 *    https://developer.atlassian.com/server/bitbucket/how-tos/command-line-rest/#authentication
 *  - Rate limiting (429, Retry-After and X-RateLimit-* headers):
 *    https://confluence.atlassian.com/bitbucketserver086/improving-instance-stability-with-rate-limiting-1188783544.html
 *
 * Anything else (unknown paths, methods, query parameters, malformed bodies,
 * missing or wrong credentials) is refused with the error shape and recorded
 * in `violations`; tests assert there are none.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the fake answered. */
export interface RecordedRequest {
  /** `list` | `create` | `get` | `unknown` */
  operation: string;
  method: string;
  /** Path and query, as received. */
  url: string;
  authorization?: string;
  body: unknown;
  status: number;
}

/** A failure the fake answers with instead of serving a request. */
export interface Fault {
  /** Only requests for this operation fail (all when absent). */
  operation?: 'list' | 'create' | 'get';
  status: number;
  message?: string;
  exceptionName?: string;
  headers?: Record<string, string>;
  /** How many requests fail (default 1). */
  times?: number;
}

/** What {@link BitbucketServerFake.start} accepts. */
export interface BitbucketServerFakeOptions {
  projectKey?: string;
  repositorySlug?: string;
  /** Requests must carry `Authorization: Bearer <token>`... */
  token?: string;
  /** ...or Basic with these. */
  username?: string;
  password?: string;
  /** Page size of the list call when the request gives no `limit` (Bitbucket: 25). */
  pageSize?: number;
  /** Behave like a version that leaves `existingPullRequest` out of the 409. */
  omitExistingPullRequest?: boolean;
}

/** A pull request as the fake keeps it. */
export interface FakePullRequest {
  id: number;
  version: number;
  title: string;
  description?: string;
  state: 'OPEN' | 'MERGED' | 'DECLINED';
  fromBranch: string;
  toBranch: string;
  createdDate: number;
  updatedDate: number;
  closedDate?: number;
  mergeCommit?: string;
}

const API_PREFIX = '/rest/api/1.0';
const LIST_QUERY = new Set([
  'state',
  'direction',
  'at',
  'order',
  'withAttributes',
  'withProperties',
  'draft',
  'filterText',
  'participantStatus',
  'role.1',
  'username.1',
  'start',
  'limit',
]);

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly exceptionName: string,
    readonly violation: boolean,
  ) {
    super(message);
  }
}

export class BitbucketServerFake {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly pullRequests: FakePullRequest[] = [];
  readonly projectKey: string;
  readonly repositorySlug: string;
  private readonly faults: Fault[] = [];
  private server!: http.Server;
  private port = 0;

  private constructor(private readonly options: BitbucketServerFakeOptions) {
    this.projectKey = options.projectKey ?? 'OPS';
    this.repositorySlug = options.repositorySlug ?? 'gitops';
  }

  static async start(
    options: BitbucketServerFakeOptions = {},
  ): Promise<BitbucketServerFake> {
    const fake = new BitbucketServerFake(options);
    fake.server = http.createServer((req, res) => fake.receive(req, res));
    await new Promise<void>(resolve =>
      fake.server.listen(0, '127.0.0.1', resolve),
    );
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `127.0.0.1:<port>`, the `host` of an integrations.bitbucketServer entry. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get apiBaseUrl(): string {
    return `${this.url}${API_PREFIX}`;
  }

  /** The HTTP clone URL, `http://host/scm/<project lower-case>/<repo>.git`. */
  get cloneUrl(): string {
    return `${this.url}/scm/${this.projectKey.toLowerCase()}/${
      this.repositorySlug
    }.git`;
  }

  /** The web page of a pull request (its `links.self[0].href`). */
  pullRequestUrl(id: number): string {
    return `${this.url}/projects/${this.projectKey}/repos/${this.repositorySlug}/pull-requests/${id}`;
  }

  /** Makes the next matching request(s) fail. */
  fail(fault: Fault) {
    this.faults.push({ times: 1, ...fault });
  }

  /** Opens a pull request as someone else would (a concurrent replica). */
  createPullRequest(request: {
    branch: string;
    base: string;
    title: string;
  }): FakePullRequest {
    const now = Date.now();
    const pr: FakePullRequest = {
      id: this.pullRequests.length + 1,
      version: 0,
      title: request.title,
      state: 'OPEN',
      fromBranch: request.branch,
      toBranch: request.base,
      createdDate: now,
      updatedDate: now,
    };
    this.pullRequests.push(pr);
    return pr;
  }

  /**
   * Merges a pull request, returning the merge commit. With
   * `recordMergeCommit: false` behaves like a remote merge (or an older
   * version) and leaves `properties.mergeCommit` out.
   */
  mergePullRequest(
    id: number,
    options: { recordMergeCommit?: boolean } = {},
  ): string {
    const pr = this.openPullRequest(id);
    const sha = randomBytes(20).toString('hex');
    pr.state = 'MERGED';
    pr.version += 1;
    pr.updatedDate = pr.closedDate = Date.now();
    if (options.recordMergeCommit !== false) pr.mergeCommit = sha;
    return sha;
  }

  declinePullRequest(id: number) {
    const pr = this.openPullRequest(id);
    pr.state = 'DECLINED';
    pr.version += 1;
    pr.updatedDate = pr.closedDate = Date.now();
  }

  assertNoViolations() {
    if (this.violations.length) {
      throw new Error(
        `The Bitbucket Data Center fake saw requests its documented API does not allow:\n${this.violations.join(
          '\n',
        )}`,
      );
    }
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  private openPullRequest(id: number): FakePullRequest {
    const pr = this.pullRequests.find(p => p.id === id);
    if (!pr || pr.state !== 'OPEN') {
      throw new Error(`pull request ${id} is not open in the fake`);
    }
    return pr;
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const record: RecordedRequest = {
        operation: 'unknown',
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        authorization: req.headers.authorization,
        body: undefined,
        status: 0,
      };
      this.requests.push(record);
      let status = 200;
      let body: unknown;
      let headers: Record<string, string> = {};
      try {
        ({ status, body, headers = {} } = this.serve(req, raw, record));
      } catch (error) {
        if (error instanceof Refusal) {
          if (error.violation) {
            this.violations.push(
              `${record.method} ${record.url}: ${error.message}`,
            );
          }
          status = error.status;
          body = errorBody(error.message, error.exceptionName);
        } else {
          this.violations.push(
            `${record.method} ${record.url} crashed: ${error}`,
          );
          status = 500;
          body = errorBody(String(error), 'java.lang.RuntimeException');
        }
      }
      record.status = status;
      res.writeHead(status, {
        'content-type': 'application/json;charset=UTF-8',
        ...headers,
      });
      res.end(body === undefined ? '' : JSON.stringify(body));
    });
  }

  private serve(
    req: http.IncomingMessage,
    raw: string,
    record: RecordedRequest,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const route = this.route(method, url.pathname);
    record.operation = route.operation;
    this.checkAuthorization(req.headers.authorization);

    const faultIndex = this.faults.findIndex(
      f => !f.operation || f.operation === route.operation,
    );
    if (faultIndex >= 0) {
      const fault = this.faults[faultIndex];
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) this.faults.splice(faultIndex, 1);
      return faultResponse(fault);
    }

    if (route.operation === 'list') return this.list(url);
    if (route.operation === 'create') {
      record.body = parseJson(raw, req.headers['content-type']);
      return this.create(record.body);
    }
    return this.get(route.id!);
  }

  private route(
    method: string,
    pathname: string,
  ): { operation: 'list' | 'create' | 'get'; id?: number } {
    const match =
      /^\/rest\/api\/1\.0\/projects\/([^/]+)\/repos\/([^/]+)\/pull-requests(?:\/([^/]+))?\/?$/.exec(
        pathname,
      );
    if (!match) {
      throw new Refusal(
        404,
        `No resource at ${pathname}`,
        'com.sun.jersey.api.NotFoundException',
        true,
      );
    }
    const [, project, slug, id] = match.map(s => s && decodeURIComponent(s));
    if (
      project.toUpperCase() !== this.projectKey ||
      slug !== this.repositorySlug
    ) {
      throw new Refusal(
        404,
        `Repository ${project}/${slug} does not exist.`,
        'com.atlassian.bitbucket.repository.NoSuchRepositoryException',
        true,
      );
    }
    if (id === undefined && method === 'GET') return { operation: 'list' };
    if (id === undefined && method === 'POST') return { operation: 'create' };
    if (id !== undefined && method === 'GET') {
      if (!/^\d+$/.test(id)) {
        throw new Refusal(
          404,
          `No resource at ${pathname}`,
          'com.sun.jersey.api.NotFoundException',
          true,
        );
      }
      return { operation: 'get', id: Number(id) };
    }
    throw new Refusal(
      405,
      `Method ${method} is not allowed on ${pathname}`,
      'com.sun.jersey.api.MethodNotAllowedException',
      true,
    );
  }

  private checkAuthorization(header: string | undefined) {
    const { token, username, password } = this.options;
    let expected: string | undefined;
    if (token) {
      expected = `Bearer ${token}`;
    } else if (username && password) {
      const basic = Buffer.from(`${username}:${password}`).toString('base64');
      expected = `Basic ${basic}`;
    }
    if (expected && header !== expected) {
      throw new Refusal(
        401,
        header
          ? 'Authentication failed. Please check your credentials and try again.'
          : 'Authentication required.',
        'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException',
        true,
      );
    }
  }

  private list(url: URL) {
    for (const key of url.searchParams.keys()) {
      if (!LIST_QUERY.has(key)) {
        throw new Refusal(
          400,
          `Unknown query parameter '${key}'`,
          'java.lang.IllegalArgumentException',
          true,
        );
      }
    }
    const q = url.searchParams;
    const state = q.get('state') ?? 'OPEN';
    const direction = q.get('direction') ?? 'INCOMING';
    const at = q.get('at');
    if (!['OPEN', 'MERGED', 'DECLINED', 'ALL'].includes(state)) {
      throw new Refusal(
        400,
        `Invalid state '${state}'`,
        'java.lang.IllegalArgumentException',
        true,
      );
    }
    if (!['INCOMING', 'OUTGOING'].includes(direction)) {
      throw new Refusal(
        400,
        `Invalid direction '${direction}'`,
        'java.lang.IllegalArgumentException',
        true,
      );
    }
    if (at !== null && !at.startsWith('refs/')) {
      // Bitbucket resolves short names too; the provider must send a full ref id
      throw new Refusal(
        400,
        `'at' must be a fully qualified ref, not '${at}'`,
        'java.lang.IllegalArgumentException',
        true,
      );
    }
    const start = intParam(q.get('start'), 0);
    const limit = intParam(q.get('limit'), this.options.pageSize ?? 25);
    const matching = this.pullRequests
      .filter(pr => state === 'ALL' || pr.state === state)
      .filter(pr => {
        if (!at) return true;
        const ref = direction === 'OUTGOING' ? pr.fromBranch : pr.toBranch;
        return `refs/heads/${ref}` === at;
      })
      .sort((a, b) => b.id - a.id);
    const values = matching.slice(start, start + limit);
    const isLastPage = start + limit >= matching.length;
    return {
      status: 200,
      body: {
        size: values.length,
        limit,
        isLastPage,
        values: values.map(pr => this.toJson(pr)),
        start,
        filter: null,
        ...(isLastPage ? {} : { nextPageStart: start + values.length }),
      },
    };
  }

  private create(body: unknown) {
    const input = body as {
      title?: unknown;
      description?: unknown;
      fromRef?: { id?: unknown; repository?: unknown };
      toRef?: { id?: unknown; repository?: unknown };
    };
    if (typeof input?.title !== 'string' || !input.title.trim()) {
      throw new Refusal(
        400,
        'A title is required.',
        'com.atlassian.bitbucket.validation.ArgumentValidationException',
        true,
      );
    }
    if (
      input.description !== undefined &&
      typeof input.description !== 'string'
    ) {
      throw new Refusal(
        400,
        'description must be a string',
        'com.atlassian.bitbucket.validation.ArgumentValidationException',
        true,
      );
    }
    const from = this.branchOf(input.fromRef, 'fromRef');
    const to = this.branchOf(input.toRef, 'toRef');
    if (from === to) {
      throw new Refusal(
        409,
        'The source and target refs are the same.',
        'com.atlassian.bitbucket.pull.InvalidPullRequestTargetException',
        false,
      );
    }
    const existing = this.pullRequests.find(
      pr => pr.state === 'OPEN' && pr.fromBranch === from && pr.toBranch === to,
    );
    if (existing) {
      return {
        status: 409,
        body: {
          errors: [
            {
              context: null,
              message: `Only one pull request may be open for a given source and target branch`,
              exceptionName:
                'com.atlassian.bitbucket.pull.DuplicatePullRequestException',
              ...(this.options.omitExistingPullRequest
                ? {}
                : { existingPullRequest: this.toJson(existing) }),
            },
          ],
        },
      };
    }
    const pr = this.createPullRequest({
      branch: from,
      base: to,
      title: input.title,
    });
    if (typeof input.description === 'string') {
      pr.description = input.description;
    }
    return { status: 201, body: this.toJson(pr) };
  }

  private get(id: number) {
    const pr = this.pullRequests.find(p => p.id === id);
    if (!pr) {
      throw new Refusal(
        404,
        `Pull request ${id} does not exist in ${this.projectKey}/${this.repositorySlug}.`,
        'com.atlassian.bitbucket.pull.NoSuchPullRequestException',
        false,
      );
    }
    return { status: 200, body: this.toJson(pr) };
  }

  private branchOf(ref: unknown, name: string): string {
    const { id, repository } = (ref ?? {}) as {
      id?: unknown;
      repository?: { slug?: unknown; project?: { key?: unknown } };
    };
    if (typeof id !== 'string' || !id.startsWith('refs/heads/')) {
      throw new Refusal(
        400,
        `${name}.id must be a branch ref id (refs/heads/...)`,
        'com.atlassian.bitbucket.validation.ArgumentValidationException',
        true,
      );
    }
    if (
      repository !== undefined &&
      (repository?.slug !== this.repositorySlug ||
        repository?.project?.key !== this.projectKey)
    ) {
      throw new Refusal(
        400,
        `${name}.repository does not name ${this.projectKey}/${this.repositorySlug}`,
        'com.atlassian.bitbucket.validation.ArgumentValidationException',
        true,
      );
    }
    return id.slice('refs/heads/'.length);
  }

  private ref(branch: string) {
    return {
      id: `refs/heads/${branch}`,
      displayId: branch,
      latestCommit: '0'.repeat(40),
      type: 'BRANCH',
      repository: {
        slug: this.repositorySlug,
        name: this.repositorySlug,
        project: { key: this.projectKey },
      },
    };
  }

  private toJson(pr: FakePullRequest) {
    return {
      id: pr.id,
      version: pr.version,
      title: pr.title,
      ...(pr.description !== undefined ? { description: pr.description } : {}),
      state: pr.state,
      open: pr.state === 'OPEN',
      closed: pr.state !== 'OPEN',
      createdDate: pr.createdDate,
      updatedDate: pr.updatedDate,
      ...(pr.closedDate !== undefined ? { closedDate: pr.closedDate } : {}),
      fromRef: this.ref(pr.fromBranch),
      toRef: this.ref(pr.toBranch),
      locked: false,
      author: {
        user: { name: 'gitops-bot', slug: 'gitops-bot', type: 'NORMAL' },
        role: 'AUTHOR',
        approved: false,
        status: 'UNAPPROVED',
      },
      reviewers: [],
      participants: [],
      ...(pr.mergeCommit
        ? {
            properties: {
              mergeCommit: {
                id: pr.mergeCommit,
                displayId: pr.mergeCommit.slice(0, 11),
              },
            },
          }
        : {}),
      links: { self: [{ href: this.pullRequestUrl(pr.id) }] },
    };
  }
}

function errorBody(message: string, exceptionName: string | null) {
  return { errors: [{ context: null, message, exceptionName }] };
}

function faultResponse(fault: Fault) {
  const defaults: Record<number, [string, string | null]> = {
    401: [
      'Authentication failed. Please check your credentials and try again.',
      'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException',
    ],
    403: [
      'You are not permitted to access this resource',
      'com.atlassian.bitbucket.AuthorisationException',
    ],
    404: [
      'Repository does not exist.',
      'com.atlassian.bitbucket.repository.NoSuchRepositoryException',
    ],
    409: [
      'The pull request could not be created because there are no changes.',
      'com.atlassian.bitbucket.pull.EmptyPullRequestException',
    ],
    429: ['Too many requests, please try again later.', null],
  };
  const [message, exceptionName] = defaults[fault.status] ?? [
    'An unexpected error occurred.',
    'java.lang.RuntimeException',
  ];
  const headers: Record<string, string> =
    fault.status === 429
      ? {
          'retry-after': '7',
          'x-ratelimit-limit': '60',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-fillrate': '5',
          'x-ratelimit-interval-seconds': '1',
        }
      : {};
  return {
    status: fault.status,
    headers: { ...headers, ...fault.headers },
    body: errorBody(
      fault.message ?? message,
      fault.exceptionName ?? exceptionName,
    ),
  };
}

function parseJson(raw: string, contentType: string | undefined): unknown {
  if (!contentType?.toLowerCase().startsWith('application/json')) {
    throw new Refusal(
      415,
      `Unsupported media type ${contentType ?? '(none)'}`,
      'com.sun.jersey.api.UnsupportedMediaTypeException',
      true,
    );
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new Refusal(
      400,
      'The request body is not JSON',
      'com.fasterxml.jackson.core.JsonParseException',
      true,
    );
  }
}

function intParam(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  if (!/^\d+$/.test(value)) {
    throw new Refusal(
      400,
      `Not a number: ${value}`,
      'java.lang.IllegalArgumentException',
      true,
    );
  }
  return Number(value);
}
