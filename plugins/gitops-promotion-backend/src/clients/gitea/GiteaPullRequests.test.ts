import { ConfigReader } from '@backstage/config';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  GiteaPullRequests,
  createGiteaPullRequests,
  parseGiteaRepositoryUrl,
} from './GiteaPullRequests';
import { GiteaFake, startGiteaFake } from './__testUtils__/giteaFake';

const branch = 'gitops-promotion/cart-staging-to-prod-eu';
const TOKEN = 'gitea-token-s3cr3t';

function integrationsFor(
  fake: GiteaFake,
  entry: Record<string, unknown> = { password: TOKEN },
) {
  return ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        gitea: [{ host: fake.host, baseUrl: fake.url, ...entry }],
      },
    }),
  );
}

function pullRequestsFor(fake: GiteaFake, repositoryUrl = fake.repositoryUrl) {
  return createGiteaPullRequests({
    integrations: integrationsFor(fake),
    repositoryUrl,
  });
}

const request = {
  branch,
  base: 'main',
  title: 'Promote cart to prod-eu',
  body: 'cart 1.0.0 → 2.0.0',
};

describe('GiteaPullRequests', () => {
  let fake: GiteaFake;

  beforeEach(async () => {
    fake = await startGiteaFake({ branches: ['main', branch] });
  });

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  it('opens a pull request once; asking again finds the same one', async () => {
    const pulls = pullRequestsFor(fake);
    expect(await pulls.findOpenPullRequest(branch)).toBeUndefined();

    const opened = await pulls.openPullRequest(request);

    expect(opened).toEqual({
      number: 1,
      url: `${fake.url}/acme/gitops/pulls/1`,
      branch,
      state: 'open',
    });
    expect(await pulls.findOpenPullRequest(branch)).toEqual(opened);
    expect(await pulls.openPullRequest({ ...request, body: 'again' })).toEqual(
      opened,
    );
    expect(fake.pulls).toHaveLength(1);
    const created = fake.requests.filter(
      r => r.operation === 'repoCreatePullRequest',
    );
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/repos/acme/gitops/pulls',
      authorization: `token ${TOKEN}`,
      body: {
        head: branch,
        base: 'main',
        title: request.title,
        body: request.body,
      },
      status: 201,
    });
    expect(
      fake.requests
        .filter(r => r.operation === 'repoListPullRequests')
        .map(r => r.url),
    ).toContain('/api/v1/repos/acme/gitops/pulls?state=open&page=1&limit=50');
  });

  it('returns the pull request a concurrent open created when create answers 409', async () => {
    const pulls = pullRequestsFor(fake);
    let concurrent: number | undefined;
    fake.beforeNextCreate(() => {
      concurrent = fake.openPullRequest({ head: branch, base: 'main' }).number;
    });

    const opened = await pulls.openPullRequest(request);

    expect(opened).toEqual({
      number: concurrent,
      url: `${fake.url}/acme/gitops/pulls/${concurrent}`,
      branch,
      state: 'open',
    });
    expect(fake.pulls).toHaveLength(1);
    expect(
      fake.requests.find(r => r.operation === 'repoCreatePullRequest')?.status,
    ).toBe(409);
  });

  it('turns a 409 it cannot resolve into a ConflictError', async () => {
    const pulls = pullRequestsFor(fake);
    fake.injectFault({
      operation: 'repoCreatePullRequest',
      status: 409,
      message: 'pull request already exists for these targets [id: 9]',
    });

    await expect(pulls.openPullRequest(request)).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('finds the open pull request of a branch among many, across pages', async () => {
    // a closed one from the same branch does not count
    fake.closePullRequest(
      fake.openPullRequest({ head: branch, base: 'main' }).number,
    );
    // Gitea lists newest first: the oldest open one is on the second page
    const ours = fake.openPullRequest({ head: branch, base: 'main' });
    for (let i = 0; i < 75; i++) {
      fake.openPullRequest({ head: `other-${i}`, base: 'main' });
    }

    expect(await pullRequestsFor(fake).findOpenPullRequest(branch)).toEqual({
      number: ours.number,
      url: `${fake.url}/acme/gitops/pulls/${ours.number}`,
      branch,
      state: 'open',
    });
    expect(
      fake.requests
        .filter(r => r.operation === 'repoListPullRequests')
        .map(r => new URL(r.url, fake.url).searchParams.get('page')),
    ).toEqual(['1', '2']);
  });

  it('reads an open, then merged pull request, and a closed unmerged one', async () => {
    const pulls = pullRequestsFor(fake);
    const { number } = await pulls.openPullRequest(request);
    expect((await pulls.getPullRequest(number)).state).toBe('open');

    const mergeSha = fake.mergePullRequest(number);
    expect(await pulls.getPullRequest(number)).toEqual({
      number,
      url: `${fake.url}/acme/gitops/pulls/${number}`,
      branch,
      state: 'merged',
      mergeCommitSha: mergeSha,
    });
    expect(await pulls.findOpenPullRequest(branch)).toBeUndefined();

    const closed = fake.openPullRequest({ head: 'abandoned', base: 'main' });
    fake.closePullRequest(closed.number);
    expect(await pulls.getPullRequest(closed.number)).toEqual({
      number: closed.number,
      url: `${fake.url}/acme/gitops/pulls/${closed.number}`,
      branch: 'abandoned',
      state: 'closed',
    });
    // after a merge, the branch may get a new pull request
    const again = await pulls.openPullRequest(request);
    expect(again.number).not.toBe(number);
  });

  it('reports a missing pull request as NotFoundError', async () => {
    await expect(pullRequestsFor(fake).getPullRequest(42)).rejects.toThrow(
      new NotFoundError('Pull request #42 does not exist in acme/gitops'),
    );
  });

  it.each([
    [401, 'repoGetPullRequest', /refused the plugin's credentials.*HTTP 401/],
    [
      403,
      'repoCreatePullRequest',
      /refused the plugin's credentials.*HTTP 403/,
    ],
    [429, 'repoListPullRequests', /rate limit .* is exhausted/],
    [500, 'repoGetPullRequest', /HTTP 500.*try again later/],
    [502, 'repoListPullRequests', /HTTP 502.*try again later/],
    [503, 'repoCreatePullRequest', /HTTP 503.*try again later/],
  ] as const)(
    'turns HTTP %i from %s into ServiceUnavailableError',
    async (status, operation, message) => {
      const pulls = pullRequestsFor(fake);
      if (operation === 'repoGetPullRequest') {
        fake.openPullRequest({ head: branch, base: 'main' });
      }
      fake.injectFault({
        operation,
        status,
        // a careless proxy echoing the credentials must not leak them
        message: `denied for token ${TOKEN} (${TOKEN})`,
        ...(status === 502
          ? { rawBody: `<html>Bad gateway ${TOKEN}</html>` }
          : {}),
      });
      const calls = {
        repoGetPullRequest: () => pulls.getPullRequest(1),
        repoListPullRequests: () => pulls.findOpenPullRequest(branch),
        repoCreatePullRequest: () => pulls.openPullRequest(request),
      };
      const call = calls[operation]();

      const error = await call.then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error!.message).toMatch(message);
      expect(error!.message).toContain(fake.host);
      expect(error!.message).toContain('acme/gitops');
      expect(error!.message).not.toContain(TOKEN);
    },
  );

  it('turns a network failure into ServiceUnavailableError', async () => {
    const pulls = pullRequestsFor(fake);
    await fake.close();

    const error = await pulls.findOpenPullRequest(branch).catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(/Could not reach Gitea at 127\.0\.0\.1/);
    expect(error.message).not.toContain(TOKEN);
  });

  it('never puts the credentials in messages, also with basic auth', async () => {
    const basic = await startGiteaFake({ username: 'bot', password: TOKEN });
    try {
      const pulls = createGiteaPullRequests({
        integrations: integrationsFor(basic, {
          username: 'bot',
          password: TOKEN,
        }),
        repositoryUrl: `${basic.repositoryUrl}.git`,
      });
      const encoded = Buffer.from(`bot:${TOKEN}`).toString('base64');
      basic.injectFault({
        status: 401,
        message: `bad basic ${encoded} ${TOKEN}`,
      });
      const error = await pulls.getPullRequest(1).catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).not.toContain(TOKEN);
      expect(error.message).not.toContain(encoded);
      expect(basic.requests[0].authorization).toBe(`basic ${encoded}`);
      basic.assertNoViolations();
    } finally {
      await basic.close();
    }
  });
});

