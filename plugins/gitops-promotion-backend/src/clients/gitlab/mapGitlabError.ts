import { ServiceUnavailableError, isError } from '@backstage/errors';
import { mapHostFailure } from '../pullRequests/mapHostFailure';
import { redactSecrets } from '../pullRequests/redactSecrets';

/** What the provider was doing when a GitLab call failed, for the message. */
export interface GitlabErrorContext {
  /** The GitLab instance, e.g. `gitlab.com` or `gitlab.example.com:8443`. */
  host: string;
  /** The project path, e.g. `group/subgroup/project`. */
  repository: string;
  /** A verb phrase, e.g. `read merge request !4`. */
  action: string;
  /** The message of the NotFoundError a 404 becomes (the caller says what is missing). */
  notFound?: string;
  /** Values (the token) that must never appear in a message, whatever GitLab answered. */
  secrets?: string[];
}

/** The parts of a failed GitLab answer the mapper looks at. */
export interface GitlabFailure {
  status: number;
  /** GitLab's own message (`{"message": ...}` or `{"error": ...}`, or the text body). */
  message: string;
  /** Lower-case response headers. */
  headers: Record<string, string>;
}

/**
 * A GitLab answer that was not 2xx, as the provider's requester reports it
 * (see GitlabMergeRequests). Carries no request data, so no credentials.
 */
export class GitlabRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string>,
  ) {
    super(message);
    this.name = 'GitlabRequestError';
  }
}

/**
 * Reads status, message and headers of a failed GitLab call: our own
 * {@link GitlabRequestError}, or gitbeaker's `GitbeakerRequestError` (whose
 * `cause.response` is the fetch Response) should the default requester be
 * used. Undefined for anything else (network failures, timeouts).
 */
export function gitlabFailure(error: unknown): GitlabFailure | undefined {
  if (!isError(error)) return undefined;
  const own = error as { status?: unknown; headers?: unknown };
  if (typeof own.status === 'number' && isRecord(own.headers)) {
    return {
      status: own.status,
      message: error.message,
      headers: lowerCaseKeys(own.headers),
    };
  }
  const response = (error as { cause?: { response?: unknown } }).cause
    ?.response as
    | {
        status?: unknown;
        headers?: { entries?: () => Iterable<[string, string]> };
      }
    | undefined;
  if (response && typeof response.status === 'number') {
    const entries = response.headers?.entries?.();
    return {
      status: response.status,
      message: error.message,
      headers: entries ? lowerCaseKeys(Object.fromEntries(entries)) : {},
    };
  }
  return undefined;
}

/**
 * Translates a failed GitLab call into an @backstage/errors error (see
 * {@link mapHostFailure}). GitLab's own cases: a 404 that says the whole
 * project is missing (or that no caller expected) is the token's view of the
 * project, not a missing item; its rate-limit and credential messages name
 * the instance and point at the token.
 */
export function mapGitlabError(
  error: unknown,
  context: GitlabErrorContext,
): Error {
  const { host, repository, action } = context;
  return mapHostFailure(
    error,
    gitlabFailure(error),
    {
      hostName: 'GitLab',
      host,
      repository,
      action,
      notFound: context.notFound,
      redact: text => sanitize(text, context.secrets).trim(),
    },
    {
      special: (_failure, { status, detail, suffix }) => {
        if (
          status === 404 &&
          (!context.notFound || /project not found/i.test(detail))
        ) {
          return new ServiceUnavailableError(
            `GitLab at ${host} does not show project ${repository} to the plugin's token (HTTP 404${suffix}) when trying to ${action}; check the project path and the token's access`,
          );
        }
        return undefined;
      },
      wording: {
        rateLimited: ({ status, failure }) =>
          `GitLab's rate limit at ${host} is exhausted (HTTP ${status}) when trying to ${action} for ${repository}; ${retryHint(
            failure.headers ?? {},
          )}`,
        refused: ({ status, suffix }) =>
          `GitLab at ${host} refused the plugin's credentials for ${repository} (HTTP ${status}${suffix}) when trying to ${action}; check the token in integrations.gitlab`,
      },
    },
  );
}

/** GitLab's Retry-After (rounded up), else its RateLimit-ResetTime. */
function retryHint(headers: Record<string, string>): string {
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) {
    return `try again in ${Math.ceil(retryAfter)} seconds`;
  }
  const resetTime = headers['ratelimit-resettime'];
  if (resetTime && !Number.isNaN(Date.parse(resetTime))) {
    return `try again after ${new Date(resetTime).toISOString()}`;
  }
  return 'try again later';
}

/**
 * The human-readable part of a GitLab error body. GitLab answers
 * `{"message": "404 Not found"}`, `{"message": ["Another open merge request
 * already exists ..."]}`, `{"message": {"title": ["can't be blank"]}}`,
 * `{"error": "title is missing"}` or, when rate limited, a text body.
 */
export function describeGitlabErrorBody(
  text: string,
  contentType: string | null,
): string {
  if (contentType?.includes('json')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown> | null;
      const message =
        parsed?.message ?? parsed?.error_description ?? parsed?.error;
      if (message !== undefined) return flatten(message).slice(0, 500);
    } catch {
      // fall through to the raw text
    }
  }
  return text.trim().slice(0, 200);
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join('; ');
  if (isRecord(value)) {
    return Object.entries(value)
      .map(([key, v]) => `${key} ${flatten(v)}`)
      .join('; ');
  }
  return String(value);
}

/** Removes the token and anything that looks like a GitLab credential from a message. */
function sanitize(message: string, secrets: string[] = []): string {
  return redactSecrets(message, {
    secrets,
    minSecretLength: 4,
    patterns: [
      // personal, project, group, OAuth, runner, deploy, trigger... tokens
      [/\bgl[a-z]{1,5}-[A-Za-z0-9_.-]{8,}/g, '***'],
      [/\b(private-token|job-token)\s*[:=]\s*[^\s,;"']+/gi, '$1: ***'],
    ],
    queryParams: ['private_token', 'access_token', 'job_token', 'token'],
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lowerCaseKeys(
  headers: Record<string, unknown>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
}
