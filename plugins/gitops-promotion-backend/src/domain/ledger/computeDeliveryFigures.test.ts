import { computeDeliveryFigures, summarize } from './computeDeliveryFigures';
import {
  EnvironmentDeployments,
  GitVersionChange,
  PromotionRecord,
} from './types';

describe('summarize', () => {
  it.each<[number[], ReturnType<typeof summarize>]>([
    [[], { samples: 0 }],
    [[5], { samples: 1, medianHours: 5, p90Hours: 5 }],
    [[4, 1], { samples: 2, medianHours: 2.5, p90Hours: 4 }],
    [[3, 1, 2], { samples: 3, medianHours: 2, p90Hours: 3 }],
    [
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      { samples: 10, medianHours: 5.5, p90Hours: 9 },
    ],
    [[1 / 3, 2 / 3], { samples: 2, medianHours: 0.5, p90Hours: 0.67 }],
  ])('%j → %j', (hours, expected) => {
    expect(summarize(hours)).toEqual(expected);
  });
});

describe('computeDeliveryFigures', () => {
  const record = (overrides: Partial<PromotionRecord>): PromotionRecord => ({
    id: Math.random().toString(36),
    service: 'shop',
    targetEnv: 'prod',
    kind: 'promote',
    versions: [
      {
        path: 'Chart.yaml',
        key: 'dependencies[name=base].version',
        to: '1.6.0',
      },
      { path: 'values.yaml', key: 'base.image.tag', to: '2.6.1' },
    ],
    requester: 'user:default/alice',
    mode: 'commit',
    repositoryId: 'r',
    branch: 'main',
    state: 'deployed',
    createdAt: '2026-10-01T00:00:00.000Z',
    updatedAt: '2026-10-01T00:00:00.000Z',
    ...overrides,
  });

  it('matches lead times on the whole bundle, not only the first key', () => {
    const figures = computeDeliveryFigures({
      services: ['shop'],
      since: new Date('2026-10-01T00:00:00Z'),
      until: new Date('2026-10-08T00:00:00Z'),
      productionEnvironments: ['prod'],
      records: [
        // Same image, other chart version: not the same bundle.
        record({
          targetEnv: 'dev',
          committedAt: '2026-10-01T00:00:00.000Z',
          deployedAt: '2026-10-01T00:10:00.000Z',
          versions: [
            {
              path: 'Chart.yaml',
              key: 'dependencies[name=base].version',
              to: '1.5.0',
            },
            { path: 'values.yaml', key: 'base.image.tag', to: '2.6.1' },
          ],
        }),
        record({
          targetEnv: 'dev',
          committedAt: '2026-10-02T00:00:00.000Z',
          deployedAt: '2026-10-02T00:10:00.000Z',
        }),
        record({
          committedAt: '2026-10-03T00:00:00.000Z',
          deployedAt: '2026-10-03T06:00:00.000Z',
        }),
      ],
    });
    expect(figures.services[0].leadTime).toEqual({
      samples: 1,
      medianHours: 30,
      p90Hours: 30,
    });
  });

  it('counts at least a day for the rate of a short period', () => {
    const figures = computeDeliveryFigures({
      services: ['shop'],
      since: new Date('2026-10-01T00:00:00Z'),
      until: new Date('2026-10-01T01:00:00Z'),
      productionEnvironments: ['prod'],
      records: [record({ deployedAt: '2026-10-01T00:30:00.000Z' })],
    });
    expect(figures.services[0].environments[0]).toMatchObject({
      perWeek: 7,
      weekly: [1],
    });
  });
});

