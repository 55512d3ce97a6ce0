import { ConfigReader } from '@backstage/config';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  GitlabMergeRequests,
  createGitlabMergeRequests,
  parseGitlabProjectPath,
} from './GitlabMergeRequests';
import { GitlabFake, startGitlabFake } from './__testUtils__/gitlabFake';

const branch = 'gitops-promotion/cart-staging-to-prod-eu';
const project = 'acme%2Fplatform%2Fgitops';

function providerFor(fake: GitlabFake, token = fake.token) {
  return new GitlabMergeRequests({
    apiBaseUrl: fake.apiBaseUrl,
    token,
    projectPath: fake.projectPath,
  });
}

function integrationsFor(entries: object[]) {
  return ScmIntegrations.fromConfig(
    new ConfigReader({ integrations: { gitlab: entries } }),
  );
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('GitlabMergeRequests', () => {
  let fake: GitlabFake;

  beforeEach(async () => {
    fake = await startGitlabFake();
  });

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  it('opens a merge request once; asking again finds the same one', async () => {
    const mrs = providerFor(fake);
    expect(await mrs.findOpenPullRequest(branch)).toBeUndefined();

    const opened = await mrs.openPullRequest({
      branch,
      base: 'main',
      title: 'Promote cart to prod-eu',
      body: 'cart 1.0.0 → 2.0.0',
    });

    expect(opened).toEqual({
      number: 1,
      url: `${fake.url}/acme/platform/gitops/-/merge_requests/1`,
      branch,
      state: 'open',
      mergeCommitSha: undefined,
    });
    expect(await mrs.findOpenPullRequest(branch)).toEqual(opened);
    // a repeated request (double click, another replica) gets the same MR
    expect(
      await mrs.openPullRequest({
        branch,
        base: 'main',
        title: 'Promote cart to prod-eu',
        body: 'again',
      }),
    ).toEqual(opened);
    expect(fake.mergeRequests).toHaveLength(1);

    // the documented calls, the project id URL-encoded, the token in a header
    const create = fake.requests.find(r => r.operation === 'create')!;
    expect(create).toMatchObject({
      method: 'POST',
      url: `/api/v4/projects/${project}/merge_requests`,
      auth: 'private-token',
      body: {
        source_branch: branch,
        target_branch: 'main',
        title: 'Promote cart to prod-eu',
        description: 'cart 1.0.0 → 2.0.0',
      },
      status: 201,
    });
    expect(
      fake.requests.filter(r => r.operation === 'list').map(r => r.url),
    ).toContain(
      `/api/v4/projects/${project}/merge_requests?state=opened&source_branch=${encodeURIComponent(
        branch,
      )}&per_page=20`,
    );
    expect(fake.requests.map(r => r.status)).toEqual([200, 201, 200, 409, 200]);
  });

  it('returns the merge request a concurrent open created (create answers 409)', async () => {
    const mrs = providerFor(fake);
    const request = { branch, base: 'main', title: 'Promote', body: '' };

    const [first, second] = await Promise.all([
      mrs.openPullRequest(request),
      mrs.openPullRequest(request),
    ]);

    expect(first).toEqual(second);
    expect(fake.mergeRequests).toHaveLength(1);
    expect(
      fake.requests.filter(r => r.operation === 'create').map(r => r.status),
    ).toEqual(expect.arrayContaining([201, 409]));
  });

  it('returns the merge request another replica opened before our create', async () => {
    const mrs = providerFor(fake);
    expect(await mrs.findOpenPullRequest(branch)).toBeUndefined();
    const theirs = fake.addMergeRequest({ source_branch: branch });

    const opened = await mrs.openPullRequest({
      branch,
      base: 'main',
      title: 'Promote',
      body: '',
    });

    expect(opened).toMatchObject({ number: theirs.iid, state: 'open', branch });
    expect(fake.mergeRequests).toHaveLength(1);
  });

  it('reports a real 409 (source and target the same) as ConflictError', async () => {
    const error = await failureOf(
      providerFor(fake).openPullRequest({
        branch: 'main',
        base: 'main',
        title: 'x',
        body: '',
      }),
    );

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/same project\/branch for source and target/);
  });

  it('finds the open merge request by branch, not one from a fork or another branch', async () => {
    fake.addMergeRequest({ source_branch: branch, fromFork: true });
    fake.addMergeRequest({ source_branch: 'gitops-promotion/other' });
    const mrs = providerFor(fake);
    expect(await mrs.findOpenPullRequest(branch)).toBeUndefined();

    const ours = fake.addMergeRequest({ source_branch: branch });
    expect(await mrs.findOpenPullRequest(branch)).toEqual({
      number: ours.iid,
      url: fake.webUrl(ours.iid),
      branch,
      state: 'open',
      mergeCommitSha: undefined,
    });
  });

  it('reads open, then merged with the merge commit', async () => {
    const mrs = providerFor(fake);
    const { number } = await mrs.openPullRequest({
      branch,
      base: 'main',
      title: 'Promote cart',
      body: '',
    });
    expect(await mrs.getPullRequest(number)).toMatchObject({ state: 'open' });

    const mergeSha = fake.mergeMergeRequest(number);

    expect(await mrs.getPullRequest(number)).toEqual({
      number,
      url: fake.webUrl(number),
      branch,
      state: 'merged',
      mergeCommitSha: mergeSha,
    });
    expect(await mrs.findOpenPullRequest(branch)).toBeUndefined();
    expect(
      fake.requests.filter(r => r.operation === 'get').map(r => r.url),
    ).toEqual([
      `/api/v4/projects/${project}/merge_requests/1`,
      `/api/v4/projects/${project}/merge_requests/1`,
    ]);
  });

  it('reads the commit a squash or fast-forward merge put on the target', async () => {
    const squashed = fake.addMergeRequest({ source_branch: 'a' });
    const squashSha = fake.mergeMergeRequest(squashed.iid, 'squash-ff');
    const forwarded = fake.addMergeRequest({ source_branch: 'b' });
    const headSha = fake.mergeMergeRequest(forwarded.iid, 'ff');
    const mrs = providerFor(fake);

    expect(await mrs.getPullRequest(squashed.iid)).toMatchObject({
      state: 'merged',
      mergeCommitSha: squashSha,
    });
    expect(await mrs.getPullRequest(forwarded.iid)).toMatchObject({
      state: 'merged',
      mergeCommitSha: headSha,
    });
  });

  it('reads a merge request closed without merging', async () => {
    const mr = fake.addMergeRequest({ source_branch: branch });
    fake.closeMergeRequest(mr.iid);

    expect(await providerFor(fake).getPullRequest(mr.iid)).toEqual({
      number: mr.iid,
      url: fake.webUrl(mr.iid),
      branch,
      state: 'closed',
      mergeCommitSha: undefined,
    });
    expect(await providerFor(fake).findOpenPullRequest(branch)).toBeUndefined();
  });

  it('reports an unknown merge request as NotFoundError', async () => {
    const error = await failureOf(providerFor(fake).getPullRequest(42));

    expect(error).toEqual(
      new NotFoundError(
        `Merge request !42 does not exist in acme/platform/gitops on ${fake.host}`,
      ),
    );
  });

  it('reports an unknown project as ServiceUnavailableError, not a missing merge request', async () => {
    const mrs = new GitlabMergeRequests({
      apiBaseUrl: fake.apiBaseUrl,
      token: fake.token,
      projectPath: 'acme/elsewhere',
    });

    const error = await failureOf(mrs.getPullRequest(1));

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(/404 Project Not Found/);
  });

  describe.each([
    [
      'findOpenPullRequest',
      'list',
      (m: GitlabMergeRequests) => m.findOpenPullRequest(branch),
    ],
    [
      'openPullRequest',
      'create',
      (m: GitlabMergeRequests) =>
        m.openPullRequest({ branch, base: 'main', title: 't', body: '' }),
    ],
    ['getPullRequest', 'get', (m: GitlabMergeRequests) => m.getPullRequest(1)],
  ] as const)('%s', (_name, operation, call) => {
    beforeEach(() => {
      fake.addMergeRequest({ source_branch: 'existing' });
    });

    it.each([401, 403])(
      'turns GitLab %i into ServiceUnavailableError naming host, project and action',
      async status => {
        fake.fail({ operation, status });

        const error = await failureOf(call(providerFor(fake)));

        expect(error).toBeInstanceOf(ServiceUnavailableError);
        expect(error.message).toContain(fake.host);
        expect(error.message).toContain('acme/platform/gitops');
        expect(error.message).toContain(`HTTP ${status}`);
        expect(error.message).toMatch(/when trying to (list|open|read)/);
      },
    );

    it('turns a 429 into ServiceUnavailableError saying the rate limit is exhausted', async () => {
      fake.fail({ operation, status: 429 });

      const error = await failureOf(call(providerFor(fake)));

      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toMatch(/rate limit at .* is exhausted/);
      expect(error.message).toContain('try again in 60 seconds');
      // one request: no retry storm against an exhausted limit
      expect(fake.requests.filter(r => r.status === 429)).toHaveLength(1);
    });

    it.each([500, 502, 503])(
      'turns a %i into ServiceUnavailableError',
      async status => {
        fake.fail({ operation, status });

        const error = await failureOf(call(providerFor(fake)));

        expect(error).toBeInstanceOf(ServiceUnavailableError);
        expect(error.message).toContain(`HTTP ${status}`);
        expect(error.message).toContain('try again later');
      },
    );
  });

  it('turns a network failure into ServiceUnavailableError', async () => {
    const gone = await startGitlabFake();
    const mrs = providerFor(gone);
    await gone.close();

    const error = await failureOf(mrs.findOpenPullRequest(branch));

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(/Could not reach GitLab at 127\.0\.0\.1:\d+/);
  });

  it('never puts the token in an error message', async () => {
    const mrs = providerFor(fake);
    const { token } = fake;
    const messages: string[] = [];
    const calls = [
      () => mrs.getPullRequest(1),
      () => mrs.findOpenPullRequest(branch),
      () => mrs.openPullRequest({ branch, base: 'main', title: 't', body: '' }),
    ];
    for (const status of [400, 401, 403, 404, 409, 422, 429, 500]) {
      for (const call of calls) {
        fake.fail({
          status,
          message: `token ${token} rejected; PRIVATE-TOKEN: ${token}; see ${fake.url}?private_token=${token}`,
        });
        messages.push((await failureOf(call())).message);
      }
    }
    fake.fail({ status: 500, text: `upstream said ${token}` });
    messages.push((await failureOf(mrs.getPullRequest(1))).message);

    expect(messages).toHaveLength(25);
    for (const message of messages) {
      expect(message).not.toContain(token);
    }
    // every request still carried the token, in the header only
    expect(fake.requests.every(r => r.auth === 'private-token')).toBe(true);
  });
});

