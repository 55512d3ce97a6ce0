import { mapHostFailure } from '../pullRequests/mapHostFailure';
import { redactSecrets } from '../pullRequests/redactSecrets';

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

/**
 * Translates a failed Bitbucket Data Center call into an @backstage/errors
 * error (see {@link mapHostFailure}). Bitbucket's own case: its 409 for a
 * duplicate pull request is no conflict of ours.
 */
export function mapBitbucketServerError(
  error: unknown,
  context: BitbucketServerErrorContext,
): Error {
  const clean = (message: string) => sanitize(message, context.secrets);
  const { action } = context;
  const where = `${context.repository} on ${context.host}`;
  const failure =
    error instanceof BitbucketServerResponseError ? error : undefined;
  return mapHostFailure(
    error,
    failure && {
      status: failure.status,
      message: failure.errors
        .map(e => e.message ?? e.exceptionName ?? '')
        .filter(Boolean)
        .join('; '),
      headers: Object.fromEntries(failure.headers.entries()),
    },
    {
      hostName: 'Bitbucket',
      repository: where,
      action,
      notFound: context.notFound && clean(context.notFound),
      redact: clean,
    },
    {
      network: {
        timeout: e =>
          e.name === 'TimeoutError' ? 'the request timed out' : undefined,
      },
      special: ({ status }) =>
        status === 409 && isDuplicatePullRequest(error) ? 'failed' : undefined,
      wording: {
        conflict: ({ suffix }) =>
          `Bitbucket could not ${action} for ${where} (HTTP 409)${suffix}`,
      },
    },
  );
}

/** Removes anything that looks like a credential from a message. */
function sanitize(message: string, secrets: string[] = []): string {
  return redactSecrets(message, {
    secrets,
    queryParams: ['token', 'access_token', 'password'],
  });
}
