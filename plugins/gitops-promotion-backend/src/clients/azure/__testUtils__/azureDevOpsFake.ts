/*
 * An HTTP fake of the part of the Azure DevOps Git REST API (api-version 7.1)
 * the Azure DevOps pull request provider uses, on 127.0.0.1. It follows these
 * documentation pages:
 *
 * - Pull Requests - Get Pull Requests:
 *   https://learn.microsoft.com/en-us/rest/api/azure/devops/git/pull-requests/get-pull-requests?view=azure-devops-rest-7.1
 *   `GET {org}/{project}/_apis/git/repositories/{repositoryId}/pullrequests?searchCriteria.*&$top&$skip&api-version=7.1`,
 *   answered `{ value: GitPullRequest[], count }`; "description field will be
 *   truncated up to 400 symbols in the result"; status "Defaults to Active if unset".
 * - Pull Requests - Create:
 *   https://learn.microsoft.com/en-us/rest/api/azure/devops/git/pull-requests/create?view=azure-devops-rest-7.1
 *   `POST .../pullrequests?api-version=7.1` with a GitPullRequest body
 *   (`sourceRefName`, `targetRefName`, `title`, `description`).
 * - Pull Requests - Get Pull Request:
 *   https://learn.microsoft.com/en-us/rest/api/azure/devops/git/pull-requests/get-pull-request?view=azure-devops-rest-7.1
 *   `GET .../pullrequests/{pullRequestId}?api-version=7.1`; GitPullRequest's
 *   `status` is `active` | `abandoned` | `completed`, `lastMergeCommit` the
 *   merge commit (a test merge while active), `url` the REST URL.
 * - Rate and usage limits:
 *   https://learn.microsoft.com/en-us/azure/devops/integrate/concepts/rate-limits?view=azure-devops
 *   429 with `Retry-After` and the `X-RateLimit-Resource`, `-Delay`, `-Limit`,
 *   `-Remaining`, `-Reset` headers.
 * - REST API samples (PAT as `Authorization: Basic base64("{user}:" + PAT)`,
 *   the user name may be empty):
 *   https://learn.microsoft.com/en-us/azure/devops/integrate/get-started/rest/samples?view=azure-devops
 * - Personal Access Tokens (Microsoft Entra tokens as `Authorization: Bearer`):
 *   https://learn.microsoft.com/en-us/rest/api/azure/devops/tokens
 *
 * Error bodies have the service's shape
 * `{"$id":"1","innerException":null,"message","typeName","typeKey","errorCode":0,"eventId":3000}`;
 * the messages and type keys (TF401179 GitPullRequestExistsException on 409,
 * TF401180 GitPullRequestNotFoundException, TF401019
 * GitRepositoryNotFoundException, TF400813 on 401) are the service's as
 * reported in public issue threads (e.g.
 * https://github.com/shayki5/azure-devops-create-pr-task/issues/31,
 * https://github.com/Azure/azure-cli/issues/29914); the reference pages do not
 * list them. The reference lists "200 OK" for Create; the service answers
 * 201 Created, which the fake does (the provider accepts any 2xx).
 * The 203 sign-in page for a refused PAT is community-reported, not documented.
 *
 * What the fake does not know (other paths, methods, query parameters,
 * api-versions, missing or wrong Authorization) is refused and recorded in
 * `violations`; tests assert there are none.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the fake answered. */
export interface RecordedRequest {
  operation: FakeOperation | 'unknown';
  method: string;
  /** Path and query as received. */
  url: string;
  authorization?: string;
  body: unknown;
  status: number;
}

export type FakeOperation =
  | 'pullRequests/list'
  | 'pullRequests/create'
  | 'pullRequests/get';

