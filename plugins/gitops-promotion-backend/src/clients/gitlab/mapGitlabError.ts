import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';

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

const PASS_THROUGH = new Set([
  'NotFoundError',
  'ServiceUnavailableError',
  'ConflictError',
  'InputError',
]);

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
 * Translates a failed GitLab call into an @backstage/errors error before it
 * leaves the provider, so no upstream status reaches our callers: 404 becomes
 * NotFoundError when the context says what is missing (and GitLab did not say
 * the whole project is missing), 409 a ConflictError, everything else a
 * ServiceUnavailableError (GitLab's 401/403 must never become our user's
 * 401/403; 429 says the rate limit is exhausted). Messages never carry
 * credentials.
 */
export function mapGitlabError(
  error: unknown,
  context: GitlabErrorContext,
): Error {
  const failure = gitlabFailure(error);
  const { host, repository, action } = context;
  const clean = (text: string) => sanitize(text, context.secrets).trim();
  if (!failure) {
    if (isError(error) && PASS_THROUGH.has(error.name)) {
      return error;
    }
    return new ServiceUnavailableError(
      `Could not reach GitLab at ${host} for ${repository} when trying to ${action}: ${clean(
        networkMessage(error),
      )}; try again later`,
    );
  }
  const { status } = failure;
  const detail = clean(failure.message);
  const withDetail = detail ? `: ${detail}` : '';
  if (status === 404) {
    if (context.notFound && !/project not found/i.test(detail)) {
      return new NotFoundError(context.notFound);
    }
    return new ServiceUnavailableError(
      `GitLab at ${host} does not show project ${repository} to the plugin's token (HTTP 404${withDetail}) when trying to ${action}; check the project path and the token's access`,
    );
  }
  if (isRateLimited(failure)) {
    return new ServiceUnavailableError(
      `GitLab's rate limit at ${host} is exhausted (HTTP ${status}) when trying to ${action} for ${repository}; ${retryHint(
        failure,
      )}`,
    );
  }
  if (status === 401 || status === 403) {
    return new ServiceUnavailableError(
      `GitLab at ${host} refused the plugin's credentials for ${repository} (HTTP ${status}${withDetail}) when trying to ${action}; check the token in integrations.gitlab`,
    );
  }
  if (status === 409) {
    return new ConflictError(
      `GitLab could not ${action} for ${repository} (HTTP 409${withDetail})`,
    );
  }
  return new ServiceUnavailableError(
    `GitLab at ${host} could not ${action} for ${repository} (HTTP ${status}${withDetail})${
      status >= 500 ? '; try again later' : ''
    }`,
  );
}

/** GitLab answers an exhausted rate limit with 429 (RateLimit-* and Retry-After headers). */
export function isRateLimited(failure: GitlabFailure): boolean {
  return failure.status === 429;
}

function retryHint(failure: GitlabFailure): string {
  const retryAfter = Number(failure.headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) {
    return `try again in ${Math.ceil(retryAfter)} seconds`;
  }
  const resetTime = failure.headers['ratelimit-resettime'];
  if (resetTime && !Number.isNaN(Date.parse(resetTime))) {
    return `try again after ${new Date(resetTime).toISOString()}`;
  }
  return 'try again later';
}

/** Node's fetch says `fetch failed` and puts the reason (ECONNREFUSED, ...) in `cause`. */
function networkMessage(error: unknown): string {
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

/** Removes anything that looks like a credential from a message. */
export function sanitize(message: string, secrets: string[] = []): string {
  let result = message;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('***');
  }
  return (
    result
      // personal, project, group, OAuth, runner, deploy, trigger... tokens
      .replace(/\bgl[a-z]{1,5}-[A-Za-z0-9_.-]{8,}/g, '***')
      .replace(/\b(private-token|job-token)\s*[:=]\s*[^\s,;"']+/gi, '$1: ***')
      .replace(/\b(token|bearer|basic)\s+[^\s,;"']+/gi, '$1 ***')
      .replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@')
      .replace(
        /([?&](?:private_token|access_token|job_token|token)=)[^&\s]+/gi,
        '$1***',
      )
  );
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
