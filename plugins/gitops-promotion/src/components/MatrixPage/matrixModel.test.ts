import { MatrixCell } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import {
  autoMatrix,
  matrix,
  matrixCell,
  MATRIX_NOW,
} from '../../__testUtils__/fixtures';
import {
  autoPromotionAction,
  autoPromotionMark,
  bestPathIndex,
  cellContexts,
  columnSummary,
  filterServices,
  highlightsOf,
  promotionPaths,
  sortServices,
  toCsv,
} from './matrixModel';

const { environments, services } = matrix();
const names = (list: { service: string }[]) => list.map(s => s.service);
const checkoutGroup = ['user:default/guest', 'group:default/team-checkout'];

describe('filterServices', () => {
  it.each([
    [{ owner: 'mine', text: '' }, ['checkout', 'cart']],
    [{ owner: 'all', text: '' }, ['checkout', 'cart', 'inventory', 'search']],
    [{ owner: 'group:default/team-fulfilment', text: '' }, ['inventory']],
    [{ owner: 'all', text: 'CART' }, ['cart']],
    [{ owner: 'all', text: 'team-search' }, ['search']],
    [{ owner: 'all', text: '', lifecycle: 'experimental' }, ['search']],
    [
      { owner: 'all', text: '', system: 'system:default/shop' },
      ['checkout', 'cart', 'inventory', 'search'],
    ],
    [{ owner: 'all', text: '', system: 'system:default/other' }, []],
    [{ owner: 'mine', text: 'inventory' }, []],
  ])('%j shows %j', (filter, expected) => {
    expect(names(filterServices(services, filter, checkoutGroup))).toEqual(
      expected,
    );
  });
});

describe('sortServices', () => {
  it.each([
    ['name', ['cart', 'checkout', 'inventory', 'search']],
    // checkout is 2 versions behind; inventory 1; the others are not behind
    ['lag', ['checkout', 'inventory', 'cart', 'search']],
    // cart was deployed last (Nov 21), then checkout (Nov 1); the others never
    ['last-change', ['cart', 'checkout', 'inventory', 'search']],
  ] as const)('by %s', (sort, expected) => {
    expect(names(sortServices(services, sort))).toEqual(expected);
  });
});

describe('highlightsOf', () => {
  const highlights = (cell: MatrixCell, column: number, lagPending = false) =>
    highlightsOf(
      cell,
      cellContexts(environments, lagPending)[column],
      MATRIX_NOW,
    ).map(h => [h.kind, h.label, h.description]);
  const kinds = (service: number, column: number) =>
    highlights(services[service].cells[column], column);

  it('says how many versions and how long a cell is behind its upstream', () => {
    expect(kinds(0, 2)).toEqual([
      [
        'behind',
        '2 behind · 27d',
        '2 versions behind Staging (2.6.1) for 27 days',
      ],
    ]);
  });

  it('flags an unhealthy application first', () => {
    expect(kinds(1, 2)).toEqual([
      ['unhealthy', 'Degraded', 'Argo CD reports Degraded: CrashLoopBackOff'],
    ]);
  });

  it('shows drift, out of sync, open pull requests', () => {
    expect(kinds(2, 1)).toEqual([
      [
        'drift',
        'drift',
        'Git says 4.3.0; running ghcr.io/acme/inventory:4.2.0',
      ],
      [
        'out-of-sync',
        'out of sync',
        'Argo CD has not applied the latest commit yet',
      ],
    ]);
    expect(kinds(2, 2)).toEqual([
      [
        'behind',
        '1 behind · 2d',
        '1 version behind Staging (4.3.0) for 2 days',
      ],
      ['pull-request', 'PR #9', 'Promotion pull request #9 is open'],
    ]);
  });

  it('keeps the git version and explains an unknown status', () => {
    expect(kinds(3, 0)).toEqual([
      ['unknown', 'status unknown', 'Argo CD instance local did not answer'],
    ]);
  });

  it('has nothing to say about a healthy cell that is up to date', () => {
    expect(kinds(0, 1)).toEqual([]);
  });

  it('reads a cell without the optional fields: no values, pull requests, promotions or lag', () => {
    expect(matrixCell()).toEqual({
      version: '1.0.0',
      status: {
        state: 'known',
        syncStatus: 'Synced',
        health: { status: 'Healthy' },
      },
      behind: false,
    });
    expect(highlights(matrixCell(), 2)).toEqual([]);
    expect(highlights({ status: matrixCell().status }, 0)).toEqual([]);
  });

  it('says a cell is behind without a count while the lag is being counted', () => {
    const pending = matrixCell({ behind: true });
    expect(highlights(pending, 2, true)).toEqual([
      ['behind', 'behind', 'behind Staging, counting how far…'],
    ]);
    // Without the lag, the upstream is the environment's first.
    expect(highlights(pending, 1, true)).toEqual([
      ['behind', 'behind', 'behind Development, counting how far…'],
    ]);
  });

  it('says behind without a number when the count is not known', () => {
    expect(
      highlights(matrixCell({ behind: true, lag: { upstream: 'staging' } }), 2),
    ).toEqual([['behind', 'behind', 'behind Staging']]);
  });

  it('names a promotion in flight, not the one waiting as a pull request', () => {
    expect(
      highlights(
        matrixCell({
          inFlight: [
            { id: 'p1', state: 'pr-open' },
            { id: 'p2', state: 'committed' },
          ],
        }),
        2,
      ),
    ).toEqual([
      [
        'in-flight',
        'committed',
        'A promotion into this environment is committed',
      ],
    ]);
  });
});

