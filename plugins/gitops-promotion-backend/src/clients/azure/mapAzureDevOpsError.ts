import { mapHostFailure } from '../pullRequests/mapHostFailure';
import {
  NetworkErrorStyle,
  redactSecrets,
} from '../pullRequests/redactSecrets';

/** What the provider was doing when an Azure DevOps call failed, for the message. */
export interface AzureDevOpsErrorContext {
  /** The host the repository lives on, e.g. `dev.azure.com`. */
  host: string;
  /** `organization/project/repository` (or `collection/project/repository`). */
  repository: string;
  /** A verb phrase, e.g. `read pull request #3`. */
  action: string;
  /** The message of the NotFoundError a 404 about the asked-for item becomes. */
  notFound?: string;
  /** Literal secrets (the token in use) to remove from any message. */
  secrets?: string[];
}

/**
 * A non-successful answer of the Azure DevOps REST API, as the provider reads
 * it: status, Azure's error `message` and `typeKey` (from the
 * `{"$id", "innerException", "message", "typeName", "typeKey", "errorCode"}`
 * body), and the response headers that matter for the message (rate limit).
 * It never carries the request's headers.
 */
export class AzureDevOpsRequestError extends Error {
  readonly status: number;
  readonly typeKey?: string;
  readonly headers: Record<string, string>;

  constructor(options: {
    status: number;
    message: string;
    typeKey?: string;
    headers?: Record<string, string>;
  }) {
    super(options.message);
    this.name = 'AzureDevOpsRequestError';
    this.status = options.status;
    this.typeKey = options.typeKey;
    this.headers = options.headers ?? {};
  }
}

/** The response headers kept on an {@link AzureDevOpsRequestError}. */
export const KEPT_RESPONSE_HEADERS = [
  'retry-after',
  'x-ratelimit-resource',
  'x-ratelimit-delay',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];

/** Azure's typeKeys of a 404 about the repository or project, not the asked-for item. */
const CONTAINER_NOT_FOUND = new Set([
  'GitRepositoryNotFoundException',
  'ProjectDoesNotExistWithNameException',
  'ProjectDoesNotExistException',
]);

/** undici's "fetch failed" carries the reason (ECONNREFUSED...) in `cause`. */
const NETWORK_STYLE: NetworkErrorStyle = {
  cause: 'message',
  causeOfFetchFailedOnly: true,
  timeout: error =>
    error.name === 'TimeoutError' || error.name === 'AbortError'
      ? `no answer in time (${error.message})`
      : undefined,
};

/**
 * Translates a failed Azure DevOps call into an @backstage/errors error (see
 * {@link mapHostFailure}). Azure's own cases: a 404 about the repository or
 * project is not the asked-for item's; the 203 sign-in page it answers a
 * rejected PAT with is a refusal of the credentials; a 403 with no quota left
 * is its rate limit.
 */
export function mapAzureDevOpsError(
  error: unknown,
  context: AzureDevOpsErrorContext,
): Error {
  const { host, repository, action } = context;
  const clean = (message: string) =>
    redactSecrets(message, {
      secrets: context.secrets,
      queryParams: ['token', 'access_token', 'pat'],
    });
  const failure = error instanceof AzureDevOpsRequestError ? error : undefined;
  const containerNotFound =
    !!failure?.typeKey && CONTAINER_NOT_FOUND.has(failure.typeKey);
  return mapHostFailure(
    error,
    failure && {
      status: failure.status,
      message:
        failure.status === 203
          ? 'it answered with a sign-in page'
          : failure.message,
      headers: failure.headers,
    },
    {
      hostName: 'Azure DevOps',
      host,
      repository,
      action,
      notFound: containerNotFound ? undefined : context.notFound,
      redact: clean,
    },
    {
      network: NETWORK_STYLE,
      special: ({ status, headers }) => {
        if (status === 203) return 'refused';
        if (status === 403 && headers?.['x-ratelimit-remaining'] === '0') {
          return 'rateLimited';
        }
        return undefined;
      },
      wording: {
        rateLimited: ({ status, retry }) => {
          const resource = failure?.headers['x-ratelimit-resource'];
          return `Azure DevOps' rate limit at ${host} for ${repository} is exhausted (HTTP ${status}${
            resource ? `, ${clean(resource)}` : ''
          }) when trying to ${action}; try again ${retry}`;
        },
        conflict: ({ suffix }) =>
          `Azure DevOps could not ${action} for ${repository}${suffix}`,
      },
    },
  );
}
