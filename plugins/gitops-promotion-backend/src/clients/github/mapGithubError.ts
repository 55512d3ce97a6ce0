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

/** An error of a GraphQL answer (GitHub answers most failed queries with HTTP 200 and these). */
interface GithubGraphqlError {
  /** e.g. NOT_FOUND, FORBIDDEN, RATE_LIMITED */
  type?: string;
  message: string;
}

/**
 * The errors of a failed GraphQL query: @octokit/graphql's
 * GraphqlResponseError carries them as `errors`, @octokit/plugin-throttling's
 * rate-limit error as `data.errors`. Undefined for anything else.
 */
function githubGraphqlErrors(error: unknown): GithubGraphqlError[] | undefined {
  if (!isError(error)) return undefined;
  const { errors, data } = error as {
    errors?: unknown;
    data?: { errors?: unknown };
  };
  const found = errors ?? data?.errors;
  const isGraphqlError = (e: unknown) =>
    !isError(e) && typeof (e as GithubGraphqlError)?.message === 'string';
  return Array.isArray(found) && found.length && found.every(isGraphqlError)
    ? found
    : undefined;
}

/** What a failure was, whether an HTTP status or a GraphQL error said it. */
interface Outcome {
  /** How GitHub said it, for the message: `HTTP 403`, `GraphQL FORBIDDEN`. */
  code: string;
  detail: string;
  notFound: boolean;
  rateLimited: boolean;
  refused: boolean;
  /** No answer arrived. */
  unreachable?: boolean;
  /** Worth trying again later (5xx). */
  transient?: boolean;
}

/**
 * Translates a failed GitHub call (REST or GraphQL) into an @backstage/errors
 * error before it leaves the provider, so no upstream status reaches our
 * callers: 404 (GraphQL NOT_FOUND) becomes NotFoundError (when the context
 * says what is missing), everything else a ServiceUnavailableError (GitHub's
 * 401/403 must never become our user's 401/403). Messages never carry
 * credentials.
 */
export function mapGithubError(
  error: unknown,
  context: GithubErrorContext,
): Error {
  const outcome = httpOutcome(error) ?? graphqlOutcome(error);
  if (!outcome) {
    if (isTranslatedError(error)) return error;
    return new ServiceUnavailableError(
      `Could not reach GitHub for ${context.repository} when trying to ${
        context.action
      }: ${sanitize(isError(error) ? error.message : String(error))}`,
    );
  }
  const { repository, action } = context;
  const { code } = outcome;
  const detail = outcome.detail ? `: ${outcome.detail}` : '';
  if (outcome.notFound && context.notFound) {
    return new NotFoundError(context.notFound);
  }
  if (outcome.rateLimited) {
    return new ServiceUnavailableError(
      `GitHub's rate limit for ${repository} is exhausted (${code}) when trying to ${action}; try again later`,
    );
  }
  if (outcome.refused) {
    return new ServiceUnavailableError(
      `GitHub refused the plugin's credentials for ${repository} (${code}) when trying to ${action}${detail}`,
    );
  }
  if (outcome.unreachable) {
    return new ServiceUnavailableError(
      `Could not reach GitHub for ${repository} when trying to ${action}${detail}; try again later`,
    );
  }
  return new ServiceUnavailableError(
    `GitHub could not ${action} for ${repository} (${code}${detail})${
      outcome.transient ? '; try again later' : ''
    }`,
  );
}

function httpOutcome(error: unknown): Outcome | undefined {
  const failure = githubFailure(error);
  if (!failure) return undefined;
  const { status } = failure;
  return {
    code: `HTTP ${status}`,
    detail: githubMessage(failure),
    notFound: status === 404,
    rateLimited: isRateLimited(failure),
    refused: status === 401 || status === 403,
    // @octokit/request reports a failed connection as a status 500 without a response
    unreachable: !failure.headers,
    transient: status >= 500,
  };
}

function graphqlOutcome(error: unknown): Outcome | undefined {
  const errors = githubGraphqlErrors(error);
  if (!errors) return undefined;
  const types = errors.map(e => e.type);
  const type =
    ['RATE_LIMITED', 'NOT_FOUND', 'FORBIDDEN'].find(t => types.includes(t)) ??
    types.find(t => t !== undefined);
  return {
    code: type ? `GraphQL ${type}` : 'GraphQL',
    detail: sanitize(errors.map(e => e.message).join('; ')).trim(),
    notFound: type === 'NOT_FOUND',
    rateLimited: type === 'RATE_LIMITED',
    refused: type === 'FORBIDDEN',
  };
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
