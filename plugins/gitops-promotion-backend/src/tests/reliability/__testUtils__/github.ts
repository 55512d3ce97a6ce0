import { GithubRequestPolicy } from '../../../clients/github/createOctokit';
import { GithubFake } from '../../../clients/github/__testUtils__/githubFake';
import { FAST_POLICY } from '../../../clients/github/__testUtils__/startGithubFake';

/**
 * The createOctokit module with fast retries and no write spacing (GitHub's
 * one second between writes would make runs take minutes); the same client
 * otherwise. For `jest.mock('../../clients/github/createOctokit', ...)`;
 * `overrides` is called when a client is made (a mock factory runs before
 * the test file's constants are set).
 */
export function fastOctokitModule(
  overrides: () => Partial<GithubRequestPolicy> = () => ({}),
) {
  const actual = jest.requireActual('../../../clients/github/createOctokit');
  return {
    ...actual,
    createOctokit: (options: { policy?: object }) =>
      actual.createOctokit({
        ...options,
        policy: options.policy ?? { ...FAST_POLICY, ...overrides() },
      }),
  };
}

/** The root config's GitHub integration for the fake, reached at `apiBaseUrl`. */
export function githubIntegration(
  fake: GithubFake,
  token: string,
  apiBaseUrl = fake.url,
) {
  return {
    integrations: { github: [{ host: fake.host, apiBaseUrl, token }] },
  };
}

/** A GitOps repository on the fake: an https URL, which the integration points at the fake. */
export function githubRepository(fake: GithubFake, id: string) {
  return {
    id,
    provider: 'github' as const,
    url: `https://${fake.host}/${fake.owner}/${fake.repo}`,
    defaultBranch: 'main',
  };
}
