import { createHash } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  CODELOAD_PREFIX,
  Context,
  FakeRepository,
  Response,
} from './FakeRepository';
import { GithubPayloads } from './githubPayloads';
import { GithubOpenApi, Operation } from './githubOpenApi';
import { FakeGraphql } from './githubGraphql';

/** The operations the fake serves; anything else is a violation. */
export const SERVED_OPERATIONS = [
  'git/get-ref',
  'git/get-tree',
  'git/get-blob',
  'git/get-commit',
  'git/create-tree',
  'git/create-commit',
  'git/update-ref',
  'git/create-ref',
  'repos/list-commits',
  'repos/compare-commits-with-basehead',
  'repos/get-content',
  'pulls/list',
  'pulls/create',
  'pulls/get',
  'pulls/create-review',
  'repos/download-tarball-archive',
];

/**
 * The name under which requests to the fake's codeload stand-in (where the
 * tarball redirect points) are recorded and faults are injected. Not an
 * operation of the REST API: not validated against its description and not
 * counted against its rate limit.
 */
export const CODELOAD_DOWNLOAD = 'codeload/legacy.tar.gz';

/**
 * The name under which GraphQL requests (POST /graphql) are recorded and
 * faults are injected. They count against the rate limit.
 */
export const GRAPHQL = 'graphql';

/** One request the fake answered. */
export interface RecordedRequest {
  operationId: string;
  method: string;
  url: string;
  authorization?: string;
  ifNoneMatch?: string;
  body: unknown;
  status: number;
}

/** A failure the fake answers with instead of serving a request. */
export interface Fault {
  /** Only requests for this operation (or {@link CODELOAD_DOWNLOAD}, {@link GRAPHQL}) fail (all when absent). */
  operationId?: string;
  status: number;
  message?: string;
  /**
   * GraphQL only: the answer carries an error of this type (`RATE_LIMITED`,
   * `FORBIDDEN`…) in `errors`, GitHub's way (usually with status 200).
   */
  graphqlType?: string;
  headers?: Record<string, string>;
  /** How many requests fail (default 1; Infinity for all). */
  times?: number;
  /** The request is served (its effect happens) but the answer is this failure: a lost response. */
  afterServing?: boolean;
}

/** What {@link GithubFake.start} accepts. */
export interface GithubFakeOptions {
  owner?: string;
  repo?: string;
  /** Requests must carry `authorization: token <it>` or `bearer <it>`. */
  token?: string;
  /** A tree listing longer than this is cut off with `truncated: true` (GitHub: 100,000). */
  maxTreeEntries?: number;
  /** GraphQL: blob texts longer than this many bytes are cut off, `isTruncated` (default 512 KiB). */
  maxBlobText?: number;
}

/**
 * An HTTP fake of the part of GitHub's REST API the GitHub provider uses, on
 * 127.0.0.1, backed by an in-memory git object model with real SHAs. Every
 * request (path parameters, query, JSON body) and every response is checked
 * against the operation in GitHub's OpenAPI description; what the description
 * does not allow is recorded in `violations` (tests assert there are none).
 * Besides {@link FakeRepository}'s git and pull request behaviour it models
 * what the description cannot express: ETags and 304s on GETs (a 304 does not
 * count against the rate limit), bad credentials, injected failures, and
 * the codeload.github.com host a tarball download is redirected to. It also
 * answers GraphQL queries on the same repository (see {@link FakeGraphql}).
 */
export class GithubFake {
  /** The repository; change it directly to act as another user pushing. */
  repository!: FakeRepository;
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  /** Requests that counted against the rate limit (all but 304s). */
  rateLimitUsed = 0;
  readonly owner: string;
  readonly repo: string;
  private readonly faults: Fault[] = [];
  private readonly hooks: { operationId: string; run: () => void }[] = [];
  private readonly api = GithubOpenApi.load();
  private payloads!: GithubPayloads;
  private graphql!: FakeGraphql;
  private server!: http.Server;

  private constructor(private readonly options: GithubFakeOptions) {
    this.owner = options.owner ?? 'acme';
    this.repo = options.repo ?? 'gitops';
  }

  static async start(options: GithubFakeOptions = {}): Promise<GithubFake> {
    const fake = new GithubFake(options);
    fake.server = http.createServer((req, res) => fake.serve(req, res));
    await new Promise<void>(resolve =>
      fake.server.listen(0, '127.0.0.1', resolve),
    );
    fake.payloads = new GithubPayloads({
      apiUrl: fake.url,
      htmlUrl: fake.url,
      owner: fake.owner,
      repo: fake.repo,
    });
    fake.repository = new FakeRepository({
      owner: fake.owner,
      repo: fake.repo,
      url: fake.url,
      payloads: fake.payloads,
      maxTreeEntries: options.maxTreeEntries ?? 100_000,
    });
    fake.graphql = new FakeGraphql({
      owner: fake.owner,
      repo: fake.repo,
      repository: fake.repository,
      maxBlobText: options.maxBlobText ?? 512 * 1024,
    });
    return fake;
  }

