import { ConfigReader } from '@backstage/config';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  AzureDevOpsPullRequests,
  createAzureDevOpsPullRequests,
  parseAzureDevOpsRepositoryUrl,
} from './AzureDevOpsPullRequests';
import {
  AzureDevOpsFake,
  startAzureDevOpsFake,
} from './__testUtils__/azureDevOpsFake';

const PAT = 'azdo-pat-5ecr3t-value-0123456789abcdef';
const BASIC = `Basic ${Buffer.from(`:${PAT}`).toString('base64')}`;
const branch = 'gitops-promotion/cart-staging-to-prod-eu';

function integrationsFor(
  host: string,
  credential: object = { personalAccessToken: PAT },
) {
  return ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: { azure: [{ host, credentials: [credential] }] },
    }),
  );
}

describe('AzureDevOpsPullRequests', () => {
  let fake: AzureDevOpsFake;

  beforeEach(async () => {
    fake = await startAzureDevOpsFake({ pat: PAT });
    fake.createBranch(branch);
  });

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  /** Through the factory, with the fake's URL as an Azure DevOps Server repository. */
  function pullRequests() {
    return createAzureDevOpsPullRequests({
      integrations: integrationsFor(new URL(fake.url).host),
      repositoryUrl: fake.repositoryUrl,
    });
  }

  const request = {
    branch,
    base: 'main',
    title: 'Promote cart to prod-eu',
    body: 'cart 1.0.0 → 2.0.0',
  };

  it('opens a pull request once; asking again finds the same one', async () => {
    const pulls = pullRequests();
    expect(await pulls.findOpenPullRequest(branch)).toBeUndefined();

    const opened = await pulls.openPullRequest(request);

    expect(opened).toEqual({
      number: 1,
      url: `${fake.repositoryUrl}/pullrequest/1`,
      branch,
      state: 'open',
    });
    expect(await pulls.findOpenPullRequest(branch)).toEqual(opened);
    // a repeated request (double click, another replica) gets the same PR
    expect(await pulls.openPullRequest({ ...request, body: 'again' })).toEqual(
      opened,
    );
    expect(fake.pullRequests).toHaveLength(1);

    const create = fake.requests.filter(
      r => r.operation === 'pullRequests/create',
    );
    expect(create).toHaveLength(1);
    expect(create[0].url).toBe(
      '/acme/gitops/_apis/git/repositories/deploy/pullrequests?api-version=7.1',
    );
    expect(create[0].body).toEqual({
      sourceRefName: `refs/heads/${branch}`,
      targetRefName: 'refs/heads/main',
      title: 'Promote cart to prod-eu',
      description: 'cart 1.0.0 → 2.0.0',
    });
    const list = new URL(
      fake.requests.find(r => r.operation === 'pullRequests/list')!.url,
      fake.url,
    );
    expect(list.pathname).toBe(
      '/acme/gitops/_apis/git/repositories/deploy/pullrequests',
    );
    expect(Object.fromEntries(list.searchParams)).toEqual({
      'searchCriteria.sourceRefName': `refs/heads/${branch}`,
      'searchCriteria.status': 'active',
      'api-version': '7.1',
    });
    expect(new Set(fake.requests.map(r => r.authorization))).toEqual(
      new Set([BASIC]),
    );
  });

  it('returns the pull request a concurrent open created (409 TF401179)', async () => {
    const pulls = pullRequests();
    fake.openConcurrentlyBeforeNextCreate();

    const opened = await pulls.openPullRequest(request);

    expect(opened).toEqual({
      number: 1,
      url: `${fake.repositoryUrl}/pullrequest/1`,
      branch,
      state: 'open',
    });
    expect(fake.pullRequests).toHaveLength(1);
    expect(fake.requests.map(r => `${r.operation} ${r.status}`)).toEqual([
      'pullRequests/list 200',
      'pullRequests/create 409',
      'pullRequests/list 200',
    ]);
  });

  it('reports a 409 with no active pull request to return as ConflictError', async () => {
    fake.inject({
      operation: 'pullRequests/create',
      status: 409,
      message:
        'TF401179: An active pull request for the source and target branch already exists.',
      typeKey: 'GitPullRequestExistsException',
    });

    await expect(pullRequests().openPullRequest(request)).rejects.toThrow(
      ConflictError,
    );
  });

  it('finds the active pull request of a branch among others', async () => {
    fake.createBranch('other');
    const pulls = pullRequests();
    const other = await pulls.openPullRequest({ ...request, branch: 'other' });
    const mine = await pulls.openPullRequest(request);

    expect(other.number).not.toBe(mine.number);
    expect(await pulls.findOpenPullRequest(branch)).toEqual(mine);
    expect(await pulls.findOpenPullRequest('other')).toEqual(other);
  });

  it('reads active, then completed with its merge commit', async () => {
    const pulls = pullRequests();
    const { number } = await pulls.openPullRequest(request);

    // while active, lastMergeCommit is only a test merge: no mergeCommitSha
    expect(await pulls.getPullRequest(number)).toEqual({
      number,
      url: `${fake.repositoryUrl}/pullrequest/${number}`,
      branch,
      state: 'open',
    });

    const mergeSha = fake.completePullRequest(number);

    expect(await pulls.getPullRequest(number)).toEqual({
      number,
      url: `${fake.repositoryUrl}/pullrequest/${number}`,
      branch,
      state: 'merged',
      mergeCommitSha: mergeSha,
    });
    expect(await pulls.findOpenPullRequest(branch)).toBeUndefined();
  });

  it('reads an abandoned pull request as closed, and opens a new one after it', async () => {
    const pulls = pullRequests();
    const { number } = await pulls.openPullRequest(request);
    fake.abandonPullRequest(number);

    expect(await pulls.getPullRequest(number)).toEqual({
      number,
      url: `${fake.repositoryUrl}/pullrequest/${number}`,
      branch,
      state: 'closed',
    });
    expect(await pulls.findOpenPullRequest(branch)).toBeUndefined();
    expect((await pulls.openPullRequest(request)).number).toBe(number + 1);
  });

  it('reports an unknown pull request as NotFoundError', async () => {
    await expect(pullRequests().getPullRequest(42)).rejects.toThrow(
      new NotFoundError(
        'Pull request #42 does not exist in acme/gitops/deploy',
      ),
    );
  });

  it('does not report a missing repository as a missing pull request', async () => {
    const pulls = createAzureDevOpsPullRequests({
      integrations: integrationsFor(new URL(fake.url).host),
      repositoryUrl: `${fake.apiBaseUrl}/_git/no-such-repo`,
    });

    const error = await pulls.getPullRequest(1).catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain('TF401019');
    expect(error.message).toContain('acme/gitops/no-such-repo');
  });

  it.each([
    [
      401,
      'UnauthorizedRequestException',
      /refused the plugin's credentials .*\(HTTP 401\)/,
    ],
    [
      403,
      'UnauthorizedRequestException',
      /refused the plugin's credentials .*\(HTTP 403\)/,
    ],
    [
      500,
      'InternalServerErrorException',
      /could not read pull request #1 .*\(HTTP 500.*try again later/,
    ],
    [
      503,
      'ServiceUnavailableException',
      /could not read pull request #1 .*\(HTTP 503.*try again later/,
    ],
  ])(
    'reports HTTP %i as ServiceUnavailableError without the PAT',
    async (status, typeKey, message) => {
      // a message echoing the credential must not carry it further
      fake.inject({
        status,
        typeKey,
        message: `TF400813: token ${PAT} (${BASIC}) rejected`,
      });

      const error = await pullRequests()
        .getPullRequest(1)
        .catch(e => e);

      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toMatch(message);
      expect(error.message).toContain(new URL(fake.url).host);
      expect(error.message).toContain('acme/gitops/deploy');
      expect(error.message).not.toContain(PAT);
      expect(error.message).not.toContain(BASIC.slice('Basic '.length));
    },
  );

  it('reports an exhausted rate limit (429) as ServiceUnavailableError', async () => {
    fake.inject({
      operation: 'pullRequests/list',
      status: 429,
      message:
        'TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource',
      typeKey: 'RequestBlockedException',
      headers: {
        'Retry-After': '30',
        'X-RateLimit-Resource': 'ATCPU',
        'X-RateLimit-Delay': '0.5',
        'X-RateLimit-Limit': '1000',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 30),
      },
    });

    const error = await pullRequests()
      .openPullRequest(request)
      .catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `Azure DevOps' rate limit at ${
        new URL(fake.url).host
      } for acme/gitops/deploy is exhausted (HTTP 429, ATCPU) when trying to list the active pull requests of '${branch}'; try again in 30 seconds`,
    );
    expect(fake.pullRequests).toHaveLength(0);
  });

  it("reports Azure's 203 sign-in page as refused credentials", async () => {
    fake.inject({
      status: 203,
      rawBody: {
        contentType: 'text/html; charset=utf-8',
        text: '<html><head><title>Azure DevOps Services | Sign In</title></head></html>',
      },
    });

    const error = await pullRequests()
      .getPullRequest(1)
      .catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      /refused the plugin's credentials for acme\/gitops\/deploy \(HTTP 203\) when trying to read pull request #1: it answered with a sign-in page/,
    );
  });

  it('reports a PAT the service refuses without leaking it', async () => {
    const wrong = 'wrong-pat-0123456789';
    const pulls = createAzureDevOpsPullRequests({
      integrations: integrationsFor(new URL(fake.url).host, {
        personalAccessToken: wrong,
      }),
      repositoryUrl: fake.repositoryUrl,
    });

    const error = await pulls.findOpenPullRequest(branch).catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain('(HTTP 401)');
    expect(error.message).not.toContain(wrong);
    // the fake records the unauthenticated request; expected here
    expect(fake.violations).toHaveLength(1);
    fake.violations.length = 0;
  });

  it('reports an unreachable service as ServiceUnavailableError', async () => {
    const pulls = pullRequests();
    await fake.close();

    const error = await pulls.getPullRequest(1).catch(e => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      /^Could not reach Azure DevOps at 127\.0\.0\.1:\d+ for acme\/gitops\/deploy when trying to read pull request #1: fetch failed/,
    );
  });

  it('sends a Bearer token when the credentials are a Microsoft Entra token', async () => {
    const bearerFake = await startAzureDevOpsFake({
      bearerToken: 'entra-token',
    });
    try {
      bearerFake.createBranch(branch);
      const pulls = new AzureDevOpsPullRequests({
        repository: parseAzureDevOpsRepositoryUrl(bearerFake.repositoryUrl),
        credentials: {
          getCredentials: async () => ({
            headers: { Authorization: 'Bearer entra-token' },
            token: 'entra-token',
            type: 'bearer',
          }),
        },
        credentialsUrl: bearerFake.repositoryUrl,
      });

      expect((await pulls.openPullRequest(request)).number).toBe(1);
      expect(bearerFake.requests.map(r => r.authorization)).toEqual([
        'Bearer entra-token',
        'Bearer entra-token',
      ]);
    } finally {
      await bearerFake.close();
      bearerFake.assertNoViolations();
    }
  });

  describe('createAzureDevOpsPullRequests', () => {
    it.each([
      'https://dev.azure.com/acme/gitops/_git/deploy',
      'https://acme@dev.azure.com/acme/gitops/_git/deploy',
    ])(
      'reads the PAT of integrations.azure for %s and links the web page',
      async repositoryUrl => {
        // dev.azure.com is served by the fake: only the origin is rewritten
        const pulls = createAzureDevOpsPullRequests({
          integrations: integrationsFor('dev.azure.com', {
            organizations: ['acme'],
            personalAccessToken: PAT,
          }),
          repositoryUrl,
          fetch: (input, init) =>
            fetch(
              String(input).replace('https://dev.azure.com', fake.url),
              init,
            ),
        });

        expect(await pulls.openPullRequest(request)).toEqual({
          number: 1,
          url: 'https://dev.azure.com/acme/gitops/_git/deploy/pullrequest/1',
          branch,
          state: 'open',
        });
        expect(fake.requests.every(r => r.authorization === BASIC)).toBe(true);
      },
    );

    it('refuses a repository whose host has no integrations.azure entry', () => {
      expect(() =>
        createAzureDevOpsPullRequests({
          integrations: integrationsFor('dev.azure.com'),
          repositoryUrl:
            'https://tfs.example.com/tfs/DefaultCollection/gitops/_git/deploy',
        }),
      ).toThrow(
        /No integrations\.azure entry with host 'tfs\.example\.com' for the repository DefaultCollection\/gitops\/deploy/,
      );
    });

    it('refuses a URL that is not an Azure DevOps repository', () => {
      expect(() =>
        createAzureDevOpsPullRequests({
          integrations: integrationsFor('dev.azure.com'),
          repositoryUrl: 'https://dev.azure.com/acme/gitops',
        }),
      ).toThrow(/is not an Azure DevOps repository URL/);
    });

    it('leaves the removed integrations.azure[].token to @backstage/integration, which rejects it', () => {
      expect(() =>
        ScmIntegrations.fromConfig(
          new ConfigReader({
            integrations: { azure: [{ host: 'dev.azure.com', token: PAT }] },
          }),
        ),
      ).toThrow(/'credential' and 'token' have been removed/);
    });
  });
});

