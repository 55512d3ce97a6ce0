import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { NotificationPayload } from '@backstage/plugin-notifications-common';
import signalsPlugin from '@backstage/plugin-signals-backend';
import request from 'supertest';
import { eventually } from './__testUtils__/eventually';
import {
  asUser,
  exampleEntities,
  previewUntil,
  startPromotionBackend,
  withMemberships,
} from './__testUtils__/promotionBackend';

jest.setTimeout(120_000);

const api = '/api/gitops-promotion';
const guest = 'user:default/guest';
// in team-checkout with guest (which owns checkout), not in platform
const marcus = 'user:default/marcus.chen';
// in platform: approves promotions into staging here
const priya = 'user:default/priya.raman';

/**
 * Who hears of promotions that wait and undo themselves, read back from the
 * real notifications backend: staging needs an approval from platform and
 * rolls back a failed rollout.
 */
describe('notifications about approvals and automatic rollbacks', () => {
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      entities: withMemberships(exampleEntities()),
      features: [notificationsPlugin, signalsPlugin],
      rootConfig: { app: { baseUrl: 'http://localhost:3000' } },
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
        Object.assign(section.environments[1], {
          approvals: { from: ['group:default/platform'] },
          rollbackOnFailure: true,
        });
      },
    });
  });
  afterAll(() => backend?.stop());

  const titlesOf = async (user: string) => {
    const res = await request(backend.server)
      .get('/api/notifications/notifications')
      .set('Authorization', asUser(user));
    return (
      res.body.notifications as Array<{ payload: NotificationPayload }>
    ).map(n => n.payload);
  };
  const received = (user: string, title: string) =>
    eventually(
      async () => (await titlesOf(user)).find(n => n.title === title),
      found => found !== undefined,
    );

  it('asks the approver groups, not the requester, and tells the owners of an automatic rollback', async () => {
    const before = (
      await request(backend.server)
        .get(`${api}/environments?entityRef=component:default/checkout`)
        .set('Authorization', asUser(guest))
    ).body.environments.find((e: any) => e.name === 'staging').version;
    await backend.demo.commit('Release checkout 2.9.9', [
      {
        file: 'envs/dev/checkout/values.yaml',
        key: 'image.tag',
        value: '2.9.9',
      },
    ]);
    backend.standIn.addRolloutFault({
      application: 'checkout-staging',
      version: '2.9.9',
    });
    const post = (user: string, route: string, body: object) =>
      request(backend.server)
        .post(`${api}${route}`)
        .set('Authorization', asUser(user))
        .send(body);
    const promotion = {
      entityRef: 'component:default/checkout',
      source: 'dev',
      target: 'staging',
    };
    await previewUntil(
      () =>
        post(guest, '/promotions/preview', {
          ...promotion,
          targets: ['staging'],
          target: undefined,
        }),
      (body: any) => body.targets[0].allowed,
    );
    const { body: requested } = await post(guest, '/promotions', promotion);

    const asked = 'checkout 2.9.9 to Staging awaits your approval';
    expect(await received(priya, asked)).toMatchObject({
      description: expect.stringContaining('1 approval(s) needed'),
      link: '/catalog/default/component/checkout/environments',
      severity: 'high',
    });
    expect((await titlesOf(guest)).map(n => n.title)).not.toContain(asked);
    expect((await titlesOf(marcus)).map(n => n.title)).not.toContain(asked);

    await post(priya, `/promotions/${requested.id}/approvals`, {
      decision: 'approve',
    });
    const rolledBack = `checkout in Staging was rolled back automatically to ${before}`;
    await eventually(
      async () => {
        await backend.runTracker();
        return (await titlesOf(marcus)).some(n => n.title === rolledBack);
      },
      found => found,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(
      await received(guest, 'Promotion of checkout 2.9.9 to Staging failed'),
    ).toMatchObject({
      severity: 'high',
    });
  });
});
