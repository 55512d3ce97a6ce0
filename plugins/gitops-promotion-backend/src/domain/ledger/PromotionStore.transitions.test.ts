import {
  createLedgerTestDatabases,
  newPromotion,
} from './__testUtils__/ledgerTestDatabases';
import { PromotionStore } from './PromotionStore';
import { PromotionRecord } from './types';

jest.setTimeout(60_000);

const databases = createLedgerTestDatabases();

describe.each(databases.ids.map(id => [id]))(
  'PromotionStore transitions on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const told: Array<Pick<PromotionRecord, 'id' | 'state'>> = [];
      const store = await PromotionStore.create(
        { getClient: async () => knex },
        { onTransition: ({ id, state }) => told.push({ id, state }) },
      );
      return { store, told };
    }

    it('tells of a recorded promotion once, not of one its idempotency key returns again', async () => {
      const { store, told } = await setup();
      const request = newPromotion({ idempotencyKey: 'click-1' });
      const { record } = await store.insert(request);
      await store.insert(request);
      expect(told).toEqual([{ id: record.id, state: 'pending' }]);
    });

    it('tells of every stored state change with the promotion as stored', async () => {
      const knex = await databases.init(databaseId);
      const told: PromotionRecord[] = [];
      const store = await PromotionStore.create(
        { getClient: async () => knex },
        { onTransition: promotion => told.push(promotion) },
      );
      const { record } = await store.insert(newPromotion());
      await store.update(record.id, { state: 'committed', commitSha: 'c1' });
      await store.update(
        record.id,
        { state: 'syncing' },
        { expectedState: 'committed' },
      );
      expect(told.map(p => p.state)).toEqual([
        'pending',
        'committed',
        'syncing',
      ]);
      expect(told[1].commitSha).toBe('c1');
      expect(told[2]).toEqual(await store.get(record.id));
    });

    it('is silent about updates that change no state or lose the compare-and-set', async () => {
      const { store, told } = await setup();
      const { record } = await store.insert(newPromotion());
      told.length = 0;
      await store.update(record.id, { stateReason: 'still writing' });
      const lost = await store.update(
        record.id,
        { state: 'deployed' },
        { expectedState: 'syncing' },
      );
      expect(lost).toBeUndefined();
      expect(told).toEqual([]);
    });
  },
);
