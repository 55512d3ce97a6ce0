/*
 * An in-process fake of the part of Bitbucket Cloud's REST API 2.0 that
 * BitbucketCloudPullRequests calls, following the documented contract:
 *
 * - List pull requests: GET /2.0/repositories/{workspace}/{repo_slug}/pullrequests
 *   (`state` repeated or not, OPEN by default; BBQL `q`; paginated)
 *   https://developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/#api-repositories-workspace-repo-slug-pullrequests-get
 * - Create a pull request: POST /2.0/repositories/{workspace}/{repo_slug}/pullrequests
 *   (`title`, `description`, `source.branch.name`, `destination.branch.name`; 201)
 *   https://developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/#api-repositories-workspace-repo-slug-pullrequests-post
 * - Get a pull request: GET /2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}
 *   (`state` OPEN | MERGED | DECLINED | SUPERSEDED, `merge_commit.hash`, `links.html.href`)
 *   https://developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/#api-repositories-workspace-repo-slug-pullrequests-pull-request-id-get
 * - Get a commit: GET /2.0/repositories/{workspace}/{repo_slug}/commit/{commit}
 *   (an abbreviated hash in, the full `hash` out)
 *   https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commits/#api-repositories-workspace-repo-slug-commit-commit-get
 * - Filtering (BBQL `q`, string literals in double quotes):
 *   https://developer.atlassian.com/cloud/bitbucket/rest/intro/#filtering
 * - Pagination (`{pagelen, size, page, values, next}`, `next` a full URL):
 *   https://developer.atlassian.com/cloud/bitbucket/rest/intro/#pagination
 * - Authentication (Basic `username:app password|API token`, Bearer access token):
 *   https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication
 * - Errors: the `error` schema, `{"type": "error", "error": {"message", "detail"?}}`
 *   (same pages); rate limiting answers 429:
 *   https://support.atlassian.com/bitbucket-cloud/docs/api-request-limits/
 *
 * Not documented, modelled from observed behaviour and configurable: a
 * create for a source and destination that already have an open pull
 * request answers with that pull request (`duplicateCreate: 'return-existing'`,
 * the default) — or, as some clients report, with a 400 error
 * (`'reject'`); PR payloads name commits by 12-digit abbreviated hashes.
 *
 * It refuses, with Bitbucket's error shape, anything it does not know or that
 * lacks the expected Authorization, and records each such request as a
 * violation for {@link BitbucketCloudFake.assertNoViolations}.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export type BitbucketCloudPullRequestState =
  | 'OPEN'
  | 'MERGED'
  | 'DECLINED'
  | 'SUPERSEDED';

/** A pull request the fake holds. */
export interface FakePullRequest {
  id: number;
  title: string;
  description: string;
  state: BitbucketCloudPullRequestState;
  source: string;
  /** `workspace/repo_slug` of the source; a fork's for foreign pull requests. */
  sourceRepository: string;
  destination: string;
  /** Full 40-digit hash once merged. */
  mergeCommit?: string;
}

