import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';

/** What the client was doing when a Gitea call failed, for the message. */
export interface GiteaErrorContext {
  /** The Gitea host, e.g. `gitea.example.com`. */
  host: string;
  /** `owner/repo` */
  repository: string;
  /** A verb phrase, e.g. `read pull request #3`. */
  action: string;
  /** The message of the NotFoundError a 404 becomes (what is missing). */
  notFound?: string;
  /** Values that must never appear in a message (the password or token). */
  secrets?: string[];
}

/**
 * A non-2xx answer of Gitea's REST API. `message` is the `message` of
 * Gitea's error body (`{"message": ..., "url": ...}`) or, when the body is
 * not Gitea's (a reverse proxy's page), the start of its text.
 */
export class GiteaHttpError extends Error {
  readonly name = 'GiteaHttpError';

  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** Reads the failure out of a response that was not ok. */
  static async fromResponse(response: Response): Promise<GiteaHttpError> {
    let text = '';
    try {
      text = await response.text();
    } catch {
      // the status is all there is
    }
    let message = text.trim().slice(0, 300);
    try {
      const body = JSON.parse(text) as { message?: unknown };
      if (typeof body?.message === 'string') message = body.message;
    } catch {
      // not JSON: keep the text
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return new GiteaHttpError(response.status, message, headers);
  }
}

const PASS_THROUGH = new Set([
  'NotFoundError',
  'ServiceUnavailableError',
  'ConflictError',
  'InputError',
]);

/** True when Gitea's 409 says a pull request for the same head and base is open. */
export function isPullRequestAlreadyExists(error: unknown): boolean {
  return (
    error instanceof GiteaHttpError &&
    error.status === 409 &&
    /already exists/i.test(error.message)
  );
}

/**
 * Translates a failed Gitea call into an @backstage/errors error before it
 * leaves the client, so no upstream status reaches our callers: 404 becomes
 * NotFoundError (when the context says what is missing), 409 ConflictError,
 * everything else a ServiceUnavailableError (Gitea's 401/403 must never
 * become our user's 401/403). Messages never carry credentials.
 */
export function mapGiteaError(
  error: unknown,
  context: GiteaErrorContext,
): Error {
  const { host, repository, action } = context;
  const clean = (message: string) => sanitize(message, context.secrets);
  if (!(error instanceof GiteaHttpError)) {
    if (isError(error) && PASS_THROUGH.has(error.name)) {
      return error;
    }
    return new ServiceUnavailableError(
      `Could not reach Gitea at ${host} for ${repository} when trying to ${action}: ${clean(
        describeNetworkError(error),
      )}; try again later`,
    );
  }
  const { status } = error;
  const detail = clean(error.message).trim();
  const suffix = detail ? `: ${detail}` : '';
  if (status === 404 && context.notFound) {
    return new NotFoundError(context.notFound);
  }
  if (status === 429 || (status === 403 && /rate limit/i.test(error.message))) {
    return new ServiceUnavailableError(
      `The rate limit of Gitea at ${host} is exhausted (HTTP ${status}) when trying to ${action} for ${repository}; try again later`,
    );
  }
  if (status === 401 || status === 403) {
    return new ServiceUnavailableError(
      `Gitea at ${host} refused the plugin's credentials for ${repository} (HTTP ${status}) when trying to ${action}${suffix}; check integrations.gitea`,
    );
  }
  if (status === 409) {
    return new ConflictError(
      `Gitea at ${host} could not ${action} for ${repository} because of a conflict (HTTP 409${suffix})`,
    );
  }
  return new ServiceUnavailableError(
    `Gitea at ${host} could not ${action} for ${repository} (HTTP ${status}${suffix})${
      status >= 500 ? '; try again later' : ''
    }`,
  );
}

/** fetch's "fetch failed" with the reason from its cause (ECONNREFUSED, ...). */
function describeNetworkError(error: unknown): string {
  if (!isError(error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (isError(cause)) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' ? `${code} ` : ''}${
      cause.message
    })`;
  }
  return error.message;
}

/** Removes the known secrets and anything that looks like a credential. */
export function sanitize(message: string, secrets: string[] = []): string {
  let result = message;
  for (const secret of secrets) {
    if (secret) result = result.split(secret).join('***');
  }
  return result
    .replace(/\b(token|bearer|basic)\s+[^\s,;"']+/gi, '$1 ***')
    .replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@')
    .replace(/([?&](?:token|access_token)=)[^&\s]+/gi, '$1***');
}