  /** `http://127.0.0.1:<port>`, the API base URL. */
  get url() {
    return `http://${this.host}`;
  }

  /** `127.0.0.1:<port>`, the integration host. */
  get host() {
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** The repository URL as configured in `gitopsPromotion.repositories`. */
  get repositoryUrl() {
    return `${this.url}/${this.owner}/${this.repo}`;
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  get objects() {
    return this.repository.objects;
  }

  get pulls() {
    return this.repository.pulls;
  }

  /** See {@link FakeRepository.push}. */
  push: FakeRepository['push'] = (...args) => this.repository.push(...args);

  /** The commit a branch points at. */
  head(branch: string): string | undefined {
    return this.repository.head(branch);
  }

  /** The text of a file on a branch, undefined when absent. */
  read(branch: string, path: string): string | undefined {
    return this.repository.read(branch, path);
  }

  /** Closes an open pull request without merging it. */
  closePullRequest(number: number) {
    this.repository.closePullRequest(number);
  }

  /** Merges an open pull request with a merge commit, as the GitHub UI would. */
  mergePullRequest(number: number): string {
    return this.repository.mergePullRequest(number);
  }

  // ---- test controls ----------------------------------------------------------

  /** Answers the next matching request(s) with a failure. */
  fail(fault: Fault) {
    this.faults.push({ times: 1, ...fault });
  }

  /** Runs `run` once, just before the next request for `operationId` is served. */
  before(operationId: string, run: () => void) {
    this.hooks.push({ operationId, run });
  }

  /** How many requests were answered, for one operation or all. */
  count(operationId?: string): number {
    return this.requests.filter(
      r => !operationId || r.operationId === operationId,
    ).length;
  }

  /** Requests per operation, e.g. `{ 'git/get-ref': 1, 'git/get-tree': 1 }`. */
  tally(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.requests) {
      out[r.operationId] = (out[r.operationId] ?? 0) + 1;
    }
    return out;
  }

  /** Throws when a request or response broke the OpenAPI description (for afterEach). */
  assertNoViolations() {
    if (this.violations.length) {
      throw new Error(
        `The GitHub fake saw what GitHub's API description does not allow:\n${this.violations.join(
          '\n',
        )}`,
      );
    }
  }

  resetLog() {
    this.requests.length = 0;
    this.rateLimitUsed = 0;
  }

  // ---- HTTP ------------------------------------------------------------------

  private async serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith(CODELOAD_PREFIX)) {
      this.serveCodeload(method, url, req.headers, res);
      return;
    }
    if (url.pathname === '/graphql') {
      await this.serveGraphql(method, raw, req.headers, res);
      return;
    }
    const matched = this.api.match(method, url.pathname, SERVED_OPERATIONS);
    if (!matched) {
      this.violations.push(`unexpected request ${method} ${url.pathname}`);
      this.send(res, {
        status: 404,
        body: this.payloads.error(404, 'Not Found'),
      });
      return;
    }
    const { operation, pathParams } = matched;
    const conditional = typeof req.headers['if-none-match'] === 'string';
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        this.violations.push(`${operation.operationId}: body is not JSON`);
      }
    }
    const record: RecordedRequest = {
      operationId: operation.operationId,
      method,
      url: `${url.pathname}${url.search}`,
      authorization: req.headers.authorization,
      ifNoneMatch: req.headers['if-none-match'],
      body,
      status: 0,
    };
    this.requests.push(record);

    const problems = this.api.checkRequest(operation, {
      pathParams,
      query: url.searchParams,
      body,
      conditional,
    });
    let response: Response;
    if (problems.length) {
      this.violations.push(
        ...problems.map(p => `${operation.operationId} request: ${p}`),
      );
      response = {
        status: 422,
        body: this.payloads.error(
          422,
          `Invalid request: ${problems.join('; ')}`,
        ),
      };
    } else {
      const ctx = {
        params: pathParams,
        query: url.searchParams,
        body: (body ?? {}) as Record<string, unknown>,
      };
      try {
        const denied = this.authenticate(req.headers.authorization);
        const fault = denied
          ? undefined
          : this.takeFault(operation.operationId);
        if (fault?.afterServing) this.handle(operation, ctx);
        response =
          denied ??
          (fault && this.faultResponse(fault)) ??
          this.handle(operation, ctx);
      } catch (error) {
        this.violations.push(`${operation.operationId} crashed: ${error}`);
        response = { status: 500, body: this.payloads.error(500, 'Crash') };
      }
      response = this.conditionally(method, req.headers, response);
      if (response.status === 302 && !response.headers?.location) {
        this.violations.push(`${operation.operationId} 302 without a Location`);
      }
      this.violations.push(
        ...this.api
          .checkResponse(operation, response.status, response.body, {
            conditional,
          })
          .map(p => `${operation.operationId} ${p}`),
      );
    }
    record.status = response.status;
    if (response.status !== 304) this.rateLimitUsed++;
    this.send(res, response);
  }

  /**
   * codeload.github.com: the archive a tarball redirect points at. Its link
   * carries its own short-lived token, so no credentials are checked.
   */
  private serveCodeload(
    method: string,
    url: URL,
    headers: http.IncomingHttpHeaders,
    res: http.ServerResponse,
  ) {
    const record: RecordedRequest = {
      operationId: CODELOAD_DOWNLOAD,
      method,
      url: `${url.pathname}${url.search}`,
      authorization: headers.authorization,
      body: undefined,
      status: 0,
    };
    this.requests.push(record);
    const fault = this.takeFault(CODELOAD_DOWNLOAD);
    let response: Response;
    if (method !== 'GET') {
      this.violations.push(`unexpected request ${method} ${url.pathname}`);
      response = { status: 405 };
    } else if (fault) {
      response = {
        status: fault.status,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        raw: Buffer.from(fault.message ?? 'Server Error'),
      };
    } else {
      response = this.repository.codeload(url.pathname, url.searchParams);
    }
    record.status = response.status;
    res.writeHead(response.status, response.headers);
    res.end(response.raw);
  }

  /** POST /graphql: checked against GitHub's schema, answered from the repository. */
  private async serveGraphql(
    method: string,
    raw: string,
    headers: http.IncomingHttpHeaders,
    res: http.ServerResponse,
  ) {
    const record: RecordedRequest = {
      operationId: GRAPHQL,
      method,
      url: '/graphql',
      authorization: headers.authorization,
      body: undefined,
      status: 0,
    };
    this.requests.push(record);
    let response: Response;
    try {
      record.body = JSON.parse(raw);
    } catch {
      this.violations.push(`${GRAPHQL}: body is not JSON`);
    }
    const denied = this.authenticate(headers.authorization);
    const fault = denied ? undefined : this.takeFault(GRAPHQL);
    if (method !== 'POST') {
      this.violations.push(`unexpected request ${method} /graphql`);
      response = { status: 404, body: this.payloads.error(404, 'Not Found') };
    } else if (denied || fault) {
      response = denied ?? this.faultResponse(fault!);
    } else {
      response = await this.answerGraphql(record.body);
    }
    record.status = response.status;
    this.rateLimitUsed++;
    this.send(res, response);
  }

  private async answerGraphql(body: unknown): Promise<Response> {
    try {
      this.runHook(GRAPHQL);
      const answer = await this.graphql.answer(body);
      this.violations.push(...answer.violations);
      return { status: 200, body: answer.body };
    } catch (error) {
      this.violations.push(`${GRAPHQL} crashed: ${error}`);
      return { status: 500, body: this.payloads.error(500, 'Crash') };
    }
  }

  private send(res: http.ServerResponse, response: Response) {
    const json =
      response.body === undefined ? '' : JSON.stringify(response.body);
    res.writeHead(response.status, {
      ...(json && { 'content-type': 'application/json; charset=utf-8' }),
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, 5000 - this.rateLimitUsed)),
      'x-ratelimit-used': String(this.rateLimitUsed),
      'x-ratelimit-resource': 'core',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...response.headers,
    });
    res.end(json);
  }

  /** ETag on successful GETs; a matching If-None-Match gets an empty 304. */
  private conditionally(
    method: string,
    headers: http.IncomingHttpHeaders,
    response: Response,
  ): Response {
    if (method !== 'GET' || response.status !== 200) return response;
    const etag = `W/"${createHash('sha1')
      .update(JSON.stringify(response.body))
      .digest('hex')}"`;
    if (headers['if-none-match'] === etag) {
      return { status: 304, headers: { etag } };
    }
    return { ...response, headers: { ...response.headers, etag } };
  }

  private authenticate(
    authorization: string | undefined,
  ): Response | undefined {
    const { token } = this.options;
    if (!token) return undefined;
    const ok =
      authorization === `token ${token}` || authorization === `Bearer ${token}`;
    return ok
      ? undefined
      : { status: 401, body: this.payloads.error(401, 'Bad credentials') };
  }

  private takeFault(operationId: string): Fault | undefined {
    const fault = this.faults.find(
      f =>
        (f.times ?? 1) > 0 && (!f.operationId || f.operationId === operationId),
    );
    if (fault) fault.times = (fault.times ?? 1) - 1;
    return fault;
  }

  private faultResponse(fault: Fault): Response {
    if (fault.graphqlType) {
      const error = { type: fault.graphqlType, message: fault.message ?? '' };
      return {
        status: fault.status,
        headers: fault.headers,
        body: { data: null, errors: [error] },
      };
    }
    return {
      status: fault.status,
      headers: fault.headers,
      body: this.payloads.error(fault.status, fault.message ?? 'Server Error'),
    };
  }

  private handle(operation: Operation, ctx: Context): Response {
    this.runHook(operation.operationId);
    return this.repository.handle(operation.operationId, ctx);
  }

  private runHook(operationId: string) {
    const i = this.hooks.findIndex(hook => hook.operationId === operationId);
    if (i >= 0) this.hooks.splice(i, 1)[0].run();
  }
}