/** A failure the fake answers with instead of serving a request. */
export interface Fault {
  /** Only requests for this operation fail (all when absent). */
  operation?: FakeOperation;
  status: number;
  message?: string;
  typeKey?: string;
  headers?: Record<string, string>;
  /** A non-JSON body (with its content type) instead of the error JSON. */
  rawBody?: { contentType: string; text: string };
  /** How many requests fail (default 1). */
  times?: number;
}

/** A pull request as the fake stores it (a GitPullRequest subset plus what it needs). */
export interface FakePullRequest {
  pullRequestId: number;
  status: 'active' | 'abandoned' | 'completed';
  title: string;
  description: string;
  sourceRefName: string;
  targetRefName: string;
  creationDate: string;
  closedDate?: string;
  lastMergeCommit: { commitId: string };
}

export interface AzureDevOpsFakeOptions {
  organization?: string;
  project?: string;
  repository?: string;
  /** Requests must carry `Basic base64(":" + pat)` (any user name) ... */
  pat?: string;
  /** ... or `Bearer <bearerToken>`. */
  bearerToken?: string;
  /** Branches that exist (default `main`). */
  branches?: string[];
}

const OPERATIONS_QUERY: Record<FakeOperation, Set<string>> = {
  'pullRequests/list': new Set([
    'api-version',
    'searchCriteria.creatorId',
    'searchCriteria.includeLinks',
    'searchCriteria.repositoryId',
    'searchCriteria.reviewerId',
    'searchCriteria.sourceRefName',
    'searchCriteria.sourceRepositoryId',
    'searchCriteria.status',
    'searchCriteria.targetRefName',
    'maxCommentLength',
    '$skip',
    '$top',
  ]),
  'pullRequests/create': new Set(['api-version', 'supportsIterations']),
  'pullRequests/get': new Set([
    'api-version',
    'maxCommentLength',
    '$skip',
    '$top',
    'includeCommits',
    'includeWorkItemRefs',
  ]),
};

const STATUSES = new Set(['active', 'abandoned', 'completed', 'all', 'notSet']);

/** The Azure DevOps fake; start it with {@link startAzureDevOpsFake}. */
export class AzureDevOpsFake {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly pullRequests: FakePullRequest[] = [];
  readonly organization: string;
  readonly project: string;
  readonly repository: string;
  readonly repositoryId = randomUUID();
  readonly projectId = randomUUID();
  private readonly branches: Set<string>;
  private readonly faults: Fault[] = [];
  private raceNextCreate = false;
  private nextId = 1;
  url = '';
  private server?: http.Server;

  constructor(private readonly options: AzureDevOpsFakeOptions = {}) {
    this.organization = options.organization ?? 'acme';
    this.project = options.project ?? 'gitops';
    this.repository = options.repository ?? 'deploy';
    this.branches = new Set(
      (options.branches ?? ['main']).map(b => `refs/heads/${b}`),
    );
  }

  /** `http://127.0.0.1:{port}/{org}/{project}`: what `/_apis` follows. */
  get apiBaseUrl(): string {
    return `${this.url}/${this.organization}/${this.project}`;
  }

