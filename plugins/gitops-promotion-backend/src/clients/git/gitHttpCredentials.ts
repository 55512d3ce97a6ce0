import {
  DefaultAzureDevOpsCredentialsProvider,
  DefaultGithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';

/**
 * The `Authorization` header git sends to the host of `url` over HTTP(S),
 * from the `integrations` entry for that host, read anew for each exchange
 * (GitHub App and Azure tokens expire). Undefined when the URL is not
 * HTTP(S) or no integration knows its host: git then uses whatever the
 * machine has (an SSH agent, a credential helper), never credentials in the
 * URL.
 *
 * What each host takes over git's smart HTTP protocol: GitHub a token as the
 * password of `x-access-token`; GitLab a token as the password of `oauth2`;
 * Bitbucket Cloud an app password with its username, or an access token as
 * the password of `x-token-auth`; Bitbucket Data Center an HTTP access token
 * as a bearer token, or username and password; Azure DevOps the header its
 * credentials provider builds (a PAT or an Entra ID token); Gitea username
 * and password (or token).
 */
export function gitHttpCredentials(
  integrations: ScmIntegrationRegistry,
  url: string,
): (() => Promise<string | undefined>) | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  const basic = (username: string, password: string) =>
    `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

  if (integrations.github.byUrl(url)) {
    const github =
      DefaultGithubCredentialsProvider.fromIntegrations(integrations);
    return async () => {
      const { token } = await github.getCredentials({ url });
      return token ? basic('x-access-token', token) : undefined;
    };
  }
  const gitlab = integrations.gitlab.byUrl(url)?.config;
  if (gitlab) {
    return async () =>
      gitlab.token ? basic('oauth2', gitlab.token) : undefined;
  }
  const bitbucketCloud = integrations.bitbucketCloud.byUrl(url)?.config;
  if (bitbucketCloud) {
    return async () => {
      if (bitbucketCloud.username && bitbucketCloud.appPassword) {
        return basic(bitbucketCloud.username, bitbucketCloud.appPassword);
      }
      return bitbucketCloud.token
        ? basic('x-token-auth', bitbucketCloud.token)
        : undefined;
    };
  }
  const bitbucketServer = integrations.bitbucketServer.byUrl(url)?.config;
  if (bitbucketServer) {
    return async () => {
      if (bitbucketServer.token) return `Bearer ${bitbucketServer.token}`;
      return bitbucketServer.username && bitbucketServer.password
        ? basic(bitbucketServer.username, bitbucketServer.password)
        : undefined;
    };
  }
  if (integrations.azure.byUrl(url)) {
    const azure =
      DefaultAzureDevOpsCredentialsProvider.fromIntegrations(integrations);
    return async () =>
      (await azure.getCredentials({ url }))?.headers.Authorization;
  }
  const gitea = integrations.gitea.byUrl(url)?.config;
  if (gitea) {
    return async () =>
      gitea.username && gitea.password
        ? basic(gitea.username, gitea.password)
        : undefined;
  }
  return undefined;
}
