import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { SignalPayload } from '@backstage/plugin-signals-node';
import { createArgoCdDevServer } from '@internal/argocd-dev-server';
import path from 'node:path';
import { ArgoCdClient } from '../../clients/argocd';
import { ServiceCatalog } from '../../clients/catalog/ServiceCatalog';
import { createRepositories } from '../../clients/repository/createRepositories';
import { readPluginConfig } from '../../config/readPluginConfig';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import { demoConfig } from '../../__testUtils__/demoConfig';
import {
  exampleEntities,
  testConfig,
} from '../../__testUtils__/promotionBackend';
import { NotificationSender } from '../announcements/NotificationSender';
import { PromotionNotifier } from '../announcements/PromotionNotifier';
import { SignalPublisher } from '../announcements/SignalPublisher';
import { PromotionStore } from '../ledger';
import { StatusWatcher } from './StatusWatcher';
import { LiveChartReader } from './LiveChartReader';
import { VersionReader } from './VersionReader';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

/**
 * The watcher over the demo repository, with the Argo CD stand-in reconciling
 * from it (a commit reaches the live images only after `syncDelayMs`), the
 * example catalog, and what it signals and notifies recorded.
 */
async function startWatcher(options: {
  syncDelayMs: number;
  driftGraceMs: number;
}) {
  const demo = await createDemoRepository();
  const standIn = createArgoCdDevServer({
    repositoryPath: demo.bare,
    environments: ['dev', 'staging', 'prod-eu', 'prod-us'],
    layouts: demoConfig().layouts,
    token: 't',
    syncDelayMs: options.syncDelayMs,
    pollIntervalMs: 100,
  });
  const running = await standIn.start();
  await standIn.reconcile();
  const raw = testConfig({
    repository: demo.bare,
    argocdUrl: running.url,
    workingDirectory: path.join(demo.dir, 'cache'),
    mutate: section => {
      section.argocd.instances[0].token = 't';
      section.argocd.instances[0].cacheTtlSeconds = 0;
      // each pass lists anew: a change is seen by the very next pass
      section.argocd.instances[0].watch = false;
      section.repositories[0].branchHeadCacheSeconds = 0;
    },
  });
  const config = readPluginConfig(new ConfigReader(raw))!;
  const argocd = ArgoCdClient.fromConfig(new ConfigReader(raw))!;
  const logger = mockServices.logger.mock();
  const store = await PromotionStore.create({
    getClient: () => databases.init('SQLITE_3'),
  });
  const catalogService = catalogServiceMock({ entities: exampleEntities() });
  const auth = mockServices.auth();
  const signals: SignalPayload[] = [];
  const notifications: NotificationSendOptions[] = [];
  let now = Date.parse('2026-10-21T10:00:00Z');
  const repositories = createRepositories({
    config,
    rootConfig: new ConfigReader({}),
    logger,
  });
  const watcher = new StatusWatcher({
    config,
    catalog: new ServiceCatalog(catalogService),
    auth,
    argocd,
    reader: new VersionReader(config, repositories),
    liveCharts: new LiveChartReader({ repositories }),
    store,
    signals: new SignalPublisher({
      publish: async signal => {
        signals.push(signal);
      },
    }),
    notifier: new PromotionNotifier({
      config,
      catalog: catalogService,
      auth,
      sender: new NotificationSender(
        {
          send: async notification => {
            notifications.push(notification);
          },
        },
        logger,
      ),
    }),
    logger,
    driftGraceMs: options.driftGraceMs,
    now: () => now,
  });
  return {
    watcher,
    demo,
    standIn,
    store,
    signals,
    notifications,
    advanceClock: (ms: number) => {
      now += ms;
    },
    async stop() {
      await argocd.close();
      await running.close();
      await demo.cleanup();
    },
  };
}

