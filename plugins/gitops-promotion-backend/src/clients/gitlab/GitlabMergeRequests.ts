import {
  ScmIntegrationRegistry,
  getGitLabIntegrationRelativePath,
} from '@backstage/integration';
import { MergeRequests } from '@gitbeaker/rest';
import {
  GitlabRequestError,
  describeGitlabErrorBody,
  gitlabFailure,
  mapGitlabError,
} from './mapGitlabError';
import { PullRequestProvider, PullRequestRef } from '../repository/types';
import {
  OpenPullRequestRequest,
  openPullRequestOnce,
  withMappedErrors,
} from '../pullRequests/openPullRequestOnce';

/**
 * The fields of GitLab's merge request (Merge requests API, "Get single MR",
 * "List project merge requests", "Create MR") a PullRequestRef is made of.
 */
interface GitlabMergeRequest {
  iid: number;
  web_url: string;
  /** `opened`, `closed`, `locked` (transitional, while merging) or `merged` */
  state: string;
  source_branch: string;
  source_project_id?: number;
  target_project_id?: number;
  /** The head of the source branch. */
  sha?: string | null;
  merge_commit_sha?: string | null;
  squash_commit_sha?: string | null;
}

/** Where the merge requests are and how to reach them. */
export interface GitlabMergeRequestsOptions {
  /** The REST API root, e.g. `https://gitlab.com/api/v4` (integration `apiBaseUrl`). */
  apiBaseUrl: string;
  /** Sent only in the PRIVATE-TOKEN header. */
  token: string;
  /** The project's full path, e.g. `group/subgroup/project` (not encoded). */
  projectPath: string;
  /** For messages; defaults to the host of `apiBaseUrl`. */
  host?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}

type RequesterFn = NonNullable<
  ConstructorParameters<typeof MergeRequests>[0]['requesterFn']
>;

/** How many open merge requests of one source branch are read (there is normally one). */
const PAGE_SIZE = 20;

/**
 * Merge requests of one GitLab project (gitlab.com or self-managed), through
 * gitbeaker's MergeRequests resource. Opening one is idempotent per source
 * branch: when GitLab answers that an open merge request already exists
 * (HTTP 409, opened by a concurrent request, say), that one is returned.
 */
export class GitlabMergeRequests implements PullRequestProvider {
  private readonly api: InstanceType<typeof MergeRequests>;
  private readonly host: string;

  constructor(private readonly options: GitlabMergeRequestsOptions) {
    this.host = options.host ?? new URL(options.apiBaseUrl).host;
    this.api = new MergeRequests({
      requesterFn: fetchRequester(options),
      queryTimeout: options.timeoutMs ?? 30_000,
    });
  }

  async findOpenPullRequest(
    branch: string,
  ): Promise<PullRequestRef | undefined> {
    return withMappedErrors(
      async () => {
        const found = await this.openMergeRequestOf(branch);
        return found && toPullRequestRef(found);
      },
      error => this.map(error, `list the open merge requests of '${branch}'`),
    );
  }

  async openPullRequest(
    request: OpenPullRequestRequest,
  ): Promise<PullRequestRef> {
    const { projectPath } = this.options;
    return openPullRequestOnce({
      findFirst: false,
      find: () => this.findOpenPullRequest(request.branch),
      create: async () =>
        toPullRequestRef(
          (await this.api.create(
            projectPath,
            request.branch,
            request.base,
            request.title,
            { description: request.body },
          )) as unknown as GitlabMergeRequest,
        ),
      isAlreadyExists: error => {
        const failure = gitlabFailure(error);
        return (
          failure?.status === 409 && /already exists/i.test(failure.message)
        );
      },
      findExisting: error =>
        this.existingAfterConflict(request.branch, (error as Error).message),
      mapError: error =>
        this.map(
          error,
          `open a merge request from '${request.branch}' to '${request.base}'`,
        ),
    });
  }

