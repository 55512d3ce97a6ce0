import http from 'node:http';
import { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { runGit } from '../clients/git/runGit';
import { eventually } from '../__testUtils__/eventually';
import {
  asUser,
  previewUntil,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(120_000);

const CHECKOUT = 'component:default/checkout';
const STAGING_FILE = 'envs/staging/checkout/values.yaml';
const GUEST = 'user:default/guest';
const PRIYA = 'user:default/priya.raman'; // platform
const MARCUS = 'user:default/marcus.chen'; // team-checkout

type Backend = Awaited<ReturnType<typeof startPromotionBackend>>;

const api = (backend: Backend, user: string) => {
  const request = supertest(backend.server);
  const withUser = <T extends supertest.Test>(test: T) =>
    test.set('Authorization', asUser(user));
  return {
    get: (route: string) =>
      withUser(request.get(`/api/gitops-promotion${route}`)),
    post: (route: string, body: object) =>
      withUser(request.post(`/api/gitops-promotion${route}`)).send(body),
    delete: (route: string) =>
      withUser(request.delete(`/api/gitops-promotion${route}`)),
  };
};

const tagIn = (text: string) => /tag: *"?([^"\s]+)/.exec(text)?.[1];

/** Promotes checkout from dev to staging as `user` once the gate allows it. */
async function requestPromotion(backend: Backend, user: string) {
  const as = api(backend, user);
  await previewUntil(
    () =>
      as.post('/promotions/preview', {
        entityRef: CHECKOUT,
        source: 'dev',
        targets: ['staging'],
      }),
    (body: any) => body.targets[0].allowed,
  );
  return as.post('/promotions', {
    entityRef: CHECKOUT,
    source: 'dev',
    target: 'staging',
  });
}

async function releaseToDev(backend: Backend, version: string) {
  await backend.demo.commit(`Release checkout ${version} to dev`, [
    { file: 'envs/dev/checkout/values.yaml', key: 'image.tag', value: version },
  ]);
}

async function trackUntil(backend: Backend, id: string, states: string[]) {
  return eventually(
    async () => {
      await backend.runTracker();
      return (await api(backend, GUEST).get(`/promotions/${id}`)).body;
    },
    body => states.includes(body.state),
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

describe('approvals in the portal', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
        section.environments[1].approvals = {
          required: 1,
          from: ['group:default/platform'],
        };
      },
    });
  });
  afterAll(() => backend.stop());

  it('waits for an approver, refuses the requester and non-members, and writes exactly what was requested on approval', async () => {
    await releaseToDev(backend, '2.8.0');
    const before = await backend.demo.head();
    const requested = await requestPromotion(backend, GUEST);
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({
      state: 'awaiting-approval',
      approvals: {
        required: 1,
        from: ['group:default/platform'],
        decisions: [],
      },
    });
    expect(await backend.demo.head()).toBe(before);
    const id = requested.body.id;

    // approvers see it in the Environments tab, with what they may do
    const staging = (as: string) =>
      api(backend, as)
        .get(`/environments?entityRef=${CHECKOUT}`)
        .then(res =>
          res.body.environments.find((e: any) => e.name === 'staging'),
        );
    expect((await staging(PRIYA)).inFlight).toEqual([
      expect.objectContaining({
        id,
        state: 'awaiting-approval',
        mayDecide: true,
      }),
    ]);
    expect((await staging(GUEST)).inFlight[0].mayDecide).toBe(false);
    expect((await staging(PRIYA)).gates).toEqual({
      approvals: { required: 1, from: ['group:default/platform'] },
    });

    const own = await api(backend, GUEST).post(`/promotions/${id}/approvals`, {
      decision: 'approve',
    });
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/You requested this promotion/);
    const outsider = await api(backend, MARCUS).post(
      `/promotions/${id}/approvals`,
      { decision: 'approve' },
    );
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toMatch(/group:default\/platform/);
    expect(await backend.demo.head()).toBe(before);

    const approved = await api(backend, PRIYA).post(
      `/promotions/${id}/approvals`,
      { decision: 'approve', comment: 'Looks good' },
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      state: 'committed',
      approvals: {
        decisions: [
          { approver: PRIYA, decision: 'approve', comment: 'Looks good' },
        ],
      },
    });
    expect(tagIn(await backend.demo.show(STAGING_FILE))).toBe('2.8.0');
    const message = await runGit(['log', '-1', '--format=%B', 'main'], {
      cwd: backend.demo.bare,
    });
    expect(message).toContain(`Approved-by: ${PRIYA}`);
    expect(message).toContain(`Promoted-by: ${GUEST}`);
    expect(message).toContain(`Promotion-Id: ${id}`);

    const again = await api(backend, PRIYA).post(
      `/promotions/${id}/approvals`,
      {
        decision: 'approve',
      },
    );
    expect(again.status).toBe(409);
  });

  it('ends a promotion on a rejection with a reason, writing nothing', async () => {
    await releaseToDev(backend, '2.9.0');
    const before = await backend.demo.head();
    const { body } = await requestPromotion(backend, GUEST);
    const noReason = await api(backend, PRIYA).post(
      `/promotions/${body.id}/approvals`,
      { decision: 'reject' },
    );
    expect(noReason.status).toBe(400);
    const rejected = await api(backend, PRIYA).post(
      `/promotions/${body.id}/approvals`,
      { decision: 'reject', comment: 'Not during the sale' },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      state: 'rejected',
      stateReason: `Rejected by ${PRIYA}: Not during the sale`,
    });
    expect(await backend.demo.head()).toBe(before);
  });

  it('refuses to write an approved promotion whose target moved since the request', async () => {
    await releaseToDev(backend, '2.10.0');
    const { body } = await requestPromotion(backend, GUEST);
    await backend.demo.commit('Hotfix staging by hand', [
      { file: STAGING_FILE, key: 'image.tag', value: '2.8.1' },
    ]);
    const head = await backend.demo.head();
    const approved = await api(backend, PRIYA).post(
      `/promotions/${body.id}/approvals`,
      { decision: 'approve' },
    );
    expect(approved.status).toBe(409);
    expect(await backend.demo.head()).toBe(head);
    expect(tagIn(await backend.demo.show(STAGING_FILE))).toBe('2.8.1');
    const record = await api(backend, GUEST).get(`/promotions/${body.id}`);
    expect(record.body.state).toBe('rejected');
    expect(record.body.stateReason).toMatch(
      /^envs\/staging\/checkout\/values.yaml changed since .* \("Hotfix staging by hand"/,
    );
  });

  it('refuses a release train into an environment that needs approvals', async () => {
    const res = await api(backend, GUEST).post('/promotions/bulk', {
      entityRefs: [CHECKOUT],
      source: 'dev',
      target: 'staging',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/needs approvals/);
  });
});

