import { ConfigReader } from '@backstage/config';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  BitbucketCloudPullRequests,
  createBitbucketCloudPullRequests,
  parseBitbucketCloudRepositoryUrl,
} from './BitbucketCloudPullRequests';
import { PullRequestProvider } from '../repository/types';
import {
  BitbucketCloudFake,
  BitbucketCloudFakeOptions,
  parseSourceBranchQuery,
} from './__testUtils__/bitbucketCloudFake';

const branch = 'gitops-promotion/cart-staging-to-prod-eu';
const username = 'promotion-bot';
const appPassword = 'ATBBs3cretAppPassw0rd';
const basic = `Basic ${Buffer.from(`${username}:${appPassword}`).toString(
  'base64',
)}`;
const repositoryUrl = 'https://bitbucket.org/acme/gitops.git';

function integrationsWith(bitbucketCloud: object[] | undefined) {
  return ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: bitbucketCloud ? { bitbucketCloud } : {},
    }),
  );
}

/** A fetch that sends what the provider addresses to api.bitbucket.org to the fake. */
function fetchTo(fake: BitbucketCloudFake): typeof fetch {
  return (input, init) =>
    fetch(
      String(input).replace('https://api.bitbucket.org/2.0', fake.apiBaseUrl),
      init,
    );
}

function providerFor(fake: BitbucketCloudFake): PullRequestProvider {
  return createBitbucketCloudPullRequests({
    integrations: integrationsWith([{ username, appPassword }]),
    repositoryUrl,
    fetch: fetchTo(fake),
  });
}

