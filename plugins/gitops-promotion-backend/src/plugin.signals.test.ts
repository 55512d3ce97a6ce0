import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import { eventually } from './__testUtils__/eventually';
import {
  promoteWhenAllowed,
  startPromotionBackend,
} from './__testUtils__/promotionBackend';

jest.setTimeout(60_000);

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

  it('tells everyone of each state a promotion goes through, once each, in order', async () => {
    await backend.demo.commit('Release checkout 2.7.0 to dev', [
      {
        file: 'envs/dev/checkout/values.yaml',
        key: 'image.tag',
        value: '2.7.0',
      },
    ]);
    const { id: promotionId } = await promoteWhenAllowed(
      backend.server,
      'user:default/guest',
      {
        entityRef: 'component:default/checkout',
        source: 'dev',
        target: 'staging',
      },
    );

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

  it('tells everyone of a change Argo CD streams in without waiting for the next scheduled pass', async () => {
    // the first pass learns what runs; the watch stream is open from then on
    await backend.runStatusWatcher();
    const statusSignals = () =>
      published.filter(
        s =>
          s.channel === 'gitops-promotion' &&
          s.message.type === 'status' &&
          s.message.service === 'cart',
      );
    const before = statusSignals().length;

    backend.standIn.degrade('cart-prod-eu');

    const signals = await eventually(
      () => statusSignals().slice(before),
      found => found.length > 0,
    );
    expect(signals[0].message).toEqual({
      type: 'status',
      service: 'cart',
      environments: ['prod-eu'],
    });
    backend.standIn.recover('cart-prod-eu');
  });
});