describe('verification and automatic rollback', () => {
  let backend: Backend;
  let check: http.Server;
  let checkStatus = 200;
  const checked: string[] = [];
  beforeAll(async () => {
    check = http.createServer((req, res) => {
      checked.push(req.url ?? '');
      res.writeHead(checkStatus).end();
    });
    await new Promise<void>(resolve => check.listen(0, '127.0.0.1', resolve));
    const port = (check.address() as AddressInfo).port;
    backend = await startPromotionBackend({
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
        section.environments[1].verification = [
          { name: 'health', type: 'argocd-health', for: 'PT0S' },
          {
            name: 'smoke',
            type: 'http',
            url: `http://127.0.0.1:${port}/{service}/{env}/healthz`,
          },
        ];
        section.environments[1].rollbackOnFailure = true;
      },
    });
  });
  afterAll(async () => {
    await backend.stop();
    await new Promise(resolve => check.close(resolve));
  });

  it('counts a promotion deployed only once every check passed', async () => {
    checkStatus = 200;
    await releaseToDev(backend, '3.0.0');
    const { body } = await requestPromotion(backend, GUEST);
    const deployed = await trackUntil(backend, body.id, ['deployed', 'failed']);
    expect(deployed.state).toBe('deployed');
    expect(deployed.verification).toEqual([
      expect.objectContaining({
        name: 'health',
        type: 'argocd-health',
        state: 'passed',
      }),
      {
        name: 'smoke',
        type: 'http',
        state: 'passed',
        message: 'HTTP 200',
        at: expect.any(String),
      },
    ]);
    expect(checked).toContain('/checkout/staging/healthz');
  });

  it('fails a promotion whose rollout fails and promotes the previous version back, linked to it', async () => {
    await releaseToDev(backend, '3.1.0');
    backend.standIn.addRolloutFault({
      application: 'checkout-staging',
      version: '3.1.0',
      message: 'Back-off restarting failed container checkout',
    });
    const { body } = await requestPromotion(backend, GUEST);
    const failed = await trackUntil(backend, body.id, ['deployed', 'failed']);
    expect(failed.state).toBe('failed');

    const rollback = await eventually(
      async () =>
        (
          await api(backend, GUEST).get(
            `/promotions?entityRef=${CHECKOUT}&limit=5`,
          )
        ).body.items.find((p: any) => p.rollbackOf === body.id),
      found => found !== undefined,
    );
    expect(rollback).toMatchObject({
      kind: 'rollback',
      trigger: 'auto-rollback',
      targetEnv: 'staging',
      versions: [expect.objectContaining({ from: '3.1.0', to: '3.0.0' })],
    });
    expect(rollback.requester).toMatch(/^service:/);
    expect(tagIn(await backend.demo.show(STAGING_FILE))).toBe('3.0.0');
    expect(
      (await trackUntil(backend, rollback.id, ['deployed', 'failed'])).state,
    ).toBe('deployed');
  });

  it('fails a promotion whose HTTP check fails, and rolls it back', async () => {
    await releaseToDev(backend, '3.2.0');
    checkStatus = 503;
    const { body } = await requestPromotion(backend, GUEST);
    const failed = await trackUntil(backend, body.id, ['deployed', 'failed']);
    checkStatus = 200;
    expect(failed).toMatchObject({
      state: 'failed',
      stateReason: 'Verification failed: smoke: HTTP 503, expected 2xx',
    });
    await eventually(
      async () => tagIn(await backend.demo.show(STAGING_FILE)),
      tag => tag === '3.0.0',
    );
  });
});