describe('parseAzureDevOpsRepositoryUrl', () => {
  it.each([
    [
      'https://dev.azure.com/acme/gitops/_git/deploy',
      'https://dev.azure.com/acme/gitops',
      'https://dev.azure.com/acme/gitops/_git/deploy',
      'acme/gitops/deploy',
    ],
    [
      'https://acme@dev.azure.com/acme/gitops/_git/deploy',
      'https://dev.azure.com/acme/gitops',
      'https://dev.azure.com/acme/gitops/_git/deploy',
      'acme/gitops/deploy',
    ],
    [
      'https://dev.azure.com/acme/_git/gitops',
      'https://dev.azure.com/acme/gitops',
      'https://dev.azure.com/acme/_git/gitops',
      'acme/gitops/gitops',
    ],
    [
      'https://acme.visualstudio.com/gitops/_git/deploy',
      'https://acme.visualstudio.com/gitops',
      'https://acme.visualstudio.com/gitops/_git/deploy',
      'acme/gitops/deploy',
    ],
    [
      'https://acme.visualstudio.com/DefaultCollection/gitops/_git/deploy',
      'https://acme.visualstudio.com/DefaultCollection/gitops',
      'https://acme.visualstudio.com/DefaultCollection/gitops/_git/deploy',
      'acme/gitops/deploy',
    ],
    [
      'https://tfs.example.com/tfs/DefaultCollection/My%20Project/_git/deploy',
      'https://tfs.example.com/tfs/DefaultCollection/My%20Project',
      'https://tfs.example.com/tfs/DefaultCollection/My%20Project/_git/deploy',
      'DefaultCollection/My Project/deploy',
    ],
  ])('reads %s', (url, apiBaseUrl, webUrl, label) => {
    expect(parseAzureDevOpsRepositoryUrl(url)).toMatchObject({
      apiBaseUrl,
      webUrl,
      label,
    });
  });

  it('names no credentials from user info in its errors', () => {
    expect(() =>
      parseAzureDevOpsRepositoryUrl(`https://me:${PAT}@dev.azure.com/acme`),
    ).toThrow(/^'https:\/\/dev\.azure\.com\/acme' is not/);
  });
});