describe('computeDeliveryFigures: failures and restores', () => {
  const PATH = 'envs/prod/shop/values.yaml';
  const KEY = 'image.tag';
  /** 2026-10-`day` at `hour`:00 UTC. */
  const at = (day: number, hour = 0) =>
    new Date(Date.UTC(2026, 9, day, hour)).toISOString();
  let ids = 0;

  /** A promotion of shop into prod, committed at `day` and deployed an hour later. */
  const promotion = (
    day: number,
    version: string,
    overrides: Partial<PromotionRecord> = {},
  ): PromotionRecord => ({
    id: `p${++ids}`,
    service: 'shop',
    targetEnv: 'prod',
    kind: 'promote',
    versions: [{ path: PATH, key: KEY, to: version }],
    requester: 'user:default/alice',
    mode: 'commit',
    repositoryId: 'r',
    branch: 'main',
    state: 'deployed',
    commitSha: `sha-p${ids}`,
    createdAt: at(day),
    updatedAt: at(day, 1),
    committedAt: at(day),
    deployedAt: at(day, 1),
    ...overrides,
  });
  /** Ended `failed` at `day` 02:00 after its commit: rollout or verification. */
  const failedAfterCommit = (day: number, version: string) =>
    promotion(day, version, {
      state: 'failed',
      deployedAt: undefined,
      updatedAt: at(day, 2),
      stateReason: 'Verification failed: error rate 4.1% above 1%',
    });
  /** A commit into prod's file read from git, made at `day` `hour`:00. */
  const commit = (
    day: number,
    hour: number,
    from: string,
    to: string,
    overrides: Partial<GitVersionChange> = {},
  ): GitVersionChange => ({
    service: 'shop',
    environment: 'prod',
    commitSha: `sha-c${day}-${hour}`,
    date: at(day, hour),
    message: `Set shop to ${to}`,
    path: PATH,
    key: KEY,
    from,
    to,
    ...overrides,
  });

  const prodFigures = (
    input: { records?: PromotionRecord[]; commits?: GitVersionChange[] },
    days = 30,
  ): EnvironmentDeployments | undefined =>
    computeDeliveryFigures({
      services: ['shop'],
      since: new Date(Date.parse(at(31)) - days * 86_400_000),
      until: new Date(at(31)),
      productionEnvironments: ['prod'],
      records: input.records ?? [],
      commits: input.commits,
    }).services[0].environments.find(e => e.environment === 'prod');

  const first = promotion(2, '1.0.0');
  const failed = failedAfterCommit(5, '1.1.0');

  it.each<
    [
      string,
      { records?: PromotionRecord[]; commits?: GitVersionChange[] },
      Partial<EnvironmentDeployments>,
    ]
  >([
    [
      'a promotion that failed after its commit is a failed change, restored by the next deployment',
      { records: [first, failed, promotion(6, '1.1.1')] },
      {
        deployments: 2,
        changes: 3,
        failures: 1,
        changeFailureRate: 0.3333,
        // failed at 5th 02:00, next deployment 6th 01:00
        timeToRestore: {
          samples: 1,
          medianHours: 23,
          p90Hours: 23,
          unrestored: 0,
        },
      },
    ],
    [
      'a promotion that failed before reaching git is no change',
      {
        records: [
          first,
          promotion(5, '1.1.0', {
            state: 'failed',
            commitSha: undefined,
            committedAt: undefined,
            deployedAt: undefined,
          }),
        ],
      },
      {
        deployments: 1,
        changes: 1,
        failures: 0,
        changeFailureRate: 0,
        timeToRestore: { samples: 0, unrestored: 0 },
      },
    ],
    [
      'a failure no deployment followed is unrestored',
      { records: [first, failed] },
      {
        changes: 2,
        failures: 1,
        changeFailureRate: 0.5,
        timeToRestore: { samples: 0, unrestored: 1 },
      },
    ],
    [
      'a rollback fails the deployment before it, restored when the rollback deployed',
      {
        records: [
          first,
          promotion(10, '1.2.0'),
          promotion(10, '1.0.0', {
            kind: 'rollback',
            committedAt: at(10, 4),
            deployedAt: at(10, 5),
          }),
        ],
      },
      {
        deployments: 3,
        changes: 3,
        failures: 1,
        changeFailureRate: 0.3333,
        // 1.2.0 deployed at 01:00, the rollback at 05:00
        timeToRestore: {
          samples: 1,
          medianHours: 4,
          p90Hours: 4,
          unrestored: 0,
        },
      },
    ],
    [
      'an automatic rollback fails the promotion its rollbackOf names, not the change before it',
      {
        records: [
          first,
          failed,
          promotion(5, '1.0.0', {
            kind: 'rollback',
            trigger: 'auto-rollback',
            rollbackOf: failed.id,
            committedAt: at(5, 3),
            deployedAt: at(5, 4),
          }),
        ],
      },
      {
        deployments: 2,
        changes: 3,
        failures: 1,
        // failed at 02:00, rolled back and deployed at 04:00
        timeToRestore: {
          samples: 1,
          medianHours: 2,
          p90Hours: 2,
          unrestored: 0,
        },
      },
    ],
    [
      "a commit made outside the plugin is a deployment; the plugin's own commit counts once",
      {
        records: [first],
        commits: [
          commit(2, 0, '0.9.0', '1.0.0', { commitSha: first.commitSha }),
          commit(12, 9, '1.0.0', '1.0.1'),
        ],
      },
      {
        deployments: 2,
        outsideDeployments: 1,
        lastDeployedAt: at(12, 9),
        changes: 2,
        failures: 0,
      },
    ],
    [
      "a commit whose Promotion-Id trailer names a record of the ledger is that record's",
      {
        records: [first],
        commits: [
          commit(2, 1, '0.9.0', '1.0.0', {
            message: `Promote shop\n\nPromotion-Id: ${first.id}\n`,
          }),
        ],
      },
      { deployments: 1, outsideDeployments: 0 },
    ],
    [
      'a commit whose Promotion-Id names a promotion the ledger does not have is read from git',
      {
        records: [first],
        commits: [
          commit(12, 9, '1.0.0', '1.0.1', { promotionIds: ['p-lost'] }),
        ],
      },
      { deployments: 2, outsideDeployments: 1 },
    ],
    [
      "the branch commit of a pull request merged with a merge commit is the promotion's",
      {
        records: [
          promotion(12, '1.3.0', {
            mode: 'pull-request',
            createdAt: at(12, 8),
            commitSha: 'sha-merge',
            committedAt: at(12, 11),
            deployedAt: at(12, 12),
          }),
        ],
        commits: [commit(12, 9, '1.2.0', '1.3.0', { commitSha: 'sha-branch' })],
      },
      { deployments: 1, outsideDeployments: 0 },
    ],
    [
      'a revert made outside the plugin fails the commit it reverts',
      {
        commits: [
          commit(12, 9, '1.0.0', '1.0.1'),
          commit(12, 15, '1.0.1', '1.0.0', { reverts: 'sha-c12-9' }),
        ],
      },
      {
        deployments: 2,
        outsideDeployments: 2,
        changes: 2,
        failures: 1,
        changeFailureRate: 0.5,
        timeToRestore: {
          samples: 1,
          medianHours: 6,
          p90Hours: 6,
          unrestored: 0,
        },
      },
    ],
    [
      'a revert made outside the plugin fails the promotion whose commit it reverts',
      {
        records: [first, promotion(12, '1.1.0', { commitSha: 'sha-p' })],
        commits: [
          commit(12, 0, '1.0.0', '1.1.0', { commitSha: 'sha-p' }),
          commit(13, 1, '1.1.0', '1.0.0', { reverts: 'sha-p' }),
        ],
      },
      {
        deployments: 3,
        outsideDeployments: 1,
        failures: 1,
        // deployed 12th 01:00, reverted 13th 01:00
        timeToRestore: {
          samples: 1,
          medianHours: 24,
          p90Hours: 24,
          unrestored: 0,
        },
      },
    ],
    [
      'a rollback through the plugin fails a change made outside it',
      {
        records: [
          promotion(12, '1.0.0', {
            kind: 'rollback',
            committedAt: at(12, 10),
            deployedAt: at(12, 11),
          }),
        ],
        commits: [commit(12, 9, '1.0.0', '2.0.0')],
      },
      {
        deployments: 2,
        outsideDeployments: 1,
        failures: 1,
        timeToRestore: {
          samples: 1,
          medianHours: 2,
          p90Hours: 2,
          unrestored: 0,
        },
      },
    ],
  ])('%s', (_, input, expected) => {
    expect(prodFigures(input)).toMatchObject(expected);
  });

  it('leaves out an environment without changes', () => {
    expect(prodFigures({})).toBeUndefined();
  });

  it('counts the failures of the period asked for: 30 or 90 days', () => {
    // The failure on 5 September is only in the 90 days before 31 October.
    const september = (day: number) =>
      new Date(Date.UTC(2026, 8, day)).toISOString();
    const records = [
      promotion(1, '0.9.0', {
        createdAt: september(4),
        committedAt: september(4),
        deployedAt: september(4),
      }),
      promotion(1, '0.9.1', {
        state: 'failed',
        deployedAt: undefined,
        createdAt: september(5),
        committedAt: september(5),
        updatedAt: september(5),
      }),
      promotion(20, '1.0.0'),
    ];
    expect(prodFigures({ records }, 30)).toMatchObject({
      deployments: 1,
      changes: 1,
      failures: 0,
      timeToRestore: { samples: 0, unrestored: 0 },
    });
    expect(prodFigures({ records }, 90)).toMatchObject({
      deployments: 2,
      changes: 3,
      failures: 1,
      changeFailureRate: 0.3333,
      // restored by the deployment of 20 October 01:00
      timeToRestore: { samples: 1, medianHours: 1081, unrestored: 0 },
    });
  });

  it('adds up every service per environment in the total', () => {
    const cart = (r: PromotionRecord) => ({ ...r, service: 'cart' });
    const figures = computeDeliveryFigures({
      services: ['shop', 'cart'],
      since: new Date(at(1)),
      until: new Date(at(31)),
      productionEnvironments: ['prod'],
      records: [first, failed, cart(promotion(3, '2.0.0'))],
      commits: [commit(7, 0, '2.0.0', '2.0.1', { service: 'cart' })],
    });
    expect(figures.total.environments).toEqual([
      {
        environment: 'prod',
        deployments: 3,
        outsideDeployments: 1,
        perWeek: 0.7,
        lastDeployedAt: at(7),
        weekly: [3, 0, 0, 0, 0],
        changes: 4,
        failures: 1,
        changeFailureRate: 0.25,
        // shop's failure at 5th 02:00 was followed by no deployment of shop
        timeToRestore: { samples: 0, unrestored: 1 },
      },
    ]);
  });

  it('measures lead time from where a version first went, in the ledger or in git', () => {
    const dev = (overrides: Partial<GitVersionChange>) =>
      commit(1, 0, '0.9.0', '1.0.0', {
        environment: 'dev',
        path: 'envs/dev/shop/values.yaml',
        ...overrides,
      });
    const figures = computeDeliveryFigures({
      services: ['shop'],
      since: new Date(at(1)),
      until: new Date(at(31)),
      productionEnvironments: ['prod'],
      records: [
        // CI set 1.0.0 into dev outside the plugin on the 1st; promoted on the 2nd
        first,
        // 2.0.0 went to dev through the plugin on the 10th, to prod outside it
        promotion(10, '2.0.0', { targetEnv: 'dev', commitSha: 'sha-dev' }),
      ],
      commits: [
        dev({ commitSha: 'sha-ci' }),
        dev({
          commitSha: 'sha-dev',
          date: at(10),
          from: '1.0.0',
          to: '2.0.0',
        }),
        commit(11, 0, '1.0.0', '2.0.0'),
      ],
    });
    // 1.0.0: 1st 00:00 → 2nd 01:00 (25 h); 2.0.0: 10th → 11th (24 h)
    expect(figures.services[0].leadTime).toEqual({
      samples: 2,
      medianHours: 24.5,
      p90Hours: 25,
    });
  });
});
