import { mockServices } from '@backstage/backend-test-utils';
import { NewPromotion, PromotionStore } from '../ledger';
import {
  createLedgerTestDatabases,
  fakeClock,
  newPromotion,
  storeOn,
} from '../ledger/__testUtils__/ledgerTestDatabases';
import { GithubProvider } from '../../clients/github/GithubProvider';
import { GithubFake } from '../../clients/github/__testUtils__/githubFake';
import {
  exampleFiles,
  providerFor,
  startGithubFake,
} from '../../clients/github/__testUtils__/startGithubFake';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { PromotionReconciler } from './PromotionReconciler';

jest.setTimeout(60_000);

const databases = createLedgerTestDatabases();
const MINUTE = 60_000;
const FILE = 'envs/staging/checkout/values.yaml';
const ALICE = { name: 'Alice', email: 'alice@example.com' };

/**
 * The reconciler against the GitHub fake (GitHub's REST contract, checked
 * against its OpenAPI description): the fake's commits are dated from
 * 2024-01-01T00:01Z on, a minute apart, so the ledger's clock starts there.
 */
describe('PromotionReconciler on GitHub', () => {
  let fake: GithubFake;
  let provider: GithubProvider;
  let store: PromotionStore;
  let clock: ReturnType<typeof fakeClock>;

  beforeEach(async () => {
    fake = await startGithubFake();
    fake.push('main', exampleFiles(), { message: 'Seed' });
    provider = providerFor(fake);
    clock = fakeClock('2024-01-01T00:00:30.000Z');
    store = await storeOn(await databases.init(databases.ids[0]), clock.now);
  });

  afterEach(async () => {
    fake.assertNoViolations();
    await fake.close();
  });

  const reconcile = () =>
    new PromotionReconciler({
      store,
      repositories: id => new GitopsRepository(id, provider),
      logger: mockServices.logger.mock(),
      owner: 'replica-0',
    }).run();

  async function pending(overrides: Partial<NewPromotion> = {}) {
    const { record } = await store.insert(
      newPromotion({
        service: 'checkout',
        targetEnv: 'staging',
        baseCommit: fake.head('main'),
        ...overrides,
      }),
    );
    return record;
  }

  /** The promotion's commit as the plugin's write makes it, on `branch`. */
  async function write(
    promotionId: string,
    branch: string,
    createBranch = false,
  ) {
    const attempt = await provider.tryCommit({
      branch,
      parentSha: fake.head('main')!,
      changes: [{ path: FILE, content: 'image:\n  tag: "5.0.0"\n' }],
      message: `Promote checkout 5.0.0 to staging\n\nPromoted-by: user:default/alice\nPromotion-Id: ${promotionId}\n`,
      author: ALICE,
      createBranch,
    });
    if (attempt.status !== 'committed') throw new Error('raced');
    return attempt.commitSha;
  }

  const sinceParameters = () =>
    fake.requests
      .filter(r => r.operationId === 'repos/list-commits')
      .map(r => new URL(r.url, fake.url).searchParams.get('since'));

  it('moves a pending promotion whose commit is on the branch to committed, with its date', async () => {
    const promotion = await pending();
    const commitSha = await write(promotion.id, 'main');
    fake.push('main', { 'README.md': 'later\n' });
    clock.advance(3 * MINUTE);
    fake.resetLog();

    await reconcile();

    expect(await store.get(promotion.id)).toMatchObject({
      state: 'committed',
      commitSha,
      committedAt: fake.objects
        .commit(commitSha)!
        .committer.date.replace('Z', '.000Z'),
    });
    // Only commits since ten minutes before the promotion was recorded are read.
    expect(sinceParameters()).toEqual(['2023-12-31T23:50:30.000Z']);
  });

  it('finds the commit past the first page of the branch history', async () => {
    const promotion = await pending();
    const commitSha = await write(promotion.id, 'main');
    for (let i = 0; i < 150; i++) {
      fake.push('main', { 'README.md': `change ${i}\n` });
    }
    clock.advance(3 * MINUTE);
    fake.resetLog();

    await reconcile();

    expect(await store.get(promotion.id)).toMatchObject({
      state: 'committed',
      commitSha,
    });
    expect(fake.count('repos/list-commits')).toBe(2);
  });

  it('leaves the promotion pending when the branch has more commits since than it searches', async () => {
    const promotion = await pending();
    await write(promotion.id, 'main');
    for (let i = 0; i < 520; i++) {
      fake.push('main', { 'README.md': `change ${i}\n` });
    }
    clock.advance(3 * MINUTE);

    await reconcile();

    expect(await store.get(promotion.id)).toMatchObject({ state: 'pending' });
  });

  it('moves a pull-request promotion whose pull request is open to pr-open', async () => {
    const promotion = await pending({ mode: 'pull-request' });
    const branch = `gitops-promotion/${promotion.id}`;
    await write(promotion.id, branch, true);
    const pr = await provider.pullRequests.openPullRequest({
      branch,
      base: 'main',
      title: 'Promote checkout 5.0.0 to staging',
      body: 'Promotion-Id: …',
    });
    clock.advance(3 * MINUTE);

    await reconcile();

    expect(await store.get(promotion.id)).toMatchObject({
      state: 'pr-open',
      pullRequest: { number: pr.number, url: pr.url },
    });
  });

  it("finds a release train's pull request from another promotion's branch", async () => {
    const lead = await pending({ mode: 'pull-request', bulkId: 'train' });
    const member = await pending({
      mode: 'pull-request',
      bulkId: 'train',
      service: 'cart',
    });
    const branch = `gitops-promotion/${lead.id}`;
    await write(lead.id, branch, true);
    const pr = await provider.pullRequests.openPullRequest({
      branch,
      base: 'main',
      title: 'Promote checkout 5.0.0, cart 5.0.0 to staging',
      body: '',
    });
    clock.advance(3 * MINUTE);

    await reconcile();

    for (const promotion of [lead, member]) {
      expect(await store.get(promotion.id)).toMatchObject({
        state: 'pr-open',
        pullRequest: { number: pr.number },
      });
    }
  });

  it('fails a pull-request promotion whose pull request was never opened', async () => {
    const promotion = await pending({ mode: 'pull-request' });
    // The branch was pushed, then the process died before opening the pull request.
    await write(promotion.id, `gitops-promotion/${promotion.id}`, true);
    clock.advance(3 * MINUTE);

    await reconcile();

    expect(await store.get(promotion.id)).toMatchObject({
      state: 'failed',
      stateReason: `The write never reached main: no commit carries Promotion-Id ${promotion.id} and no pull request from gitops-promotion/${promotion.id} is open; promote again`,
    });
  });
});