describe('BitbucketCloudPullRequests', () => {
  let fake: BitbucketCloudFake;
  let violationsChecked: boolean;

  async function start(options: Partial<BitbucketCloudFakeOptions> = {}) {
    fake = await BitbucketCloudFake.start({
      authorization: basic,
      branches: ['main', branch],
      ...options,
    });
    return fake;
  }

  beforeEach(() => {
    violationsChecked = true;
  });

  afterEach(async () => {
    await fake?.close();
    if (violationsChecked) fake?.assertNoViolations();
  });

  const request = {
    branch,
    base: 'main',
    title: 'Promote cart to prod-eu',
    body: 'cart 1.0.0 → 2.0.0',
  };

  it('opens a pull request once; asking again finds the same one', async () => {
    await start();
    const pulls = providerFor(fake);
    expect(await pulls.findOpenPullRequest(branch)).toBeUndefined();

    const opened = await pulls.openPullRequest(request);

    expect(opened).toEqual({
      number: 1,
      url: 'https://bitbucket.org/acme/gitops/pull-requests/1',
      branch,
      state: 'open',
    });
    expect(await pulls.findOpenPullRequest(branch)).toEqual(opened);
    // a repeated request (double click, another replica) gets the same PR, untouched
    expect(await pulls.openPullRequest({ ...request, body: 'again' })).toEqual(
      opened,
    );
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0]).toMatchObject({
      title: request.title,
      description: request.body,
      source: branch,
      destination: 'main',
    });

    const posts = fake.requests.filter(r => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0].path).toBe('/2.0/repositories/acme/gitops/pullrequests');
    expect(posts[0].body).toEqual({
      title: request.title,
      description: request.body,
      source: { branch: { name: branch } },
      destination: { branch: { name: 'main' } },
    });
    const list = fake.requests.find(r => r.method === 'GET')!;
    expect(list.path).toBe('/2.0/repositories/acme/gitops/pullrequests');
    expect(list.query.get('state')).toBe('OPEN');
    expect(list.query.get('q')).toBe(`source.branch.name = "${branch}"`);
    expect(fake.requests.every(r => r.authenticated)).toBe(true);
  });

  it.each(['return-existing', 'reject'] as const)(
    'returns the pull request a concurrent open created (create answers %s)',
    async duplicateCreate => {
      await start({ duplicateCreate });
      const pulls = providerFor(fake);
      fake.raceNextCreate();

      const opened = await pulls.openPullRequest(request);

      expect(opened).toEqual({
        number: 1,
        url: fake.htmlUrl(1),
        branch,
        state: 'open',
      });
      expect(fake.pulls).toHaveLength(1);
      // answering with the open one, Bitbucket also takes the new title
      expect(fake.pulls[0].title).toBe(
        duplicateCreate === 'reject' ? 'Opened concurrently' : request.title,
      );
    },
  );

  it('reports a refused create that no open pull request explains', async () => {
    await start();
    const pulls = providerFor(fake);

    await expect(
      pulls.openPullRequest({ ...request, branch: 'no-such-branch' }),
    ).rejects.toThrow(
      new ServiceUnavailableError(
        "Bitbucket Cloud could not open a pull request from 'no-such-branch' to 'main' for acme/gitops (HTTP 400: source: branch not found: no-such-branch)",
      ),
    );
  });

  it("finds the open pull request of a branch, not a fork's or a closed one", async () => {
    await start({ pageSize: 1 });
    fake.addPullRequest({ source: 'other-branch' });
    const declined = fake.addPullRequest({ source: branch });
    fake.declinePullRequest(declined.id);
    fake.addPullRequest({ source: branch, sourceRepository: 'mallory/gitops' });
    const ours = fake.addPullRequest({ source: branch });
    // next links point at the fake itself, so talk to it directly
    const pulls = new BitbucketCloudPullRequests({
      apiBaseUrl: fake.apiBaseUrl,
      workspace: 'acme',
      repoSlug: 'gitops',
      authHeaders: async () => ({ Authorization: basic }),
    });

    expect(await pulls.findOpenPullRequest(branch)).toEqual({
      number: ours.id,
      url: fake.htmlUrl(ours.id),
      branch,
      state: 'open',
    });
    // the fork's PR was page 1, ours page 2
    expect(fake.requests.map(r => r.query.get('page') ?? '1')).toEqual([
      '1',
      '2',
    ]);
    expect(await pulls.findOpenPullRequest('unknown')).toBeUndefined();
  });

  it('escapes quotes in the BBQL branch literal', async () => {
    const odd = 'promote/"cart"';
    await start({ branches: ['main', odd] });
    const pulls = providerFor(fake);

    const opened = await pulls.openPullRequest({ ...request, branch: odd });

    expect(await pulls.findOpenPullRequest(odd)).toEqual(opened);
    const q = fake.requests.find(r => r.method === 'GET')!.query.get('q')!;
    expect(q).toBe('source.branch.name = "promote/\\"cart\\""');
    expect(parseSourceBranchQuery(q)).toBe(odd);
  });

  it('reads open, then merged with the full merge commit, and declined or superseded as closed', async () => {
    await start();
    const pulls = providerFor(fake);
    const { number } = await pulls.openPullRequest(request);
    expect((await pulls.getPullRequest(number)).state).toBe('open');

    const mergeSha = fake.mergePullRequest(number);

    expect(await pulls.getPullRequest(number)).toEqual({
      number,
      url: fake.htmlUrl(number),
      branch,
      state: 'merged',
      mergeCommitSha: mergeSha,
    });
    expect(mergeSha).toMatch(/^[0-9a-f]{40}$/);
    expect(
      fake.requests.filter(r => r.path.includes('/commit/')).map(r => r.path),
    ).toEqual([
      `/2.0/repositories/acme/gitops/commit/${mergeSha.slice(0, 12)}`,
    ]);
    expect(await pulls.findOpenPullRequest(branch)).toBeUndefined();

    const declined = fake.addPullRequest({ source: branch });
    fake.declinePullRequest(declined.id);
    expect(await pulls.getPullRequest(declined.id)).toEqual({
      number: declined.id,
      url: fake.htmlUrl(declined.id),
      branch,
      state: 'closed',
    });
    const superseded = fake.addPullRequest({
      source: branch,
      state: 'SUPERSEDED',
    });
    expect((await pulls.getPullRequest(superseded.id)).state).toBe('closed');
  });

  it('reports an unknown pull request as NotFoundError', async () => {
    await start();
    const pulls = providerFor(fake);

    await expect(pulls.getPullRequest(42)).rejects.toThrow(
      new NotFoundError('Pull request #42 does not exist in acme/gitops'),
    );
  });

  it.each([
    [401, /refused the plugin's credentials for acme\/gitops \(HTTP 401\)/],
    [403, /refused the plugin's credentials for acme\/gitops \(HTTP 403\)/],
    [429, /rate limit for acme\/gitops is exhausted \(HTTP 429\)/],
    [
      500,
      /could not read pull request #1 for acme\/gitops \(HTTP 500.*try again later/,
    ],
    [
      503,
      /could not read pull request #1 for acme\/gitops \(HTTP 503.*try again later/,
    ],
  ])('turns HTTP %i into ServiceUnavailableError', async (status, message) => {
    await start();
    const pulls = providerFor(fake);
    const { number } = await pulls.openPullRequest(request);
    fake.failNext({ method: 'GET', path: /\/pullrequests\/1$/ }, status);

    const error = await pulls.getPullRequest(number).catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(/^Bitbucket Cloud/);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('read pull request #1');
  });

  it('turns failures of listing and opening into ServiceUnavailableError naming the action', async () => {
    await start();
    const pulls = providerFor(fake);
    fake.failNext({ method: 'GET' }, 403);
    await expect(pulls.findOpenPullRequest(branch)).rejects.toThrow(
      new ServiceUnavailableError(
        `Bitbucket Cloud refused the plugin's credentials for acme/gitops (HTTP 403) when trying to list the open pull requests of '${branch}': Your credentials lack one or more required privilege scopes.; check integrations.bitbucketCloud`,
      ),
    );
    fake.failNext({ method: 'POST' }, 429, undefined, { 'Retry-After': '30' });
    await expect(pulls.openPullRequest(request)).rejects.toThrow(
      new ServiceUnavailableError(
        `Bitbucket Cloud's rate limit for acme/gitops is exhausted (HTTP 429) when trying to open a pull request from '${branch}' to 'main'; try again in 30 seconds`,
      ),
    );
  });

  it('turns HTTP 409 into ConflictError', async () => {
    await start();
    const pulls = providerFor(fake);
    fake.failNext({ method: 'POST' }, 409, 'Conflicting update');

    await expect(pulls.openPullRequest(request)).rejects.toThrow(ConflictError);
  });

  it('turns a network failure into ServiceUnavailableError', async () => {
    await start();
    const pulls = providerFor(fake);
    await fake.close();

    const error = await pulls.getPullRequest(1).catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      /^Could not reach Bitbucket Cloud for acme\/gitops when trying to read pull request #1: fetch failed/,
    );
    fake = await start(); // for afterEach
  });

  it('never puts the app password or token in an error message', async () => {
    await start();
    const pulls = providerFor(fake);
    const echoes = `bad credentials ${username}:${appPassword} (${basic}) https://${username}:${appPassword}@bitbucket.org`;
    const messages: string[] = [];
    for (const status of [400, 401, 403, 404, 409, 429, 500]) {
      fake.failNext({}, status, echoes);
      messages.push(
        (await pulls.openPullRequest(request).catch(e => e)).message,
      );
      fake.failNext({}, status, echoes);
      messages.push((await pulls.getPullRequest(7).catch(e => e)).message);
    }
    const base64 = basic.slice('Basic '.length);
    for (const message of messages) {
      expect(message).not.toContain(appPassword);
      expect(message).not.toContain(base64);
    }

    // a token alone (access token, Bearer)
    const token = 'ATCTT3xFfGN0tokenvalue';
    await fake.close();
    fake = await start({ authorization: `Bearer ${token}` });
    const withToken = createBitbucketCloudPullRequests({
      integrations: integrationsWith([{ token }]),
      repositoryUrl,
      fetch: fetchTo(fake),
    });
    fake.failNext({}, 401, `token ${token} rejected, was ${token}`);
    const error = await withToken.getPullRequest(1).catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).not.toContain(token);
  });

  it('refuses requests the fake does not know, and records them', async () => {
    await start();
    violationsChecked = false;
    const wrong = new BitbucketCloudPullRequests({
      apiBaseUrl: fake.apiBaseUrl,
      workspace: 'acme',
      repoSlug: 'gitops',
      authHeaders: async () => ({ Authorization: 'Basic d3Jvbmc6d3Jvbmc=' }),
    });

    await expect(wrong.getPullRequest(1)).rejects.toThrow(
      ServiceUnavailableError,
    );
    expect(fake.violations).toEqual([
      expect.stringContaining('unexpected Authorization header'),
    ]);
  });
  it('answers unknown queries and paths with the error shape, as violations', async () => {
    await start();
    violationsChecked = false;
    const get = (path: string) =>
      fetch(`${fake.apiBaseUrl}${path}`, { headers: { Authorization: basic } });

    const badQuery = await get(
      `/repositories/acme/gitops/pullrequests?q=${encodeURIComponent(
        'state = "OPEN"',
      )}`,
    );
    expect(badQuery.status).toBe(400);
    expect(await badQuery.json()).toEqual({
      type: 'error',
      error: { message: 'Invalid query: state = "OPEN"' },
    });
    const unknownPath = await get(
      '/repositories/acme/gitops/pullrequests/1/merge',
    );
    expect(unknownPath.status).toBe(404);
    expect(await unknownPath.json()).toMatchObject({
      type: 'error',
      error: { message: 'Resource not found' },
    });
    const otherRepository = await get(
      '/repositories/acme/other/pullrequests/1',
    );
    expect(otherRepository.status).toBe(404);
    expect(fake.violations).toEqual([
      expect.stringContaining('BBQL the fake does not know'),
      expect.stringContaining('unknown operation'),
    ]);
    expect(() => fake.assertNoViolations()).toThrow(
      /outside the documented contract/,
    );
  });
});

