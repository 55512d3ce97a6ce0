import request from 'supertest';
import {
  asUser,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';
import {
  githubIntegration,
  githubRepository,
} from '../tests/reliability/__testUtils__/github';
import { GithubFake } from '../clients/github/__testUtils__/githubFake';
import { exampleFiles } from '../clients/github/__testUtils__/startGithubFake';

jest.mock('../clients/github/createOctokit', () =>
  jest
    .requireActual('../tests/reliability/__testUtils__/github')
    .fastOctokitModule(),
);

jest.setTimeout(120_000);

const api = '/api/gitops-promotion';
const TOKEN = 'pull-requests-github-token';

/**
 * Pull-request mode on GitHub through the REST API, from the promotion to the
 * ledger's last word: a merged pull request makes the promotion committed at
 * the merge commit; one closed unmerged makes it rejected with the reason.
 * prod-us lives in another repository (on GitHub) than its source.
 */
describe('promotions as GitHub pull requests', () => {
  let fake: GithubFake;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    fake = await GithubFake.start({ token: TOKEN });
    fake.push('main', exampleFiles(), { message: 'Seed' });
    backend = await startPromotionBackend({
      rootConfig: githubIntegration(fake, TOKEN),
      mutateConfig: section => {
        section.repositories.push(githubRepository(fake, 'github-gitops'));
        const prodUs = section.environments.find(
          (e: { name: string }) => e.name === 'prod-us',
        );
        prodUs.repository = 'github-gitops';
        prodUs.mode = 'pull-request';
        prodUs.gate = { requireSynced: false, requireHealthy: false };
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await fake?.close();
  });

  const promote = (service: string) =>
    request(backend.server)
      .post(`${api}/promotions`)
      .set('Authorization', asUser('user:default/guest'))
      .send({
        entityRef: `component:default/${service}`,
        source: 'staging',
        target: 'prod-us',
      });
  const promotion = async (id: string) =>
    (
      await request(backend.server)
        .get(`${api}/promotions/${id}`)
        .set('Authorization', asUser('user:default/guest'))
    ).body;

  it('open, merged: the promotion is committed at the merge commit', async () => {
    const res = await promote('checkout');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      state: 'pr-open',
      mode: 'pull-request',
      repositoryId: 'github-gitops',
    });
    const { number } = res.body.pullRequest;
    const pr = fake.repository.pulls.find(p => p.number === number)!;
    expect(pr).toMatchObject({ state: 'open', base: 'main' });

    await backend.runTracker();
    expect((await promotion(res.body.id)).state).toBe('pr-open');

    const merge = fake.mergePullRequest(number);
    await backend.runTracker();
    expect(await promotion(res.body.id)).toMatchObject({
      state: 'committed',
      commitSha: merge,
    });
    fake.assertNoViolations();
  });

  it('closed without merging: the promotion is rejected, saying so', async () => {
    // cart runs an older version in prod-us than in staging
    fake.push('main', {
      'envs/prod-us/cart/values.yaml': 'image:\n  tag: "0.0.1"\n',
    });
    const res = await promote('cart');
    expect(res.status).toBe(201);
    expect(res.body.state).toBe('pr-open');
    const { number } = res.body.pullRequest;

    fake.closePullRequest(number);
    await backend.runTracker();
    expect(await promotion(res.body.id)).toMatchObject({
      state: 'rejected',
      stateReason: `Pull request #${number} was closed without merging`,
    });
    expect(fake.repository.pulls.find(p => p.number === number)).toMatchObject({
      state: 'closed',
      merged: false,
    });
    fake.assertNoViolations();
  });
});

/**
 * An environment in pull-request mode with approvals: the pull request is
 * opened on the required approval, and each approval is posted on it as a
 * review (GitHub's description validates every call the fake answers).
 */
describe('approved promotions as GitHub pull requests', () => {
  let fake: GithubFake;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    fake = await GithubFake.start({ token: TOKEN });
    fake.push('main', exampleFiles(), { message: 'Seed' });
    fake.push('main', {
      'envs/prod-us/payments/values.yaml': 'image:\n  tag: v1.0.0\n',
    });
    backend = await startPromotionBackend({
      rootConfig: githubIntegration(fake, TOKEN),
      mutateConfig: section => {
        section.repositories.push(githubRepository(fake, 'github-gitops'));
        const prodUs = section.environments.find(
          (e: { name: string }) => e.name === 'prod-us',
        );
        prodUs.repository = 'github-gitops';
        prodUs.mode = 'pull-request';
        prodUs.gate = { requireSynced: false, requireHealthy: false };
        prodUs.approvals = { from: ['group:default/platform'] };
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await fake?.close();
  });

  it('opens the pull request on the approval and posts the approval on it as a review', async () => {
    const requested = await request(backend.server)
      .post(`${api}/promotions`)
      .set('Authorization', asUser('user:default/guest'))
      .send({
        entityRef: 'component:default/payments',
        source: 'staging',
        target: 'prod-us',
      });
    expect(requested.status).toBe(201);
    expect(requested.body.state).toBe('awaiting-approval');
    expect(fake.repository.pulls).toEqual([]);

    const approved = await request(backend.server)
      .post(`${api}/promotions/${requested.body.id}/approvals`)
      .set('Authorization', asUser('user:default/priya.raman'))
      .send({ decision: 'approve', comment: 'Ship it after the sale' });
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('pr-open');
    const pr = fake.repository.pulls.find(
      p => p.number === approved.body.pullRequest.number,
    )!;
    expect(pr.body).toContain('Approved-by: user:default/priya.raman');
    expect(pr.reviews).toEqual([
      expect.objectContaining({
        state: 'COMMENTED',
        body: expect.stringMatching(
          /^Approved in Backstage by user:default\/priya\.raman .*:\n\n> Ship it after the sale$/,
        ),
      }),
    ]);
    fake.assertNoViolations();
  });
});
