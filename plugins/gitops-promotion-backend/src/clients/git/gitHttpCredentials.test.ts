import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import path from 'node:path';
import {
  createDemoRepository,
  DemoRepository,
} from '../../__testUtils__/demoRepository';
import {
  GitHttpServer,
  startGitHttpBackend,
} from '../../__testUtils__/gitHttpBackend';
import { GitCliProvider } from './GitCliProvider';
import { gitHttpCredentials } from './gitHttpCredentials';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('gitHttpCredentials', () => {
  const integrations = ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        github: [{ host: 'github.com', token: 'gh-token' }],
        gitlab: [
          {
            host: 'gitlab.acme.test',
            apiBaseUrl: 'https://gitlab.acme.test/api/v4',
            token: 'gl-token',
          },
        ],
        bitbucketCloud: [{ username: 'ci-bot', appPassword: 'bb-app' }],
        bitbucketServer: [{ host: 'bitbucket.acme.test', token: 'bbs-token' }],
        azure: [
          {
            host: 'dev.azure.com',
            credentials: [{ personalAccessToken: 'az-pat' }],
          },
        ],
        gitea: [
          { host: 'gitea.acme.test', username: 'ci-bot', password: 'gt-pass' },
        ],
      },
    }),
  );

  it.each([
    ['https://github.com/acme/gitops', basic('x-access-token', 'gh-token')],
    ['https://gitlab.acme.test/acme/gitops.git', basic('oauth2', 'gl-token')],
    ['https://bitbucket.org/acme/gitops.git', basic('ci-bot', 'bb-app')],
    ['https://bitbucket.acme.test/scm/ACME/gitops.git', 'Bearer bbs-token'],
    ['https://dev.azure.com/acme/ops/_git/gitops', basic('', 'az-pat')],
    ['https://gitea.acme.test/acme/gitops.git', basic('ci-bot', 'gt-pass')],
  ])('%s: %s', async (url, header) => {
    expect(await gitHttpCredentials(integrations, url)!()).toBe(header);
  });

  it.each([
    ['a local path', '/srv/gitops.git'],
    ['SSH', 'git@gitlab.acme.test:acme/gitops.git'],
    ['a host no integration names', 'https://git.example.org/gitops.git'],
  ])('leaves %s to git', (_, url) => {
    expect(gitHttpCredentials(integrations, url)).toBeUndefined();
  });
});

describe('the git provider over HTTP with integration credentials', () => {
  let demo: DemoRepository;
  let server: GitHttpServer;
  const token = 'secret-gitlab-token';

  beforeAll(async () => {
    demo = await createDemoRepository();
    server = await startGitHttpBackend(path.dirname(demo.bare), {
      authorization: basic('oauth2', token),
    });
  });
  afterAll(async () => {
    await server.close();
    await demo.cleanup();
  });

  const provider = (tokenOf: string | undefined, cache: string) => {
    const url = `${server.url}/${path.basename(demo.bare)}`;
    const integrations = ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: {
          gitlab: [
            {
              host: new URL(server.url).host,
              apiBaseUrl: `${server.url}/api/v4`,
              ...(tokenOf && { token: tokenOf }),
            },
          ],
        },
      }),
    );
    return new GitCliProvider({
      url,
      cacheDir: path.join(demo.dir, cache),
      committer: { name: 'GitOps Promotion', email: 'gp@example.com' },
      credentials: gitHttpCredentials(integrations, url),
    });
  };

  it('reads and pushes with the token of integrations.gitlab, never in the url', async () => {
    const git = provider(token, 'with-token');
    const head = await git.getBranchHead('main');
    const attempt = await git.tryCommit({
      branch: 'main',
      parentSha: head,
      changes: [{ path: 'credentials-test.txt', content: 'pushed\n' }],
      message: 'A commit pushed with integration credentials',
      author: { name: 'Alice', email: 'alice@example.com' },
    });
    expect(attempt.status).toBe('committed');
    expect(await git.getBranchHead('main')).not.toBe(head);
  });

  it('is refused without it, and the answer names no secret', async () => {
    const error = await provider('wrong-token', 'wrong-token')
      .getBranchHead('main')
      .catch(e => e);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).not.toContain('wrong-token');
    expect(error.message).not.toContain(token);
  });
});