describe('createBitbucketCloudPullRequests', () => {
  let fake: BitbucketCloudFake | undefined;

  afterEach(async () => {
    await fake?.close();
    fake?.assertNoViolations();
    fake = undefined;
  });

  it.each([
    ['username and appPassword', { username, appPassword }, basic],
    [
      'username and token',
      { username: 'bot@example.com', token: 'ATATT3xtoken' },
      `Basic ${Buffer.from('bot@example.com:ATATT3xtoken').toString('base64')}`,
    ],
    ['a token alone', { token: 'ATCTT3xaccess' }, 'Bearer ATCTT3xaccess'],
  ])(
    'authenticates with the integrations.bitbucketCloud entry (%s)',
    async (_, entry, authorization) => {
      fake = await BitbucketCloudFake.start({ authorization });
      const pulls = createBitbucketCloudPullRequests({
        integrations: integrationsWith([entry]),
        repositoryUrl: 'https://someone@bitbucket.org/acme/gitops.git',
        fetch: fetchTo(fake),
      });

      expect(await pulls.findOpenPullRequest(branch)).toBeUndefined();
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0].authenticated).toBe(true);
    },
  );

  it('refuses a repository whose host has no integrations.bitbucketCloud entry', () => {
    expect(() =>
      createBitbucketCloudPullRequests({
        integrations: integrationsWith([{ username, appPassword }]),
        repositoryUrl: 'https://git.example.com/acme/gitops.git',
      }),
    ).toThrow(/No integrations\.bitbucketCloud entry matches .*acme\/gitops/);
  });

  it('refuses an integration without credentials, naming the key', () => {
    expect(() =>
      createBitbucketCloudPullRequests({
        integrations: integrationsWith(undefined),
        repositoryUrl,
      }),
    ).toThrow(
      /integrations\.bitbucketCloud entry for bitbucket\.org has no credentials/,
    );
  });

  it('parses the repository URL forms', () => {
    for (const url of [
      'https://bitbucket.org/acme/gitops',
      'https://bitbucket.org/acme/gitops.git',
      'https://bitbucket.org/acme/gitops/',
      'https://someone@bitbucket.org/acme/gitops.git',
    ]) {
      expect(parseBitbucketCloudRepositoryUrl(url)).toEqual({
        workspace: 'acme',
        repoSlug: 'gitops',
      });
    }
    let error: Error | undefined;
    try {
      parseBitbucketCloudRepositoryUrl(
        `https://someone:${appPassword}@bitbucket.org/acme`,
      );
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/not a Bitbucket Cloud repository URL/);
    expect(error?.message).not.toContain(appPassword);
  });
});
