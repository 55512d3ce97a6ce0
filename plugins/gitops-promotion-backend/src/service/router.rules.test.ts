import request from 'supertest';
import {
  asUser,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(60_000);

const api = '/api/gitops-promotion';

describe('GitOps Promotion REST API: every rule refuses with its reason', () => {
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      deny: {
        'user:default/marcus.chen': {
          'gitops-promotion.freeze.override': ['*'],
        },
      },
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 1;
        const prodEu = section.environments.find(
          (e: any) => e.name === 'prod-eu',
        );
        prodEu.freezeWindows = [
          {
            name: 'year-end',
            timeZone: 'Europe/Berlin',
            from: '2020-01-01',
            to: '2100-01-01',
          },
        ];
        const prodUs = section.environments.find(
          (e: any) => e.name === 'prod-us',
        );
        prodUs.immutableVersions = { rejectPattern: '-rc\\d*$' };
      },
    });
  });
  afterAll(() => backend.stop());

  const promote = (body: object, user = 'user:default/marcus.chen') =>
    request(backend.server)
      .post(`${api}/promotions`)
      .set('Authorization', asUser(user))
      .send(body);

  it('freeze window: 409 naming the window, unless the caller may override it', async () => {
    const frozen = await promote({
      entityRef: 'component:default/checkout',
      source: 'staging',
      target: 'prod-eu',
    });
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.message).toMatch(
      /Freeze windows: prod-eu is frozen by 'year-end'/,
    );
    expect(frozen.body.error.message).toMatch(/year-end/);

    const preview = await request(backend.server)
      .post(`${api}/promotions/preview`)
      .set('Authorization', asUser('user:default/priya.raman'))
      .send({
        entityRef: 'component:default/checkout',
        source: 'staging',
        targets: ['prod-eu'],
      });
    const freeze = preview.body.targets[0].verdicts.find(
      (v: any) => v.rule === 'freeze-window',
    );
    expect(freeze).toMatchObject({ passed: true, overridden: true });
  });

  it('upstream gate: 409 when the source is not Healthy in Argo CD', async () => {
    backend.standIn.degrade('payments-staging', 'CrashLoopBackOff');
    // the Argo CD list is cached for cacheTtlSeconds (1 s here)
    await new Promise(r => setTimeout(r, 1200));
    const res = await promote({
      entityRef: 'component:default/payments',
      source: 'staging',
      target: 'prod-us',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/Upstream gate:/);
    expect(res.body.error.message).toMatch(/Degraded/);
    backend.standIn.recover('payments-staging');
  });

  it('immutable versions: 400 for a version matching the pattern of a protected environment', async () => {
    const res = await promote({
      entityRef: 'component:default/cart',
      target: 'prod-us',
      kind: 'rollback',
      versions: ['3.1.0-rc2'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /Immutable versions: prod-us is protected/,
    );
  });

  it('lists every failed rule in one refusal', async () => {
    const res = await promote({
      entityRef: 'component:default/checkout',
      source: 'dev',
      target: 'prod-eu',
      versions: ['latest'],
    });
    expect(res.status).toBe(400);
    for (const rule of [
      'Pipeline order:',
      'Upstream gate:',
      'Immutable versions:',
      'Freeze windows:',
    ]) {
      expect(res.body.error.message).toContain(rule);
    }
  });
});
