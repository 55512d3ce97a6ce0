import {
  BitbucketCloudIntegrationConfig,
  ScmIntegrationRegistry,
  getBitbucketCloudRequestOptions,
} from '@backstage/integration';
import { NotFoundError } from '@backstage/errors';
import { PullRequestProvider, PullRequestRef } from '../repository/types';
import {
  OpenPullRequestRequest,
  openPullRequestOnce,
  withMappedErrors,
} from '../pullRequests/openPullRequestOnce';
import {
  BitbucketCloudRequestError,
  bitbucketCloudFailure,
  mapBitbucketCloudError,
} from './mapBitbucketCloudError';

/** The fields of Bitbucket Cloud's `pullrequest` object a PullRequestRef is made of. */
interface BitbucketCloudPullRequest {
  id: number;
  state: string;
  links: { html: { href: string } };
  source: {
    branch: { name: string };
    repository?: { full_name?: string } | null;
  };
  merge_commit?: { hash?: string } | null;
}

/** A page of a Bitbucket Cloud collection. */
interface Page<T> {
  values: T[];
  next?: string;
}

/** Where the pull requests are and how to reach them. */
export interface BitbucketCloudPullRequestsOptions {
  /** `https://api.bitbucket.org/2.0` (from the integration config). */
  apiBaseUrl: string;
  workspace: string;
  repoSlug: string;
  /** The headers that authenticate a request (`Authorization`). */
  authHeaders: () => Promise<Record<string, string>>;
  /** Credential values that must never appear in an error message. */
  secrets?: string[];
  fetch?: typeof fetch;
}

/** More pages than an open-PR-per-branch query can honestly have. */
const MAX_PAGES = 20;

/**
 * Pull requests of one Bitbucket Cloud repository (REST API 2.0). Opening one
 * is idempotent per source branch: when a pull request from the branch is
 * already open (opened by a concurrent request, say), that one is returned.
 * Every failure leaves as an @backstage/errors error
 * ({@link mapBitbucketCloudError}); credentials travel only in headers.
 */
