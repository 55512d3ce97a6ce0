import { LoggerService } from '@backstage/backend-plugin-api';
import { GithubCredentialsProvider } from '@backstage/integration';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** How patiently the client waits on GitHub. Defaults suit production. */
export interface GithubRequestPolicy {
  /** Retries after a 5xx, a 429 or a network failure (default 3). */
  retries?: number;
  /** Retry `n` waits `n² × retryBaseDelayMs` (default 1000). */
  retryBaseDelayMs?: number;
  /** Retries after hitting a rate limit (default 1). */
  rateLimitRetries?: number;
  /** A rate-limited request is only retried when GitHub asks to wait at most this long (default 60). */
  maxRateLimitWaitSeconds?: number;
  /** Milliseconds per second of GitHub's `Retry-After` (default 1000; tests shrink it). */
  rateLimitDelayScaleMs?: number;
  /**
   * GitHub asks integrators to leave a second between writes and three
   * seconds between writes that notify (pull requests); @octokit/plugin-throttling
   * does that process-wide. `false` turns it off (default true).
   */
  spaceWrites?: boolean;
  /**
   * How long GitHub may take to start answering a request before it is
   * abandoned and retried like a network failure (default 30000 ms). A body
   * that stalls once started is left to undici's own body timeout.
   */
  timeoutMs?: number;
}

/** The Octokit the GitHub provider talks through: REST methods plus retry and throttling. */
export const GithubOctokit = Octokit.plugin(retry, throttling);

/** An instance of {@link GithubOctokit}. */
export type GithubClient = InstanceType<typeof GithubOctokit>;

/** What {@link createOctokit} needs. */
export interface CreateOctokitOptions {
  /** The integration's `apiBaseUrl`, e.g. `https://api.github.com`. */
  baseUrl: string;
  /** The repository URL the credentials are asked for. */
  repositoryUrl: string;
  credentialsProvider: GithubCredentialsProvider;
  logger: LoggerService;
  policy?: GithubRequestPolicy;
}

/** A limiter group that lets every job run at once (only for `spaceWrites: false`). */
const UNSPACED = {
  key: () => ({
    schedule: <A extends unknown[], R>(
      _options: unknown,
      job: (...args: A) => Promise<R>,
      ...args: A
    ) => job(...args),
  }),
};

/**
 * An Octokit for one repository: 5xx, 429 and network failures are retried
 * with backoff (@octokit/plugin-retry), rate limits are waited out within
 * bounds (@octokit/plugin-throttling), and every request asks
 * @backstage/integration for credentials (it caches them and renews GitHub App
 * installation tokens before they expire; retries of a request reuse them).
 * Tokens are never logged.
 */
export function createOctokit(options: CreateOctokitOptions): GithubClient {
  const { baseUrl, repositoryUrl, credentialsProvider, logger } = options;
  const policy = options.policy ?? {};
  const rateLimitRetries = policy.rateLimitRetries ?? 1;
  const maxWait = policy.maxRateLimitWaitSeconds ?? 60;
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      const again = retryCount < rateLimitRetries && retryAfter <= maxWait;
      logger.warn(
        `GitHub ${kind} hit for ${request.method} ${request.url}; ${
          again ? `retrying in ${retryAfter}s` : 'giving up'
        }`,
      );
      return again;
    };
  const spacing =
    policy.spaceWrites === false
      ? ({ write: UNSPACED, notifications: UNSPACED } as unknown as Record<
          'write' | 'notifications',
          never
        >)
      : {};

  const timeoutMs = policy.timeoutMs ?? 30_000;
  const octokit = new GithubOctokit({
    baseUrl,
    userAgent: 'backstage-plugin-gitops-promotion',
    request: { fetch: fetchWithTimeout(timeoutMs) },
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => logger.warn(message),
      error: (message: string) => logger.error(message),
    },
    retry: {
      retries: policy.retries ?? 3,
      retryAfterBaseValue: policy.retryBaseDelayMs ?? 1000,
      // 409 on a ref update is a race the engine resolves; retrying cannot help
      doNotRetry: [304, 400, 401, 403, 404, 409, 410, 422, 451],
    },
    throttle: {
      retryAfterBaseValue: policy.rateLimitDelayScaleMs ?? 1000,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      ...spacing,
    },
  });

  octokit.hook.before('request', async request => {
    const { headers } = await credentialsProvider.getCredentials({
      url: repositoryUrl,
    });
    const authorization = headers?.Authorization ?? headers?.authorization;
    if (authorization) {
      request.headers.authorization = authorization;
    }
  });
  return octokit;
}

/**
 * `fetch` that gives up when no answer has started after `timeoutMs`: a
 * stalled GitHub must not hold a promotion for minutes.
 */
function fetchWithTimeout(timeoutMs: number) {
  return async (url: string, init: RequestInit = {}) => {
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new Error(`GitHub did not answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    try {
      return await fetch(url, {
        ...init,
        signal: init.signal
          ? AbortSignal.any([init.signal, controller.signal])
          : controller.signal,
      });
    } finally {
      clearTimeout(timer);
    }
  };
}