describe('highlightsOf approvals, verification and automatic promotion', () => {
  const highlights = (cell: MatrixCell, envs = environments) =>
    highlightsOf(cell, cellContexts(envs, false)[2], MATRIX_NOW).map(h => [
      h.kind,
      h.label,
      h.description,
      h.tone,
    ]);

  it('marks a promotion awaiting approval, asking for action from who may decide', () => {
    const awaiting = { id: 'p1', state: 'awaiting-approval' as const };
    expect(
      highlights(
        matrixCell({
          inFlight: [{ ...awaiting, sourceEnv: 'staging', mayDecide: true }],
        }),
      ),
    ).toEqual([
      [
        'awaiting-approval',
        'Awaiting approval',
        'A promotion from Staging awaits approval; you may approve or reject it',
        'warning',
      ],
    ]);
    expect(highlights(matrixCell({ inFlight: [awaiting] }))).toEqual([
      [
        'awaiting-approval',
        'Awaiting approval',
        'A promotion awaits approval',
        'info',
      ],
    ]);
  });

  it('says a rollout is being verified, and who started it', () => {
    expect(
      highlights(
        matrixCell({
          inFlight: [
            { id: 'p1', state: 'verifying', trigger: 'auto-promotion' },
          ],
        }),
      ),
    ).toEqual([
      [
        'verifying',
        'verifying',
        'An automatic promotion into this environment is being verified',
        'info',
      ],
    ]);
    expect(
      highlights(
        matrixCell({
          inFlight: [{ id: 'p2', state: 'syncing', trigger: 'auto-rollback' }],
        }),
      ),
    ).toEqual([
      [
        'in-flight',
        'syncing',
        'An automatic rollback into this environment is syncing',
        'info',
      ],
    ]);
  });

  it('marks a service whose automatic promotion is paused, unless the whole environment is', () => {
    const paused = matrixCell({ autoPromotionPaused: true });
    expect(highlights(paused)).toEqual([
      [
        'auto-paused',
        'auto-promotion paused',
        'Automatic promotion into Production EU is paused for this service',
        'neutral',
      ],
    ]);
    const wholeEnvironmentPaused = environments.map(e =>
      e.name === 'prod-eu'
        ? {
            ...e,
            gates: {
              autoPromotesFrom: [{ environment: 'staging' }],
              autoPromotionPaused: true,
            },
          }
        : e,
    );
    expect(highlights(paused, wholeEnvironmentPaused)).toEqual([]);
  });
});

describe('autoPromotionMark', () => {
  it('marks an environment promoted into automatically, with its upstream and wait', () => {
    const [dev, staging] = environments;
    expect(autoPromotionMark(dev, environments)).toBeUndefined();
    expect(
      autoPromotionMark(
        {
          ...staging,
          gates: {
            autoPromotesFrom: [{ environment: 'dev', after: 'PT1H30M' }],
          },
        },
        environments,
      ),
    ).toEqual({
      label: 'auto',
      description:
        'Promoted from Development automatically after 1 hour 30 minutes',
    });
    expect(
      autoPromotionMark(
        {
          ...staging,
          gates: {
            autoPromotesFrom: [{ environment: 'dev' }],
            autoPromotionPaused: true,
          },
        },
        environments,
      ),
    ).toEqual({
      label: 'auto paused',
      description:
        'Promoted from Development automatically; paused for every service',
    });
  });
});

