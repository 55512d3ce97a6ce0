import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import { createGithubProvider } from '../createGithubProvider';
import { GithubRequestPolicy } from '../createOctokit';
import { GithubProvider } from '../GithubProvider';
import { GitIdentity } from '../../repository/types';
import { GithubFake, GithubFakeOptions } from './githubFake';

/** The token the fake expects and the integration config carries. */
export const TEST_TOKEN = 'test-token';

/** Small retry delays and no write spacing, so failure tests take milliseconds. */
export const FAST_POLICY: GithubRequestPolicy = {
  retries: 2,
  retryBaseDelayMs: 1,
  rateLimitRetries: 1,
  rateLimitDelayScaleMs: 1,
  spaceWrites: false,
};

/** A provider for the fake's repository, built from config the way the plugin builds it. */
export function providerFor(
  fake: GithubFake,
  options: {
    token?: string;
    policy?: GithubRequestPolicy;
    committer?: GitIdentity;
    /** Another repository of the fake's owner (one the fake does not have). */
    repo?: string;
  } = {},
): GithubProvider {
  const config = new ConfigReader({
    integrations: {
      github: [
        {
          host: fake.host,
          apiBaseUrl: fake.url,
          token: options.token ?? TEST_TOKEN,
        },
      ],
    },
  });
  return createGithubProvider({
    config,
    repositoryUrl: options.repo
      ? `${fake.url}/${fake.owner}/${options.repo}`
      : fake.repositoryUrl,
    logger: mockServices.logger.mock(),
    committer: options.committer,
    requestPolicy: options.policy ?? FAST_POLICY,
  });
}

/** Starts a fake expecting {@link TEST_TOKEN}. */
export function startGithubFake(options: GithubFakeOptions = {}) {
  return GithubFake.start({ token: TEST_TOKEN, ...options });
}

const EXAMPLES = path.resolve(
  __dirname,
  '../../../../../../examples/gitops-repo',
);

/** The example GitOps repository of this monorepo, path → text. */
export function exampleFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else
        out[path.relative(EXAMPLES, full).split(path.sep).join('/')] =
          fs.readFileSync(full, 'utf8');
    }
  };
  walk(EXAMPLES);
  return out;
}