export class BitbucketCloudPullRequests implements PullRequestProvider {
  private readonly apiBaseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: BitbucketCloudPullRequestsOptions) {
    this.apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async findOpenPullRequest(
    branch: string,
  ): Promise<PullRequestRef | undefined> {
    return withMappedErrors(
      () => this.findOpenRef(branch),
      error => this.map(error, `list the open pull requests of '${branch}'`),
    );
  }

  async openPullRequest(
    request: OpenPullRequestRequest,
  ): Promise<PullRequestRef> {
    return openPullRequestOnce({
      // Bitbucket answers a second create for the same source and
      // destination with the open pull request (updated with the new title
      // and description) rather than an error, so look first: asking again
      // must not rewrite what a reviewer may already have read.
      findFirst: true,
      find: () => this.findOpenRef(request.branch),
      create: async () =>
        this.toPullRequestRef(
          await this.request<BitbucketCloudPullRequest>(
            'POST',
            this.repoUrl('/pullrequests'),
            {
              title: request.title,
              description: request.body,
              source: { branch: { name: request.branch } },
              destination: { branch: { name: request.base } },
            },
          ),
        ),
      // a concurrent open won the race and Bitbucket refused the duplicate
      isAlreadyExists: error => {
        const failure = bitbucketCloudFailure(error);
        return !!failure && (failure.status === 400 || failure.status === 409);
      },
      findExisting: () => this.findOpenPullRequest(request.branch),
      mapError: error =>
        this.map(
          error,
          `open a pull request from '${request.branch}' to '${request.base}'`,
        ),
    });
  }

  async getPullRequest(number: number): Promise<PullRequestRef> {
    const notFound = `Pull request #${number} does not exist in ${this.repository}`;
    if (!Number.isSafeInteger(number) || number < 1) {
      throw new NotFoundError(notFound);
    }
    try {
      const pr = await this.request<BitbucketCloudPullRequest>(
        'GET',
        this.repoUrl(`/pullrequests/${number}`),
      );
      return await this.toPullRequestRef(pr);
    } catch (error) {
      throw this.map(error, `read pull request #${number}`, notFound);
    }
  }

  private get repository() {
    return `${this.options.workspace}/${this.options.repoSlug}`;
  }

  private async findOpenRef(
    branch: string,
  ): Promise<PullRequestRef | undefined> {
    const found = await this.findOpen(branch);
    return found && (await this.toPullRequestRef(found));
  }

  /** The open pull request from `branch` of this repository (not a fork's). */
  private async findOpen(
    branch: string,
  ): Promise<BitbucketCloudPullRequest | undefined> {
    const query = `source.branch.name = "${bbqlString(branch)}"`;
    let url: string | undefined = `${this.repoUrl(
      '/pullrequests',
    )}?state=OPEN&q=${encodeURIComponent(query)}`;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const data: Page<BitbucketCloudPullRequest> = await this.request<
        Page<BitbucketCloudPullRequest>
      >('GET', url);
      const found = (data.values ?? []).find(
        pr =>
          pr.state === 'OPEN' &&
          pr.source?.branch?.name === branch &&
          this.isThisRepository(pr.source.repository?.full_name),
      );
      if (found) return found;
      url = data.next && this.sameApi(data.next);
    }
    return undefined;
  }

  private isThisRepository(fullName: string | undefined) {
    return (
      !fullName || fullName.toLowerCase() === this.repository.toLowerCase()
    );
  }

  /** A `next` link, only when it points into the same API (credentials follow it). */
  private sameApi(next: string): string {
    if (!next.startsWith(`${this.apiBaseUrl}/`)) {
      throw new BitbucketCloudRequestError(
        502,
        'the next page of the pull requests points outside the API',
      );
    }
    return next;
  }

  private repoUrl(path: string) {
    const { workspace, repoSlug } = this.options;
    return `${this.apiBaseUrl}/repositories/${encodeURIComponent(
      workspace,
    )}/${encodeURIComponent(repoSlug)}${path}`;
  }

  private async toPullRequestRef(
    pr: BitbucketCloudPullRequest,
  ): Promise<PullRequestRef> {
    const ref = {
      number: pr.id,
      url: pr.links.html.href,
      branch: pr.source.branch.name,
    };
    switch (pr.state) {
      case 'OPEN':
        return { ...ref, state: 'open' };
      case 'MERGED':
        return {
          ...ref,
          state: 'merged',
          mergeCommitSha: await this.fullHash(pr.merge_commit?.hash),
        };
      default:
        // DECLINED, SUPERSEDED
        return { ...ref, state: 'closed' };
    }
  }

  /**
   * Pull request payloads name commits by an abbreviated hash (12 hex
   * digits); the commit resource names it in full.
   */
  private async fullHash(hash: string | undefined) {
    if (!hash || /^[0-9a-f]{40}$/i.test(hash)) return hash;
    const commit = await this.request<{ hash: string }>(
      'GET',
      this.repoUrl(`/commit/${encodeURIComponent(hash)}`),
    );
    return commit.hash;
  }

  private async request<T>(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...(await this.options.authHeaders()),
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'error',
    });
    const text = await response.text();
    if (!response.ok) {
      throw new BitbucketCloudRequestError(
        response.status,
        errorMessage(text) ?? response.statusText,
        response.headers.get('retry-after') ?? undefined,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new BitbucketCloudRequestError(
        502,
        `answered HTTP ${response.status} with a body that is not JSON`,
      );
    }
  }

  private map(error: unknown, action: string, notFound?: string) {
    return mapBitbucketCloudError(error, {
      repository: this.repository,
      action,
      notFound,
      secrets: this.options.secrets,
    });
  }
}

