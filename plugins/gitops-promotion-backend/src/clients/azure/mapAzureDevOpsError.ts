import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';

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

const PASS_THROUGH = new Set([
  'NotFoundError',
  'ServiceUnavailableError',
  'ConflictError',
  'InputError',
]);

/**
 * Translates a failed Azure DevOps call into an @backstage/errors error before
 * it leaves the provider, so no upstream status reaches our callers: a 404
 * about the asked-for item becomes NotFoundError (when the context says what
 * is missing), a 409 a ConflictError, everything else a
 * ServiceUnavailableError (Azure's 401/403, and the 203 sign-in page it
 * answers a rejected PAT with, must never become our user's 401/403). Messages
 * never carry credentials.
 */
export function mapAzureDevOpsError(
  error: unknown,
  context: AzureDevOpsErrorContext,
): Error {
  const { host, repository, action } = context;
  const clean = (message: string) => sanitize(message, context.secrets);
  if (!(error instanceof AzureDevOpsRequestError)) {
    if (isError(error) && PASS_THROUGH.has(error.name)) {
      return error;
    }
    return new ServiceUnavailableError(
      `Could not reach Azure DevOps at ${host} for ${repository} when trying to ${action}: ${clean(
        describe(error),
      )}; try again later`,
    );
  }
  const { status } = error;
  const detail = clean(error.message).trim();
  const suffix = detail ? `: ${detail}` : '';
  if (
    status === 404 &&
    context.notFound &&
    !(error.typeKey && CONTAINER_NOT_FOUND.has(error.typeKey))
  ) {
    return new NotFoundError(context.notFound);
  }
  if (isRateLimited(error)) {
    const retryAfter = error.headers['retry-after'];
    const resource = error.headers['x-ratelimit-resource'];
    return new ServiceUnavailableError(
      `Azure DevOps' rate limit at ${host} for ${repository} is exhausted (HTTP ${status}${
        resource ? `, ${clean(resource)}` : ''
      }) when trying to ${action}; try again ${
        retryAfter && /^\d+$/.test(retryAfter)
          ? `in ${retryAfter} seconds`
          : 'later'
      }`,
    );
  }
  if (status === 401 || status === 403 || status === 203) {
    return new ServiceUnavailableError(
      `Azure DevOps at ${host} refused the plugin's credentials for ${repository} (HTTP ${status}) when trying to ${action}${
        status === 203 ? ': it answered with a sign-in page' : suffix
      }`,
    );
  }
  if (status === 409) {
    return new ConflictError(
      `Azure DevOps could not ${action} for ${repository}${suffix}`,
    );
  }
  return new ServiceUnavailableError(
    `Azure DevOps at ${host} could not ${action} for ${repository} (HTTP ${status}${suffix})${
      status >= 500 ? '; try again later' : ''
    }`,
  );
}

/** True for Azure's 429, and for a refusal that says no quota remains. */
export function isRateLimited(error: AzureDevOpsRequestError): boolean {
  return (
    error.status === 429 ||
    (error.status === 403 && error.headers['x-ratelimit-remaining'] === '0')
  );
}

function describe(error: unknown): string {
  if (!isError(error)) return String(error);
  // undici reports "fetch failed" and puts the reason (ECONNREFUSED...) in `cause`
  const cause = (error as { cause?: unknown }).cause;
  if (error.message === 'fetch failed' && isError(cause)) {
    return `${error.message} (${cause.message})`;
  }
  if (error.name === 'TimeoutError' || error.name === 'AbortError') {
    return `no answer in time (${error.message})`;
  }
  return error.message;
}

/** Removes anything that looks like a credential from a message. */
export function sanitize(message: string, secrets: string[] = []): string {
  let result = message;
  for (const secret of secrets) {
    if (secret) result = result.split(secret).join('***');
  }
  return result
    .replace(/\b(token|bearer|basic)\s+[^\s,;"']+/gi, '$1 ***')
    .replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@')
    .replace(/([?&](?:token|access_token|pat)=)[^&\s]+/gi, '$1***');
}