describe('createGitlabMergeRequests', () => {
  let fake: GitlabFake;

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  it('reads the token and API base URL from integrations.gitlab', async () => {
    fake = await startGitlabFake();
    const mrs = createGitlabMergeRequests({
      integrations: integrationsFor([
        { host: fake.host, apiBaseUrl: fake.apiBaseUrl, token: fake.token },
      ]),
      repositoryUrl: `${fake.projectUrl}.git`,
    });

    const opened = await mrs.openPullRequest({
      branch,
      base: 'main',
      title: 'Promote',
      body: '',
    });

    expect(opened.url).toBe(fake.webUrl(1));
    expect(fake.requests.map(r => r.auth)).toEqual(['private-token']);
  });

  it('works with a self-managed instance under a relative path', async () => {
    fake = await startGitlabFake({ basePath: '/gitlab' });
    const mrs = createGitlabMergeRequests({
      integrations: integrationsFor([
        {
          host: fake.host,
          baseUrl: fake.url,
          apiBaseUrl: fake.apiBaseUrl,
          token: fake.token,
        },
      ]),
      repositoryUrl: `${fake.url}/acme/platform/gitops`,
    });

    expect(await mrs.findOpenPullRequest(branch)).toBeUndefined();
    expect(fake.requests[0].url).toMatch(
      /^\/gitlab\/api\/v4\/projects\/acme%2Fplatform%2Fgitops\/merge_requests\?/,
    );
  });

  it('reports a token GitLab refuses as ServiceUnavailableError', async () => {
    fake = await startGitlabFake();
    const mrs = createGitlabMergeRequests({
      integrations: integrationsFor([
        {
          host: fake.host,
          apiBaseUrl: fake.apiBaseUrl,
          token: 'glpat-revoked0000000000',
        },
      ]),
      repositoryUrl: fake.projectUrl,
    });

    const error = await failureOf(mrs.getPullRequest(1));

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain('glpat-revoked');
    // the fake refused it as GitLab would; that refusal is what we wanted
    expect(fake.violations.splice(0)).toEqual([
      expect.stringMatching(/wrong token/),
    ]);
  });

  it('refuses a repository URL without a matching integration, naming the key', async () => {
    fake = await startGitlabFake();
    const integrations = integrationsFor([
      { host: fake.host, apiBaseUrl: fake.apiBaseUrl, token: fake.token },
    ]);

    expect(() =>
      createGitlabMergeRequests({
        integrations,
        repositoryUrl: 'https://gitlab.example.org/acme/gitops',
      }),
    ).toThrow(/integrations\.gitlab/);
    // gitlab.com is always there, but without a token
    expect(() =>
      createGitlabMergeRequests({
        integrations,
        repositoryUrl: 'https://gitlab.com/acme/gitops',
      }),
    ).toThrow(/no token.*integrations\.gitlab/);
    expect(() =>
      createGitlabMergeRequests({ integrations, repositoryUrl: fake.url }),
    ).toThrow(/does not name a GitLab project/);
    expect(fake.requests).toEqual([]);
  });
});

describe('parseGitlabProjectPath', () => {
  it.each([
    ['https://gitlab.com/group/project', 'group/project'],
    ['https://gitlab.com/group/subgroup/project.git', 'group/subgroup/project'],
    ['https://gitlab.com/group/project/', 'group/project'],
    ['https://gitlab.com/group/project/-/tree/main', 'group/project'],
  ])('%s → %s', (url, path) => {
    expect(parseGitlabProjectPath(url)).toBe(path);
  });

  it('strips the relative path of a self-managed instance', () => {
    expect(
      parseGitlabProjectPath('https://example.com/gitlab/a/b.git', '/gitlab'),
    ).toBe('a/b');
  });
});
