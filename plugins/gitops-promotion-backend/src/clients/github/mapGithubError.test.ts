import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { mapGithubError, sanitize } from './mapGithubError';

/** Shaped like @octokit/request-error's RequestError. */
function requestError(
  status: number,
  message: string,
  headers?: Record<string, string>,
) {
  return Object.assign(new Error(message), {
    name: 'HttpError',
    status,
    response: headers && { status, headers, data: {} },
  });
}

const context = {
  repository: 'acme/gitops',
  action: "read branch 'main'",
  notFound: "Branch 'main' does not exist in acme/gitops",
};

describe('mapGithubError', () => {
  it.each([
    [
      requestError(404, 'Not Found - https://docs.github.com/rest', {}),
      NotFoundError,
      "Branch 'main' does not exist in acme/gitops",
    ],
    [
      requestError(401, 'Bad credentials - https://docs.github.com/rest', {}),
      ServiceUnavailableError,
      "GitHub refused the plugin's credentials for acme/gitops (HTTP 401) when trying to read branch 'main': Bad credentials",
    ],
    [
      requestError(403, 'API rate limit exceeded for user ID 1.', {
        'x-ratelimit-remaining': '0',
      }),
      ServiceUnavailableError,
      "GitHub's rate limit for acme/gitops is exhausted (HTTP 403) when trying to read branch 'main'; try again later",
    ],
    [
      requestError(403, 'You have exceeded a secondary rate limit.', {}),
      ServiceUnavailableError,
      "GitHub's rate limit for acme/gitops is exhausted (HTTP 403) when trying to read branch 'main'; try again later",
    ],
    [
      requestError(429, 'Too Many Requests', {}),
      ServiceUnavailableError,
      "GitHub's rate limit for acme/gitops is exhausted (HTTP 429) when trying to read branch 'main'; try again later",
    ],
    [
      requestError(502, 'Bad Gateway', {}),
      ServiceUnavailableError,
      "GitHub could not read branch 'main' for acme/gitops (HTTP 502: Bad Gateway); try again later",
    ],
    [
      requestError(422, 'Validation Failed', {}),
      ServiceUnavailableError,
      "GitHub could not read branch 'main' for acme/gitops (HTTP 422: Validation Failed)",
    ],
    [
      requestError(500, 'connect ECONNREFUSED 127.0.0.1:1'),
      ServiceUnavailableError,
      "Could not reach GitHub for acme/gitops when trying to read branch 'main': connect ECONNREFUSED 127.0.0.1:1; try again later",
    ],
    [
      new TypeError('fetch failed'),
      ServiceUnavailableError,
      "Could not reach GitHub for acme/gitops when trying to read branch 'main': fetch failed",
    ],
  ])('maps %p', (error, type, message) => {
    const mapped = mapGithubError(error, context);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.message).toBe(message);
    expect(mapped).not.toHaveProperty('status');
  });

  it('maps a 404 without a notFound message to ServiceUnavailableError', () => {
    const mapped = mapGithubError(requestError(404, 'Not Found', {}), {
      repository: 'acme/gitops',
      action: 'list pull requests',
    });
    expect(mapped).toBeInstanceOf(ServiceUnavailableError);
  });

  it('passes @backstage/errors through', () => {
    const conflict = new ConflictError('moved');
    expect(mapGithubError(conflict, context)).toBe(conflict);
  });

  it.each([
    ['Bearer ghs_abcdef123 refused', 'Bearer *** refused'],
    ['token ghp_secret leaked', 'token *** leaked'],
    ['bad github_pat_11AAA_bbb', 'bad ***'],
    ['https://x-access-token:abc@github.com/a/b', 'https://***@github.com/a/b'],
    [
      'GET https://codeload.github.com/a/b/legacy.tar.gz/abc?login=me&token=ABCD123 failed',
      'GET https://codeload.github.com/a/b/legacy.tar.gz/abc?login=me&token=*** failed',
    ],
  ])('removes credentials from %p', (message, expected) => {
    expect(sanitize(message)).toBe(expected);
  });
});
