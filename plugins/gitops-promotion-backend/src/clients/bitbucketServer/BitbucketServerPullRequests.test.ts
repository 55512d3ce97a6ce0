import { ConfigReader } from '@backstage/config';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { BitbucketServerFake } from './__testUtils__/bitbucketServerFake';
import {
  BitbucketServerPullRequests,
  createBitbucketServerPullRequests,
  parseBitbucketServerRepositoryUrl,
} from './BitbucketServerPullRequests';

const TOKEN = 'BBDC-s3cr3tT0kenValue1234567890';
const branch = 'gitops-promotion/cart-staging-to-prod-eu';

function integrationsFor(fake: BitbucketServerFake, entry: object) {
  return ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        bitbucketServer: [
          { host: fake.host, apiBaseUrl: fake.apiBaseUrl, ...entry },
        ],
      },
    }),
  );
}

describe('BitbucketServerPullRequests', () => {
  let fake: BitbucketServerFake;
  let pulls: ReturnType<typeof createBitbucketServerPullRequests>;

  beforeEach(async () => {
    fake = await BitbucketServerFake.start({ token: TOKEN, pageSize: 2 });
    pulls = createBitbucketServerPullRequests({
      integrations: integrationsFor(fake, { token: TOKEN }),
      repositoryUrl: fake.cloneUrl,
    });
  });

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  const open = (body = 'cart 1.0.0 → 2.0.0') =>
    pulls.openPullRequest({
      branch,
      base: 'main',
      title: 'Promote cart to prod-eu',
      body,
    });

  it('opens a pull request once; asking again finds the same one', async () => {
    expect(await pulls.findOpenPullRequest(branch)).toBeUndefined();

    const opened = await open();

    expect(opened).toEqual({
      number: 1,
      url: fake.pullRequestUrl(1),
      branch,
      state: 'open',
    });
    expect(await pulls.findOpenPullRequest(branch)).toEqual(opened);
    // a repeated request (double click, another replica) gets the same PR
    expect(await open('again')).toEqual(opened);
    expect(fake.pullRequests).toHaveLength(1);

    const create = fake.requests.find(r => r.operation === 'create')!;
    expect(create.url).toBe(
      '/rest/api/1.0/projects/OPS/repos/gitops/pull-requests',
    );
    expect(create.body).toEqual({
      title: 'Promote cart to prod-eu',
      description: 'cart 1.0.0 → 2.0.0',
      fromRef: {
        id: `refs/heads/${branch}`,
        repository: { slug: 'gitops', project: { key: 'OPS' } },
      },
      toRef: {
        id: 'refs/heads/main',
        repository: { slug: 'gitops', project: { key: 'OPS' } },
      },
    });
    expect(
      fake.requests.filter(r => r.operation === 'list').map(r => r.url),
    ).toContain(
      `/rest/api/1.0/projects/OPS/repos/gitops/pull-requests?state=OPEN&direction=OUTGOING&at=${encodeURIComponent(
        `refs/heads/${branch}`,
      )}`,
    );
    expect(
      fake.requests.every(r => r.authorization === `Bearer ${TOKEN}`),
    ).toBe(true);
  });

  it('returns the pull request a concurrent open created (409 duplicate)', async () => {
    const other = fake.createPullRequest({ branch, base: 'main', title: 'x' });

    expect(await open()).toEqual({
      number: other.id,
      url: fake.pullRequestUrl(other.id),
      branch,
      state: 'open',
    });
    expect(fake.requests.map(r => [r.operation, r.status])).toEqual([
      ['create', 409],
    ]);
    expect(fake.pullRequests).toHaveLength(1);
  });

  it('finds the existing pull request when the 409 does not name it', async () => {
    await fake.close();
    fake = await BitbucketServerFake.start({
      token: TOKEN,
      omitExistingPullRequest: true,
    });
    pulls = createBitbucketServerPullRequests({
      integrations: integrationsFor(fake, { token: TOKEN }),
      repositoryUrl: fake.cloneUrl,
    });
    const other = fake.createPullRequest({ branch, base: 'main', title: 'x' });

    expect((await open()).number).toBe(other.id);
    expect(fake.requests.map(r => [r.operation, r.status])).toEqual([
      ['create', 409],
      ['list', 200],
    ]);
  });

  it('finds the open pull request of a branch', async () => {
    const mine = fake.createPullRequest({ branch, base: 'main', title: 'a' });
    for (let i = 0; i < 5; i++) {
      fake.createPullRequest({
        branch: `other-${i}`,
        base: 'main',
        title: 'b',
      });
    }
    // a declined one of the same branch is not open
    fake.declinePullRequest(
      fake.createPullRequest({ branch, base: 'release', title: 'c' }).id,
    );

    expect(await pulls.findOpenPullRequest(branch)).toEqual({
      number: mine.id,
      url: fake.pullRequestUrl(mine.id),
      branch,
      state: 'open',
    });
    expect(await pulls.findOpenPullRequest('nope')).toBeUndefined();
  });

  it('reads open, then merged with its merge commit', async () => {
    const { number } = await open();
    expect((await pulls.getPullRequest(number)).state).toBe('open');

    const mergeSha = fake.mergePullRequest(number);

    expect(await pulls.getPullRequest(number)).toEqual({
      number,
      url: fake.pullRequestUrl(number),
      branch,
      state: 'merged',
      mergeCommitSha: mergeSha,
    });
    expect(await pulls.findOpenPullRequest(branch)).toBeUndefined();
  });

  it('reads a merged pull request without a recorded merge commit', async () => {
    const { number } = await open();
    fake.mergePullRequest(number, { recordMergeCommit: false });

    const read = await pulls.getPullRequest(number);
    expect(read.state).toBe('merged');
    expect(read.mergeCommitSha).toBeUndefined();
  });

  it('reads a declined pull request as closed', async () => {
    const { number } = await open();
    fake.declinePullRequest(number);

    expect(await pulls.getPullRequest(number)).toEqual({
      number,
      url: fake.pullRequestUrl(number),
      branch,
      state: 'closed',
    });
  });

  it('reports an unknown pull request as NotFoundError', async () => {
    await expect(pulls.getPullRequest(42)).rejects.toThrow(
      new NotFoundError(
        `Pull request #42 does not exist in OPS/gitops on ${fake.host}`,
      ),
    );
  });

  it.each([
    [
      401,
      /refused the plugin's credentials for OPS\/gitops on .* \(HTTP 401\) when trying to read pull request #1/,
    ],
    [
      403,
      /refused the plugin's credentials for OPS\/gitops on .* \(HTTP 403\) when trying to read pull request #1/,
    ],
    [
      429,
      /rate limit for OPS\/gitops on .* is exhausted \(HTTP 429\) when trying to read pull request #1; try again in 7 seconds/,
    ],
    [
      500,
      /could not read pull request #1 for OPS\/gitops on .* \(HTTP 500: .*\); try again later/,
    ],
    [
      503,
      /could not read pull request #1 for OPS\/gitops on .* \(HTTP 503: .*\); try again later/,
    ],
  ])('maps HTTP %i to ServiceUnavailableError', async (status, message) => {
    await open();
    fake.fail({ operation: 'get', status });

    const error = await pulls.getPullRequest(1).catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(TOKEN);
  });

  it('maps failures of listing and opening too', async () => {
    fake.fail({ operation: 'list', status: 429 });
    await expect(pulls.findOpenPullRequest(branch)).rejects.toThrow(
      ServiceUnavailableError,
    );
    fake.fail({ operation: 'create', status: 403 });
    await expect(open()).rejects.toThrow(
      /refused the plugin's credentials for OPS\/gitops on .* \(HTTP 403\) when trying to open a pull request from 'gitops-promotion\/cart-staging-to-prod-eu' to 'main'/,
    );
  });

  it('maps a 409 that is not a duplicate to ConflictError', async () => {
    fake.fail({ operation: 'create', status: 409 });
    const error = await open().catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain('there are no changes');
  });

  it('maps a 404 without a known subject (list) to ServiceUnavailableError', async () => {
    fake.fail({ operation: 'list', status: 404 });
    await expect(pulls.findOpenPullRequest(branch)).rejects.toThrow(
      ServiceUnavailableError,
    );
  });

  it('never puts the credentials in a message, even when Bitbucket echoes them', async () => {
    fake.fail({
      status: 500,
      message: `Bad header Authorization: Bearer ${TOKEN} (token ${TOKEN})`,
    });
    const error = await pulls.getPullRequest(1).catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('***');
  });

  it('maps a network failure to ServiceUnavailableError', async () => {
    await fake.close();
    const error = await pulls.getPullRequest(1).catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      /Could not reach Bitbucket for OPS\/gitops on .* when trying to read pull request #1: fetch failed \(ECONNREFUSED\)/,
    );
    // reopen so afterEach can close
    fake = await BitbucketServerFake.start({ token: TOKEN });
  });

  it('sends wrong credentials only in the header, and reports the refusal', async () => {
    const wrong = 'wrong-token-0123456789';
    const bad = createBitbucketServerPullRequests({
      integrations: integrationsFor(fake, { token: wrong }),
      repositoryUrl: fake.cloneUrl,
    });
    const error = await bad.getPullRequest(1).catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain(wrong);
    expect(fake.requests[0].url).not.toContain(wrong);
    // the fake records requests without the expected auth
    expect(fake.violations).toHaveLength(1);
    fake.violations.length = 0;
  });

  it('sends Basic credentials from username and password', async () => {
    await fake.close();
    fake = await BitbucketServerFake.start({
      username: 'gitops-bot',
      password: 'p4ssw0rd-secret',
    });
    pulls = createBitbucketServerPullRequests({
      integrations: integrationsFor(fake, {
        username: 'gitops-bot',
        password: 'p4ssw0rd-secret',
      }),
      repositoryUrl: `${fake.url}/projects/ops/repos/gitops/browse`,
    });

    expect((await open()).number).toBe(1);
    fake.fail({ status: 500, message: 'echo p4ssw0rd-secret' });
    const error = await pulls.getPullRequest(1).catch(e => e);
    expect(error.message).not.toContain('p4ssw0rd-secret');
  });
});

