import {
  ScmIntegrationRegistry,
  getGiteaRequestOptions,
} from '@backstage/integration';
import { ServiceUnavailableError } from '@backstage/errors';
import { PullRequestProvider, PullRequestRef } from '../repository/types';
import {
  OpenPullRequestRequest,
  openPullRequestOnce,
  withMappedErrors,
} from '../pullRequests/openPullRequestOnce';
import {
  GiteaHttpError,
  isPullRequestAlreadyExists,
  mapGiteaError,
} from './mapGiteaError';

/**
 * The fields of Gitea's `PullRequest` (modules/structs/pull.go, swagger
 * definition `PullRequest`) a PullRequestRef is made of.
 */
interface GiteaPullRequest {
  number: number;
  html_url: string;
  /** `open` or `closed` (a merged pull request is `closed` with `merged`). */
  state: string;
  merged?: boolean;
  merge_commit_sha?: string | null;
  head: { ref: string; repo_id?: number };
  base?: { ref: string; repo_id?: number };
}

/** Where the pull requests are and how to reach them. */
export interface GiteaPullRequestsOptions {
  /** The Gitea instance's web root, e.g. `https://gitea.example.com` (no `/api/v1`). */
  baseUrl: string;
  /** The host, for messages. */
  host: string;
  owner: string;
  repo: string;
  /** The value of the Authorization header (from getGiteaRequestOptions). */
  authorization: string;
  /** Values to keep out of messages (the password or token). */
  secrets?: string[];
  fetch?: typeof fetch;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

/** Gitea's MAX_RESPONSE_ITEMS default: a larger `limit` is cut to it. */
const PAGE_SIZE = 50;
/** A bound on the pages read when looking for a branch's pull request. */
const MAX_PAGES = 100;

/**
 * Pull requests of one Gitea (or Forgejo) repository through REST API v1.
 * Opening one is idempotent per head branch: when a pull request for the
 * branch is already open (opened by a concurrent request, say), that one is
 * returned. Every failure leaves as an @backstage/errors error.
 */
export class GiteaPullRequests implements PullRequestProvider {
  private readonly fetch: typeof fetch;
  private readonly apiRepoUrl: string;

  constructor(private readonly options: GiteaPullRequestsOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.apiRepoUrl = `${options.baseUrl.replace(
      /\/+$/,
      '',
    )}/api/v1/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(
      options.repo,
    )}`;
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
    // Gitea refuses a second pull request only for the same head AND base:
    // look for the branch's open one first
    return openPullRequestOnce({
      findFirst: true,
      find: () => this.findOpenRef(request.branch),
      create: async () =>
        toPullRequestRef(
          asPullRequest(
            await this.request('POST', '/pulls', {
              head: request.branch,
              base: request.base,
              title: request.title,
              body: request.body,
            }),
          ),
        ),
      // opened concurrently between our look-up and the create call
      isAlreadyExists: isPullRequestAlreadyExists,
      mapError: error =>
        this.map(
          error,
          `open a pull request from '${request.branch}' to '${request.base}'`,
        ),
    });
  }

  async getPullRequest(number: number): Promise<PullRequestRef> {
    const { owner, repo } = this.options;
    try {
      if (!Number.isSafeInteger(number) || number < 1) {
        throw new GiteaHttpError(404, 'not found');
      }
      return toPullRequestRef(
        asPullRequest(await this.request('GET', `/pulls/${number}`)),
      );
    } catch (error) {
      throw this.map(
        error,
        `read pull request #${number}`,
        `Pull request #${number} does not exist in ${owner}/${repo}`,
      );
    }
  }

  private async findOpenRef(
    branch: string,
  ): Promise<PullRequestRef | undefined> {
    const found = await this.findOpen(branch);
    return found && toPullRequestRef(found);
  }

  /** The open pull request from `branch` of this repository (not a fork), lowest number first. */
  private async findOpen(
    branch: string,
  ): Promise<GiteaPullRequest | undefined> {
    const matches: GiteaPullRequest[] = [];
    let seen = 0;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({
        state: 'open',
        page: String(page),
        limit: String(PAGE_SIZE),
      });
      const { body, headers } = await this.requestWithHeaders(
        'GET',
        `/pulls?${query}`,
      );
      if (!Array.isArray(body)) throw unexpected('a list of pull requests');
      const pulls = body.map(asPullRequest);
      matches.push(
        ...pulls.filter(
          pr =>
            pr.state === 'open' && pr.head.ref === branch && sameRepository(pr),
        ),
      );
      seen += pulls.length;
      const total = Number(headers.get('x-total-count'));
      if (pulls.length === 0 || (Number.isFinite(total) && seen >= total)) {
        break;
      }
    }
    return matches.sort((a, b) => a.number - b.number)[0];
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    return (await this.requestWithHeaders(method, path, body)).body;
  }

