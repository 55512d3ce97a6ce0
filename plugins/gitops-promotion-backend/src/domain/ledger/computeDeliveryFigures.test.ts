import { computeDeliveryFigures, summarize } from './computeDeliveryFigures';
import { PromotionRecord } from './types';

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
