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
          outsideDeployments: 0,
          perWeek: 1,
          lastDeployedAt: '2026-10-14T01:15:00.000Z',
          weekly: [2, 0],
          // 2.6.1 failed at 00:15 after its commit; the next one deployed at 01:15
          changes: 3,
          failures: 1,
          changeFailureRate: 0.3333,
          timeToRestore: {
            samples: 1,
            medianHours: 1,
            p90Hours: 1,
            unrestored: 0,
          },
        },
        {
          environment: 'prod-eu',
          deployments: 4,
          outsideDeployments: 0,
          perWeek: 2,
          lastDeployedAt: '2026-10-15T00:15:00.000Z',
          weekly: [3, 1],
          // the rollback of 15 Oct fails 2.6.1, deployed 14 Oct 12:30
          changes: 4,
          failures: 1,
          changeFailureRate: 0.25,
          timeToRestore: {
            samples: 1,
            medianHours: 11.75,
            p90Hours: 11.75,
            unrestored: 0,
          },
        },
        {
          environment: 'prod-us',
          deployments: 2,
          outsideDeployments: 0,
          perWeek: 1,
          lastDeployedAt: '2026-10-15T00:15:00.000Z',
          weekly: [1, 1],
          changes: 2,
          failures: 0,
          changeFailureRate: 0,
          timeToRestore: { samples: 0, unrestored: 0 },
        },
        {
          environment: 'staging',
          deployments: 2,
          outsideDeployments: 0,
          perWeek: 1,
          lastDeployedAt: '2026-10-12T06:15:00.000Z',
          weekly: [2, 0],
          changes: 2,
          failures: 0,
          changeFailureRate: 0,
          timeToRestore: { samples: 0, unrestored: 0 },
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
            outsideDeployments: 0,
            perWeek: 0.5,
            lastDeployedAt: '2026-10-16T00:15:00.000Z',
            weekly: [0, 1],
            changes: 1,
            failures: 0,
            changeFailureRate: 0,
            timeToRestore: { samples: 0, unrestored: 0 },
          },
          {
            environment: 'prod-eu',
            deployments: 1,
            outsideDeployments: 0,
            perWeek: 0.5,
            lastDeployedAt: '2026-10-16T04:00:00.000Z',
            weekly: [0, 1],
            changes: 1,
            failures: 0,
            changeFailureRate: 0,
            timeToRestore: { samples: 0, unrestored: 0 },
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
        changes: 5,
        failures: 1,
        changeFailureRate: 0.2,
      });
      expect(figures.total.leadTime).toEqual({
        samples: 5,
        medianHours: 24.25,
        p90Hours: 240.25,
      });
    });

    it('fails a promotion whose verification failed, restored by the automatic rollback its rollbackOf links', async () => {
      const knex = await databases.init(databaseId);
      const clock = fakeClock('2026-10-10T00:00:00.000Z');
      const store = await storeOn(knex, clock.now);
      const commitAndEnd = async (
        promotion: Partial<NewPromotion>,
        sha: string,
        state: 'deployed' | 'failed',
      ) => {
        const { record } = await store.insert(newPromotion(promotion));
        await store.update(record.id, { state: 'committed', commitSha: sha });
        clock.advance(HOUR);
        await store.update(record.id, { state });
        return record;
      };

      await commitAndEnd({}, 'a'.repeat(40), 'deployed');
      clock.set('2026-10-12T00:00:00.000Z');
      const verificationFailed = await commitAndEnd(
        { versions: [{ ...newPromotion().versions[0], to: '2.7.0' }] },
        'b'.repeat(40),
        'failed',
      );
      clock.advance(HOUR / 2);
      await commitAndEnd(
        {
          sourceEnv: undefined,
          kind: 'rollback',
          trigger: 'auto-rollback',
          rollbackOf: verificationFailed.id,
        },
        'c'.repeat(40),
        'deployed',
      );

      clock.set('2026-10-20T00:00:00.000Z');
      const figures = await store.deliveryFigures({
        services: ['shop'],
        since: new Date('2026-10-01T00:00:00.000Z'),
        productionEnvironments: ['prod-eu'],
        commits: [
          {
            service: 'shop',
            environment: 'prod-eu',
            commitSha: 'd'.repeat(40),
            date: '2026-10-15T00:00:00.000Z',
            message: 'Hotfix by hand',
            path: 'envs/prod-eu/shop/values.yaml',
            key: 'image.tag',
            from: '2.6.1',
            to: '2.6.2',
          },
        ],
      });

      expect(figures.services[0].environments).toEqual([
        expect.objectContaining({
          environment: 'prod-eu',
          deployments: 3,
          outsideDeployments: 1,
          changes: 4,
          failures: 1,
          changeFailureRate: 0.25,
          // failed at 01:00, the rollback deployed at 02:30
          timeToRestore: {
            samples: 1,
            medianHours: 1.5,
            p90Hours: 1.5,
            unrestored: 0,
          },
        }),
      ]);
    });
  },
);
