import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import request from 'supertest';
import {
  asUser,
  previewUntil,
  startPromotionBackend,
} from './__testUtils__/promotionBackend';

jest.setTimeout(60_000);

const api = '/api/gitops-promotion';

/**
 * The signals the plugin publishes, as the signals service receives them
 * (the signals backend forwards each one to the browsers subscribed to its
 * channel).
 */
describe('signals about promotions', () => {
  const published: SignalPayload[] = [];
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      features: [
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({
            publish: async signal => {
              published.push(signal);
            },
          }),
        }),
      ],
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
        // Synced and Healthy for a second before deployed: the tracker sees syncing.
        section.argocd.tracking = { settle: '1s' };
      },
    });
  });
  afterAll(() => backend.stop());

  const post = (route: string, body: object) =>
    request(backend.server)
      .post(`${api}${route}`)
      .set('Authorization', asUser())
      .send(body);

  it('tells everyone of each state a promotion goes through, once each, in order', async () => {
    await backend.demo.commit('Release checkout 2.7.0 to dev', [
      {
        file: 'envs/dev/checkout/values.yaml',
        key: 'image.tag',
        value: '2.7.0',
      },
    ]);
    const target = {
      entityRef: 'component:default/checkout',
      source: 'dev',
      target: 'staging',
    };
    await previewUntil(
      () =>
        post('/promotions/preview', {
          entityRef: target.entityRef,
          source: target.source,
          targets: [target.target],
        }),
      (body: any) => body.targets[0].allowed,
    );
    const promoted = await post('/promotions', target);
    expect(promoted.status).toBe(201);
    const promotionId = promoted.body.id;

    const signalsOfIt = () =>
      published.filter(
        s =>
          s.channel === 'gitops-promotion' &&
          s.message.promotionId === promotionId,
      );
    for (let i = 0; i < 60; i++) {
      await backend.runTracker();
      if (signalsOfIt().some(s => s.message.state === 'deployed')) break;
      await new Promise(r => setTimeout(r, 200));
    }

    expect(signalsOfIt()).toEqual(
      ['pending', 'committed', 'syncing', 'deployed'].map(state => ({
        recipients: { type: 'broadcast' },
        channel: 'gitops-promotion',
        message: {
          type: 'promotion',
          service: 'checkout',
          environments: ['staging'],
          promotionId,
          state,
        },
      })),
    );
  });
});