describe('StatusWatcher', () => {
  describe('status signals', () => {
    let world: Awaited<ReturnType<typeof startWatcher>>;
    beforeAll(async () => {
      world = await startWatcher({ syncDelayMs: 200, driftGraceMs: 0 });
    });
    afterAll(() => world.stop());

    it('learns the statuses on its first pass without signalling', async () => {
      await world.watcher.run();
      expect(world.signals).toEqual([]);
    });

    it("signals a service's environments whose health changed, once, to everyone", async () => {
      world.standIn.degrade('checkout-dev', 'CrashLoopBackOff');
      world.standIn.degrade('checkout-prod-us', 'CrashLoopBackOff');
      await world.watcher.run();
      await world.watcher.run();
      expect(world.signals).toEqual([
        {
          recipients: { type: 'broadcast' },
          channel: 'gitops-promotion',
          message: {
            type: 'status',
            service: 'checkout',
            environments: ['dev', 'prod-us'],
          },
        },
      ]);

      world.standIn.recover('checkout-dev');
      await world.watcher.run();
      expect(world.signals.slice(1).map(s => s.message)).toEqual([
        { type: 'status', service: 'checkout', environments: ['dev'] },
      ]);
    });

    it('signals the environment a commit rolled out to, not the services the commit left alone', async () => {
      world.signals.length = 0;
      await world.demo.commit('Release cart 3.9.0 to dev', [
        { file: 'envs/dev/cart/values.yaml', key: 'image.tag', value: '3.9.0' },
      ]);
      await world.standIn.reconcile();
      await world.watcher.run();
      await new Promise(r => setTimeout(r, 300));
      await world.standIn.reconcile();
      await world.watcher.run();
      const messages = world.signals.map(s => s.message);
      expect(messages.length).toBeGreaterThan(0);
      expect(messages).toEqual(
        messages.map(() => ({
          type: 'status',
          service: 'cart',
          environments: ['dev'],
        })),
      );
    });
  });

  describe('drift notifications', () => {
    let world: Awaited<ReturnType<typeof startWatcher>>;
    beforeEach(async () => {
      // Argo CD takes a minute to sync: a commit is a drift meanwhile.
      world = await startWatcher({ syncDelayMs: 60_000, driftGraceMs: 60_000 });
      await world.watcher.run();
    });
    afterEach(() => world.stop());

    const commitOutsideBackstage = async (
      edits: Array<{ file: string; value: string }>,
    ) => {
      await world.demo.commit(
        'Hotfix by hand',
        edits.map(e => ({ ...e, key: 'image.tag' })),
      );
      await world.standIn.reconcile();
    };

    it('tells the owners once of a drift in a production environment that lasted the grace period', async () => {
      await commitOutsideBackstage([
        { file: 'envs/prod-eu/checkout/values.yaml', value: '2.9.9' },
      ]);
      await world.watcher.run();
      expect(world.notifications).toEqual([]);

      world.advanceClock(60_000);
      await world.watcher.run();
      world.advanceClock(60_000);
      await world.watcher.run();

      expect(world.notifications).toEqual([
        {
          recipients: {
            type: 'entity',
            entityRef: ['group:default/team-checkout'],
          },
          payload: {
            title: 'checkout in Production EU drifts from git',
            description: expect.stringMatching(
              /^Git says checkout runs ghcr\.io\/acme\/checkout:2\.9\.9 in Production EU, but Argo CD reports ghcr\.io\/acme\/checkout:[^ ]+\.$/,
            ),
            link: '/catalog/default/component/checkout/environments',
            topic: 'gitops-promotion',
            scope: 'drift:component:default/checkout:prod-eu',
            severity: 'high',
          },
        },
      ]);
    });

    it('tells no one of a drift in an environment that is neither protected nor last, nor of one a promotion is rolling out', async () => {
      await world.store.insert({
        entityRef: 'component:default/payments',
        service: 'payments',
        sourceEnv: 'staging',
        targetEnv: 'prod-us',
        kind: 'promote',
        versions: [],
        requester: 'user:default/guest',
        mode: 'commit',
        repositoryId: 'acme-gitops',
        branch: 'main',
        baseCommit: 'a'.repeat(40),
        state: 'syncing',
      });
      await commitOutsideBackstage([
        { file: 'envs/staging/checkout/values.yaml', value: '2.9.9' },
        { file: 'envs/prod-us/payments/values.yaml', value: 'v9.9.9' },
      ]);
      await world.watcher.run();
      world.advanceClock(120_000);
      await world.watcher.run();
      expect(world.notifications).toEqual([]);
    });

    it('tells the owners again when the drift went and came back', async () => {
      const file = await world.demo.show('envs/prod-us/cart/values.yaml');
      const runningTag = file.match(/tag: ['"]?([^'"\n]+)/)![1];
      await commitOutsideBackstage([
        { file: 'envs/prod-us/cart/values.yaml', value: '3.9.9' },
      ]);
      await world.watcher.run();
      world.advanceClock(60_000);
      await world.watcher.run();
      await commitOutsideBackstage([
        { file: 'envs/prod-us/cart/values.yaml', value: runningTag },
      ]);
      await world.watcher.run();
      expect(world.notifications).toHaveLength(1);
      await commitOutsideBackstage([
        { file: 'envs/prod-us/cart/values.yaml', value: '3.9.9' },
      ]);
      await world.watcher.run();
      world.advanceClock(60_000);
      await world.watcher.run();
      expect(world.notifications.map(n => n.payload.scope)).toEqual([
        'drift:component:default/cart:prod-us',
        'drift:component:default/cart:prod-us',
      ]);
    });
  });
});
