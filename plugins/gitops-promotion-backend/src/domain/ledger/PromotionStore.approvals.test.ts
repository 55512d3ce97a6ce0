import {
  createLedgerTestDatabases,
  newPromotion,
} from './__testUtils__/ledgerTestDatabases';
import { PromotionStore } from './PromotionStore';

jest.setTimeout(60_000);

const databases = createLedgerTestDatabases();

const APPROVALS = {
  required: 2,
  from: ['group:default/release-managers'],
  decisions: [],
};

const decision = (
  approver: string,
  kind: 'approve' | 'reject' = 'approve',
) => ({
  approver,
  decision: kind,
  at: '2026-12-06T10:00:00.000Z',
});

describe.each(databases.ids.map(id => [id]))(
  'PromotionStore approvals and pauses on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      return PromotionStore.create({ getClient: async () => knex });
    }

    async function awaiting(store: PromotionStore) {
      const { record } = await store.insert({
        ...newPromotion(),
        state: 'awaiting-approval',
        approvals: APPROVALS,
        intent: {
          entityRef: 'component:default/checkout',
          kind: 'promote',
          source: 'dev',
          target: 'staging',
          versions: ['2.8.0'],
          baseCommit: 'a'.repeat(40),
        },
      });
      return record;
    }

    it('keeps the request as checked and counts approvals until the required one makes it pending', async () => {
      const store = await setup();
      const record = await awaiting(store);
      expect(record.intent?.versions).toEqual(['2.8.0']);
      const first = await store.decide(record.id, decision('user:default/a'));
      expect(first.ready).toBe(false);
      expect(first.record.state).toBe('awaiting-approval');
      const second = await store.decide(record.id, decision('user:default/b'));
      expect(second.ready).toBe(true);
      expect(second.record).toMatchObject({
        state: 'pending',
        approvals: {
          decisions: [
            expect.objectContaining({ approver: 'user:default/a' }),
            expect.objectContaining({ approver: 'user:default/b' }),
          ],
        },
      });
    });

    it('lets exactly one of concurrent deciders make it ready, and nobody decide twice', async () => {
      const store = await setup();
      const record = await awaiting(store);
      await store.decide(record.id, decision('user:default/a'));
      await expect(
        store.decide(record.id, decision('user:default/a')),
      ).rejects.toThrow('user:default/a already decided');
      const outcomes = await Promise.allSettled(
        ['b', 'c', 'd'].map(who =>
          store.decide(record.id, decision(`user:default/${who}`)),
        ),
      );
      const ready = outcomes.filter(
        o => o.status === 'fulfilled' && o.value.ready,
      );
      expect(ready).toHaveLength(1);
      expect((await store.get(record.id))!.approvals!.decisions).toHaveLength(
        2,
      );
    });

    it('ends it on a rejection, with who rejected and why', async () => {
      const store = await setup();
      const record = await awaiting(store);
      const { record: rejected, ready } = await store.decide(record.id, {
        ...decision('user:default/a', 'reject'),
        comment: 'Not during the sale',
      });
      expect(ready).toBe(false);
      expect(rejected).toMatchObject({
        state: 'rejected',
        stateReason: 'Rejected by user:default/a: Not during the sale',
      });
    });

    it('keeps one pause per service and environment, and removes it', async () => {
      const store = await setup();
      const pause = {
        entityRef: 'component:default/checkout',
        environment: '*',
        pausedBy: 'user:default/a',
      };
      expect((await store.pause(pause)).created).toBe(true);
      const again = await store.pause({ ...pause, pausedBy: 'user:default/b' });
      expect(again).toMatchObject({
        created: false,
        pause: { pausedBy: 'user:default/a' },
      });
      expect(await store.pauses()).toHaveLength(1);
      expect(await store.resume(pause.entityRef, '*')).toBe(true);
      expect(await store.resume(pause.entityRef, '*')).toBe(false);
      expect(await store.pauses()).toEqual([]);
    });
  },
);