describe('automatic promotion', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
        section.environments[1].promotesFrom = [
          { environment: 'dev', auto: true },
        ];
      },
      deny: {
        [MARCUS]: { 'gitops-promotion.auto-promotion.pause': ['staging'] },
      },
    });
  });
  afterAll(() => backend.stop());

  const autoPromotionsOfCheckout = async () =>
    (
      await api(backend, GUEST).get(
        `/promotions?entityRef=${CHECKOUT}&limit=50`,
      )
    ).body.items.filter((p: any) => p.trigger === 'auto-promotion');

  it('promotes a version the source runs Synced and Healthy, once, as the automation principal', async () => {
    await releaseToDev(backend, '4.0.0');
    await eventually(
      async () => {
        // two passes at once, as on two replicas: one promotion
        await Promise.all([
          backend.runAutoPromotion(),
          backend.runAutoPromotion(),
        ]);
        return tagIn(await backend.demo.show(STAGING_FILE));
      },
      tag => tag === '4.0.0',
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await backend.runAutoPromotion();
    const promotions = (await autoPromotionsOfCheckout()).filter((p: any) =>
      p.versions.some((v: any) => v.to === '4.0.0'),
    );
    expect(promotions).toHaveLength(1);
    expect(promotions[0]).toMatchObject({
      kind: 'promote',
      sourceEnv: 'dev',
      targetEnv: 'staging',
      requester: expect.stringMatching(/^service:/),
    });
    const message = await runGit(
      ['log', '-1', '--format=%B', 'main', '--', STAGING_FILE],
      { cwd: backend.demo.bare },
    );
    expect(message).toContain(`Promotion-Id: ${promotions[0].id}`);

    const matrix = await api(backend, GUEST).get('/matrix');
    const column = matrix.body.environments.find(
      (e: any) => e.name === 'staging',
    );
    expect(column.gates).toEqual({
      autoPromotesFrom: [{ environment: 'dev' }],
    });
  });

  it('pauses with permission, audited, and promotes nothing while paused', async () => {
    const refused = await api(backend, MARCUS).post('/auto-promotion/pauses', {
      environment: 'staging',
    });
    expect(refused.status).toBe(403);

    const paused = await api(backend, GUEST).post('/auto-promotion/pauses', {
      entityRef: CHECKOUT,
      reason: 'Load test running',
    });
    expect(paused.status).toBe(201);
    expect(paused.body).toMatchObject({
      entityRef: CHECKOUT,
      reason: 'Load test running',
      pausedBy: GUEST,
    });
    await releaseToDev(backend, '4.1.0');
    // dev runs 4.1.0 Synced and Healthy before the pass that would promote it
    await previewUntil(
      () =>
        api(backend, GUEST).post('/promotions/preview', {
          entityRef: CHECKOUT,
          source: 'dev',
          targets: ['staging'],
        }),
      (body: any) => body.targets[0].allowed,
    );
    await backend.runAutoPromotion();
    expect(tagIn(await backend.demo.show(STAGING_FILE))).toBe('4.0.0');
    const view = await api(backend, GUEST).get(
      `/environments?entityRef=${CHECKOUT}`,
    );
    expect(
      view.body.environments.find((e: any) => e.name === 'staging'),
    ).toMatchObject({ autoPromotionPaused: true, mayPausePromotion: true });

    const resumed = await api(backend, GUEST).delete(
      `/auto-promotion/pauses?entityRef=${CHECKOUT}`,
    );
    expect(resumed.status).toBe(200);
    await backend.runAutoPromotion();
    expect(tagIn(await backend.demo.show(STAGING_FILE))).toBe('4.1.0');
    const missing = await api(backend, GUEST).delete(
      `/auto-promotion/pauses?entityRef=${CHECKOUT}`,
    );
    expect(missing.status).toBe(404);
  });
});

