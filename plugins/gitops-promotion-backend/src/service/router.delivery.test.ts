import request from 'supertest';
import { runGit } from '../clients/git/runGit';
import {
  asUser,
  promoteWhenAllowed,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(120_000);

const api = '/api/gitops-promotion';
const checkout = 'component:default/checkout';
const HOUR = 3_600_000;

/**
 * GET /delivery on the demo GitOps repository, whose history (dated relative
 * to today) was written outside the plugin: a promotion through the plugin,
 * a hotfix by hand and its revert, all four figures read back over REST.
 */
describe('GET /delivery with changes made outside the plugin', () => {
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    backend = await startPromotionBackend();
  });
  afterAll(() => backend.stop());

  const get = (path: string) =>
    request(backend.server).get(`${api}${path}`).set('Authorization', asUser());
  /** The author date of the commit with this subject (ms). */
  const committed = async (subject: string) => {
    const log = await runGit(
      [
        'log',
        '--format=%aI',
        '--fixed-strings',
        `--grep=${subject}`,
        '-1',
        'main',
      ],
      { cwd: backend.demo.bare },
    );
    return Date.parse(log.trim());
  };
  const hours = (ms: number) => Math.round((ms / HOUR) * 100) / 100;

  it('counts commits made outside the plugin as deployments and their reverts as failures', async () => {
    const promotion = await promoteWhenAllowed(
      backend.server,
      'user:default/guest',
      {
        entityRef: checkout,
        source: 'staging',
        target: 'prod-eu',
      },
    );
    let deployedAt: string | undefined;
    for (let i = 0; i < 50 && !deployedAt; i++) {
      await backend.runTracker();
      deployedAt = (await get(`/promotions/${promotion.id}`)).body.deployedAt;
      if (!deployedAt) await new Promise(r => setTimeout(r, 200));
    }
    const prodUs = 'envs/prod-us/checkout/values.yaml';
    await backend.demo.commit('Hotfix checkout 2.6.2 in prod-us', [
      { file: prodUs, key: 'image.tag', value: '2.6.2' },
    ]);
    await backend.demo.commit('Revert "Hotfix checkout 2.6.2 in prod-us"', [
      { file: prodUs, key: 'image.tag', value: '2.4.0' },
    ]);

    const res = await get(`/delivery?entityRef=${checkout}&days=30`);

    expect(res.status).toBe(200);
    expect(res.body.warnings).toBeUndefined();
    const [figures] = res.body.services;
    const environment = (name: string) =>
      figures.environments.find((e: any) => e.environment === name);
    // 2.6.0 and 2.6.1 were set by hand 11 and 3 days ago.
    expect(environment('dev')).toMatchObject({
      deployments: 2,
      outsideDeployments: 2,
      changes: 2,
      failures: 0,
      changeFailureRate: 0,
    });
    // 2.5.0 by hand 28 days ago; 2.6.1 through the plugin, counted once.
    expect(environment('prod-eu')).toMatchObject({
      deployments: 2,
      outsideDeployments: 1,
      lastDeployedAt: deployedAt,
      failures: 0,
    });
    // The hotfix, reverted: a failed change, restored by its revert.
    const hotfix = await committed('Hotfix checkout 2.6.2 in prod-us');
    const revert = await committed('Revert "Hotfix checkout 2.6.2');
    const restoreHours = hours(revert - hotfix);
    expect(environment('prod-us')).toMatchObject({
      deployments: 2,
      outsideDeployments: 2,
      changes: 2,
      failures: 1,
      changeFailureRate: 0.5,
      timeToRestore: {
        samples: 1,
        medianHours: restoreHours,
        p90Hours: restoreHours,
        unrestored: 0,
      },
    });
    // Lead times to production start where the versions first went, in
    // git: 2.5.0 and 2.6.1 into dev, both by hand. The hotfix never went
    // elsewhere and the revert is no lead time.
    const leadTimes = [
      (await committed('Promote checkout 2.5.0 to prod-eu')) -
        (await committed('Release checkout 2.5.0 to dev')),
      Date.parse(deployedAt!) -
        (await committed('Release checkout 2.6.1 to dev')),
    ];
    expect(figures.leadTime).toEqual({
      samples: 2,
      medianHours: hours((leadTimes[0] + leadTimes[1]) / 2),
      p90Hours: hours(Math.max(...leadTimes)),
    });
    expect(res.body.total.environments).toEqual(figures.environments);

    // 90 days also hold the demo's import (60 days ago: the files' first
    // version) and its 2.4.0 (55 days ago) in both productions.
    const longer = await get(`/delivery?entityRef=${checkout}&days=90`);
    expect(
      longer.body.services[0].environments
        .filter((e: any) => e.environment.startsWith('prod-'))
        .map((e: any) => [e.environment, e.deployments, e.failures]),
    ).toEqual([
      ['prod-eu', 4, 0],
      ['prod-us', 4, 1],
    ]);
  });
});
