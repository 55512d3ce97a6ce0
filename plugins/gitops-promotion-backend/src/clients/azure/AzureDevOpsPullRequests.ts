import { InputError } from '@backstage/errors';
import {
  AzureDevOpsCredentialsProvider,
  DefaultAzureDevOpsCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import {
  AzureDevOpsRequestError,
  KEPT_RESPONSE_HEADERS,
  mapAzureDevOpsError,
} from './mapAzureDevOpsError';
import { PullRequestProvider, PullRequestRef } from '../repository/types';
import {
  OpenPullRequestRequest,
  openPullRequestOnce,
  withMappedErrors,
} from '../pullRequests/openPullRequestOnce';

/** The Git REST API version the provider speaks. */
export const AZURE_DEVOPS_API_VERSION = '7.1';

const HEADS = 'refs/heads/';

/** The fields of Azure DevOps' GitPullRequest a PullRequestRef is made of. */
interface AzureDevOpsPullRequest {
  pullRequestId: number;
  status: string;
  sourceRefName: string;
  lastMergeCommit?: { commitId?: string } | null;
}

/** Where an Azure DevOps repository is, read from its URL. */
export interface AzureDevOpsRepository {
  /** `dev.azure.com`, `{org}.visualstudio.com` or the Server's host. */
  host: string;
  /** `https://dev.azure.com/{org}/{project}`: what `/_apis/...` follows. */
  apiBaseUrl: string;
  /** `https://dev.azure.com/{org}/{project}/_git/{repo}`: the repository's web page. */
  webUrl: string;
  /** The repository's name (used as `repositoryId`, which accepts names). */
  repository: string;
  /** `org/project/repo` (Server: `collection/project/repo`), for messages. */
  label: string;
}

/**
 * Reads an Azure DevOps repository URL: Services
 * (`https://dev.azure.com/{org}/{project}/_git/{repo}`, also with `{org}@`
 * user info, or `/{org}/_git/{repo}` when project and repository share their
 * name), the legacy `https://{org}.visualstudio.com/[DefaultCollection/]{project}/_git/{repo}`,
 * and Server (`https://{host}/[tfs/]{collection}/{project}/_git/{repo}`).
 * User info is dropped: credentials come from `integrations.azure` only.
 */
export function parseAzureDevOpsRepositoryUrl(
  repositoryUrl: string,
): AzureDevOpsRepository {
  let url: URL;
  try {
    url = new URL(repositoryUrl);
  } catch {
    throw new InputError(
      `'${stripUserInfo(repositoryUrl)}' is not an Azure DevOps repository URL`,
    );
  }
  const segments = url.pathname
    .split('/')
    .filter(Boolean)
    .map(s => decodeURIComponent(s));
  const git = segments.indexOf('_git');
  const repository = git >= 0 ? segments[git + 1] : undefined;
  const before = git >= 0 ? segments.slice(0, git) : [];
  const host = url.host.toLowerCase();
  const visualStudio = host.endsWith('.visualstudio.com');
  // what names the organization (Services) or collection (Server) in the path
  const ownerSegments = visualStudio
    ? before.slice(0, before[0]?.toLowerCase() === 'defaultcollection' ? 1 : 0)
    : before.slice(0, before[0]?.toLowerCase() === 'tfs' ? 2 : 1);
  const rest = before.slice(ownerSegments.length);
  const ownerOk = visualStudio
    ? true
    : ownerSegments.length > 0 && ownerSegments[ownerSegments.length - 1];
  if (
    !repository ||
    !ownerOk ||
    rest.length > 1 ||
    (url.protocol !== 'https:' && url.protocol !== 'http:')
  ) {
    throw new InputError(
      `'${stripUserInfo(
        repositoryUrl,
      )}' is not an Azure DevOps repository URL; expected https://dev.azure.com/{organization}/{project}/_git/{repository}`,
    );
  }
  const project = rest[0] ?? repository;
  const origin = `${url.protocol}//${url.host}`;
  const encode = (parts: string[]) => parts.map(encodeURIComponent).join('/');
  const owner = visualStudio
    ? host.split('.')[0]
    : ownerSegments[ownerSegments.length - 1];
  return {
    host,
    apiBaseUrl: `${origin}/${encode([...ownerSegments, project])}`,
    webUrl: `${origin}/${encode([...before, '_git', repository])}`,
    repository,
    label: `${owner}/${project}/${repository}`,
  };
}

/** Where the pull requests are and how to reach them. */
export interface AzureDevOpsPullRequestsOptions {
  repository: AzureDevOpsRepository;
  /** Resolves the request headers (Authorization) for each request. */
  credentials: AzureDevOpsCredentialsProvider;
  /** The URL credentials are looked up by (the repository URL). */
  credentialsUrl: string;
  fetch?: typeof fetch;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

/**
 * Pull requests of one Azure DevOps Git repository, through the Git REST API
 * (api-version 7.1). Opening one is idempotent per source branch: when a pull
 * request from the branch is already active (opened by a concurrent request,
 * say), that one is returned.
 */
export class AzureDevOpsPullRequests implements PullRequestProvider {
  private readonly fetch: typeof fetch;
  /** Tokens seen so far, removed from any error message. */
  private readonly secrets = new Set<string>();

  constructor(private readonly options: AzureDevOpsPullRequestsOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async findOpenPullRequest(
    branch: string,
  ): Promise<PullRequestRef | undefined> {
    const sourceRefName = toRef(branch);
    return withMappedErrors(
      async () => {
        const { value } = await this.request<{
          value: AzureDevOpsPullRequest[];
        }>('GET', '', {
          'searchCriteria.sourceRefName': sourceRefName,
          'searchCriteria.status': 'active',
        });
        const found = value.find(
          pr => pr.sourceRefName === sourceRefName && pr.status === 'active',
        );
        return found && this.toPullRequestRef(found);
      },
      error => this.map(error, `list the active pull requests of '${branch}'`),
    );
  }

  async openPullRequest(
    request: OpenPullRequestRequest,
  ): Promise<PullRequestRef> {
    return openPullRequestOnce({
      findFirst: true,
      find: () => this.findOpenPullRequest(request.branch),
      create: async () =>
        this.toPullRequestRef(
          await this.request<AzureDevOpsPullRequest>(
            'POST',
            '',
            {},
            {
              sourceRefName: toRef(request.branch),
              targetRefName: toRef(request.base),
              title: request.title,
              description: request.body,
            },
          ),
        ),
      // TF401179: another request opened it between our look-up and create
      isAlreadyExists: isPullRequestExists,
      mapError: error =>
        this.map(
          error,
          `open a pull request from '${request.branch}' to '${request.base}'`,
        ),
    });
  }

  async getPullRequest(number: number): Promise<PullRequestRef> {
    const { label } = this.options.repository;
    try {
      const pr = await this.request<AzureDevOpsPullRequest>(
        'GET',
        `/${encodeURIComponent(String(number))}`,
      );
      return this.toPullRequestRef(pr);
    } catch (error) {
      throw this.map(
        error,
        `read pull request #${number}`,
        `Pull request #${number} does not exist in ${label}`,
      );
    }
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string> = {},
    body?: unknown,
  ): Promise<T> {
    const { repository, credentialsUrl, timeoutMs = 30_000 } = this.options;
    const url = new URL(
      `${repository.apiBaseUrl}/_apis/git/repositories/${encodeURIComponent(
        repository.repository,
      )}/pullrequests${path}`,
    );
    for (const [key, value] of Object.entries(query)) {
      url.searchParams.set(key, value);
    }
    url.searchParams.set('api-version', AZURE_DEVOPS_API_VERSION);

    const credentials = await this.options.credentials.getCredentials({
      url: credentialsUrl,
    });
    if (credentials) {
      this.secrets.add(credentials.token);
      for (const value of Object.values(credentials.headers)) {
        this.secrets.add(value.replace(/^(basic|bearer)\s+/i, ''));
      }
    }
    const response = await this.fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        // answer a refused credential with 401, not a redirect to a sign-in page
        'x-tfs-fedauthredirect': 'Suppress',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...credentials?.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const isJson = /\bjson\b/i.test(response.headers.get('content-type') ?? '');
    // 203: Azure's sign-in page for a PAT it does not accept
    if (!response.ok || response.status === 203 || !isJson) {
      throw toRequestError(response, text, isJson);
    }
    return JSON.parse(text) as T;
  }

  private toPullRequestRef(pr: AzureDevOpsPullRequest): PullRequestRef {
    const ref = {
      number: pr.pullRequestId,
      url: `${this.options.repository.webUrl}/pullrequest/${pr.pullRequestId}`,
      branch: pr.sourceRefName.startsWith(HEADS)
        ? pr.sourceRefName.slice(HEADS.length)
        : pr.sourceRefName,
    };
    if (pr.status === 'completed') {
      // lastMergeCommit names a test merge until the pull request is completed
      return {
        ...ref,
        state: 'merged',
        mergeCommitSha: pr.lastMergeCommit?.commitId ?? undefined,
      };
    }
    return { ...ref, state: pr.status === 'active' ? 'open' : 'closed' };
  }

  private map(error: unknown, action: string, notFound?: string) {
    const { host, label } = this.options.repository;
    return mapAzureDevOpsError(error, {
      host,
      repository: label,
      action,
      notFound,
      secrets: [...this.secrets],
    });
  }
}

/**
 * Pull requests of the Azure DevOps repository at `repositoryUrl`, with the
 * credentials of its `integrations.azure` entry (resolved per request by
 * @backstage/integration, which caches and renews Entra ID tokens). Throws at
 * startup when no `integrations.azure` entry has the URL's host.
 */
export function createAzureDevOpsPullRequests(options: {
  integrations: ScmIntegrationRegistry;
  repositoryUrl: string;
  fetch?: typeof fetch;
}): PullRequestProvider {
  const repository = parseAzureDevOpsRepositoryUrl(options.repositoryUrl);
  if (!options.integrations.azure.byHost(repository.host)) {
    throw new InputError(
      `No integrations.azure entry with host '${repository.host}' for the repository ${repository.label}; add one with credentials (e.g. a personalAccessToken)`,
    );
  }
  return new AzureDevOpsPullRequests({
    repository,
    credentials: DefaultAzureDevOpsCredentialsProvider.fromIntegrations(
      options.integrations,
    ),
    credentialsUrl: stripUserInfo(options.repositoryUrl),
    fetch: options.fetch,
  });
}

function toRef(branch: string): string {
  return branch.startsWith('refs/') ? branch : `${HEADS}${branch}`;
}

function isPullRequestExists(error: unknown): boolean {
  return (
    error instanceof AzureDevOpsRequestError &&
    error.status === 409 &&
    (error.typeKey === 'GitPullRequestExistsException' ||
      /TF401179/.test(error.message))
  );
}

function toRequestError(
  response: Response,
  text: string,
  isJson: boolean,
): AzureDevOpsRequestError {
  let message = '';
  let typeKey: string | undefined;
  if (isJson) {
    try {
      const parsed = JSON.parse(text) as {
        message?: unknown;
        typeKey?: unknown;
      };
      if (typeof parsed.message === 'string') message = parsed.message;
      if (typeof parsed.typeKey === 'string') typeKey = parsed.typeKey;
    } catch {
      // not the documented error shape; the status speaks for itself
    }
  } else if (response.ok && response.status !== 203) {
    message = `unexpected ${
      response.headers.get('content-type') || 'untyped'
    } answer instead of JSON`;
  }
  const headers: Record<string, string> = {};
  for (const name of KEPT_RESPONSE_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return new AzureDevOpsRequestError({
    // a 2xx that is not JSON (a proxy's page, say) is no success
    status:
      response.ok && response.status !== 203 ? 502 : response.status || 502,
    message,
    typeKey,
    headers,
  });
}

function stripUserInfo(url: string): string {
  return url.replace(/^(\w+:\/\/)[^/@\s]+@/, '$1');
}
