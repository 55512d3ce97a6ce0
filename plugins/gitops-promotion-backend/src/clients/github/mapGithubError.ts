import {
  NotFoundError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import { isTranslatedError } from '../pullRequests/mapHostFailure';
import { redactSecrets } from '../pullRequests/redactSecrets';

/** What the provider was doing when a GitHub call failed, for the message. */
export interface GithubErrorContext {
  /** `owner/repo` */
  repository: string;
  /** A verb phrase, e.g. `read branch 'main'`. */
  action: string;
  /** The message of the NotFoundError a 404 becomes (branch or file missing). */
  notFound?: string;
}

/** The parts of an Octokit `RequestError` the provider looks at. */
export interface GithubFailure {
  status: number;
  message: string;
  /** Absent when no response arrived (network failure). */
  headers?: Record<string, unknown>;
}

/**
 * Reads the HTTP status and response of an Octokit `RequestError` without
 * depending on its class. Undefined for anything else.
 */
export function githubFailure(error: unknown): GithubFailure | undefined {
  if (!isError(error)) return undefined;
  const { status, response } = error as {
    status?: unknown;
    response?: { headers?: Record<string, unknown> };
  };
  if (typeof status !== 'number') return undefined;
  return { status, message: error.message, headers: response?.headers };
}

/**
 * Translates a failed GitHub call into an @backstage/errors error before it
 * leaves the provider, so no upstream status reaches our callers: 404 becomes
 * NotFoundError (when the context says what is missing), everything else a
 * ServiceUnavailableError (GitHub's 401/403 must never become our user's
 * 401/403). Messages never carry credentials.
 */
export function mapGithubError(
  error: unknown,
  context: GithubErrorContext,
): Error {
  const failure = githubFailure(error);
  const { repository, action } = context;
  if (!failure) {
    if (isTranslatedError(error)) return error;
    return new ServiceUnavailableError(
      `Could not reach GitHub for ${repository} when trying to ${action}: ${sanitize(
        isError(error) ? error.message : String(error),
      )}`,
    );
  }
  const { status } = failure;
  const detail = githubMessage(failure);
  if (status === 404 && context.notFound) {
    return new NotFoundError(context.notFound);
  }
  if (isRateLimited(failure)) {
    return new ServiceUnavailableError(
      `GitHub's rate limit for ${repository} is exhausted (HTTP ${status}) when trying to ${action}; try again later`,
    );
  }
  if (status === 401 || status === 403) {
    return new ServiceUnavailableError(
      `GitHub refused the plugin's credentials for ${repository} (HTTP ${status}) when trying to ${action}${
        detail ? `: ${detail}` : ''
      }`,
    );
  }
  if (!failure.headers) {
    // @octokit/request reports a failed connection as a status 500 without a response
    return new ServiceUnavailableError(
      `Could not reach GitHub for ${repository} when trying to ${action}${
        detail ? `: ${detail}` : ''
      }; try again later`,
    );
  }
  return new ServiceUnavailableError(
    `GitHub could not ${action} for ${repository} (HTTP ${status}${
      detail ? `: ${detail}` : ''
    })${status >= 500 ? '; try again later' : ''}`,
  );
}

/** True for GitHub's primary (403/429 with no remaining quota) and secondary rate limits. */
export function isRateLimited(failure: GithubFailure): boolean {
  return (
    failure.status === 429 ||
    (failure.status === 403 &&
      (failure.headers?.['x-ratelimit-remaining'] === '0' ||
        /rate limit/i.test(failure.message)))
  );
}

/** GitHub's own message without the documentation link Octokit appends. */
function githubMessage(failure: GithubFailure): string {
  return sanitize(failure.message.replace(/ - https?:\/\/\S+$/, '')).trim();
}

/** Removes anything that looks like a credential from a message. */
export function sanitize(message: string): string {
  return redactSecrets(message, {
    patterns: [[/\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]+/g, '***']],
    // codeload links carry a short-lived token in their query
    queryParams: ['token', 'access_token', 'jwt'],
  });
}