/** A request the fake received. */
export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/2.0/repositories/acme/gitops/pullrequests`. */
  path: string;
  query: URLSearchParams;
  /** Whether the Authorization header was the expected one (never the value). */
  authenticated: boolean;
  body?: unknown;
}

/** A one-shot answer a test injects. */
interface InjectedFailure {
  method?: string;
  path?: RegExp;
  status: number;
  message: string;
  headers: Record<string, string>;
}

export interface BitbucketCloudFakeOptions {
  /** The exact `Authorization` header every request must carry. */
  authorization: string;
  workspace?: string;
  repoSlug?: string;
  /** Branches that exist (pull requests need their source to). Default `main`. */
  branches?: string[];
  /** Page length of list answers. Default 10 (Bitbucket's default). */
  pageSize?: number;
  /** What a create answers when an open pull request has the same source and destination. */
  duplicateCreate?: 'return-existing' | 'reject';
}

const HASH_ABBREVIATION = 12;

export class BitbucketCloudFake {
  readonly pulls: FakePullRequest[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly workspace: string;
  readonly repoSlug: string;
  private readonly branches: Set<string>;
  private readonly failures: InjectedFailure[] = [];
  private readonly commits = new Set<string>();
  private raceNext = false;
  private origin = '';

  private constructor(
    private readonly server: http.Server,
    private readonly options: BitbucketCloudFakeOptions,
  ) {
    this.workspace = options.workspace ?? 'acme';
    this.repoSlug = options.repoSlug ?? 'gitops';
    this.branches = new Set(options.branches ?? ['main']);
  }

  static async start(
    options: BitbucketCloudFakeOptions,
  ): Promise<BitbucketCloudFake> {
    const server = http.createServer();
    const fake = new BitbucketCloudFake(server, options);
    server.on('request', (req, res) => fake.handle(req, res));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The API base URL, like `https://api.bitbucket.org/2.0`. */
  get apiBaseUrl(): string {
    return `${this.origin}/2.0`;
  }

  /** `https://bitbucket.org/{workspace}/{repo_slug}/pull-requests/{id}` */
  htmlUrl(id: number): string {
    return `https://bitbucket.org/${this.workspace}/${this.repoSlug}/pull-requests/${id}`;
  }

  addBranch(name: string): void {
    this.branches.add(name);
  }

  /** Adds a pull request directly (another user's, or a fork's). */
  addPullRequest(
    pr: Partial<FakePullRequest> & { source: string },
  ): FakePullRequest {
    const added: FakePullRequest = {
      id: this.pulls.length + 1,
      title: 'Someone else',
      description: '',
      state: 'OPEN',
      sourceRepository: `${this.workspace}/${this.repoSlug}`,
      destination: 'main',
      ...pr,
    };
    this.pulls.push(added);
    return added;
  }

  /** Merges an open pull request; returns the full merge commit hash. */
  mergePullRequest(id: number): string {
    const pr = this.openPull(id);
    pr.state = 'MERGED';
    pr.mergeCommit = randomBytes(20).toString('hex');
    this.commits.add(pr.mergeCommit);
    return pr.mergeCommit;
  }

  declinePullRequest(id: number): void {
    this.openPull(id).state = 'DECLINED';
  }

  /** The next create finds its pull request already opened by someone else. */
  raceNextCreate(): void {
    this.raceNext = true;
  }

  /** The next request matching `method` and `path` answers `status` with the error shape. */
  failNext(
    match: { method?: string; path?: RegExp },
    status: number,
    message = defaultMessage(status),
    headers: Record<string, string> = {},
  ): void {
    this.failures.push({ ...match, status, message, headers });
  }

  assertNoViolations(): void {
    if (this.violations.length > 0) {
      throw new Error(
        `The Bitbucket Cloud fake saw requests outside the documented contract:\n${this.violations.join(
          '\n',
        )}`,
      );
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  private openPull(id: number) {
    const pr = this.pulls.find(p => p.id === id);
    if (!pr || pr.state !== 'OPEN')
      throw new Error(`No open pull request ${id}`);
    return pr;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.origin);
      const raw = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        authenticated: req.headers.authorization === this.options.authorization,
      };
      this.requests.push(recorded);
      const answer = (status: number, body: unknown, headers = {}) => {
        res.writeHead(status, {
          'Content-Type': 'application/json; charset=utf-8',
          ...headers,
        });
        res.end(JSON.stringify(body));
      };
      const refuse = (status: number, message: string, violation?: string) => {
        if (violation) {
          this.violations.push(`${recorded.method} ${req.url}: ${violation}`);
        }
        answer(status, errorBody(message));
      };

      if (!recorded.authenticated) {
        refuse(
          401,
          'Access token expired or invalid',
          req.headers.authorization
            ? 'unexpected Authorization header'
            : 'no Authorization header',
        );
        return;
      }
      if (req.headers['content-type']?.startsWith('application/json')) {
        try {
          recorded.body = JSON.parse(raw);
        } catch {
          refuse(400, 'Bad request', 'body is not JSON');
          return;
        }
      } else if (raw) {
        refuse(
          400,
          'Bad request',
          'body without Content-Type: application/json',
        );
        return;
      }
      const failure = this.failures.findIndex(
        f =>
          (!f.method || f.method === recorded.method) &&
          (!f.path || f.path.test(recorded.path)),
      );
      if (failure >= 0) {
        const [f] = this.failures.splice(failure, 1);
        answer(f.status, errorBody(f.message), f.headers);
        return;
      }
      this.route(recorded, answer, refuse);
    });
  }

  private route(
    request: RecordedRequest,
    answer: (status: number, body: unknown, headers?: {}) => void,
    refuse: (status: number, message: string, violation?: string) => void,
  ) {
    const match = /^\/2\.0\/repositories\/([^/]+)\/([^/]+)(\/.*)?$/.exec(
      request.path,
    );
    const unknown = () =>
      answer(404, {
        type: 'error',
        error: {
          message: 'Resource not found',
          detail:
            'There is no API hosted at this URL.\n\nFor information about our API, see our documentation at https://developer.atlassian.com/bitbucket',
        },
      });
    if (!match) {
      this.violations.push(`${request.method} ${request.path}: unknown path`);
      unknown();
      return;
    }
    const [, workspace, repoSlug, rest = ''] = match;
    if (
      decodeURIComponent(workspace) !== this.workspace ||
      decodeURIComponent(repoSlug) !== this.repoSlug
    ) {
      refuse(
        404,
        `Repository ${decodeURIComponent(workspace)}/${decodeURIComponent(
          repoSlug,
        )} not found`,
      );
      return;
    }
    const { method } = request;
    if (method === 'GET' && rest === '/pullrequests') {
      this.list(request, answer, refuse);
    } else if (method === 'POST' && rest === '/pullrequests') {
      this.create(request, answer, refuse);
    } else if (method === 'GET' && /^\/pullrequests\/\d+$/.test(rest)) {
      this.noQuery(request);
      const pr = this.pulls.find(p => p.id === Number(rest.split('/')[2]));
      if (!pr) refuse(404, 'Pull request not found');
      else answer(200, this.payload(pr));
    } else if (method === 'GET' && /^\/commit\/[0-9a-f]{4,40}$/.test(rest)) {
      this.noQuery(request);
      const prefix = rest.split('/')[2];
      const found = [...this.commits].filter(c => c.startsWith(prefix));
      if (found.length !== 1) refuse(404, `Commit not found: ${prefix}`);
      else answer(200, { type: 'commit', hash: found[0] });
    } else {
      this.violations.push(`${method} ${request.path}: unknown operation`);
      unknown();
    }
  }

  private noQuery(request: RecordedRequest) {
    if ([...request.query.keys()].length > 0) {
      this.violations.push(
        `${request.method} ${request.path}: unexpected query ${request.query}`,
      );
    }
  }

  private list(
    request: RecordedRequest,
    answer: (status: number, body: unknown) => void,
    refuse: (status: number, message: string, violation?: string) => void,
  ) {
    const { query } = request;
    const unknownKeys = [...query.keys()].filter(
      k => !['state', 'q', 'page', 'pagelen'].includes(k),
    );
    if (unknownKeys.length > 0) {
      refuse(
        400,
        `Invalid query parameter ${unknownKeys[0]}`,
        `unexpected query parameters ${unknownKeys.join(', ')}`,
      );
      return;
    }
    const states = query.getAll('state');
    const valid = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'];
    if (states.some(s => !valid.includes(s))) {
      refuse(400, `Invalid state: ${states}`, `invalid state ${states}`);
      return;
    }
    const wanted = states.length > 0 ? states : ['OPEN'];
    let source: string | undefined;
    const q = query.get('q');
    if (q !== null) {
      source = parseSourceBranchQuery(q);
      if (source === undefined) {
        refuse(400, `Invalid query: ${q}`, `BBQL the fake does not know: ${q}`);
        return;
      }
    }
    const pageSize = Number(
      query.get('pagelen') ?? this.options.pageSize ?? 10,
    );
    const page = Number(query.get('page') ?? 1);
    if (!Number.isInteger(page) || page < 1 || !(pageSize >= 1)) {
      refuse(400, 'Invalid page', 'invalid page or pagelen');
      return;
    }
    const matching = this.pulls.filter(
      pr =>
        wanted.includes(pr.state) &&
        (source === undefined || pr.source === source),
    );
    const values = matching.slice((page - 1) * pageSize, page * pageSize);
    const body: Record<string, unknown> = {
      pagelen: pageSize,
      size: matching.length,
      page,
      values: values.map(pr => this.payload(pr)),
    };
    if (page * pageSize < matching.length) {
      const next = new URLSearchParams(query);
      next.set('page', String(page + 1));
      body.next = `${this.origin}${request.path}?${next}`;
    }
    answer(200, body);
  }

  private create(
    request: RecordedRequest,
    answer: (status: number, body: unknown, headers?: {}) => void,
    refuse: (status: number, message: string, violation?: string) => void,
  ) {
    this.noQuery(request);
    const body = request.body as
      | {
          title?: unknown;
          description?: unknown;
          source?: { branch?: { name?: unknown } };
          destination?: { branch?: { name?: unknown } };
        }
      | undefined;
    const extra = Object.keys(body ?? {}).filter(
      k => !['title', 'description', 'source', 'destination'].includes(k),
    );
    if (extra.length > 0) {
      this.violations.push(`POST ${request.path}: unexpected fields ${extra}`);
    }
    const source = body?.source?.branch?.name;
    const destination = body?.destination?.branch?.name ?? 'main';
    if (typeof body?.title !== 'string' || !body.title) {
      refuse(400, 'title: This field is required.', 'create without a title');
      return;
    }
    if (typeof source !== 'string' || typeof destination !== 'string') {
      refuse(
        400,
        'source: This field is required.',
        'create without source.branch.name',
      );
      return;
    }
    if (!this.branches.has(source)) {
      refuse(400, `source: branch not found: ${source}`);
      return;
    }
    if (!this.branches.has(destination)) {
      refuse(400, `destination: branch not found: ${destination}`);
      return;
    }
    if (this.raceNext) {
      this.raceNext = false;
      this.addPullRequest({
        source,
        destination,
        title: 'Opened concurrently',
      });
    }
    const existing = this.pulls.find(
      pr =>
        pr.state === 'OPEN' &&
        pr.source === source &&
        pr.destination === destination &&
        pr.sourceRepository === `${this.workspace}/${this.repoSlug}`,
    );
    if (existing) {
      if (this.options.duplicateCreate === 'reject') {
        refuse(
          400,
          `There is already an open pull request from ${source} to ${destination}`,
        );
        return;
      }
      existing.title = body.title;
      existing.description = String(body.description ?? '');
      answer(201, this.payload(existing));
      return;
    }
    const pr = this.addPullRequest({
      source,
      destination,
      title: body.title,
      description: String(body.description ?? ''),
    });
    answer(201, this.payload(pr), {
      Location: `${this.apiBaseUrl}/repositories/${this.workspace}/${this.repoSlug}/pullrequests/${pr.id}`,
    });
  }

  /** Bitbucket's `pullrequest` object, the fields that matter. */
  private payload(pr: FakePullRequest) {
    const repository = (fullName: string) => ({
      type: 'repository',
      full_name: fullName,
      name: fullName.split('/')[1],
    });
    const self = `${this.apiBaseUrl}/repositories/${this.workspace}/${this.repoSlug}/pullrequests/${pr.id}`;
    return {
      type: 'pullrequest',
      id: pr.id,
      title: pr.title,
      description: pr.description,
      state: pr.state,
      source: {
        branch: { name: pr.source },
        commit: { type: 'commit', hash: 'a1b2c3d4e5f6' },
        repository: repository(pr.sourceRepository),
      },
      destination: {
        branch: { name: pr.destination },
        commit: { type: 'commit', hash: '0f9e8d7c6b5a' },
        repository: repository(`${this.workspace}/${this.repoSlug}`),
      },
      merge_commit: pr.mergeCommit
        ? {
            type: 'commit',
            hash: pr.mergeCommit.slice(0, HASH_ABBREVIATION),
          }
        : null,
      close_source_branch: false,
      links: { self: { href: self }, html: { href: this.htmlUrl(pr.id) } },
    };
  }
}

/** `{"type": "error", "error": {"message": ...}}` */
function errorBody(message: string) {
  return { type: 'error', error: { message } };
}

function defaultMessage(status: number): string {
  switch (status) {
    case 401:
      return 'Access token expired or invalid';
    case 403:
      return 'Your credentials lack one or more required privilege scopes.';
    case 404:
      return 'Resource not found';
    case 409:
      return 'Conflict';
    case 429:
      return 'Rate limit for this resource has been exceeded';
    default:
      return status >= 500 ? 'Something went wrong' : 'Bad request';
  }
}

/**
 * The branch of `source.branch.name = "..."` (BBQL, the one query the client
 * sends), with `\"` and `\\` unescaped; undefined for any other query.
 */
export function parseSourceBranchQuery(q: string): string | undefined {
  const match = /^\s*source\.branch\.name\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(
    q,
  );
  return match ? match[1].replace(/\\(.)/g, '$1') : undefined;
}