  private async requestWithHeaders(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ body: unknown; headers: Headers }> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: this.options.authorization,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetch(`${this.apiRepoUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    if (!response.ok) {
      throw await GiteaHttpError.fromResponse(response);
    }
    try {
      return { body: await response.json(), headers: response.headers };
    } catch {
      throw unexpected('JSON');
    }
  }

  private map(error: unknown, action: string, notFound?: string) {
    const { host, owner, repo, secrets, authorization } = this.options;
    return mapGiteaError(error, {
      host,
      repository: `${owner}/${repo}`,
      action,
      notFound,
      secrets: [...(secrets ?? []), authorization.replace(/^\S+\s+/, '')],
    });
  }
}

function unexpected(what: string) {
  return new ServiceUnavailableError(
    `Gitea answered with something other than ${what}`,
  );
}

/** Checks the fields we read; anything else is not Gitea's PullRequest. */
function asPullRequest(value: unknown): GiteaPullRequest {
  const pr = value as Partial<GiteaPullRequest> | null;
  if (
    !pr ||
    typeof pr.number !== 'number' ||
    typeof pr.html_url !== 'string' ||
    typeof pr.state !== 'string' ||
    typeof pr.head?.ref !== 'string'
  ) {
    throw unexpected('a pull request');
  }
  return pr as GiteaPullRequest;
}

/** False for a pull request from a fork (its head branch is not ours). */
function sameRepository(pr: GiteaPullRequest): boolean {
  const head = pr.head.repo_id;
  const base = pr.base?.repo_id;
  return typeof head !== 'number' || typeof base !== 'number' || head === base;
}

function toPullRequestRef(pr: GiteaPullRequest): PullRequestRef {
  const ref = {
    number: pr.number,
    url: pr.html_url,
    branch: pr.head.ref,
  };
  if (pr.merged) {
    return {
      ...ref,
      state: 'merged',
      mergeCommitSha: pr.merge_commit_sha ?? undefined,
    };
  }
  return { ...ref, state: pr.state === 'open' ? 'open' : 'closed' };
}

/** `owner` and `repo` of `https://gitea.example.com[/sub/path]/owner/repo[.git]`. */
export function parseGiteaRepositoryUrl(
  repositoryUrl: string,
  baseUrl?: string,
): { owner: string; repo: string } {
  let url: URL;
  try {
    url = new URL(repositoryUrl);
  } catch {
    throw new Error(`'${repositoryUrl}' is not a Gitea repository URL`);
  }
  let path = url.pathname;
  if (baseUrl) {
    const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
    if (basePath && path.startsWith(`${basePath}/`)) {
      path = path.slice(basePath.length);
    }
  }
  const segments = path.split('/').filter(Boolean);
  if (segments.length !== 2 || url.search || url.hash) {
    throw new Error(
      `'${url.origin}${url.pathname}' is not a Gitea repository URL; expected https://<host>/<owner>/<repo>`,
    );
  }
  const owner = decodeURIComponent(segments[0]);
  const repo = decodeURIComponent(segments[1]).replace(/\.git$/, '');
  if (!owner || !repo) {
    throw new Error(`'${url.origin}${url.pathname}' names no Gitea repository`);
  }
  return { owner, repo };
}

/**
 * The pull requests of the Gitea repository at `repositoryUrl`, with the
 * credentials of its `integrations.gitea` entry. Throws (at startup) when
 * there is no entry for the URL's host or it has no password or token.
 */
export function createGiteaPullRequests(options: {
  integrations: ScmIntegrationRegistry;
  repositoryUrl: string;
  fetch?: typeof fetch;
}): PullRequestProvider {
  const { integrations, repositoryUrl } = options;
  let host: string;
  try {
    host = new URL(repositoryUrl).host;
  } catch {
    throw new Error(`'${repositoryUrl}' is not a Gitea repository URL`);
  }
  const integration = integrations.gitea.byUrl(repositoryUrl);
  if (!integration) {
    throw new Error(
      `No Gitea integration for ${host}: add an entry with host '${host}' to integrations.gitea in app-config`,
    );
  }
  const { config } = integration;
  const authorization = getGiteaRequestOptions(config).headers?.Authorization;
  if (!config.password || !authorization) {
    throw new Error(
      `The Gitea integration for ${host} has no credentials: set password (a password or an access token) of its integrations.gitea entry`,
    );
  }
  const baseUrl = config.baseUrl ?? `https://${config.host}`;
  const { owner, repo } = parseGiteaRepositoryUrl(repositoryUrl, baseUrl);
  return new GiteaPullRequests({
    baseUrl,
    host: config.host,
    owner,
    repo,
    authorization,
    secrets: [config.password],
    fetch: options.fetch,
  });
}
