import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import path from 'node:path';
import { readPluginConfig } from '../../config/readPluginConfig';
import { NewPromotion, PromotionStore } from '../ledger';
import {
  createLedgerTestDatabases,
  fakeClock,
  newPromotion,
  secondClient,
  storeOn,
} from '../ledger/__testUtils__/ledgerTestDatabases';
import { runGit } from '../../clients/git/runGit';
import { createRepositories } from '../../clients/repository/createRepositories';
import {
  createDemoRepository,
  DemoRepository,
} from '../../__testUtils__/demoRepository';
import { testConfig } from '../../__testUtils__/promotionBackend';
import { PromotionReconciler } from './PromotionReconciler';

jest.setTimeout(60_000);

const databases = createLedgerTestDatabases();
const MINUTE = 60_000;

describe.each(databases.ids)('PromotionReconciler on %s', id => {
  let demo: DemoRepository;
  let caches = 0;

  beforeAll(async () => {
    demo = await createDemoRepository();
  });

  afterAll(async () => {
    await demo.cleanup();
  });

  /** The demo repository through the git CLI provider, with a fresh cache each time. */
  function repositories() {
    const raw = testConfig({
      repository: demo.bare,
      argocdUrl: 'http://127.0.0.1:9',
      workingDirectory: path.join(demo.dir, `reconciler-cache-${caches++}`),
    });
    return createRepositories({
      config: readPluginConfig(new ConfigReader(raw))!,
      rootConfig: new ConfigReader({}),
      logger: mockServices.logger.mock(),
    });
  }

  /** A ledger whose clock starts now and that tests move by hand. */
  async function ledger() {
    const clock = fakeClock(new Date().toISOString());
    const knex = await databases.init(id);
    return { knex, clock, store: await storeOn(knex, clock.now) };
  }

  const reconcilerOn = (store: PromotionStore, owner = 'replica-0') =>
    new PromotionReconciler({
      store,
      repositories: repositories(),
      logger: mockServices.logger.mock(),
      owner,
    });

  /** A promotion of checkout to staging left pending (the write's outcome was never recorded). */
  async function pending(
    store: PromotionStore,
    overrides: Partial<NewPromotion> = {},
  ) {
    const { record } = await store.insert(
      newPromotion({
        entityRef: 'component:default/checkout',
        service: 'checkout',
        sourceEnv: 'dev',
        targetEnv: 'staging',
        versions: [
          {
            path: 'envs/staging/checkout/values.yaml',
            key: 'image.tag',
            from: '1.0.0',
            to: '4.0.0',
          },
        ],
        baseCommit: await demo.head(),
        ...overrides,
      }),
    );
    expect(record.state).toBe('pending');
    return record;
  }

  /** What the plugin's write pushes: a commit with one `Promotion-Id` trailer per promotion. */
  const landWrite = (promotionIds: string[], tag: string) =>
    demo.commit(
      [
        `Promote checkout ${tag} to staging`,
        '',
        `checkout image.tag: 1.0.0 -> ${tag} (envs/staging/checkout/values.yaml)`,
        '',
        'Promoted-by: user:default/alice',
        ...promotionIds.map(p => `Promotion-Id: ${p}`),
        'Co-authored-by: Alice <alice@example.com>',
      ].join('\n'),
      [
        {
          file: 'envs/staging/checkout/values.yaml',
          key: 'image.tag',
          value: tag,
        },
      ],
    );

  const commitDate = async (sha: string) =>
    (
      await runGit(['show', '-s', '--format=%cI', sha], { cwd: demo.bare })
    ).trim();

  it('moves a pending promotion whose commit reached the branch to committed, with that commit', async () => {
    const { store, clock } = await ledger();
    const promotion = await pending(store);
    const commitSha = await landWrite([promotion.id], '4.0.1');
    // Others keep committing after it.
    await demo.commit('Unrelated change of dev', [
      { file: 'envs/dev/cart/values.yaml', key: 'image.tag', value: '8.0.0' },
    ]);
    clock.advance(3 * MINUTE);

    expect(await reconcilerOn(store).run()).toBe(1);

    const reconciled = await store.get(promotion.id);
    expect(reconciled).toMatchObject({ state: 'committed', commitSha });
    expect(Date.parse(reconciled!.committedAt!)).toBe(
      Date.parse(await commitDate(commitSha)),
    );
    expect(reconciled?.claimedBy).toBeUndefined();
  });

  it('moves a pending promotion whose write never landed to failed, saying so', async () => {
    const { store, clock } = await ledger();
    const promotion = await pending(store);
    // Another promotion's commit does not count, nor does a longer id.
    const last = promotion.id.slice(-1);
    const another = `${promotion.id.slice(0, -1)}${last === '0' ? '1' : '0'}`;
    await landWrite([another, `${promotion.id}-retry`], '4.0.2');
    clock.advance(3 * MINUTE);

    await reconcilerOn(store).run();

    expect(await store.get(promotion.id)).toMatchObject({
      state: 'failed',
      stateReason: `The write never reached main: no commit carries Promotion-Id ${promotion.id}; promote again`,
    });
  });

  it('leaves a promotion pending for less than two minutes alone: its write may be under way', async () => {
    const { store, clock } = await ledger();
    const promotion = await pending(store);
    clock.advance(MINUTE);

    expect(await reconcilerOn(store).run()).toBe(0);

    expect(await store.get(promotion.id)).toMatchObject({ state: 'pending' });
  });

  it('moves every promotion of a release train to the one commit carrying their trailers', async () => {
    const { store, clock } = await ledger();
    const train = [
      await pending(store, { bulkId: 'train-1', kind: 'bulk' }),
      await pending(store, {
        bulkId: 'train-1',
        kind: 'bulk',
        service: 'cart',
        entityRef: 'component:default/cart',
      }),
    ];
    const commitSha = await landWrite(
      train.map(p => p.id),
      '4.0.3',
    );
    clock.advance(3 * MINUTE);

    await reconcilerOn(store).run();

    for (const promotion of train) {
      expect(await store.get(promotion.id)).toMatchObject({
        state: 'committed',
        commitSha,
      });
    }
  });

  it('never lets two replicas both change the same promotion', async () => {
    const { store, knex, clock } = await ledger();
    const other = secondClient(knex);
    const stores = [store, await storeOn(other, clock.now)];
    const landed = [];
    const lost = [];
    for (let i = 0; i < 4; i++) {
      const promotion = await pending(store);
      landed.push({
        promotion,
        commitSha: await landWrite([promotion.id], `4.1.${i}`),
      });
      lost.push(await pending(store));
    }
    clock.advance(3 * MINUTE);

    const changes: string[] = [];
    const reconcilers = stores.map((s, replica) => {
      const counted = Object.create(s) as PromotionStore;
      counted.update = async (promotionId, patch, options) => {
        const result = await s.update(promotionId, patch, options);
        if (result) changes.push(`${promotionId}:${patch.state}:${replica}`);
        return result;
      };
      return reconcilerOn(counted, `replica-${replica}`);
    });
    for (let round = 0; round < 3; round++) {
      await Promise.all(reconcilers.flatMap(r => [r.run(), r.run()]));
    }

    for (const { promotion, commitSha } of landed) {
      expect(await store.get(promotion.id)).toMatchObject({
        state: 'committed',
        commitSha,
      });
    }
    for (const promotion of lost) {
      expect(await store.get(promotion.id)).toMatchObject({ state: 'failed' });
    }
    const all = [...landed.map(l => l.promotion), ...lost];
    for (const promotion of all) {
      expect(changes.filter(c => c.startsWith(`${promotion.id}:`))).toEqual([
        expect.stringMatching(/^[^:]+:(committed|failed):[01]$/),
      ]);
    }
    if (other !== knex) await other.destroy();
  });
});