describe('autoPromotionAction', () => {
  const prodEu = (overrides: Parameters<typeof autoMatrix>[0] = {}) =>
    autoMatrix(overrides).environments[2];

  it('offers pausing for every service, or resuming while paused, where the user may', () => {
    expect(autoPromotionAction(prodEu())).toEqual({
      action: 'pause',
      label: 'Pause auto-promotion into Production EU for every service',
    });
    expect(
      autoPromotionAction(
        prodEu({
          gates: {
            autoPromotesFrom: [{ environment: 'staging' }],
            autoPromotionPaused: true,
          },
        }),
      ),
    ).toEqual({
      action: 'resume',
      label: 'Resume auto-promotion into Production EU',
    });
  });

  it('offers nothing where the user may not, or nothing is promoted automatically', () => {
    expect(
      autoPromotionAction(prodEu({ mayPausePromotion: false })),
    ).toBeUndefined();
    expect(
      autoPromotionAction(prodEu({ mayPausePromotion: undefined })),
    ).toBeUndefined();
    expect(
      autoPromotionAction(prodEu({ gates: { autoPromotesFrom: [] } })),
    ).toBeUndefined();
    expect(
      autoPromotionAction({ ...environments[1], mayPausePromotion: true }),
    ).toBeUndefined();
  });
});

describe('columnSummary', () => {
  it('counts up to date, behind and failing services per environment', () => {
    expect(environments.map((_, i) => columnSummary(services, i))).toEqual([
      { upToDate: 4, behind: 0, failing: 0 },
      { upToDate: 4, behind: 0, failing: 0 },
      { upToDate: 1, behind: 2, failing: 1 },
    ]);
  });
});

describe('release train paths', () => {
  it('lists every environment with its upstream, in pipeline order', () => {
    expect(promotionPaths(environments)).toEqual([
      { source: 'dev', target: 'staging' },
      { source: 'staging', target: 'prod-eu' },
    ]);
  });

  it('starts on the path the selected services are behind on', () => {
    expect(bestPathIndex(environments, services.slice(0, 1))).toBe(1);
    expect(bestPathIndex(environments, services.slice(3))).toBe(0);
  });
});

describe('toCsv', () => {
  it('writes one line per service with version, sync, health and lag per environment', () => {
    const lines = toCsv(environments, services.slice(0, 1)).split('\r\n');
    expect(lines[0]).toBe(
      'service,entityRef,owner,system,lifecycle,dev version,dev sync,dev health,dev versions behind,staging version,staging sync,staging health,staging versions behind,prod-eu version,prod-eu sync,prod-eu health,prod-eu versions behind',
    );
    expect(lines[1]).toBe(
      'checkout,component:default/checkout,team-checkout,shop,production,2.6.1,Synced,Healthy,0,2.6.1,Synced,Healthy,0,2.5.0,Synced,Healthy,2',
    );
    expect(lines[2]).toBe('');
  });

  it('writes each cell under its environment by position, "yes" for a count not known yet', () => {
    const [service] = services;
    const lines = toCsv(environments, [
      {
        ...service,
        cells: [
          matrixCell({ version: '1' }),
          matrixCell({ version: '2', behind: true }),
        ],
      },
    ]).split('\r\n');
    expect(lines[1]).toBe(
      'checkout,component:default/checkout,team-checkout,shop,production,1,Synced,Healthy,0,2,Synced,Healthy,yes,,,,',
    );
  });

  it('quotes separators and defuses spreadsheet formulas', () => {
    const [service] = services;
    const csv = toCsv(environments, [
      { ...service, owner: 'team, "checkout"', service: '=HYPERLINK("x")' },
    ]);
    expect(csv.split('\r\n')[1]).toMatch(
      /^"'=HYPERLINK\(""x""\)",component:default\/checkout,"team, ""checkout""",/,
    );
  });
});
