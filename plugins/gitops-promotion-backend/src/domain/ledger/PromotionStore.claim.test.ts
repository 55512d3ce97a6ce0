import { Knex } from 'knex';
import {
  createLedgerTestDatabases,
  fakeClock,
  newPromotion,
  secondClient,
  storeOn,
} from './__testUtils__/ledgerTestDatabases';
import { PromotionStore } from './PromotionStore';
import { PromotionState } from './types';

jest.setTimeout(60_000);

const databases = createLedgerTestDatabases();

describe.each(databases.ids.map(id => [id]))(
  'PromotionStore.claimInFlight on %s',
  databaseId => {
    const clients: Knex[] = [];
    afterAll(async () => {
      await Promise.all(clients.map(c => c.destroy()));
    });

    /** Two replicas of the backend: two clients (on PostgreSQL) and two stores on one database. */
    async function replicas() {
      const knex = await databases.init(databaseId);
      const other = secondClient(knex);
      if (other !== knex) clients.push(other);
      const clock = fakeClock();
      const a = await storeOn(knex, clock.now);
      const b = await storeOn(other, clock.now);
      return { knex, clock, a, b };
    }

    async function seed(
      store: PromotionStore,
      count: number,
      state: PromotionState = 'syncing',
    ) {
      const records = [];
      for (let i = 0; i < count; i++) {
        records.push((await store.insert(newPromotion({ state }))).record);
      }
      return records;
    }

    it('claims in-flight promotions only, leased to the owner', async () => {
      const { a, clock } = await replicas();
      const inFlight = [
        ...(await seed(a, 1, 'pending')),
        ...(await seed(a, 1, 'committed')),
        ...(await seed(a, 1, 'pr-open')),
        ...(await seed(a, 1, 'syncing')),
      ];
      await seed(a, 1, 'deployed');
      await seed(a, 1, 'failed');
      await seed(a, 1, 'rejected');
      const claimed = await a.claimInFlight({
        owner: 'replica-a',
        leaseMs: 30_000,
        limit: 10,
      });
      expect(claimed.map(c => c.id).sort()).toEqual(
        inFlight.map(r => r.id).sort(),
      );
      expect(claimed[0]).toMatchObject({
        claimedBy: 'replica-a',
        claimedUntil: new Date(clock.now().getTime() + 30_000).toISOString(),
      });
      expect(
        await a.claimInFlight({
          owner: 'replica-a',
          leaseMs: 30_000,
          limit: 10,
          states: ['syncing'],
        }),
      ).toEqual([]);
    });

    it('respects the limit and a states filter', async () => {
      const { a } = await replicas();
      await seed(a, 3, 'pr-open');
      await seed(a, 3, 'syncing');
      const prs = await a.claimInFlight({
        owner: 'a',
        leaseMs: 1000,
        limit: 2,
        states: ['pr-open'],
      });
      expect(prs.map(p => p.state)).toEqual(['pr-open', 'pr-open']);
      const rest = await a.claimInFlight({
        owner: 'a',
        leaseMs: 1000,
        limit: 10,
      });
      expect(rest.map(p => p.state).sort()).toEqual([
        'pr-open',
        'syncing',
        'syncing',
        'syncing',
      ]);
    });

    it('never gives two replicas the same promotion when they claim concurrently', async () => {
      const { a, b } = await replicas();
      const seeded = await seed(a, 60);
      const claimedBy = new Map<string, string[]>();
      const worker = async (store: PromotionStore, owner: string) => {
        for (;;) {
          const batch = await store.claimInFlight({
            owner,
            leaseMs: 60_000,
            limit: 7,
          });
          if (batch.length === 0) return;
          for (const record of batch) {
            expect(record.claimedBy).toBe(owner);
            claimedBy.set(record.id, [
              ...(claimedBy.get(record.id) ?? []),
              owner,
            ]);
          }
        }
      };
      await Promise.all([
        worker(a, 'a1'),
        worker(b, 'b1'),
        worker(a, 'a2'),
        worker(b, 'b2'),
        worker(b, 'b3'),
      ]);
      expect(
        [...claimedBy.values()].filter(owners => owners.length > 1),
      ).toEqual([]);
      expect([...claimedBy.keys()].sort()).toEqual(
        seeded.map(r => r.id).sort(),
      );
    });

    it('lets another replica claim once the lease expired, and fences the old owner', async () => {
      const { a, b, clock } = await replicas();
      const [row] = await seed(a, 1);
      expect(
        await a.claimInFlight({ owner: 'a', leaseMs: 1000, limit: 5 }),
      ).toHaveLength(1);
      clock.advance(999);
      expect(
        await b.claimInFlight({ owner: 'b', leaseMs: 1000, limit: 5 }),
      ).toEqual([]);
      clock.advance(1);
      const [taken] = await b.claimInFlight({
        owner: 'b',
        leaseMs: 1000,
        limit: 5,
      });
      expect(taken).toMatchObject({ id: row.id, claimedBy: 'b' });
      // The slow replica's write is refused: it no longer holds the lease.
      expect(
        await a.update(
          row.id,
          { state: 'deployed' },
          { expectedState: 'syncing', claimedBy: 'a' },
        ),
      ).toBeUndefined();
      expect(await a.release(row.id, 'a')).toBe(false);
      expect(
        await b.update(
          row.id,
          { state: 'deployed' },
          { expectedState: 'syncing', claimedBy: 'b' },
        ),
      ).toMatchObject({ state: 'deployed' });
      clock.advance(5000);
      expect(
        await a.claimInFlight({ owner: 'a', leaseMs: 1000, limit: 5 }),
      ).toEqual([]);
    });

    it('release makes a promotion claimable at once, after the never-claimed ones', async () => {
      const { a, b } = await replicas();
      const [first, second] = await seed(a, 2);
      const [claimed] = await a.claimInFlight({
        owner: 'a',
        leaseMs: 60_000,
        limit: 1,
      });
      expect(claimed.id).toBe(first.id);
      expect(await a.release(first.id, 'a')).toBe(true);
      const [next] = await b.claimInFlight({
        owner: 'b',
        leaseMs: 60_000,
        limit: 1,
      });
      expect(next.id).toBe(second.id);
      const [again] = await b.claimInFlight({
        owner: 'b',
        leaseMs: 60_000,
        limit: 1,
      });
      expect(again.id).toBe(first.id);
    });

    it('with olderThanMs claims only promotions unchanged for that long', async () => {
      const { a, clock } = await replicas();
      const [old] = await seed(a, 1, 'pending');
      const [reopened] = await seed(a, 1, 'pending');
      clock.advance(120_000);
      await seed(a, 1, 'pending');
      clock.advance(60_000);
      // Created three minutes ago but changed just now (a retry took it up):
      // it counts from its last change.
      await a.update(reopened.id, { stateReason: null });
      const claimed = await a.claimInFlight({
        owner: 'a',
        leaseMs: 1000,
        limit: 10,
        states: ['pending'],
        olderThanMs: 120_000,
      });
      expect(claimed.map(c => c.id)).toEqual([old.id]);
    });

    if (databaseId.startsWith('POSTGRES')) {
      it('skips rows another transaction holds instead of waiting for them', async () => {
        const { a, knex } = await replicas();
        const seeded = await seed(a, 4);
        const other = secondClient(knex);
        clients.push(other);
        const trx = await other.transaction();
        try {
          const locked = await trx('promotions')
            .whereIn('id', [seeded[0].id, seeded[1].id])
            .forUpdate()
            .select('id');
          expect(locked).toHaveLength(2);
          const claimed = await a.claimInFlight({
            owner: 'a',
            leaseMs: 1000,
            limit: 10,
          });
          expect(claimed.map(c => c.id).sort()).toEqual(
            [seeded[2].id, seeded[3].id].sort(),
          );
        } finally {
          await trx.rollback();
        }
      });
    }
  },
);
