import path from 'node:path';
import { countingProvider } from '../../__testUtils__/countingProvider';
import {
  createDemoRepository,
  DemoRepository,
} from '../../__testUtils__/demoRepository';
import { demoConfig, demoServices } from '../../__testUtils__/demoConfig';
import { GitCliProvider } from '../../clients/git/GitCliProvider';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { GitVersionChange } from '../ledger/types';
import { markReverts, readVersionChanges } from './gitVersionChanges';

const DAY = 86_400_000;

describe('markReverts', () => {
  /** Version changes of one file, oldest first: `from → to` pairs. */
  const changes = (...steps: Array<[string, string]>): GitVersionChange[] =>
    steps.map(([from, to], i) => ({
      service: 'shop',
      environment: 'prod',
      commitSha: `c${i}`,
      date: new Date(Date.UTC(2026, 9, i + 1)).toISOString(),
      message: `Set ${to}`,
      path: 'envs/prod/shop/values.yaml',
      key: 'image.tag',
      from,
      to,
    }));

  it.each<[string, Array<[string, string]>, Array<string | undefined>]>([
    [
      'moving on is no revert',
      [
        ['1', '2'],
        ['2', '3'],
      ],
      [undefined, undefined],
    ],
    [
      'going back to the version before the change reverts it',
      [
        ['1', '2'],
        ['2', '1'],
      ],
      [undefined, 'c0'],
    ],
    [
      'going back further than the change before reverts it too',
      [
        ['1', '2'],
        ['2', '3'],
        ['3', '1'],
      ],
      [undefined, undefined, 'c1'],
    ],
    [
      'setting again what a revert took away is no revert of the revert',
      [
        ['1', '2'],
        ['2', '1'],
        ['1', '2'],
      ],
      [undefined, 'c0', undefined],
    ],
    [
      'reverting a revert further back reverts it',
      [
        ['1', '2'],
        ['2', '3'],
        ['3', '2'],
        ['2', '1'],
      ],
      [undefined, undefined, 'c1', 'c2'],
    ],
  ])('%s', (_, steps, reverts) => {
    expect(markReverts(changes(...steps)).map(c => c.reverts)).toEqual(reverts);
  });
});

describe('readVersionChanges', () => {
  let demo: DemoRepository;
  beforeAll(async () => {
    demo = await createDemoRepository();
  });
  afterAll(() => demo.cleanup());

  const setup = (url = demo.bare) => {
    const { provider, counts } = countingProvider(
      new GitCliProvider({
        url,
        cacheDir: path.join(demo.dir, `cache-${Math.random()}`),
        committer: { name: 'bot', email: 'bot@acme.test' },
      }),
    );
    const repository = new GitopsRepository('acme-gitops', provider);
    const read = (days: number, services = demoServices) =>
      readVersionChanges(
        { config: demoConfig(), repositories: () => repository },
        {
          services,
          environments: ['dev', 'staging', 'prod-eu', 'prod-us'],
          from: new Date(Date.now() - days * DAY),
        },
      );
    return { read, counts };
  };
  const daysAgo = (days: number) =>
    new Date(Date.now() - days * DAY).toISOString().slice(0, 10);

  it('reads every version change of every service and environment in the period, oldest first', async () => {
    const { read, counts } = setup();
    const { commits, warnings } = await read(29);

    expect(warnings).toEqual([]);
    const checkout = commits
      .filter(c => c.service === 'checkout')
      .map(c => [c.environment, c.from, c.to, c.date.slice(0, 10)]);
    expect(checkout).toEqual([
      ['dev', '2.5.0', '2.6.0', daysAgo(11)],
      ['dev', '2.6.0', '2.6.1', daysAgo(3)],
      ['staging', '2.5.0', '2.6.1', daysAgo(2)],
      ['prod-eu', '2.4.0', '2.5.0', daysAgo(28)],
    ]);
    expect(commits.every(c => c.reverts === undefined)).toBe(true);
    // One head lookup and one walk of the history for 32 files.
    expect(counts).toMatchObject({
      getBranchHead: 1,
      fileHistories: 1,
      fileHistory: 0,
    });
  });

  it('reads further back only for the files whose history reaches past the first read', async () => {
    const { read, counts } = setup();
    const file = 'envs/prod-us/cart/values.yaml';
    const values = Array.from({ length: 35 }, (_, i) => `9.0.${i + 1}`);
    for (const value of values) {
      await demo.commit(`Set cart ${value} by hand`, [
        { file, key: 'image.tag', value },
      ]);
    }

    const { commits } = await read(30, [{ service: 'cart' }]);

    expect(
      commits.filter(c => c.environment === 'prod-us').map(c => c.to),
    ).toEqual(values);
    expect(counts.fileHistories).toBe(2);
  });

  it("carries each commit's Promotion-Id trailers, read with the history", async () => {
    const { read } = setup();
    await demo.commit(
      'Promote checkout 2.7.0 to prod-us\n\nPromoted-by: user:default/guest\nPromotion-Id: 3f0c6d8e-6a55-4d0b-9a53-1c5f1f7e2a10',
      [
        {
          file: 'envs/prod-us/checkout/values.yaml',
          key: 'image.tag',
          value: '2.7.0',
        },
      ],
    );

    const { commits } = await read(1, [{ service: 'checkout' }]);

    expect(
      commits
        .filter(c => c.environment === 'prod-us')
        .map(c => [c.to, c.promotionIds]),
    ).toEqual([['2.7.0', ['3f0c6d8e-6a55-4d0b-9a53-1c5f1f7e2a10']]]);
    expect(
      commits
        .filter(c => c.environment !== 'prod-us')
        .every(c => c.promotionIds?.length === 0),
    ).toBe(true);
  });

  it('leaves a repository it cannot read out with a warning', async () => {
    const { read } = setup(path.join(demo.dir, 'no-such-repository.git'));

    const { commits, warnings } = await read(30, [{ service: 'checkout' }]);

    expect(commits).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Changes made outside the plugin on 'main' of repository 'acme-gitops' are not counted: /,
      ),
    ]);
  });
});