  async getPullRequest(number: number): Promise<PullRequestRef> {
    const { projectPath } = this.options;
    try {
      const mr = (await this.api.show(
        projectPath,
        number,
      )) as unknown as GitlabMergeRequest;
      return toPullRequestRef(mr);
    } catch (error) {
      throw this.map(
        error,
        `read merge request !${number}`,
        `Merge request !${number} does not exist in ${projectPath} on ${this.host}`,
      );
    }
  }

  /** The open merge request from `branch` of this project (not from a fork). */
  private async openMergeRequestOf(
    branch: string,
  ): Promise<GitlabMergeRequest | undefined> {
    const list = (await this.api.all({
      projectId: this.options.projectPath,
      state: 'opened',
      sourceBranch: branch,
      perPage: PAGE_SIZE,
      maxPages: 1,
    })) as unknown as GitlabMergeRequest[];
    return list.find(
      mr =>
        mr.source_branch === branch &&
        mr.state === 'opened' &&
        (mr.source_project_id === undefined ||
          mr.source_project_id === mr.target_project_id),
    );
  }

  /**
   * After "Another open merge request already exists for this source branch:
   * !N": the open one from the branch, else the one GitLab named if it is
   * still open. Undefined (the 409 stands) when neither can be found.
   */
  private async existingAfterConflict(
    branch: string,
    message: string,
  ): Promise<PullRequestRef | undefined> {
    const found = await this.findOpenPullRequest(branch);
    if (found) return found;
    const named = /!(\d+)/.exec(message);
    if (!named) return undefined;
    const mr = await this.getPullRequest(Number(named[1])).catch(
      () => undefined,
    );
    return mr?.state === 'open' && mr.branch === branch ? mr : undefined;
  }

  private map(error: unknown, action: string, notFound?: string) {
    return mapGitlabError(error, {
      host: this.host,
      repository: this.options.projectPath,
      action,
      notFound,
      secrets: [this.options.token],
    });
  }
}

function toPullRequestRef(mr: GitlabMergeRequest): PullRequestRef {
  const ref = {
    number: mr.iid,
    url: mr.web_url,
    branch: mr.source_branch,
  };
  if (mr.state === 'merged') {
    // merge_commit_sha: the merge commit (merge method "merge commit");
    // squash_commit_sha: the squashed commit a fast-forward put on the target;
    // sha: the source head a plain fast-forward put on the target
    return {
      ...ref,
      state: 'merged',
      mergeCommitSha:
        mr.merge_commit_sha ?? mr.squash_commit_sha ?? mr.sha ?? undefined,
    };
  }
  // `locked` is the short state while GitLab merges: not merged yet
  return {
    ...ref,
    state: mr.state === 'closed' ? 'closed' : 'open',
    mergeCommitSha: undefined,
  };
}

/**
 * gitbeaker's requester, on fetch: one request per call against the
 * integration's `apiBaseUrl` (self-managed instances under a path included),
 * the token only in the PRIVATE-TOKEN header, no redirects followed (a token
 * header must not travel to another origin) and no retries (gitbeaker's own
 * requester retries 429 and 502 ten times in a quarter second, ignoring
 * Retry-After). A non-2xx answer becomes a {@link GitlabRequestError}.
 */
