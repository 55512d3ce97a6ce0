import { isError } from '@backstage/errors';
import { mapHostFailure } from '../pullRequests/mapHostFailure';
import { redactSecrets } from '../pullRequests/redactSecrets';

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
 * (see {@link mapHostFailure}); Bitbucket Cloud has no case of its own.
 */
export function mapBitbucketCloudError(
  error: unknown,
  context: BitbucketCloudErrorContext,
): Error {
  const failure = bitbucketCloudFailure(error);
  return mapHostFailure(
    error,
    failure && {
      status: failure.status,
      message: failure.message,
      headers: failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
    },
    {
      hostName: HOST,
      repository: context.repository,
      action: context.action,
      notFound: context.notFound,
      redact: text =>
        redactSecrets(text, {
          secrets: context.secrets,
          minSecretLength: 4,
          queryParams: ['token', 'access_token', 'jwt'],
        }).trim(),
      credentialsHint: 'check integrations.bitbucketCloud',
    },
  );
}
