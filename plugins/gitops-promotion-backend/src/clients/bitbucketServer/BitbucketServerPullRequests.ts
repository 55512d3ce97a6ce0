import {
  ScmIntegrationRegistry,
  getBitbucketServerRequestOptions,
} from '@backstage/integration';
import {
  BitbucketServerResponseError,
  isDuplicatePullRequest,
  mapBitbucketServerError,
  readBitbucketServerError,
} from './mapBitbucketServerError';
import { PullRequestProvider, PullRequestRef } from '../repository/types';
import {
  OpenPullRequestRequest,
  openPullRequestOnce,
  withMappedErrors,
} from '../pullRequests/openPullRequestOnce';

/**
 * The fields of Bitbucket Data Center's pull request (RestPullRequest) a
 * PullRequestRef is made of.
 */
interface BitbucketServerPullRequest {
  id: number;
  state: string;
  fromRef: { id: string; displayId: string };
  links?: { self?: { href: string }[] };
  /** `mergeCommit` is there once merged (absent when "merged remotely"). */
  properties?: { mergeCommit?: { id?: string; displayId?: string } };
}

/** A page of a paged API. */
interface BitbucketServerPage<T> {
  values: T[];
  isLastPage: boolean;
  nextPageStart?: number | null;
}

/** Where the pull requests are and how to ask. */
export interface BitbucketServerPullRequestsOptions {
  /** The Bitbucket host (for messages), e.g. `bitbucket.example.com`. */
  host: string;
  /** e.g. `https://bitbucket.example.com/rest/api/1.0`, no trailing slash. */
  apiBaseUrl: string;
  /** Upper-case project key (or `~user` for a personal repository). */
  projectKey: string;
  repositorySlug: string;
  /** The `Authorization` header value. Only ever sent as a header. */
  authorization: string;
  fetch?: typeof fetch;
  /** Per request; default 30 seconds. */
  timeoutMs?: number;
}

/** Pages read at most when listing (a branch rarely has more than one open PR). */
const MAX_PAGES = 20;

/**
 * Pull requests of one Bitbucket Data Center / Server repository, through
 * REST API 1.0. Opening one is idempotent per head branch: when a pull
 * request for the branch is already open (opened by a concurrent request,
 * say), that one is returned.
 */
export class BitbucketServerPullRequests implements PullRequestProvider {
  readonly #authorization: string;
  private readonly fetchImpl: typeof fetch;
  private readonly options: Omit<
    BitbucketServerPullRequestsOptions,
    'authorization' | 'fetch'
  >;

  constructor(options: BitbucketServerPullRequestsOptions) {
    const { authorization, fetch: fetchImpl, ...rest } = options;
    // kept in a private field so that no dump of the object shows it
    this.#authorization = authorization;
    this.fetchImpl = fetchImpl ?? globalThis.fetch;
    this.options = rest;
  }

  async findOpenPullRequest(
    branch: string,
  ): Promise<PullRequestRef | undefined> {
    return withMappedErrors(
      () => this.findOpen(toRefId(branch)),
      error => this.map(error, `list the open pull requests of '${branch}'`),
    );
  }

  async openPullRequest(
    request: OpenPullRequestRequest,
  ): Promise<PullRequestRef> {
    const { projectKey, repositorySlug } = this.options;
    const repository = { slug: repositorySlug, project: { key: projectKey } };
    return openPullRequestOnce({
      findFirst: false,
      find: () => this.findOpenPullRequest(request.branch),
      create: async () =>
        toPullRequestRef(
          await this.request<BitbucketServerPullRequest>(
            'POST',
            this.pullRequestsPath(),
            {
              title: request.title,
              ...(request.body ? { description: request.body } : {}),
              fromRef: { id: toRefId(request.branch), repository },
              toRef: { id: toRefId(request.base), repository },
            },
          ),
        ),
      isAlreadyExists: isDuplicatePullRequest,
      findExisting: async error => {
        // Bitbucket names the open pull request between the same branches
        const existing = (error as BitbucketServerResponseError).errors
          .map(e => e.existingPullRequest)
          .find(isPullRequest);
        if (existing) return toPullRequestRef(existing);
        return this.findOpenPullRequest(request.branch);
      },
      mapError: error =>
        this.map(
          error,
          `open a pull request from '${request.branch}' to '${request.base}'`,
        ),
    });
  }

  async getPullRequest(number: number): Promise<PullRequestRef> {
    try {
      if (!Number.isSafeInteger(number) || number < 1) {
        throw new BitbucketServerResponseError(
          404,
          'Not Found',
          new Headers(),
          [],
        );
      }
      const data = await this.request<BitbucketServerPullRequest>(
        'GET',
        `${this.pullRequestsPath()}/${number}`,
      );
      return toPullRequestRef(data);
    } catch (error) {
      throw this.map(
        error,
        `read pull request #${number}`,
        `Pull request #${number} does not exist in ${this.repositoryName()} on ${
          this.options.host
        }`,
      );
    }
  }

