import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';

/** What the provider was doing when a Bitbucket Cloud call failed, for the message. */
export interface BitbucketCloudErrorContext {
  /** `workspace/repo_slug` */
  repository: string;
  /** A verb phrase, e.g. `read pull request #3`. */
  action: string;
  /** The message of the NotFoundError a 404 becomes (pull request missing). */
  notFound?: string;
  /** Credential values to blank out of any message, whatever its source. */
  secrets?: string[];
}

/**
 * A Bitbucket Cloud answer outside 2xx. `message` is Bitbucket's own
 * `error.message` (and `error.detail`) from its error body
 * (`{"type": "error", "error": {"message": ...}}`), or the status text when
 * the body is not that shape. Never carries request headers.
 */
export class BitbucketCloudRequestError extends Error {
  readonly name = 'BitbucketCloudRequestError';

  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter?: string,
  ) {
    super(message);
  }
}

const PASS_THROUGH = new Set([
  'NotFoundError',
  'ServiceUnavailableError',
  'ConflictError',
  'InputError',
]);

const HOST = 'Bitbucket Cloud';

/** The status and message of a failed Bitbucket Cloud answer; undefined for anything else. */
export function bitbucketCloudFailure(
  error: unknown,
): BitbucketCloudRequestError | undefined {
  return isError(error) && error.name === 'BitbucketCloudRequestError'
    ? (error as unknown as BitbucketCloudRequestError)
    : undefined;
}

/**
 * Translates a failed Bitbucket Cloud call into an @backstage/errors error
 * before it leaves the provider, so no upstream status reaches our callers:
 * 404 becomes NotFoundError (when the context says what is missing), 409 a
 * ConflictError, everything else a ServiceUnavailableError (Bitbucket's
 * 401/403 must never become our user's 401/403). Messages never carry
 * credentials.
 */
export function mapBitbucketCloudError(
  error: unknown,
  context: BitbucketCloudErrorContext,
): Error {
  const failure = bitbucketCloudFailure(error);
  const { repository, action } = context;
  const clean = (message: string) => sanitize(message, context.secrets).trim();
  if (!failure) {
    if (isError(error) && PASS_THROUGH.has(error.name)) {
      return error;
    }
    return new ServiceUnavailableError(
      `Could not reach ${HOST} for ${repository} when trying to ${action}: ${clean(
        describeNetworkError(error),
      )}; try again later`,
    );
  }
  const { status } = failure;
  const detail = clean(failure.message);
  const suffix = detail ? `: ${detail}` : '';
  if (status === 404 && context.notFound) {
    return new NotFoundError(context.notFound);
  }
  if (status === 429) {
    return new ServiceUnavailableError(
      `${HOST}'s rate limit for ${repository} is exhausted (HTTP 429) when trying to ${action}; try again ${
        failure.retryAfter && /^\d+$/.test(failure.retryAfter)
          ? `in ${failure.retryAfter} seconds`
          : 'later'
      }`,
    );
  }
  if (status === 401 || status === 403) {
    return new ServiceUnavailableError(
      `${HOST} refused the plugin's credentials for ${repository} (HTTP ${status}) when trying to ${action}${suffix}; check integrations.bitbucketCloud`,
    );
  }
  if (status === 409) {
    return new ConflictError(
      `${HOST} could not ${action} for ${repository} (HTTP 409${suffix})`,
    );
  }
  return new ServiceUnavailableError(
    `${HOST} could not ${action} for ${repository} (HTTP ${status}${suffix})${
      status >= 500 ? '; try again later' : ''
    }`,
  );
}

/** `fetch failed` alone says little: add the cause (ECONNREFUSED, ENOTFOUND, ...). */
function describeNetworkError(error: unknown): string {
  if (!isError(error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (isError(cause)) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${
      typeof code === 'string' ? code : cause.message
    })`;
  }
  return error.message;
}

/** Removes anything that looks like a credential, and the given secrets, from a message. */
export function sanitize(message: string, secrets: string[] = []): string {
  let result = message;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('***');
  }
  return result
    .replace(/\b(token|bearer|basic)\s+[^\s,;"']+/gi, '$1 ***')
    .replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@')
    .replace(/([?&](?:token|access_token|jwt)=)[^&\s]+/gi, '$1***');
}
