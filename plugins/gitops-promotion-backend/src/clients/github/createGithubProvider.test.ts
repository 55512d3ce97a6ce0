import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createGithubProvider } from './createGithubProvider';
import { GithubProvider } from './GithubProvider';

describe('createGithubProvider', () => {
  const logger = mockServices.logger.mock();

  it('builds a provider from integrations.github', () => {
    const config = new ConfigReader({
      integrations: {
        github: [
          {
            host: 'ghe.example.com',
            apiBaseUrl: 'https://ghe.example.com/api/v3',
            token: 't',
          },
        ],
      },
    });
    expect(
      createGithubProvider({
        config,
        repositoryUrl: 'https://ghe.example.com/platform/gitops',
        logger,
      }),
    ).toBeInstanceOf(GithubProvider);
  });

  it('fails at startup when no integration covers the host', () => {
    expect(() =>
      createGithubProvider({
        config: new ConfigReader({}),
        repositoryUrl: 'https://ghe.example.com/platform/gitops',
        logger,
      }),
    ).toThrow(
      "No integrations.github entry for host 'ghe.example.com', needed by the GitOps repository https://ghe.example.com/platform/gitops; add one with a token or a GitHub App",
    );
  });

  it('warns when requests would be anonymous', () => {
    createGithubProvider({
      config: new ConfigReader({}),
      repositoryUrl: 'https://github.com/acme/gitops',
      logger,
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('neither a token nor a GitHub App'),
    );
  });
});