/** Bitbucket's `error.message` (and `error.detail`) from an error body. */
function errorMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as {
      error?: { message?: unknown; detail?: unknown };
    };
    const message =
      typeof body.error?.message === 'string' ? body.error.message : undefined;
    const detail =
      typeof body.error?.detail === 'string' ? body.error.detail : undefined;
    if (!message) return detail;
    return detail ? `${message} (${detail})` : message;
  } catch {
    return undefined;
  }
}

/** A BBQL string literal's content: `"` and `\` escaped with a backslash. */
function bbqlString(value: string): string {
  return value.replace(/[\\"]/g, c => `\\${c}`);
}

/**
 * `workspace` and `repo_slug` of a Bitbucket Cloud repository URL:
 * `https://bitbucket.org/workspace/repo` with an optional `.git`, user
 * (`https://user@bitbucket.org/...`) or trailing slash.
 */
export function parseBitbucketCloudRepositoryUrl(repositoryUrl: string): {
  workspace: string;
  repoSlug: string;
} {
  let url: URL;
  try {
    url = new URL(repositoryUrl);
  } catch {
    throw new Error(
      `'${stripUserInfo(
        repositoryUrl,
      )}' is not a Bitbucket Cloud repository URL (https://bitbucket.org/<workspace>/<repo>)`,
    );
  }
  const parts = url.pathname
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (!/^https?:$/.test(url.protocol) || parts.length !== 2) {
    throw new Error(
      `'${stripUserInfo(
        repositoryUrl,
      )}' is not a Bitbucket Cloud repository URL (https://bitbucket.org/<workspace>/<repo>)`,
    );
  }
  return {
    workspace: decodeURIComponent(parts[0]),
    repoSlug: decodeURIComponent(parts[1]),
  };
}

function stripUserInfo(url: string) {
  return url.replace(/(\w+:\/\/)[^/@\s]+@/, '$1');
}

/** How the integration authenticates, or undefined when it has no credentials. */
function authenticationOf(
  config: BitbucketCloudIntegrationConfig,
): (() => Promise<Record<string, string>>) | undefined {
  if (
    (config.clientId && config.clientSecret) ||
    (config.username && (config.token || config.appPassword))
  ) {
    // Basic username:(token|appPassword), or an OAuth client-credentials token
    return async () => (await getBitbucketCloudRequestOptions(config)).headers;
  }
  if (config.token) {
    // a repository, project or workspace access token (no username)
    const token = config.token;
    return async () => ({ Authorization: `Bearer ${token}` });
  }
  return undefined;
}

/**
 * The pull requests of the Bitbucket Cloud repository at `repositoryUrl`,
 * authenticated with its `integrations.bitbucketCloud` entry (`username` and
 * `appPassword` or `token`, a `token` alone, or `clientId` and
 * `clientSecret`). Throws at startup when there is no such entry or it has no
 * credentials.
 */
export function createBitbucketCloudPullRequests(options: {
  integrations: ScmIntegrationRegistry;
  repositoryUrl: string;
  fetch?: typeof fetch;
}): PullRequestProvider {
  const { workspace, repoSlug } = parseBitbucketCloudRepositoryUrl(
    options.repositoryUrl,
  );
  const integration = options.integrations.bitbucketCloud.byUrl(
    options.repositoryUrl,
  );
  const where = `${workspace}/${repoSlug}`;
  if (!integration) {
    throw new Error(
      `No integrations.bitbucketCloud entry matches the host of repository ${where}; pull requests need one with credentials`,
    );
  }
  const { config } = integration;
  const authHeaders = authenticationOf(config);
  if (!authHeaders) {
    throw new Error(
      `The integrations.bitbucketCloud entry for ${config.host} has no credentials (username and appPassword or token, token, or clientId and clientSecret); pull requests of ${where} need them`,
    );
  }
  return new BitbucketCloudPullRequests({
    apiBaseUrl: config.apiBaseUrl,
    workspace,
    repoSlug,
    authHeaders,
    secrets: [config.appPassword, config.token, config.clientSecret].filter(
      (s): s is string => !!s,
    ),
    fetch: options.fetch,
  });
}