describe('automatic promotion into an environment with approvals and freeze windows', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
        const staging = section.environments[1];
        staging.promotesFrom = [{ environment: 'dev', auto: true }];
        staging.approvals = { from: ['group:default/platform'] };
      },
    });
  });
  afterAll(() => backend.stop());

  const awaitingOfCheckout = async () =>
    (
      await api(backend, GUEST).get(
        `/promotions?entityRef=${CHECKOUT}&limit=50`,
      )
    ).body.items.filter((p: any) => p.targetEnv === 'staging');

  async function autoPromoteUntilAwaiting(version: string) {
    return eventually(
      async () => {
        await backend.runAutoPromotion();
        return (await awaitingOfCheckout()).find(
          (p: any) =>
            p.state === 'awaiting-approval' &&
            p.versions.some((v: any) => v.to === version),
        );
      },
      found => found !== undefined,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  }

  it('waits for approval, supersedes an older request by a newer version, and writes the approved one', async () => {
    const before = tagIn(await backend.demo.show(STAGING_FILE));
    await releaseToDev(backend, '5.0.0');
    const first = await autoPromoteUntilAwaiting('5.0.0');
    expect(first).toMatchObject({ trigger: 'auto-promotion', kind: 'promote' });
    expect(tagIn(await backend.demo.show(STAGING_FILE))).toBe(before);

    await releaseToDev(backend, '5.1.0');
    const second = await autoPromoteUntilAwaiting('5.1.0');
    const superseded = await api(backend, GUEST).get(`/promotions/${first.id}`);
    expect(superseded.body).toMatchObject({
      state: 'rejected',
      stateReason: `Superseded by promotion ${second.id} of a newer version`,
    });

    // a member of team-checkout (not platform) may not; priya (platform) may
    const view = await api(backend, PRIYA).get(
      `/environments?entityRef=${CHECKOUT}`,
    );
    expect(
      view.body.environments.find((e: any) => e.name === 'staging').inFlight,
    ).toEqual([
      expect.objectContaining({
        id: second.id,
        mayDecide: true,
        trigger: 'auto-promotion',
      }),
    ]);
    const approved = await api(backend, PRIYA).post(
      `/promotions/${second.id}/approvals`,
      { decision: 'approve' },
    );
    expect(approved.body.state).toBe('committed');
    expect(tagIn(await backend.demo.show(STAGING_FILE))).toBe('5.1.0');
  });
});

describe('automatic promotion during a freeze window', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
        const staging = section.environments[1];
        staging.promotesFrom = [{ environment: 'dev', auto: true }];
        staging.freezeWindows = [
          {
            name: 'sale',
            timeZone: 'UTC',
            from: '2020-01-01T00:00',
            to: '2099-01-01T00:00',
          },
        ];
      },
    });
  });
  afterAll(() => backend.stop());

  it('never overrides the freeze, although its principal could', async () => {
    await releaseToDev(backend, '6.0.0');
    const head = await backend.demo.head();
    // dev runs 6.0.0 Synced and Healthy: only the freeze stands in the way
    await eventually(
      async () =>
        (
          await api(backend, GUEST).get(`/environments?entityRef=${CHECKOUT}`)
        ).body.environments.find((e: any) => e.name === 'dev').status,
      (status: any) =>
        status.state === 'known' &&
        status.syncStatus === 'Synced' &&
        status.health.status === 'Healthy' &&
        status.revision === head,
    );
    await backend.runAutoPromotion();
    expect(await backend.demo.head()).toBe(head);
    const promotions = (
      await api(backend, GUEST).get(
        `/promotions?entityRef=${CHECKOUT}&limit=50`,
      )
    ).body.items;
    expect(
      promotions.filter((p: any) => p.trigger === 'auto-promotion'),
    ).toEqual([]);
  });
});
