import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createArgoCdDevServer } from '@internal/argocd-dev-server';
import path from 'node:path';
import { ArgoCdClient } from '../../clients/argocd';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import { demoConfig } from '../../__testUtils__/demoConfig';
import { testConfig } from '../../__testUtils__/promotionBackend';
import { readPluginConfig } from '../../config/readPluginConfig';
import {
  createLedgerTestDatabases,
  secondClient,
  storeOn,
} from '../ledger/__testUtils__/ledgerTestDatabases';
import { PromotionStore } from '../ledger';
import { createRepositories } from '../../clients/repository/createRepositories';
import { PromotionTracker } from './PromotionTracker';

jest.setTimeout(60_000);

const databases = createLedgerTestDatabases();

describe.each(databases.ids)('PromotionTracker with two replicas on %s', id => {
  it('advances each in-flight promotion exactly once, whichever replica takes it', async () => {
    const demo = await createDemoRepository();
    const standIn = await createArgoCdDevServer({
      repositoryPath: demo.bare,
      environments: ['dev', 'staging', 'prod-eu', 'prod-us'],
      layouts: demoConfig().layouts,
      token: 't',
      syncDelayMs: 100,
      pollIntervalMs: 100,
    }).start();
    const raw = testConfig({
      repository: demo.bare,
      argocdUrl: standIn.url,
      workingDirectory: path.join(demo.dir, 'cache'),
      mutate: section => {
        section.argocd.instances[0].token = 't';
      },
    });
    const config = readPluginConfig(new ConfigReader(raw))!;
    const argocd = ArgoCdClient.fromConfig(new ConfigReader(raw))!;
    const knex = await databases.init(id);
    const stores = [await storeOn(knex), await storeOn(secondClient(knex))];
    const head = await demo.head();
    const services = [
      'checkout',
      'payments',
      'cart',
      'search',
      'inventory',
      'ledger',
    ];
    for (const service of services) {
      await stores[0].insert({
        service,
        targetEnv: 'staging',
        kind: 'promote',
        versions: [],
        requester: 'user:default/guest',
        mode: 'commit',
        repositoryId: 'acme-gitops',
        branch: 'main',
        state: 'committed',
        commitSha: head,
      } as never);
    }

    // Count the successful transitions each replica makes.
    const transitions: string[] = [];
    const trackers = stores.map((store, replica) => {
      const counted = Object.create(store) as PromotionStore;
      counted.update = async (promotionId, patch, options) => {
        const result = await store.update(promotionId, patch, options);
        if (result)
          transitions.push(`${promotionId}:${patch.state}:${replica}`);
        return result;
      };
      return new PromotionTracker({
        store: counted,
        repositories: createRepositories({
          config,
          rootConfig: new ConfigReader({}),
          logger: mockServices.logger.mock(),
        }),
        argocd,
        logger: mockServices.logger.mock(),
        owner: `replica-${replica}`,
      });
    });

    for (let round = 0; round < 20; round++) {
      await Promise.all(trackers.map(t => t.run()));
      const all = await stores[0].list({ limit: 100 });
      if (all.every(p => p.state === 'deployed')) break;
      await new Promise(r => setTimeout(r, 150));
    }

    const all = await stores[0].list({ limit: 100 });
    expect(all.map(p => p.state)).toEqual(services.map(() => 'deployed'));
    for (const promotion of all) {
      const mine = transitions.filter(t => t.startsWith(`${promotion.id}:`));
      const deployed = mine.filter(t => t.includes(':deployed:'));
      // one transition into each state, by one replica
      expect(deployed).toHaveLength(1);
      expect(new Set(mine.map(t => t.split(':')[1])).size).toBe(mine.length);
    }

    await argocd.close();
    await standIn.close();
    await demo.cleanup();
  });
});
