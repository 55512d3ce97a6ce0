import { mapHostFailure } from '../pullRequests/mapHostFailure';
import { redactSecrets } from '../pullRequests/redactSecrets';

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

/** True when Gitea's 409 says a pull request for the same head and base is open. */
export function isPullRequestAlreadyExists(error: unknown): boolean {
  return (
    error instanceof GiteaHttpError &&
    error.status === 409 &&
    /already exists/i.test(error.message)
  );
}

/**
 * Translates a failed Gitea call into an @backstage/errors error (see
 * {@link mapHostFailure}). Gitea's own case: a 403 that says so is its rate
 * limit.
 */
export function mapGiteaError(
  error: unknown,
  context: GiteaErrorContext,
): Error {
  const { host, repository, action } = context;
  return mapHostFailure(
    error,
    error instanceof GiteaHttpError ? error : undefined,
    {
      hostName: 'Gitea',
      host,
      repository,
      action,
      notFound: context.notFound,
      redact: text => redactSecrets(text, { secrets: context.secrets }),
      credentialsHint: 'check integrations.gitea',
    },
    {
      network: { cause: 'codeAndMessage' },
      special: ({ status, message }) =>
        status === 403 && /rate limit/i.test(message)
          ? 'rateLimited'
          : undefined,
      wording: {
        rateLimited: ({ status }) =>
          `The rate limit of Gitea at ${host} is exhausted (HTTP ${status}) when trying to ${action} for ${repository}; try again later`,
        conflict: ({ suffix }) =>
          `Gitea at ${host} could not ${action} for ${repository} because of a conflict (HTTP 409${suffix})`,
      },
    },
  );
}