  /** The open pull request from the branch `refId`, reading up to {@link MAX_PAGES} pages. */
  private async findOpen(refId: string): Promise<PullRequestRef | undefined> {
    let start: number | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({
        state: 'OPEN',
        direction: 'OUTGOING',
        at: refId,
      });
      if (start !== undefined) query.set('start', String(start));
      const data = await this.request<
        BitbucketServerPage<BitbucketServerPullRequest>
      >('GET', `${this.pullRequestsPath()}?${query}`);
      const found = data.values.find(pr => pr.fromRef?.id === refId);
      if (found) return toPullRequestRef(found);
      if (data.isLastPage || typeof data.nextPageStart !== 'number') break;
      start = data.nextPageStart;
    }
    return undefined;
  }

  private pullRequestsPath(): string {
    const { projectKey, repositorySlug } = this.options;
    return `/projects/${encodeURIComponent(
      projectKey,
    )}/repos/${encodeURIComponent(repositorySlug)}/pull-requests`;
  }

  private repositoryName(): string {
    return `${this.options.projectKey}/${this.options.repositorySlug}`;
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: this.#authorization,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetchImpl(`${this.options.apiBaseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    if (!response.ok) {
      throw await readBitbucketServerError(response);
    }
    return (await response.json()) as T;
  }

  private map(error: unknown, action: string, notFound?: string) {
    return mapBitbucketServerError(error, {
      host: this.options.host,
      repository: this.repositoryName(),
      action,
      notFound,
      secrets: secretsOf(this.#authorization),
    });
  }
}

/** The header value and what it encodes, to strip from messages. */
function secretsOf(authorization: string): string[] {
  const [scheme, value = ''] = authorization.split(' ', 2);
  const secrets = [value];
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) secrets.push(decoded.slice(colon + 1));
  }
  return secrets.filter(s => s.length >= 4);
}

function toRefId(branch: string): string {
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}

function isPullRequest(value: unknown): value is BitbucketServerPullRequest {
  const pr = value as BitbucketServerPullRequest | undefined;
  return (
    typeof pr?.id === 'number' &&
    typeof pr.state === 'string' &&
    typeof pr.fromRef?.displayId === 'string'
  );
}

function toPullRequestRef(pr: BitbucketServerPullRequest): PullRequestRef {
  const ref = {
    number: pr.id,
    url: pr.links?.self?.[0]?.href ?? '',
    branch: pr.fromRef.displayId,
  };
  if (pr.state === 'MERGED') {
    return {
      ...ref,
      state: 'merged',
      mergeCommitSha: pr.properties?.mergeCommit?.id,
    };
  }
  // DECLINED (and anything newer that is not open) is closed
  return { ...ref, state: pr.state === 'OPEN' ? 'open' : 'closed' };
}

/** Where a repository URL points. */
export interface BitbucketServerRepositoryLocation {
  /** `host[:port]` as in the URL (what `byUrl` matches). */
  host: string;
  projectKey: string;
  repositorySlug: string;
}

/**
 * Reads a Bitbucket Data Center repository URL: the clone form
 * `https://host[/context]/scm/PROJECT/repo.git` or the web form
 * `https://host[/context]/projects/PROJECT/repos/repo[/browse...]`
 * (personal repositories: `/scm/~user/repo.git`, `/users/user/repos/repo`).
 * Project keys are upper-cased as the API knows them.
 */
export function parseBitbucketServerRepositoryUrl(
  repositoryUrl: string,
): BitbucketServerRepositoryLocation {
  let url: URL;
  try {
    url = new URL(repositoryUrl);
  } catch {
    throw new Error(
      `'${redactUrl(repositoryUrl)}' is not a Bitbucket repository URL`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(
      `Only http(s) Bitbucket repository URLs are supported, not '${redactUrl(
        repositoryUrl,
      )}'`,
    );
  }
  const segments = url.pathname
    .split('/')
    .filter(Boolean)
    .map(s => decodeURIComponent(s));
  let project: string | undefined;
  let slug: string | undefined;
  for (let i = segments.length - 1; i >= 0 && !project; i--) {
    const [a, b, c, d] = segments.slice(i);
    if (a === 'scm' && b && c && i + 3 === segments.length) {
      [project, slug] = [b, c];
    } else if (a === 'projects' && b && c === 'repos' && d) {
      [project, slug] = [b, d];
    } else if (a === 'users' && b && c === 'repos' && d) {
      [project, slug] = [`~${b}`, d];
    }
  }
  if (!project || !slug) {
    throw new Error(
      `'${redactUrl(
        repositoryUrl,
      )}' is not a Bitbucket repository URL (expected https://host/scm/PROJECT/repo.git or https://host/projects/PROJECT/repos/repo)`,
    );
  }
  return {
    host: url.host,
    projectKey: project.startsWith('~') ? project : project.toUpperCase(),
    repositorySlug: slug.replace(/\.git$/, ''),
  };
}

function redactUrl(url: string): string {
  return url.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@');
}

/**
 * The pull requests of the Bitbucket Data Center repository at
 * `repositoryUrl`, with the credentials and API base URL of the matching
 * `integrations.bitbucketServer` entry. Throws (at startup) when there is no
 * such entry or it has no credentials.
 */
export function createBitbucketServerPullRequests(options: {
  integrations: ScmIntegrationRegistry;
  repositoryUrl: string;
  fetch?: typeof fetch;
}): PullRequestProvider {
  const location = parseBitbucketServerRepositoryUrl(options.repositoryUrl);
  const integration = options.integrations.bitbucketServer.byUrl(
    options.repositoryUrl,
  );
  if (!integration) {
    throw new Error(
      `No integrations.bitbucketServer entry has host '${
        location.host
      }' (for ${redactUrl(
        options.repositoryUrl,
      )}); add one with a token or a username and password`,
    );
  }
  const { config } = integration;
  const { headers } = getBitbucketServerRequestOptions(config);
  if (!headers.Authorization) {
    throw new Error(
      `The integrations.bitbucketServer entry for host '${config.host}' has no credentials; set its token, or its username and password`,
    );
  }
  return new BitbucketServerPullRequests({
    host: config.host,
    apiBaseUrl: config.apiBaseUrl.replace(/\/+$/, ''),
    projectKey: location.projectKey,
    repositorySlug: location.repositorySlug,
    authorization: headers.Authorization,
    fetch: options.fetch,
  });
}