describe('createBitbucketServerPullRequests', () => {
  const integrations = (entries: object[]) =>
    ScmIntegrations.fromConfig(
      new ConfigReader({ integrations: { bitbucketServer: entries } }),
    );

  it('refuses a URL with no matching integrations.bitbucketServer entry', () => {
    expect(() =>
      createBitbucketServerPullRequests({
        integrations: integrations([
          { host: 'bitbucket.example.com', token: TOKEN },
        ]),
        repositoryUrl: 'https://other.example.com/scm/OPS/gitops.git',
      }),
    ).toThrow(/integrations\.bitbucketServer.*'other\.example\.com'/);
  });

  it('refuses an entry without credentials', () => {
    expect(() =>
      createBitbucketServerPullRequests({
        integrations: integrations([{ host: 'bitbucket.example.com' }]),
        repositoryUrl: 'https://bitbucket.example.com/scm/OPS/gitops.git',
      }),
    ).toThrow(
      /integrations\.bitbucketServer entry for host 'bitbucket\.example\.com' has no credentials/,
    );
  });

  it('refuses a URL that does not name a repository, without its credentials', () => {
    expect(() =>
      createBitbucketServerPullRequests({
        integrations: integrations([
          { host: 'bitbucket.example.com', token: TOKEN },
        ]),
        repositoryUrl: 'https://bot:secret@bitbucket.example.com/dashboard',
      }),
    ).toThrow(/^(?!.*secret).*not a Bitbucket repository URL/);
  });

  it('uses the default API base URL of the entry', async () => {
    const calls: string[] = [];
    const fetchStub = (async (url: string, init: RequestInit) => {
      calls.push(`${init.method} ${url}`);
      expect((init.headers as Record<string, string>).Authorization).toBe(
        `Bearer ${TOKEN}`,
      );
      return new Response(
        JSON.stringify({
          size: 0,
          limit: 25,
          isLastPage: true,
          values: [],
          start: 0,
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    }) as unknown as typeof fetch;
    const pulls = createBitbucketServerPullRequests({
      integrations: integrations([
        { host: 'bitbucket.example.com', token: TOKEN },
      ]),
      repositoryUrl: 'https://bitbucket.example.com/scm/ops/gitops.git',
      fetch: fetchStub,
    });
    expect(pulls).toBeInstanceOf(BitbucketServerPullRequests);
    expect(JSON.stringify(pulls)).not.toContain(TOKEN);

    await pulls.findOpenPullRequest('feature');
    expect(calls).toEqual([
      'GET https://bitbucket.example.com/rest/api/1.0/projects/OPS/repos/gitops/pull-requests?state=OPEN&direction=OUTGOING&at=refs%2Fheads%2Ffeature',
    ]);
  });
});

describe('BitbucketServerPullRequests paging', () => {
  it('follows nextPageStart until the branch is found', async () => {
    const urls: string[] = [];
    const pr = (id: number, displayId: string) => ({
      id,
      state: 'OPEN',
      fromRef: { id: `refs/heads/${displayId}`, displayId },
      links: { self: [{ href: `https://bb.example.com/pr/${id}` }] },
    });
    const pages = [
      { values: [pr(9, 'x')], isLastPage: false, nextPageStart: 5, start: 0 },
      { values: [pr(3, 'feature')], isLastPage: true, start: 5 },
    ];
    const fetchStub = (async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify(pages[urls.length - 1]), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }) as unknown as typeof fetch;
    const pulls = new BitbucketServerPullRequests({
      host: 'bb.example.com',
      apiBaseUrl: 'https://bb.example.com/rest/api/1.0',
      projectKey: 'OPS',
      repositorySlug: 'gitops',
      authorization: `Bearer ${TOKEN}`,
      fetch: fetchStub,
    });

    expect(await pulls.findOpenPullRequest('feature')).toEqual({
      number: 3,
      url: 'https://bb.example.com/pr/3',
      branch: 'feature',
      state: 'open',
    });
    expect(urls[1]).toMatch(/&start=5$/);
  });
});

describe('parseBitbucketServerRepositoryUrl', () => {
  it.each([
    ['https://bb.example.com/scm/ops/gitops.git', 'OPS', 'gitops'],
    ['https://bb.example.com/bitbucket/scm/OPS/gitops.git', 'OPS', 'gitops'],
    ['https://bb.example.com/scm/~alice/gitops.git', '~alice', 'gitops'],
    [
      'https://bb.example.com/projects/ops/repos/gitops/browse',
      'OPS',
      'gitops',
    ],
    ['https://bb.example.com/projects/OPS/repos/gitops', 'OPS', 'gitops'],
    [
      'https://bb.example.com/users/alice/repos/gitops/browse',
      '~alice',
      'gitops',
    ],
  ])('reads %s', (url, projectKey, repositorySlug) => {
    expect(parseBitbucketServerRepositoryUrl(url)).toEqual({
      host: 'bb.example.com',
      projectKey,
      repositorySlug,
    });
  });

  it('refuses ssh URLs', () => {
    expect(() =>
      parseBitbucketServerRepositoryUrl(
        'ssh://git@bb.example.com:7999/ops/gitops.git',
      ),
    ).toThrow(/Only http\(s\)/);
  });
});