  /** The repository's URL in the Server form (host, collection, project). */
  get repositoryUrl(): string {
    return `${this.apiBaseUrl}/_git/${this.repository}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () =>
        this.handle(req, Buffer.concat(chunks).toString('utf8'), res),
      );
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    this.url = `http://127.0.0.1:${
      (this.server.address() as AddressInfo).port
    }`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise(resolve => this.server!.close(resolve));
  }

  assertNoViolations(): void {
    if (this.violations.length > 0) {
      throw new Error(
        `The Azure DevOps fake saw requests outside the contract:\n${this.violations.join(
          '\n',
        )}`,
      );
    }
  }

  createBranch(name: string): void {
    this.branches.add(`refs/heads/${name}`);
  }

  /** The next matching requests fail with `fault` instead of being served. */
  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /**
   * Before the next create is served, another client opens the same pull
   * request, so the create answers 409 TF401179.
   */
  openConcurrentlyBeforeNextCreate(): void {
    this.raceNextCreate = true;
  }

  /** Completes (merges) an active pull request; returns its merge commit. */
  completePullRequest(id: number): string {
    const pr = this.active(id);
    pr.status = 'completed';
    pr.closedDate = new Date().toISOString();
    pr.lastMergeCommit = { commitId: fakeSha(`merge-${id}-${Date.now()}`) };
    return pr.lastMergeCommit.commitId;
  }

  abandonPullRequest(id: number): void {
    const pr = this.active(id);
    pr.status = 'abandoned';
    pr.closedDate = new Date().toISOString();
  }

  private active(id: number): FakePullRequest {
    const pr = this.pullRequests.find(p => p.pullRequestId === id);
    if (!pr || pr.status !== 'active') {
      throw new Error(`No active pull request ${id} in the fake`);
    }
    return pr;
  }

  private handle(
    req: http.IncomingMessage,
    rawBody: string,
    res: http.ServerResponse,
  ) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const record: RecordedRequest = {
      operation: 'unknown',
      method,
      url: req.url ?? '/',
      authorization: req.headers.authorization,
      body: rawBody ? safeJson(rawBody) : undefined,
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
            ? headers['content-type'] ?? 'text/plain'
            : 'application/json; charset=utf-8; api-version=7.1',
        ...headers,
      });
      res.end(text);
    };
    const refuse = (
      status: number,
      violation: string,
      typeKey = 'InvalidArgumentValueException',
    ) => {
      this.violations.push(`${method} ${req.url}: ${violation}`);
      send(status, errorBody(violation, typeKey));
    };

    const match = this.route(method, url.pathname);
    if (!match) {
      refuse(404, 'no such operation', 'ResourceNotFoundException');
      return;
    }
    if ('repositoryNotFound' in match) {
      send(
        404,
        errorBody(
          `TF401019: The Git repository with name or identifier ${match.repositoryNotFound} does not exist or you do not have permissions for the operation you are attempting.`,
          'GitRepositoryNotFoundException',
        ),
      );
      return;
    }
    record.operation = match.operation;

    if (!this.authorized(req.headers.authorization)) {
      refuse(
        401,
        "TF400813: The user '' is not authorized to access this resource.",
        'UnauthorizedRequestException',
      );
      return;
    }
    const allowed = OPERATIONS_QUERY[match.operation];
    const unknown = [...url.searchParams.keys()].filter(k => !allowed.has(k));
    if (unknown.length > 0) {
      refuse(400, `unknown query parameters ${unknown.join(', ')}`);
      return;
    }
    if (url.searchParams.get('api-version') !== '7.1') {
      refuse(
        400,
        `api-version must be 7.1, got '${url.searchParams.get('api-version')}'`,
        'VssVersionNotSpecifiedException',
      );
      return;
    }

    const fault = this.faults.find(
      f =>
        (f.times ?? 1) > 0 && (!f.operation || f.operation === match.operation),
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.rawBody) {
        send(fault.status, fault.rawBody.text, {
          'content-type': fault.rawBody.contentType,
          ...fault.headers,
        });
      } else {
        send(
          fault.status,
          errorBody(
            fault.message ?? `Injected failure ${fault.status}`,
            fault.typeKey ?? 'InjectedFaultException',
          ),
          fault.headers,
        );
      }
      return;
    }

    switch (match.operation) {
      case 'pullRequests/list':
        this.list(url, send, refuse);
        return;
      case 'pullRequests/create':
        this.create(req, record.body, send, refuse);
        return;
      default:
        this.get(match.pullRequestId!, send);
    }
  }

  private route(
    method: string,
    pathname: string,
  ):
    | { operation: FakeOperation; pullRequestId?: number }
    | { repositoryNotFound: string }
    | undefined {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    // {org}/{project}/_apis/git/repositories/{repositoryId}/pullrequests[/{id}]
    if (
      parts.length < 7 ||
      parts.length > 8 ||
      parts[0] !== this.organization ||
      parts[1] !== this.project ||
      parts[2] !== '_apis' ||
      parts[3] !== 'git' ||
      parts[4] !== 'repositories' ||
      parts[6].toLowerCase() !== 'pullrequests'
    ) {
      return undefined;
    }
    let operation: FakeOperation | undefined;
    if (parts.length === 8) {
      if (method === 'GET' && /^\d+$/.test(parts[7])) {
        operation = 'pullRequests/get';
      }
    } else if (method === 'GET') {
      operation = 'pullRequests/list';
    } else if (method === 'POST') {
      operation = 'pullRequests/create';
    }
    if (!operation) return undefined;
    const repo = parts[5];
    if (
      repo.toLowerCase() !== this.repository.toLowerCase() &&
      repo !== this.repositoryId
    ) {
      return { repositoryNotFound: repo };
    }
    return {
      operation,
      pullRequestId: parts.length === 8 ? Number(parts[7]) : undefined,
    };
  }

  private authorized(header: string | undefined): boolean {
    if (!header) return false;
    const [scheme, value] = header.split(/\s+/, 2);
    if (/^basic$/i.test(scheme) && this.options.pat) {
      const decoded = Buffer.from(value ?? '', 'base64').toString('utf8');
      return decoded.slice(decoded.indexOf(':') + 1) === this.options.pat;
    }
    if (/^bearer$/i.test(scheme) && this.options.bearerToken) {
      return value === this.options.bearerToken;
    }
    return false;
  }

  private list(
    url: URL,
    send: (status: number, body: unknown) => void,
    refuse: (status: number, violation: string) => void,
  ) {
    const q = url.searchParams;
    const status = q.get('searchCriteria.status') ?? 'active';
    if (!STATUSES.has(status)) {
      refuse(400, `unknown searchCriteria.status '${status}'`);
      return;
    }
    const source = q.get('searchCriteria.sourceRefName');
    const target = q.get('searchCriteria.targetRefName');
    if (source && !source.startsWith('refs/')) {
      refuse(400, `searchCriteria.sourceRefName '${source}' is not a ref name`);
      return;
    }
    const skip = Number(q.get('$skip') ?? 0);
    const top = Number(q.get('$top') ?? 101);
    const value = this.pullRequests
      .filter(
        pr =>
          (status === 'all' || status === 'notSet'
            ? true
            : pr.status === status) &&
          (!source || pr.sourceRefName === source) &&
          (!target || pr.targetRefName === target),
      )
      .sort((a, b) => b.pullRequestId - a.pullRequestId)
      .slice(skip, skip + top)
      .map(pr => this.toGitPullRequest(pr, true));
    send(200, { value, count: value.length });
  }

  private create(
    req: http.IncomingMessage,
    body: unknown,
    send: (status: number, body: unknown) => void,
    refuse: (status: number, violation: string) => void,
  ) {
    if (!/^application\/json/i.test(req.headers['content-type'] ?? '')) {
      refuse(415, 'the body must be application/json');
      return;
    }
    const pr = body as Record<string, unknown> | undefined;
    if (
      !pr ||
      typeof pr.sourceRefName !== 'string' ||
      typeof pr.targetRefName !== 'string' ||
      typeof pr.title !== 'string' ||
      (pr.description !== undefined && typeof pr.description !== 'string')
    ) {
      refuse(
        400,
        'the body must have string sourceRefName, targetRefName, title (and description)',
      );
      return;
    }
    const sourceRefName = pr.sourceRefName;
    const targetRefName = pr.targetRefName;
    if (
      !this.branches.has(sourceRefName) ||
      !this.branches.has(targetRefName)
    ) {
      send(
        400,
        errorBody(
          `TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists, or the requested refs are not branches`,
          'GitPullRequestCannotBeActivated',
        ),
      );
      return;
    }
    if (this.raceNextCreate) {
      this.raceNextCreate = false;
      this.store(sourceRefName, targetRefName, pr.title, 'opened concurrently');
    }
    if (
      this.pullRequests.some(
        p =>
          p.status === 'active' &&
          p.sourceRefName === sourceRefName &&
          p.targetRefName === targetRefName,
      )
    ) {
      send(
        409,
        errorBody(
          'TF401179: An active pull request for the source and target branch already exists.',
          'GitPullRequestExistsException',
        ),
      );
      return;
    }
    const created = this.store(
      sourceRefName,
      targetRefName,
      pr.title,
      (pr.description as string | undefined) ?? '',
    );
    send(201, this.toGitPullRequest(created, false));
  }

  private get(id: number, send: (status: number, body: unknown) => void) {
    const pr = this.pullRequests.find(p => p.pullRequestId === id);
    if (!pr) {
      send(
        404,
        errorBody(
          'TF401180: The requested pull request was not found.',
          'GitPullRequestNotFoundException',
        ),
      );
      return;
    }
    send(200, this.toGitPullRequest(pr, false));
  }

  private store(
    sourceRefName: string,
    targetRefName: string,
    title: string,
    description: string,
  ): FakePullRequest {
    const id = this.nextId++;
    const pr: FakePullRequest = {
      pullRequestId: id,
      status: 'active',
      title,
      description,
      sourceRefName,
      targetRefName,
      creationDate: new Date().toISOString(),
      // while active, the test merge of source into target
      lastMergeCommit: { commitId: fakeSha(`test-merge-${id}`) },
    };
    this.pullRequests.push(pr);
    return pr;
  }

  private toGitPullRequest(pr: FakePullRequest, inList: boolean) {
    const repositoryUrl = `${this.apiBaseUrl}/_apis/git/repositories/${this.repositoryId}`;
    return {
      repository: {
        id: this.repositoryId,
        name: this.repository,
        url: repositoryUrl,
        project: {
          id: this.projectId,
          name: this.project,
          state: 'wellFormed',
          visibility: 'private',
        },
      },
      pullRequestId: pr.pullRequestId,
      codeReviewId: pr.pullRequestId,
      status: pr.status,
      createdBy: {
        displayName: 'Backstage GitOps',
        id: this.projectId,
        uniqueName: 'backstage@example.com',
      },
      creationDate: pr.creationDate,
      ...(pr.closedDate ? { closedDate: pr.closedDate } : {}),
      title: pr.title,
      description: inList ? pr.description.slice(0, 400) : pr.description,
      sourceRefName: pr.sourceRefName,
      targetRefName: pr.targetRefName,
      mergeStatus: 'succeeded',
      isDraft: false,
      mergeId: randomUUID(),
      lastMergeSourceCommit: {
        commitId: fakeSha(`source-${pr.pullRequestId}`),
      },
      lastMergeTargetCommit: {
        commitId: fakeSha(`target-${pr.pullRequestId}`),
      },
      lastMergeCommit: {
        commitId: pr.lastMergeCommit.commitId,
        url: `${repositoryUrl}/commits/${pr.lastMergeCommit.commitId}`,
      },
      reviewers: [],
      url: `${repositoryUrl}/pullRequests/${pr.pullRequestId}`,
      supportsIterations: true,
    };
  }
}

/** Starts an {@link AzureDevOpsFake} on 127.0.0.1 (a free port). */
export async function startAzureDevOpsFake(
  options: AzureDevOpsFakeOptions = {},
): Promise<AzureDevOpsFake> {
  return new AzureDevOpsFake(options).start();
}

/** The service's error body. */
export function errorBody(message: string, typeKey: string) {
  return {
    $id: '1',
    innerException: null,
    message,
    typeName: `Microsoft.TeamFoundation.Git.Server.${typeKey}, Microsoft.TeamFoundation.Git.Server`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  };
}

function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