function fetchRequester(options: GitlabMergeRequestsOptions): RequesterFn {
  const apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? globalThis.fetch;

  const call =
    (method: string) =>
    async (
      endpoint: string,
      request: {
        searchParams?: Record<string, unknown>;
        body?: unknown;
        signal?: AbortSignal;
      } = {},
    ) => {
      const url = new URL(`${apiBaseUrl}/${endpoint}`);
      for (const [key, value] of Object.entries(request.searchParams ?? {})) {
        if (value !== undefined && value !== null) {
          url.searchParams.append(snakeCase(key), String(value));
        }
      }
      const headers: Record<string, string> = {
        accept: 'application/json',
        'private-token': options.token,
      };
      let body: string | undefined;
      if (request.body !== undefined && method !== 'GET') {
        body = JSON.stringify(snakeCaseKeys(request.body));
        headers['content-type'] = 'application/json';
      }
      const response = await fetchFn(url, {
        method,
        headers,
        body,
        signal: request.signal,
        redirect: 'manual',
      });
      const responseHeaders = Object.fromEntries(response.headers.entries());
      const text = await response.text();
      const contentType = response.headers.get('content-type');
      if (!response.ok) {
        const message =
          response.status >= 300 && response.status < 400
            ? `GitLab answered with a redirect to ${redirectOrigin(
                response.headers.get('location'),
                url,
              )}; check the integration's apiBaseUrl`
            : describeGitlabErrorBody(text, contentType);
        throw new GitlabRequestError(response.status, message, responseHeaders);
      }
      let parsed: unknown = null;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new GitlabRequestError(
            502,
            `GitLab answered ${method} ${url.pathname} with a body that is not JSON`,
            responseHeaders,
          );
        }
      }
      return {
        body: parsed,
        headers: responseHeaders,
        status: response.status,
      };
    };

  const requester = {
    get: call('GET'),
    post: call('POST'),
    put: call('PUT'),
    patch: call('PATCH'),
    delete: call('DELETE'),
  };
  return (() => requester) as unknown as RequesterFn;
}

function redirectOrigin(location: string | null, base: URL): string {
  try {
    return location ? new URL(location, base).origin : 'nowhere';
  } catch {
    return 'an invalid location';
  }
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);
}

function snakeCaseKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return value;
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [snakeCase(k), v]),
  );
}

/**
 * The project path of a GitLab repository URL: `https://gitlab.com/group/
 * subgroup/project` with an optional `.git` (and optional trailing `/-/...`
 * page), under the instance's relative path (`baseUrl`) on self-managed.
 */
export function parseGitlabProjectPath(
  repositoryUrl: string,
  relativePath = '',
): string {
  let url: URL;
  try {
    url = new URL(repositoryUrl);
  } catch {
    throw new Error(`'${repositoryUrl}' is not a GitLab repository URL`);
  }
  let path = url.pathname;
  if (relativePath && path.startsWith(`${relativePath}/`)) {
    path = path.slice(relativePath.length);
  }
  path = path.split('/-/')[0];
  const segments = path
    .split('/')
    .filter(Boolean)
    .map(segment => decodeURIComponent(segment));
  if (segments.length > 0) {
    segments[segments.length - 1] = segments[segments.length - 1].replace(
      /\.git$/,
      '',
    );
  }
  if (segments.length < 2 || segments.some(s => !s)) {
    throw new Error(
      `'${url.origin}${url.pathname}' does not name a GitLab project (expected ${url.origin}${relativePath}/<group>/<project>)`,
    );
  }
  return segments.join('/');
}

/**
 * Merge requests of the GitLab repository at `repositoryUrl`, with the token
 * and API base URL of its `integrations.gitlab` entry. Called at startup:
 * throws when there is no such entry or it has no token.
 */
export function createGitlabMergeRequests(options: {
  integrations: ScmIntegrationRegistry;
  repositoryUrl: string;
}): PullRequestProvider {
  const { integrations, repositoryUrl } = options;
  let host: string;
  try {
    host = new URL(repositoryUrl).host;
  } catch {
    throw new Error(`'${repositoryUrl}' is not a GitLab repository URL`);
  }
  const integration = integrations.gitlab.byUrl(repositoryUrl);
  if (!integration) {
    throw new Error(
      `No GitLab integration for host '${host}': add an entry with host '${host}' and a token to integrations.gitlab in app-config`,
    );
  }
  const { config } = integration;
  if (!config.token) {
    throw new Error(
      `The GitLab integration for host '${host}' has no token: set integrations.gitlab[].token for it in app-config`,
    );
  }
  const projectPath = parseGitlabProjectPath(
    repositoryUrl,
    getGitLabIntegrationRelativePath(config),
  );
  return new GitlabMergeRequests({
    apiBaseUrl: config.apiBaseUrl,
    token: config.token,
    projectPath,
    host,
  });
}
