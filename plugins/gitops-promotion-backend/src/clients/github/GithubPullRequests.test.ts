import { NotFoundError } from '@backstage/errors';
import { GithubFake } from './__testUtils__/githubFake';
import {
  exampleFiles,
  providerFor,
  startGithubFake,
} from './__testUtils__/startGithubFake';

const branch = 'gitops-promotion/cart-staging-to-prod-eu';

describe('GithubProvider pull requests', () => {
  let fake: GithubFake;

  beforeEach(async () => {
    fake = await startGithubFake();
    fake.push('main', exampleFiles());
  });

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  async function pushPromotionBranch() {
    const provider = providerFor(fake);
    await provider.tryCommit({
      branch,
      parentSha: fake.head('main')!,
      changes: [
        { path: 'envs/prod-eu/cart/values.yaml', content: 'tag: "2.0.0"\n' },
      ],
      message: 'Promote cart to prod-eu',
      author: { name: 'Alice', email: 'alice@example.com' },
      createBranch: true,
    });
    return provider;
  }

  it('posts an approval made in the portal as a comment review, as GitHub describes the call', async () => {
    const provider = await pushPromotionBranch();
    const pulls = provider.pullRequests;
    const { number } = await pulls.openPullRequest({
      branch,
      base: 'main',
      title: 'Promote cart to prod-eu',
      body: 'cart 1.0.0 → 2.0.0',
    });

    await pulls.postReview!(
      number,
      'Approved in Backstage by user:default/priya.raman: Ship it',
    );

    expect(fake.pulls[0].reviews).toEqual([
      expect.objectContaining({
        state: 'COMMENTED',
        body: 'Approved in Backstage by user:default/priya.raman: Ship it',
      }),
    ]);
  });

  it('opens a pull request once; asking again finds the same one', async () => {
    const provider = await pushPromotionBranch();
    const pulls = provider.pullRequests;
    expect(await pulls.findOpenPullRequest(branch)).toBeUndefined();

    const opened = await pulls.openPullRequest({
      branch,
      base: 'main',
      title: 'Promote cart to prod-eu',
      body: 'cart 1.0.0 → 2.0.0',
    });

    expect(opened).toEqual({
      number: 1,
      url: `${fake.url}/acme/gitops/pull/1`,
      branch,
      state: 'open',
      mergeCommitSha: undefined,
    });
    expect(await pulls.findOpenPullRequest(branch)).toEqual(opened);
    // a repeated request (double click, another replica) gets the same PR
    expect(
      await pulls.openPullRequest({
        branch,
        base: 'main',
        title: 'Promote cart to prod-eu',
        body: 'again',
      }),
    ).toEqual(opened);
    expect(fake.pulls).toHaveLength(1);
    expect(
      fake.requests.filter(r => r.operationId === 'pulls/list').map(r => r.url),
    ).toContain(
      `/repos/acme/gitops/pulls?state=open&head=acme%3A${encodeURIComponent(
        branch,
      )}&per_page=10`,
    );
  });

  it('reads back the merged state and merge commit', async () => {
    const provider = await pushPromotionBranch();
    const { number } = await provider.pullRequests.openPullRequest({
      branch,
      base: 'main',
      title: 'Promote cart',
      body: '',
    });
    const mergeSha = fake.mergePullRequest(number);

    expect(await provider.pullRequests.getPullRequest(number)).toEqual({
      number,
      url: `${fake.url}/acme/gitops/pull/1`,
      branch,
      state: 'merged',
      mergeCommitSha: mergeSha,
    });
    expect(
      await provider.pullRequests.findOpenPullRequest(branch),
    ).toBeUndefined();
    expect(fake.head('main')).toBe(mergeSha);
  });

  it('reports an unknown pull request as NotFoundError', async () => {
    const provider = providerFor(fake);

    await expect(provider.pullRequests.getPullRequest(42)).rejects.toThrow(
      new NotFoundError('Pull request #42 does not exist in acme/gitops'),
    );
  });
});
