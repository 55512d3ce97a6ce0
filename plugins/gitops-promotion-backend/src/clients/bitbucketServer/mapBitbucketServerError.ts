import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';

/**
 * One entry of Bitbucket Data Center's error body,
 * `{"errors": [{"context": null, "message": "...", "exceptionName": "..."}]}`
 * (https://developer.atlassian.com/server/bitbucket/rest/v906/intro/).
 * A DuplicatePullRequestException also carries `existingPullRequest`.
 */
export interface BitbucketServerErrorEntry {
  context?: string | null;
  message?: string;
  exceptionName?: string | null;
  existingPullRequest?: unknown;
}

/** A non-2xx answer of Bitbucket Data Center's REST API. */
export class BitbucketServerResponseError extends Error {
  readonly name = 'BitbucketServerResponseError';

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly errors: BitbucketServerErrorEntry[],
  ) {
    super(`HTTP ${status}${summarize(statusText, errors)}`);
  }

  /** The exception names Bitbucket reported, e.g. `com.atlassian.bitbucket.pull.DuplicatePullRequestException`. */
  get exceptionNames(): string[] {
    return this.errors.map(e => e.exceptionName ?? '').filter(Boolean);
  }
}

function summarize(
  statusText: string,
  errors: BitbucketServerErrorEntry[],
): string {
  if (errors.length) {
    return `: ${errors.map(e => e.message ?? e.exceptionName).join('; ')}`;
  }
  return statusText ? ` ${statusText}` : '';
}

/**
 * Reads an error response's body: Bitbucket's `errors` array when the body is
 * one, nothing otherwise (an HTML page from a proxy is not repeated).
 */
export async function readBitbucketServerError(
  response: Response,
): Promise<BitbucketServerResponseError> {
  let errors: BitbucketServerErrorEntry[] = [];
  try {
    const text = await response.text();
    const body = JSON.parse(text) as { errors?: unknown; message?: unknown };
    if (Array.isArray(body?.errors)) {
      errors = body.errors.filter(
        (e): e is BitbucketServerErrorEntry => typeof e === 'object' && !!e,
      );
    } else if (typeof body?.message === 'string') {
      errors = [{ message: body.message }];
    }
  } catch {
    // not JSON: keep the status only
  }
  return new BitbucketServerResponseError(
    response.status,
    response.statusText,
    response.headers,
    errors,
  );
}

/** True when the create call failed because the pull request exists already. */
export function isDuplicatePullRequest(error: unknown): boolean {
  return (
    error instanceof BitbucketServerResponseError &&
    error.status === 409 &&
    error.exceptionNames.some(name =>
      name.endsWith('.DuplicatePullRequestException'),
    )
  );
}

/** What the provider was doing when a Bitbucket call failed, for the message. */
export interface BitbucketServerErrorContext {
  /** The Bitbucket host, e.g. `bitbucket.example.com`. */
  host: string;
  /** `PROJECT/repo` */
  repository: string;
  /** A verb phrase, e.g. `read pull request #4`. */
  action: string;
  /** The message of the NotFoundError a 404 becomes (what is missing). */
  notFound?: string;
  /**
   * Credential values to remove from any message, in addition to what
   * {@link sanitize} recognises. Never printed.
   */
  secrets?: string[];
}

const PASS_THROUGH = new Set([
  'NotFoundError',
  'ServiceUnavailableError',
  'ConflictError',
  'InputError',
]);

/**
 * Translates a failed Bitbucket Data Center call into an @backstage/errors
 * error before it leaves the provider, so no upstream status reaches our
 * callers: 404 becomes NotFoundError (when the context says what is missing),
 * a 409 that is a real conflict ConflictError, everything else a
 * ServiceUnavailableError (Bitbucket's 401/403 must never become our user's
 * 401/403). Messages never carry credentials.
 */
export function mapBitbucketServerError(
  error: unknown,
  context: BitbucketServerErrorContext,
): Error {
  const clean = (message: string) => sanitize(message, context.secrets);
  const { host, repository, action } = context;
  const where = `${repository} on ${host}`;
  if (!(error instanceof BitbucketServerResponseError)) {
    if (isError(error) && PASS_THROUGH.has(error.name)) {
      return error;
    }
    return new ServiceUnavailableError(
      `Could not reach Bitbucket for ${where} when trying to ${action}: ${clean(
        describeNetworkError(error),
      )}; try again later`,
    );
  }
  const { status } = error;
  const detail = clean(
    error.errors
      .map(e => e.message ?? e.exceptionName ?? '')
      .filter(Boolean)
      .join('; '),
  ).trim();
  const suffix = detail ? `: ${detail}` : '';
  if (status === 404 && context.notFound) {
    return new NotFoundError(clean(context.notFound));
  }
  if (status === 429) {
    const retryAfter = error.headers.get('retry-after');
    return new ServiceUnavailableError(
      `Bitbucket's rate limit for ${where} is exhausted (HTTP 429) when trying to ${action}; try again ${
        retryAfter && /^\d+$/.test(retryAfter)
          ? `in ${retryAfter} seconds`
          : 'later'
      }`,
    );
  }
  if (status === 401 || status === 403) {
    return new ServiceUnavailableError(
      `Bitbucket refused the plugin's credentials for ${where} (HTTP ${status}) when trying to ${action}${suffix}`,
    );
  }
  if (status === 409 && !isDuplicatePullRequest(error)) {
    return new ConflictError(
      `Bitbucket could not ${action} for ${where} (HTTP 409)${suffix}`,
    );
  }
  return new ServiceUnavailableError(
    `Bitbucket could not ${action} for ${where} (HTTP ${status}${suffix})${
      status >= 500 ? '; try again later' : ''
    }`,
  );
}

/** fetch's `TypeError: fetch failed` hides the reason in `cause`. */
function describeNetworkError(error: unknown): string {
  if (!isError(error)) return String(error);
  if (error.name === 'TimeoutError') return 'the request timed out';
  const cause = (error as { cause?: unknown }).cause;
  if (isError(cause)) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${
      typeof code === 'string' ? code : cause.message
    })`;
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
    .replace(/([?&](?:token|access_token|password)=)[^&\s]+/gi, '$1***');
}
