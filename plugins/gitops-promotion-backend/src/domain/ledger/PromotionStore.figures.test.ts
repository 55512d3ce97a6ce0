import {
  createLedgerTestDatabases,
  fakeClock,
  newPromotion,
  storeOn,
} from './__testUtils__/ledgerTestDatabases';
import { NewPromotion } from './types';

jest.setTimeout(60_000);

const databases = createLedgerTestDatabases();

const HOUR = 3_600_000;

describe.each(databases.ids.map(id => [id]))(
  'PromotionStore.deliveryFigures on %s',
  databaseId => {
    it('counts deployments per environment and measures lead time to production', async () => {
      const knex = await databases.init(databaseId);
      const clock = fakeClock('2026-10-01T00:00:00.000Z');
      const store = await storeOn(knex, clock.now);

      /** Records a promotion committed now and deployed `rolloutHours` later. */
      const ship = async (
        overrides: Partial<NewPromotion>,
        version: string,
        rolloutHours = 0.25,
        state: 'deployed' | 'failed' = 'deployed',
      ) => {
        const { record } = await store.insert(
          newPromotion({
            versions: [{ path: 'values.yaml', key: 'image.tag', to: version }],
            ...overrides,
          }),
        );
        await store.update(record.id, {
          state: 'committed',
          commitSha: 'c'.repeat(40),
        });
        const committedAt = clock.now();
        clock.advance(rolloutHours * HOUR);
        await store.update(record.id, { state });
        clock.set(committedAt.toISOString());
        return record;
      };
      const ci = (env = 'dev') => ({
        sourceEnv: undefined,
        kind: 'ci' as const,
        targetEnv: env,
      });
      const promote = (from: string, to: string) => ({
        sourceEnv: from,
        targetEnv: to,
      });

      // Before the period: 2.5.0 reached dev (its lead time starts here).
      await ship(ci(), '2.5.0');
      clock.set('2026-10-10T00:00:00.000Z');
      await ship(promote('dev', 'staging'), '2.5.0');
      clock.set('2026-10-11T00:00:00.000Z');
      await ship(promote('staging', 'prod-eu'), '2.5.0'); // 240.25 h after dev

      clock.set('2026-10-12T00:00:00.000Z');
      await ship(ci(), '2.6.0');
      clock.set('2026-10-12T06:00:00.000Z');
      await ship(promote('dev', 'staging'), '2.6.0');
      clock.set('2026-10-13T00:00:00.000Z');
      await ship(promote('staging', 'prod-eu'), '2.6.0'); // 24.25 h
      clock.set('2026-10-13T02:00:00.000Z');
      await ship(promote('staging', 'prod-us'), '2.6.0', 1); // 27 h

      clock.set('2026-10-14T00:00:00.000Z');
      await ship(ci(), '2.6.1', 0.25, 'failed'); // failed in dev: still the first commit
      clock.set('2026-10-14T01:00:00.000Z');
      await ship(ci(), '2.6.1');
      clock.set('2026-10-14T12:00:00.000Z');
      await ship(promote('dev', 'prod-eu'), '2.6.1', 0.5); // 12.5 h
      clock.set('2026-10-15T00:00:00.000Z');
      // A rollback counts as a deployment, not as a lead time.
      await ship(
        { sourceEnv: undefined, kind: 'rollback', targetEnv: 'prod-eu' },
        '2.6.0',
      );
      // Set outside the plugin: prod only, no earlier record, no lead time.
      await ship(
        { sourceEnv: undefined, kind: 'ci', targetEnv: 'prod-us' },
        'hotfix-1',
      );
      // A rejected promotion is ignored.
      const { record: rejected } = await store.insert(
        newPromotion({ targetEnv: 'prod-us' }),
      );
      await store.update(rejected.id, { state: 'rejected' });
      // Another service.
      clock.set('2026-10-16T00:00:00.000Z');
      await ship({ ...ci(), service: 'cart' }, '1.0.0');
      clock.set('2026-10-16T03:00:00.000Z');
      await ship({ ...promote('dev', 'prod-eu'), service: 'cart' }, '1.0.0', 1); // 4 h
      // In flight, not deployed.
      clock.set('2026-10-17T00:00:00.000Z');
      await store.insert(
        newPromotion({ targetEnv: 'prod-us', state: 'syncing' }),
      );

      clock.set('2026-10-22T00:00:00.000Z');
      const figures = await store.deliveryFigures({
        services: ['shop', 'cart', 'idle'],
        since: new Date('2026-10-08T00:00:00.000Z'),
        productionEnvironments: ['prod-eu', 'prod-us'],
      });

      expect(figures.since).toBe('2026-10-08T00:00:00.000Z');
      expect(figures.until).toBe('2026-10-22T00:00:00.000Z');
      const [shop, cart, idle] = figures.services;
      expect(shop.service).toBe('shop');
      expect(shop.environments).toEqual([
        {
          environment: 'dev',
          deployments: 2,
          perWeek: 1,
          lastDeployedAt: '2026-10-14T01:15:00.000Z',
          weekly: [2, 0],
        },
        {
          environment: 'prod-eu',
          deployments: 4,
          perWeek: 2,
          lastDeployedAt: '2026-10-15T00:15:00.000Z',
          weekly: [3, 1],
        },
        {
          environment: 'prod-us',
          deployments: 2,
          perWeek: 1,
          lastDeployedAt: '2026-10-15T00:15:00.000Z',
          weekly: [1, 1],
        },
        {
          environment: 'staging',
          deployments: 2,
          perWeek: 1,
          lastDeployedAt: '2026-10-12T06:15:00.000Z',
          weekly: [2, 0],
        },
      ]);
      // Lead times: 240.25, 24.25, 27, 12.5 hours.
      expect(shop.leadTime).toEqual({
        samples: 4,
        medianHours: 25.63,
        p90Hours: 240.25,
      });
      expect(cart).toEqual({
        service: 'cart',
        environments: [
          {
            environment: 'dev',
            deployments: 1,
            perWeek: 0.5,
            lastDeployedAt: '2026-10-16T00:15:00.000Z',
            weekly: [0, 1],
          },
          {
            environment: 'prod-eu',
            deployments: 1,
            perWeek: 0.5,
            lastDeployedAt: '2026-10-16T04:00:00.000Z',
            weekly: [0, 1],
          },
        ],
        leadTime: { samples: 1, medianHours: 4, p90Hours: 4 },
      });
      expect(idle).toEqual({
        service: 'idle',
        environments: [],
        leadTime: { samples: 0 },
      });
      expect(
        figures.total.environments.find(e => e.environment === 'prod-eu'),
      ).toMatchObject({
        deployments: 5,
        perWeek: 2.5,
        weekly: [3, 2],
      });
      expect(figures.total.leadTime).toEqual({
        samples: 5,
        medianHours: 24.25,
        p90Hours: 240.25,
      });
    });
  },
);
