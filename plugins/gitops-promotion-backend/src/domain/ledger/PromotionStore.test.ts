import { InputError, NotFoundError } from '@backstage/errors';
import {
  createLedgerTestDatabases,
  fakeClock,
  newPromotion,
  secondClient,
  storeOn,
} from './__testUtils__/ledgerTestDatabases';
import { IdempotencyKeyReusedError } from './IdempotencyKeyReusedError';
import { PromotionStore } from './PromotionStore';

jest.setTimeout(60_000);

const databases = createLedgerTestDatabases();

describe.each(databases.ids.map(id => [id]))(
  'PromotionStore on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const clock = fakeClock();
      const store = await storeOn(knex, clock.now);
      return { knex, clock, store };
    }

    it('creates the schema and records a promotion with every field', async () => {
      const { store, knex } = await setup();
      const { record, created } = await store.insert(
        newPromotion({
          bulkId: 'train-1',
          idempotencyKey: 'k-1',
          stateReason: 'queued',
          pullRequest: {
            url: 'https://github.com/acme/gitops/pull/7',
            number: 7,
          },
        }),
      );
      expect(created).toBe(true);
      expect(record).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        entityRef: 'component:default/shop',
        service: 'shop',
        sourceEnv: 'staging',
        targetEnv: 'prod-eu',
        kind: 'promote',
        versions: [
          {
            path: 'envs/prod-eu/shop/values.yaml',
            key: 'image.tag',
            from: '2.6.0',
            to: '2.6.1',
          },
        ],
        requester: 'user:default/alice',
        mode: 'commit',
        repositoryId: 'acme-gitops',
        branch: 'main',
        baseCommit: 'a'.repeat(40),
        pullRequest: {
          url: 'https://github.com/acme/gitops/pull/7',
          number: 7,
        },
        state: 'pending',
        stateReason: 'queued',
        idempotencyKey: 'k-1',
        bulkId: 'train-1',
        createdAt: '2026-10-21T10:00:00.000Z',
        updatedAt: '2026-10-21T10:00:00.000Z',
      });
      expect(await store.get(record.id)).toEqual(record);
      expect(
        await store.get('00000000-0000-0000-0000-000000000000'),
      ).toBeUndefined();
      // A CI set has no source environment.
      const ci = await store.insert(
        newPromotion({ sourceEnv: undefined, kind: 'ci', targetEnv: 'dev' }),
      );
      expect(ci.record.sourceEnv).toBeUndefined();
      expect(await knex('promotions').select('id')).toHaveLength(2);
    });

    it('runs migrations only once, and not at all when told to skip them', async () => {
      const knex = await databases.init(databaseId);
      await storeOn(knex);
      await storeOn(knex);
      const fresh = await databases.init(databaseId);
      await PromotionStore.create({
        getClient: async () => fresh,
        migrations: { skip: true },
      });
      expect(await fresh.schema.hasTable('promotions')).toBe(false);
    });

    describe('idempotency', () => {
      it('returns the first promotion for a repeated key', async () => {
        const { store, clock } = await setup();
        const first = await store.insert(
          newPromotion({ idempotencyKey: 'click-1' }),
        );
        clock.advance(1000);
        const again = await store.insert(
          newPromotion({ idempotencyKey: 'click-1' }),
        );
        expect(again).toEqual({ record: first.record, created: false });
        const other = await store.insert(
          newPromotion({ idempotencyKey: 'click-2' }),
        );
        expect(other.created).toBe(true);
        expect(other.record.id).not.toBe(first.record.id);
        // No key: never deduplicated.
        const a = await store.insert(newPromotion());
        const b = await store.insert(newPromotion());
        expect(a.record.id).not.toBe(b.record.id);
      });

      it('yields one row for concurrent requests with one key, across replicas', async () => {
        const { store, knex } = await setup();
        const other = secondClient(knex);
        try {
          const replica = await storeOn(other);
          const results = await Promise.all(
            Array.from({ length: 12 }, (_, i) =>
              (i % 2 ? replica : store).insert(
                newPromotion({ idempotencyKey: 'race' }),
              ),
            ),
          );
          expect(results.filter(r => r.created)).toHaveLength(1);
          expect(new Set(results.map(r => r.record.id)).size).toBe(1);
          expect(
            await knex('promotions').where('idempotency_key', 'race'),
          ).toHaveLength(1);
        } finally {
          if (other !== knex) await other.destroy();
        }
      });

      it("scopes keys to the requester: another requester's key is a new promotion", async () => {
        const { store } = await setup();
        const alice = await store.insert(newPromotion({ idempotencyKey: 'k' }));
        const bob = await store.insert(
          newPromotion({ idempotencyKey: 'k', requester: 'user:default/bob' }),
        );
        expect(bob.created).toBe(true);
        expect(bob.record.id).not.toBe(alice.record.id);
        expect(
          await store.findByIdempotencyKey('k', 'user:default/bob'),
        ).toMatchObject({ id: bob.record.id });
      });

      it('refuses (422) a key reused for another request', async () => {
        const { store } = await setup();
        await store.insert(
          newPromotion({ idempotencyKey: 'k', requestHash: 'a'.repeat(64) }),
        );
        const reused = store.insert(
          newPromotion({ idempotencyKey: 'k', requestHash: 'b'.repeat(64) }),
        );
        await expect(reused).rejects.toThrow(IdempotencyKeyReusedError);
        await expect(reused).rejects.toMatchObject({ statusCode: 422 });
        await expect(
          store.insert(
            newPromotion({ idempotencyKey: 'k', requestHash: 'a'.repeat(64) }),
          ),
        ).resolves.toMatchObject({ created: false });
      });

      it('compares records from before request fingerprints by what they promote', async () => {
        const { store } = await setup();
        await store.insert(newPromotion({ idempotencyKey: 'k' }));
        await expect(
          store.insert(
            newPromotion({ idempotencyKey: 'k', targetEnv: 'prod-us' }),
          ),
        ).rejects.toThrow(
          /Idempotency key 'k' was already used for another request \(promotion .+: shop to prod-eu\)/,
        );
        await expect(
          store.insert(
            newPromotion({
              idempotencyKey: 'k',
              versions: [{ path: 'p', key: 'image.tag', to: '2.7.0' }],
            }),
          ),
        ).rejects.toThrow(IdempotencyKeyReusedError);
        await expect(
          store.insert(newPromotion({ idempotencyKey: '' })),
        ).rejects.toThrow(InputError);
        await expect(
          store.insert(newPromotion({ idempotencyKey: 'x'.repeat(256) })),
        ).rejects.toThrow('Idempotency key must be 1-255 characters long');
      });
    });

    describe('update', () => {
      it('compares and sets the state, stamping commit and deploy times', async () => {
        const { store, clock } = await setup();
        const { record } = await store.insert(newPromotion());
        clock.advance(60_000);
        const committed = await store.update(
          record.id,
          { state: 'committed', commitSha: 'b'.repeat(40) },
          { expectedState: 'pending' },
        );
        expect(committed).toMatchObject({
          state: 'committed',
          commitSha: 'b'.repeat(40),
          committedAt: '2026-10-21T10:01:00.000Z',
          updatedAt: '2026-10-21T10:01:00.000Z',
          createdAt: '2026-10-21T10:00:00.000Z',
        });
        // A second writer that still thinks it is pending loses.
        expect(
          await store.update(
            record.id,
            { state: 'failed' },
            { expectedState: 'pending' },
          ),
        ).toBeUndefined();
        expect((await store.get(record.id))!.state).toBe('committed');

        clock.advance(60_000);
        const syncing = await store.update(
          record.id,
          { state: 'syncing', commitSha: 'b'.repeat(40) },
          { expectedState: ['committed', 'pr-open'] },
        );
        // The first commit time is kept.
        expect(syncing!.committedAt).toBe('2026-10-21T10:01:00.000Z');
        clock.advance(60_000);
        const deployed = await store.update(record.id, {
          state: 'deployed',
          stateReason: 'Synced and Healthy',
        });
        expect(deployed).toMatchObject({
          state: 'deployed',
          stateReason: 'Synced and Healthy',
          deployedAt: '2026-10-21T10:03:00.000Z',
        });
        const cleared = await store.update(record.id, {
          stateReason: null,
          pullRequest: null,
        });
        expect(cleared!.stateReason).toBeUndefined();
      });

      it('records a pull request and an explicit time', async () => {
        const { store } = await setup();
        const { record } = await store.insert(
          newPromotion({ mode: 'pull-request' }),
        );
        const updated = await store.update(record.id, {
          state: 'pr-open',
          branch: 'gitops-promotion/shop-prod-eu',
          pullRequest: {
            url: 'https://github.com/acme/gitops/pull/9',
            number: 9,
          },
          deployedAt: new Date('2026-10-22T00:00:00Z'),
        });
        expect(updated).toMatchObject({
          state: 'pr-open',
          branch: 'gitops-promotion/shop-prod-eu',
          pullRequest: {
            url: 'https://github.com/acme/gitops/pull/9',
            number: 9,
          },
          deployedAt: '2026-10-22T00:00:00.000Z',
        });
      });

      it('throws NotFoundError for an unknown promotion', async () => {
        const { store } = await setup();
        await expect(
          store.update('00000000-0000-0000-0000-000000000000', {
            state: 'failed',
          }),
        ).rejects.toThrow(NotFoundError);
      });
    });

    describe('list', () => {
      async function seeded() {
        const s = await setup();
        const add = async (overrides: Parameters<typeof newPromotion>[0]) => {
          s.clock.advance(1000);
          return (await s.store.insert(newPromotion(overrides))).record;
        };
        const rows = [
          await add({
            targetEnv: 'dev',
            sourceEnv: undefined,
            kind: 'ci',
            state: 'deployed',
          }),
          await add({
            targetEnv: 'staging',
            sourceEnv: 'dev',
            state: 'syncing',
          }),
          await add({ targetEnv: 'prod-eu', bulkId: 'train' }),
          await add({ targetEnv: 'prod-us', bulkId: 'train', state: 'failed' }),
          await add({ service: 'cart', entityRef: 'component:default/cart' }),
        ];
        return { ...s, rows };
      }

      it('filters and orders newest first', async () => {
        const { store, rows } = await seeded();
        const idsOf = (records: { id: string }[]) => records.map(r => r.id);
        const [dev, staging, prodEu, prodUs, cart] = idsOf(rows);
        expect(idsOf(await store.list({ limit: 10 }))).toEqual([
          cart,
          prodUs,
          prodEu,
          staging,
          dev,
        ]);
        expect(idsOf(await store.list({ limit: 10, service: 'shop' }))).toEqual(
          [prodUs, prodEu, staging, dev],
        );
        expect(
          idsOf(
            await store.list({
              limit: 10,
              entityRef: 'component:default/cart',
            }),
          ),
        ).toEqual([cart]);
        expect(
          idsOf(
            await store.list({
              limit: 10,
              service: 'shop',
              environment: 'staging',
            }),
          ),
        ).toEqual([staging]);
        expect(
          idsOf(await store.list({ limit: 10, states: ['syncing', 'failed'] })),
        ).toEqual([prodUs, staging]);
        expect(idsOf(await store.list({ limit: 10, bulkId: 'train' }))).toEqual(
          [prodUs, prodEu],
        );
        expect(await store.list({ limit: 10, states: [] })).toEqual([]);
      });

      it('pages with a cursor, also through equal timestamps', async () => {
        const { store } = await setup();
        // Same clock: every row has the same created_at.
        for (let i = 0; i < 5; i++) {
          await store.insert(newPromotion());
        }
        const seen: string[] = [];
        let before: string | undefined;
        for (;;) {
          const page = await store.list({ limit: 2, before });
          if (page.length === 0) break;
          seen.push(...page.map(p => p.id));
          before = page[page.length - 1].id;
        }
        expect(seen).toHaveLength(5);
        expect(new Set(seen).size).toBe(5);
      });

      it('rejects a bad limit or cursor', async () => {
        const { store } = await setup();
        await expect(store.list({ limit: 0 })).rejects.toThrow(InputError);
        await expect(store.list({ limit: 501 })).rejects.toThrow(
          'limit must be an integer from 1 to 500',
        );
        await expect(store.list({ limit: 5, before: 'nope' })).rejects.toThrow(
          "Unknown cursor 'nope'",
        );
      });
    });
  },
);