describe('createGiteaPullRequests', () => {
  let fake: GiteaFake;

  beforeEach(async () => {
    fake = await startGiteaFake({
      username: 'promotion-bot',
      password: TOKEN,
      branches: ['main', branch],
    });
  });

  afterEach(async () => {
    await fake.close();
  });

  it('uses the credentials of the matching integrations.gitea entry', async () => {
    const pulls = createGiteaPullRequests({
      integrations: integrationsFor(fake, {
        username: 'promotion-bot',
        password: TOKEN,
      }),
      repositoryUrl: `${fake.repositoryUrl}.git`,
    });

    expect(pulls).toBeInstanceOf(GiteaPullRequests);
    const opened = await pulls.openPullRequest(request);
    expect(opened.url).toBe(`${fake.url}/acme/gitops/pulls/1`);
    expect(fake.requests.every(r => /^basic /.test(r.authorization!))).toBe(
      true,
    );
    fake.assertNoViolations();
  });

  it('passes the fetch it is given', async () => {
    const calls: string[] = [];
    const pulls = createGiteaPullRequests({
      integrations: integrationsFor(fake, {
        username: 'promotion-bot',
        password: TOKEN,
      }),
      repositoryUrl: fake.repositoryUrl,
      fetch: (input, init) => {
        calls.push(String(input));
        return fetch(input, init);
      },
    });
    await pulls.findOpenPullRequest(branch);
    expect(calls).toEqual([
      `${fake.url}/api/v1/repos/acme/gitops/pulls?state=open&page=1&limit=50`,
    ]);
  });

  it('reports wrong credentials as ServiceUnavailableError', async () => {
    const pulls = createGiteaPullRequests({
      integrations: integrationsFor(fake, {
        username: 'promotion-bot',
        password: 'wrong-password',
      }),
      repositoryUrl: fake.repositoryUrl,
    });
    const error = await pulls.findOpenPullRequest(branch).catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(/HTTP 401/);
    expect(error.message).not.toContain('wrong-password');
    expect(fake.violations).toEqual([
      expect.stringContaining('invalid username, password or token'),
    ]);
  });

  it('refuses a URL with no matching integration, naming the key', () => {
    expect(() =>
      createGiteaPullRequests({
        integrations: integrationsFor(fake),
        repositoryUrl: 'https://gitea.elsewhere.example/acme/gitops',
      }),
    ).toThrow(/integrations\.gitea/);
  });

  it('refuses an integration without credentials, naming the key', () => {
    expect(() =>
      createGiteaPullRequests({
        integrations: integrationsFor(fake, { username: 'promotion-bot' }),
        repositoryUrl: fake.repositoryUrl,
      }),
    ).toThrow(/integrations\.gitea/);
  });

  it('refuses a URL that names no repository', () => {
    expect(() =>
      createGiteaPullRequests({
        integrations: integrationsFor(fake),
        repositoryUrl: `${fake.url}/acme`,
      }),
    ).toThrow(/not a Gitea repository URL/);
  });
});

describe('parseGiteaRepositoryUrl', () => {
  it.each([
    ['https://gitea.example.com/acme/gitops', undefined],
    ['https://gitea.example.com/acme/gitops.git', undefined],
    ['https://gitea.example.com/acme/gitops/', undefined],
    ['https://example.com/gitea/acme/gitops.git', 'https://example.com/gitea'],
  ])('reads %s', (url, baseUrl) => {
    expect(parseGiteaRepositoryUrl(url, baseUrl)).toEqual({
      owner: 'acme',
      repo: 'gitops',
    });
  });

  it.each([
    'https://gitea.example.com/acme',
    'https://gitea.example.com/acme/gitops/src/branch/main',
    'not a url',
  ])('refuses %s', url => {
    expect(() => parseGiteaRepositoryUrl(url)).toThrow(/Gitea repository URL/);
  });
});
