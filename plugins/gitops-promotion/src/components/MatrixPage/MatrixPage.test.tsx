import { renderInTestApp, mockApis } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { SignalApi } from '@backstage/plugin-signals-react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MatrixResponse } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import {
  autoMatrix,
  matrix,
  matrixCell,
  matrixStatus,
  mockGitopsPromotionApi,
  pause,
  preview,
  promotion,
  Providers,
  responseError,
} from '../../__testUtils__/fixtures';
import { mockSignalApi, statusChanged } from '../../__testUtils__/signals';
import { GitopsPromotionApi } from '../../api';
import { LAG_PENDING_REFETCH_MS } from '../../hooks';
import { MatrixPage } from './MatrixPage';

function render(
  api: GitopsPromotionApi,
  route = '/gitops-promotion',
  signals?: SignalApi,
) {
  return renderInTestApp(
    <Providers api={api} signals={signals}>
      <MatrixPage />
    </Providers>,
    {
      initialRouteEntries: [route],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        mockApis.identity({
          userEntityRef: 'user:default/guest',
          ownershipEntityRefs: [
            'user:default/guest',
            'group:default/team-checkout',
          ],
        }),
      ],
    },
  );
}

const table = () => screen.getByRole('table', { name: 'Environment matrix' });
const rowOf = (service: string) =>
  within(table()).getByRole('row', { name: new RegExp(`^Select ${service}`) });
/** The cell of a service in the column of an environment (by its title). */
const cellOf = (service: string, environment: string) => {
  const column = within(table())
    .getAllByRole('columnheader')
    .findIndex(h => h.textContent?.startsWith(environment));
  return within(rowOf(service).children[column] as HTMLElement);
};
const shownServices = () =>
  within(table())
    .queryAllByRole('rowheader')
    .map(th => th.querySelector('a')?.textContent);

// jsdom lays nothing out: give the table's scroll container a viewport, as a
// browser would, so the virtualized rows in view render.
beforeAll(() => {
  for (const [property, size] of [
    ['clientHeight', 900],
    ['clientWidth', 1200],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, property, {
      configurable: true,
      get(this: HTMLElement) {
        return this.dataset.testid === 'matrix-scroll' ? size : 0;
      },
    });
  }
});
afterAll(() => {
  delete (HTMLElement.prototype as any).clientHeight;
  delete (HTMLElement.prototype as any).clientWidth;
});

describe('MatrixPage', () => {
  it('shows the services of my groups by default, each environment a column with its summary', async () => {
    const api = mockGitopsPromotionApi();
    await render(api);
    expect(await screen.findByText('Showing 2 of 4 services')).toBeVisible();
    expect(shownServices()).toEqual(['cart', 'checkout']);
    const headers = within(table())
      .getAllByRole('columnheader')
      .map(h => h.textContent);
    expect(headers).toEqual([
      '',
      'Service',
      'Development2 up to date · 0 behind · 0 failing',
      'Staging2 up to date · 0 behind · 0 failing',
      'Production EU0 up to date · 1 behind · 1 failing',
    ]);
    expect(
      within(table()).getByLabelText('frozen (weekend)'),
    ).toBeInTheDocument();
    expect(table()).toHaveAttribute('aria-busy', 'false');
    expect(api.getMatrix).toHaveBeenCalledTimes(1);
  });

  it('filters by owner, text, lifecycle and sorts without fetching again', async () => {
    const api = mockGitopsPromotionApi();
    await render(api);
    await screen.findByText('Showing 2 of 4 services');

    await userEvent.click(screen.getByLabelText('Owner'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'All owners' }),
    );
    expect(screen.getByText('Showing 4 of 4 services')).toBeVisible();

    await userEvent.type(
      screen.getByRole('searchbox', { name: 'Filter services' }),
      'inv',
    );
    expect(screen.getByText('Showing 1 of 4 services')).toBeVisible();
    expect(shownServices()).toEqual(['inventory']);
    await userEvent.clear(
      screen.getByRole('searchbox', { name: 'Filter services' }),
    );

    await userEvent.click(screen.getByLabelText('Lifecycle'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'experimental' }),
    );
    expect(shownServices()).toEqual(['search']);
    await userEvent.click(screen.getByLabelText('Lifecycle'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'All lifecycles' }),
    );

    await userEvent.click(screen.getByLabelText('Sort by'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Most behind first' }),
    );
    expect(shownServices()).toEqual([
      'checkout',
      'inventory',
      'cart',
      'search',
    ]);
    expect(api.getMatrix).toHaveBeenCalledTimes(1);
  }, 30_000);

  it('starts from the filters in the URL', async () => {
    await render(
      mockGitopsPromotionApi(),
      '/gitops-promotion?owner=group:default/team-fulfilment',
    );
    expect(await screen.findByText('Showing 1 of 4 services')).toBeVisible();
    expect(shownServices()).toEqual(['inventory']);
  });

  it('highlights lag, drift, failures and open pull requests in the cells', async () => {
    await render(mockGitopsPromotionApi(), '/gitops-promotion?owner=all');
    await screen.findByText('Showing 4 of 4 services');
    const checkout = within(rowOf('checkout'));
    expect(checkout.getByText('2.5.0')).toBeVisible();
    expect(
      checkout.getByText(
        /^2 versions behind Staging \(2\.6\.1\) for \d+ days$/,
      ),
    ).toBeInTheDocument();
    const cart = within(rowOf('cart'));
    expect(cart.getByText('Synced · Degraded')).toBeVisible();
    expect(
      cart.getByText('Argo CD reports Degraded: CrashLoopBackOff'),
    ).toBeInTheDocument();
    const inventory = within(rowOf('inventory'));
    expect(inventory.getByText('Out of sync · Healthy')).toBeVisible();
    expect(inventory.getByText('drift')).toBeVisible();
    expect(inventory.getByText('PR #9')).toBeVisible();
    const search = within(rowOf('search'));
    expect(search.getByText('Status unknown')).toBeVisible();
    expect(search.getAllByText('v1.14.0')).toHaveLength(3);
  });

  it('marks automatic environments, promotions awaiting approval or being verified, and paused automatic promotion', async () => {
    const m = matrix();
    m.environments[1].gates = {
      autoPromotesFrom: [{ environment: 'dev', after: 'PT30M' }],
    };
    m.environments[2].gates = {
      autoPromotesFrom: [{ environment: 'staging' }],
      autoPromotionPaused: true,
      approvals: { required: 2, from: ['group:default/release-managers'] },
    };
    m.services[0].cells[2] = matrixCell({
      version: '2.5.0',
      inFlight: [
        {
          id: 'p1',
          state: 'awaiting-approval',
          sourceEnv: 'staging',
          mayDecide: true,
        },
      ],
    });
    m.services[0].cells[1] = matrixCell({
      version: '2.6.1',
      inFlight: [{ id: 'p2', state: 'verifying', trigger: 'auto-promotion' }],
    });
    m.services[1].cells[1] = matrixCell({
      version: '3.1.0',
      autoPromotionPaused: true,
    });
    await render(
      mockGitopsPromotionApi({ getMatrix: jest.fn(async () => m) }),
      '/gitops-promotion?owner=all',
    );
    await screen.findByText('Showing 4 of 4 services');

    const headers = within(table()).getAllByRole('columnheader');
    expect(headers[3]).toHaveTextContent(/^Stagingauto\d/);
    expect(within(headers[3]).getByText('auto')).toHaveAttribute(
      'title',
      'Promoted from Development automatically after 30 minutes',
    );
    expect(headers[4]).toHaveTextContent(/^Production EUauto paused\d/);

    const awaiting = cellOf('checkout', 'Production EU');
    expect(awaiting.getByText('Awaiting approval')).toBeVisible();
    expect(
      awaiting.getByText(
        'A promotion from Staging awaits approval; you may approve or reject it',
      ),
    ).toBeInTheDocument();
    const verifying = cellOf('checkout', 'Staging');
    expect(verifying.getByText('verifying')).toBeVisible();
    expect(
      verifying.getByText(
        'An automatic promotion into this environment is being verified',
      ),
    ).toBeInTheDocument();
    const paused = cellOf('cart', 'Staging');
    expect(paused.getByText('auto-promotion paused')).toBeVisible();
    expect(
      paused.getByText(
        'Automatic promotion into Staging is paused for this service',
      ),
    ).toBeInTheDocument();
  });

  it('shows each cell under the environment at its position, whatever it leaves out', async () => {
    const m = matrix();
    m.services[0].cells = [
      // Nothing but the status: no version, values, lag, PRs or promotions.
      { status: matrixStatus() },
      matrixCell({ version: '2.6.1-staging' }),
      matrixCell({ version: '2.5.0-prod', behind: false }),
    ];
    await render(
      mockGitopsPromotionApi({ getMatrix: jest.fn(async () => m) }),
      '/gitops-promotion?owner=all',
    );
    await screen.findByText('Showing 4 of 4 services');
    expect(
      cellOf('checkout', 'Development').getByText('not deployed'),
    ).toBeVisible();
    expect(
      cellOf('checkout', 'Development').getByText('Synced · Healthy'),
    ).toBeVisible();
    expect(
      cellOf('checkout', 'Staging').getByText('2.6.1-staging'),
    ).toBeVisible();
    expect(
      cellOf('checkout', 'Production EU').getByText('2.5.0-prod'),
    ).toBeVisible();
    expect(
      cellOf('inventory', 'Production EU').getByText('PR #9'),
    ).toBeVisible();
    expect(cellOf('inventory', 'Staging').getByText('drift')).toBeVisible();
  });

  it('says when my groups own nothing and offers every service', async () => {
    const api = mockGitopsPromotionApi({
      getMatrix: jest.fn(async () => {
        const m = matrix();
        return { ...m, services: m.services.slice(2) };
      }),
    });
    await render(api);
    expect(
      await screen.findByText('Your groups own no services here'),
    ).toBeVisible();
    await userEvent.click(
      screen.getByRole('button', { name: 'Show all services' }),
    );
    expect(screen.getByText('Showing 2 of 2 services')).toBeVisible();
  });

  it('shows the error when the matrix cannot be loaded', async () => {
    const api = mockGitopsPromotionApi({
      getMatrix: jest.fn(async () => {
        throw await responseError(503, 'The GitOps repository is unreachable');
      }),
    });
    await render(api);
    expect(
      await screen.findByText(/Could not load the matrix/),
    ).toBeInTheDocument();
  });

  it('promotes selected services together after a combined preview, listing refusals', async () => {
    const api = mockGitopsPromotionApi({
      previewBulkPromotion: jest.fn(async request => ({
        source: request.source,
        target: request.target,
        baseCommit: 'c'.repeat(40),
        services: [
          {
            entityRef: 'component:default/checkout',
            service: 'checkout',
            preview: preview({ mode: 'pull-request' }),
          },
          {
            entityRef: 'component:default/cart',
            service: 'cart',
            preview: preview({
              edits: [],
              diff: '',
              allowed: false,
              verdicts: [
                {
                  rule: 'upstream-gate',
                  passed: false,
                  message: 'Upstream gate: staging is Degraded.',
                },
              ],
            }),
          },
        ],
      })),
      promoteBulk: jest.fn(async () => ({
        bulkId: 'b1',
        promotions: [
          promotion({
            pullRequest: { url: 'https://github.test/pr/12', number: 12 },
          }),
        ],
        refused: [
          {
            entityRef: 'component:default/cart',
            reason: 'Upstream gate: staging is Degraded.',
          },
        ],
      })),
    });
    await render(api);
    await screen.findByText('Showing 2 of 4 services');
    const promoteTogether = screen.getByRole('button', {
      name: 'Promote selected together',
    });
    expect(promoteTogether).toBeDisabled();

    await userEvent.click(
      within(table()).getByRole('checkbox', {
        name: 'Select all services shown',
      }),
    );
    expect(screen.getByText('2 selected')).toBeVisible();
    await userEvent.click(promoteTogether);

    const dialog = await screen.findByRole('dialog', {
      name: 'Promote 2 services together',
    });
    // Both are behind in nothing but checkout is behind in prod-eu: that path first.
    expect(within(dialog).getByText('Staging → Production EU')).toBeVisible();
    await waitFor(() =>
      expect(api.previewBulkPromotion).toHaveBeenCalledWith({
        entityRefs: ['component:default/checkout', 'component:default/cart'],
        source: 'staging',
        target: 'prod-eu',
      }),
    );
    const combined = await within(dialog).findByRole('region', {
      name: 'Combined preview',
    });
    expect(
      within(combined).getByText(
        /1 of 2 can be promoted; they land in one pull request/,
      ),
    ).toBeVisible();
    expect(
      within(combined).getByText('Will promote 2.5.0 → 2.6.1'),
    ).toBeVisible();
    expect(
      within(combined).getByText(
        'Refused: Upstream gate: staging is Degraded.',
      ),
    ).toBeVisible();

    // All or nothing: one refusal blocks the train.
    await userEvent.click(within(dialog).getByLabelText('All or nothing'));
    const confirm = within(dialog).getByRole('button', {
      name: 'Promote 1 to Production EU',
    });
    expect(confirm).toBeDisabled();
    await userEvent.click(within(dialog).getByLabelText('All or nothing'));
    await userEvent.click(confirm);

    // What the preview showed is what is sent: the services it can promote,
    // each pinned to its versions, on the one commit it was computed on.
    expect(api.promoteBulk).toHaveBeenCalledWith(
      {
        entityRefs: ['component:default/checkout'],
        source: 'staging',
        target: 'prod-eu',
        allOrNothing: false,
        baseCommit: 'c'.repeat(40),
        pins: [
          {
            entityRef: 'component:default/checkout',
            versions: ['2.6.1'],
            sourceCommit: 'f'.repeat(40),
          },
        ],
      },
      { idempotencyKey: expect.any(String) },
    );
    expect(
      await within(dialog).findByText(
        /Promoted 1 service together in pull request #12: checkout/,
      ),
    ).toBeVisible();
    expect(
      within(dialog).getByText(
        'Left out: cart (Upstream gate: staging is Degraded.)',
      ),
    ).toBeVisible();
    // The matrix reloads to show where the services are now.
    await waitFor(() => expect(api.getMatrix).toHaveBeenCalledTimes(2));
  }, 30_000);

  describe('release train confirm', () => {
    const checkoutPreview = (version: string, sourceCommit: string) =>
      preview({
        sourceCommit,
        versions: [version],
        edits: [
          {
            path: 'envs/prod-eu/checkout/values.yaml',
            key: 'image.tag',
            from: '2.5.0',
            to: version,
          },
        ],
      });
    const cartPreview = (version: string, sourceCommit: string) =>
      preview({
        sourceCommit,
        versions: [version],
        edits: [
          {
            path: 'envs/prod-eu/cart/values.yaml',
            key: 'image.tag',
            from: '3.0.0',
            to: version,
          },
        ],
      });

    /** Selects my services (cart, checkout) and opens the train dialog. */
    async function openTrain(api: GitopsPromotionApi) {
      await render(api);
      await screen.findByText('Showing 2 of 4 services');
      await userEvent.click(
        within(table()).getByRole('checkbox', {
          name: 'Select all services shown',
        }),
      );
      await userEvent.click(
        screen.getByRole('button', { name: 'Promote selected together' }),
      );
      return screen.findByRole('dialog', {
        name: 'Promote 2 services together',
      });
    }

    it('shows a conflict (409) naming what moved, refreshes the preview on request and confirms the new one with a new key', async () => {
      const moved =
        'Promotion refused. Source pin: the source moved since your preview: staging has image.tag 2.6.2 now in envs/staging/checkout/values.yaml, the preview showed 2.6.1. Nothing was written; refresh the preview and confirm again.';
      const api = mockGitopsPromotionApi();
      api.previewBulkPromotion
        .mockResolvedValueOnce({
          source: 'staging',
          target: 'prod-eu',
          baseCommit: 'c'.repeat(40),
          services: [
            {
              entityRef: 'component:default/checkout',
              service: 'checkout',
              preview: checkoutPreview('2.6.1', '1'.repeat(40)),
            },
            {
              entityRef: 'component:default/cart',
              service: 'cart',
              preview: cartPreview('3.1.0', '1'.repeat(40)),
            },
          ],
        })
        .mockResolvedValueOnce({
          source: 'staging',
          target: 'prod-eu',
          baseCommit: 'e'.repeat(40),
          services: [
            {
              entityRef: 'component:default/checkout',
              service: 'checkout',
              preview: checkoutPreview('2.6.2', '2'.repeat(40)),
            },
            {
              entityRef: 'component:default/cart',
              service: 'cart',
              preview: cartPreview('3.1.0', '2'.repeat(40)),
            },
          ],
        });
      api.promoteBulk
        .mockRejectedValueOnce(await responseError(409, moved))
        .mockResolvedValueOnce({
          bulkId: 'b2',
          promotions: [
            promotion({ commitSha: 'd'.repeat(40) }),
            promotion({ service: 'cart', commitSha: 'd'.repeat(40) }),
          ],
          refused: [],
        });
      const dialog = await openTrain(api);
      const combined = await within(dialog).findByRole('region', {
        name: 'Combined preview',
      });
      expect(
        within(combined).getByText('Will promote 2.5.0 → 2.6.1'),
      ).toBeVisible();
      const confirm = within(dialog).getByRole('button', {
        name: 'Promote 2 to Production EU',
      });
      await userEvent.click(confirm);

      const alert = await within(dialog).findByRole('alert');
      expect(alert).toHaveTextContent('Conflict: nothing was committed');
      expect(alert).toHaveTextContent(
        'the source moved since your preview: staging has image.tag 2.6.2 now in envs/staging/checkout/values.yaml, the preview showed 2.6.1.',
      );
      expect(api.promoteBulk.mock.calls[0][0]).toEqual({
        entityRefs: ['component:default/checkout', 'component:default/cart'],
        source: 'staging',
        target: 'prod-eu',
        allOrNothing: false,
        baseCommit: 'c'.repeat(40),
        pins: [
          {
            entityRef: 'component:default/checkout',
            versions: ['2.6.1'],
            sourceCommit: '1'.repeat(40),
          },
          {
            entityRef: 'component:default/cart',
            versions: ['3.1.0'],
            sourceCommit: '1'.repeat(40),
          },
        ],
      });
      const firstKey = api.promoteBulk.mock.calls[0][1].idempotencyKey;
      expect(confirm).toBeDisabled();
      expect(confirm).toHaveAccessibleDescription(
        'Nothing was committed: refresh the preview first.',
      );
      const refresh = within(alert).getByRole('button', {
        name: 'Refresh preview',
      });
      expect(refresh).toHaveFocus();

      await userEvent.keyboard('{Enter}');
      expect(
        await within(combined).findByText('Will promote 2.5.0 → 2.6.2'),
      ).toBeVisible();
      expect(api.previewBulkPromotion).toHaveBeenCalledTimes(2);
      expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
      await waitFor(() => expect(confirm).toBeEnabled());
      await waitFor(() => expect(confirm).toHaveFocus());
      await userEvent.keyboard('{Enter}');

      await waitFor(() => expect(api.promoteBulk).toHaveBeenCalledTimes(2));
      expect(api.promoteBulk.mock.calls[1][0]).toEqual({
        entityRefs: ['component:default/checkout', 'component:default/cart'],
        source: 'staging',
        target: 'prod-eu',
        allOrNothing: false,
        baseCommit: 'e'.repeat(40),
        pins: [
          {
            entityRef: 'component:default/checkout',
            versions: ['2.6.2'],
            sourceCommit: '2'.repeat(40),
          },
          {
            entityRef: 'component:default/cart',
            versions: ['3.1.0'],
            sourceCommit: '2'.repeat(40),
          },
        ],
      });
      // A refreshed preview is a new train: a new idempotency key.
      expect(api.promoteBulk.mock.calls[1][1].idempotencyKey).not.toBe(
        firstKey,
      );
      expect(
        await within(dialog).findByText(
          /Promoted 2 services together in commit ddddddd: checkout, cart/,
        ),
      ).toBeVisible();
    }, 30_000);

    it('retries a failed confirm of one preview with the same key and body', async () => {
      const api = mockGitopsPromotionApi();
      api.previewBulkPromotion.mockResolvedValue({
        source: 'staging',
        target: 'prod-eu',
        baseCommit: 'c'.repeat(40),
        services: [
          {
            entityRef: 'component:default/checkout',
            service: 'checkout',
            preview: checkoutPreview('2.6.1', '1'.repeat(40)),
          },
          {
            entityRef: 'component:default/cart',
            service: 'cart',
            refusal: 'envs/prod-eu/cart/values.yaml does not exist',
          },
        ],
      });
      api.promoteBulk
        .mockRejectedValueOnce(
          await responseError(503, 'The GitOps repository is unavailable'),
        )
        .mockResolvedValueOnce({
          bulkId: 'b3',
          promotions: [promotion()],
          refused: [],
        });
      const dialog = await openTrain(api);
      const confirm = await within(dialog).findByRole('button', {
        name: 'Promote 1 to Production EU',
      });
      await waitFor(() => expect(confirm).toBeEnabled());
      await userEvent.click(confirm);
      const alert = await within(dialog).findByRole('alert');
      expect(alert).toHaveTextContent('The release train failed');
      expect(alert).toHaveTextContent('The GitOps repository is unavailable');
      expect(confirm).toBeEnabled();
      await userEvent.click(confirm);
      await waitFor(() => expect(api.promoteBulk).toHaveBeenCalledTimes(2));
      expect(api.promoteBulk.mock.calls[1]).toEqual(
        api.promoteBulk.mock.calls[0],
      );
      expect(api.promoteBulk.mock.calls[0][0]).toEqual({
        entityRefs: ['component:default/checkout'],
        source: 'staging',
        target: 'prod-eu',
        allOrNothing: false,
        baseCommit: 'c'.repeat(40),
        pins: [
          {
            entityRef: 'component:default/checkout',
            versions: ['2.6.1'],
            sourceCommit: '1'.repeat(40),
          },
        ],
      });
      expect(api.previewBulkPromotion).toHaveBeenCalledTimes(1);
      // The service the preview could not plan was not sent, and says why.
      expect(
        await within(dialog).findByText(
          'Left out: cart (envs/prod-eu/cart/values.yaml does not exist)',
        ),
      ).toBeVisible();
    }, 30_000);
  });

  it('keeps only the rows in view in the page for 2,000 services', async () => {
    const m = matrix();
    const services = Array.from({ length: 2000 }, (_, i) => ({
      ...m.services[i % 4],
      entityRef: `component:default/svc-${String(i).padStart(4, '0')}`,
      service: `svc-${String(i).padStart(4, '0')}`,
      title: `svc-${String(i).padStart(4, '0')}`,
    }));
    await render(
      mockGitopsPromotionApi({
        getMatrix: jest.fn(async () => ({ ...m, services })),
      }),
      '/gitops-promotion?owner=all',
    );
    expect(
      await screen.findByText('Showing 2000 of 2000 services'),
    ).toBeVisible();
    const rendered = shownServices();
    expect(rendered[0]).toBe('svc-0000');
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(40);
    expect(table()).toHaveAttribute('aria-rowcount', '2001');
  });

  it('exports the rows shown as CSV', async () => {
    const created: Blob[] = [];
    const createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:matrix';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    await render(mockGitopsPromotionApi());
    await screen.findByText('Showing 2 of 4 services');
    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(click).toHaveBeenCalled();
    const text = await created[0].text();
    expect(text.split('\r\n').map(l => l.split(',')[0])).toEqual([
      'service',
      'cart',
      'checkout',
      '',
    ]);
    click.mockRestore();
  });

  it('shows delivery figures of my groups as small charts', async () => {
    const api = mockGitopsPromotionApi({
      getDeliveryFigures: jest.fn(async ({ days }) => ({
        since: '2026-10-23T00:00:00.000Z',
        until: '2026-11-22T00:00:00.000Z',
        services: [
          {
            service: 'checkout',
            environments: [
              {
                environment: 'prod-eu',
                deployments: 3,
                outsideDeployments: 0,
                perWeek: 0.7,
                weekly: [1, 0, 1, 0, 1],
                changes: 3,
                failures: 0,
                changeFailureRate: 0,
                timeToRestore: { samples: 0, unrestored: 0 },
              },
            ],
            leadTime: { samples: 3, medianHours: 30, p90Hours: 72 },
          },
        ],
        total: {
          environments: [
            {
              environment: 'prod-eu',
              deployments: days === 90 ? 9 : 3,
              outsideDeployments: 0,
              perWeek: 0.7,
              weekly: [1, 0, 1, 0, 1],
              changes: days === 90 ? 9 : 3,
              failures: 0,
              changeFailureRate: 0,
              timeToRestore: { samples: 0, unrestored: 0 },
            },
          ],
          leadTime: { samples: 3, medianHours: 30, p90Hours: 72 },
        },
      })),
    });
    await render(api);
    await screen.findByText('Showing 2 of 4 services');
    await userEvent.click(screen.getByRole('tab', { name: 'Delivery' }));
    expect(await screen.findByText('3 deployments')).toBeVisible();
    expect(api.getDeliveryFigures).toHaveBeenCalledWith({
      owner: ['user:default/guest', 'group:default/team-checkout'],
      days: 30,
    });
    expect(
      screen.getAllByRole('img', {
        name: 'Deployments to Production EU: 1, 0, 1, 0, 1 per week, oldest first',
      }),
    ).toHaveLength(1);
    expect(
      screen.getByRole('img', {
        name: 'Lead time median 30 h, 90th percentile 3 d',
      }),
    ).toBeInTheDocument();
    const perService = screen.getByRole('table', {
      name: 'Delivery figures per service',
    });
    expect(within(perService).getByText('checkout')).toBeVisible();

    await userEvent.click(screen.getByLabelText('Period'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Last 90 days' }),
    );
    expect(await screen.findByText('9 deployments')).toBeVisible();
  });
});

describe('MatrixPage pausing automatic promotion for every service', () => {
  const PAUSE = 'Pause auto-promotion into Production EU for every service';
  const RESUME = 'Resume auto-promotion into Production EU';
  const prodEuHeader = () =>
    within(table())
      .getAllByRole('columnheader')
      .find(h => h.textContent?.startsWith('Production EU'))!;
  /** Production EU promoted into automatically, paused for every service. */
  const pausedMatrix = () =>
    autoMatrix({
      gates: {
        autoPromotesFrom: [{ environment: 'staging', after: 'PT30M' }],
        autoPromotionPaused: true,
      },
    });

  /** The page with every service; the matrix answered in turn, the last one from then on. */
  async function open(...answers: MatrixResponse[]) {
    const api = mockGitopsPromotionApi();
    api.getMatrix.mockResolvedValue(answers[answers.length - 1]);
    for (const answer of answers.slice(0, -1)) {
      api.getMatrix.mockResolvedValueOnce(answer);
    }
    await render(api, '/gitops-promotion?owner=all');
    await screen.findByText('Showing 4 of 4 services');
    return api;
  }

  it('offers pausing only in the header of an automatic column the user may pause', async () => {
    await open(autoMatrix());
    const buttons = within(table()).getAllByRole('button', {
      name: /auto-promotion/,
    });
    expect(buttons).toHaveLength(1);
    expect(within(prodEuHeader()).getByRole('button', { name: PAUSE })).toBe(
      buttons[0],
    );
    expect(prodEuHeader()).toHaveTextContent(/^Production EUauto\d/);
  });

  it('offers resuming while the column is paused for every service', async () => {
    await open(pausedMatrix());
    expect(prodEuHeader()).toHaveTextContent(/^Production EUauto paused\d/);
    expect(
      within(prodEuHeader()).getByRole('button', { name: RESUME }),
    ).toBeInTheDocument();
    expect(
      within(table()).queryByRole('button', { name: /^Pause/ }),
    ).not.toBeInTheDocument();
  });

  it.each([
    ['a user who may not pause', autoMatrix({ mayPausePromotion: false })],
    [
      'a user the backend says nothing of',
      autoMatrix({ mayPausePromotion: undefined }),
    ],
    [
      'a column not promoted into automatically',
      autoMatrix({ gates: { autoPromotesFrom: [] } }),
    ],
  ])('offers nothing to %s', async (_, answer) => {
    await open(answer);
    expect(
      within(table()).queryByRole('button', { name: /auto-promotion/ }),
    ).not.toBeInTheDocument();
  });

  it('pauses automatic promotion into the environment for every service with a reason, then shows the column paused', async () => {
    const api = await open(autoMatrix(), pausedMatrix());
    const button = within(prodEuHeader()).getByRole('button', { name: PAUSE });
    await userEvent.click(button);
    const dialog = await screen.findByRole('dialog', { name: PAUSE });
    expect(dialog).toHaveTextContent(
      'No service is promoted any more from Staging into Production EU automatically until someone resumes.',
    );
    const reason = within(dialog).getByRole('textbox', { name: 'Reason' });
    await waitFor(() => expect(reason).toHaveFocus());
    await userEvent.type(reason, 'Incident 42');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Pause auto-promotion' }),
    );
    expect(api.pauseAutoPromotion).toHaveBeenCalledTimes(1);
    expect(api.pauseAutoPromotion.mock.calls[0][0]).toStrictEqual({
      environment: 'prod-eu',
      reason: 'Incident 42',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await waitFor(() =>
      expect(prodEuHeader()).toHaveTextContent(/^Production EUauto paused\d/),
    );
    expect(api.getMatrix).toHaveBeenCalledTimes(2);
    const resume = within(prodEuHeader()).getByRole('button', { name: RESUME });
    // The same button: focus, back on it once the dialog closed, stays.
    expect(resume).toBe(button);
  }, 30_000);

  it('pauses without a reason when none is given', async () => {
    const api = await open(autoMatrix(), pausedMatrix());
    await userEvent.click(
      within(prodEuHeader()).getByRole('button', { name: PAUSE }),
    );
    const dialog = await screen.findByRole('dialog', { name: PAUSE });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Pause auto-promotion' }),
    );
    expect(api.pauseAutoPromotion.mock.calls[0][0]).toStrictEqual({
      environment: 'prod-eu',
    });
  }, 30_000);

  it("resumes the environment's pause, saying who paused it and why, then shows the column automatic again", async () => {
    const api = await open(pausedMatrix(), autoMatrix());
    api.listAutoPromotionPauses.mockResolvedValue({
      items: [
        pause({
          entityRef: 'component:default/cart',
          environment: 'prod-eu',
          reason: 'Cart only',
        }),
        pause({
          environment: 'prod-eu',
          pausedBy: 'user:default/priya',
          reason: 'Incident 42',
        }),
      ],
    });
    await userEvent.click(
      within(prodEuHeader()).getByRole('button', { name: RESUME }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Resume auto-promotion into Production EU for every service',
    });
    expect(
      await within(dialog).findByText(/^Paused by priya/),
    ).toHaveTextContent(/^Paused by priya .+: “Incident 42”$/);
    expect(within(dialog).queryByText(/Cart only/)).not.toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resume auto-promotion' }),
    );
    expect(api.resumeAutoPromotion).toHaveBeenCalledTimes(1);
    expect(api.resumeAutoPromotion.mock.calls[0][0]).toStrictEqual({
      environment: 'prod-eu',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await waitFor(() =>
      expect(prodEuHeader()).toHaveTextContent(/^Production EUauto\d/),
    );
    expect(
      within(prodEuHeader()).getByRole('button', { name: PAUSE }),
    ).toBeInTheDocument();
    expect(api.getMatrix).toHaveBeenCalledTimes(2);
  }, 30_000);

  it('says when the pause is not found any more, and resumes the environment anyway', async () => {
    const api = await open(pausedMatrix());
    await userEvent.click(
      within(prodEuHeader()).getByRole('button', { name: RESUME }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(
        'No pause of Production EU for every service was found: it may have been resumed already.',
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resume auto-promotion' }),
    );
    expect(api.resumeAutoPromotion).toHaveBeenCalledWith({
      environment: 'prod-eu',
    });
  }, 30_000);

  it.each([
    ['pausing', autoMatrix(), PAUSE, 'Pause auto-promotion'] as const,
    ['resuming', pausedMatrix(), RESUME, 'Resume auto-promotion'] as const,
  ])(
    'shows a refusal (403) of %s in the dialog and reloads nothing',
    async (_, answer, action, confirm) => {
      const api = await open(answer);
      const refusal = await responseError(
        403,
        'You may not pause automatic promotion into prod-eu',
      );
      api.pauseAutoPromotion.mockRejectedValue(refusal);
      api.resumeAutoPromotion.mockRejectedValue(refusal);
      await userEvent.click(
        within(prodEuHeader()).getByRole('button', { name: action }),
      );
      const dialog = await screen.findByRole('dialog');
      await userEvent.click(
        within(dialog).getByRole('button', { name: confirm }),
      );
      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        'Not allowedYou may not pause automatic promotion into prod-eu',
      );
      expect(screen.getByRole('dialog')).toBe(dialog);
      expect(api.getMatrix).toHaveBeenCalledTimes(1);
    },
    30_000,
  );
});

describe('MatrixPage kept up to date', () => {
  const cartDegraded = () =>
    within(rowOf('cart')).queryByText('Synced · Degraded');

  /** The matrix after cart recovered in Production EU. */
  function cartRecovered() {
    const next = matrix();
    next.services[1].cells[2] = matrixCell({ version: '3.1.0' });
    return next;
  }

  async function openMatrix(api: GitopsPromotionApi, signals: SignalApi) {
    await render(api, '/gitops-promotion?owner=all', signals);
    await screen.findByText('Showing 4 of 4 services');
    expect(cartDegraded()).toBeVisible();
  }

  it('shows the change of a service when the backend signals it, the matrix shown meanwhile', async () => {
    const api = mockGitopsPromotionApi();
    const signals = mockSignalApi();
    await openMatrix(api, signals);
    api.getMatrix.mockResolvedValue(cartRecovered());

    act(() => signals.publish(statusChanged('cart')));
    expect(table()).toHaveAttribute('aria-busy', 'false');
    await waitFor(() => expect(cartDegraded()).not.toBeInTheDocument());
    expect(within(rowOf('cart')).getAllByText('Synced · Healthy')).toHaveLength(
      3,
    );
    expect(api.getMatrix).toHaveBeenCalledTimes(2);
  });

  it('answers a burst of signals with the request in flight and one more', async () => {
    const api = mockGitopsPromotionApi();
    const signals = mockSignalApi();
    await openMatrix(api, signals);
    const answers: Array<() => void> = [];
    api.getMatrix.mockImplementation(
      () =>
        new Promise(resolve => answers.push(() => resolve(cartRecovered()))),
    );
    const services = matrix().services.map(s => s.service);

    act(() => {
      for (let i = 0; i < 20; i++) {
        signals.publish(statusChanged(services[i % services.length]));
      }
    });
    expect(api.getMatrix).toHaveBeenCalledTimes(2);
    act(() => answers[0]());
    await waitFor(() => expect(api.getMatrix).toHaveBeenCalledTimes(3));
    act(() => answers[1]());
    await waitFor(() => expect(cartDegraded()).not.toBeInTheDocument());
    expect(api.getMatrix).toHaveBeenCalledTimes(3);
  });

  it('asks nothing for a signal about a service not in the matrix', async () => {
    const api = mockGitopsPromotionApi();
    const signals = mockSignalApi();
    await openMatrix(api, signals);
    act(() => signals.publish(statusChanged('billing')));
    expect(api.getMatrix).toHaveBeenCalledTimes(1);
  });

  it('keeps the matrix and says so when fetching it again fails', async () => {
    const api = mockGitopsPromotionApi();
    const signals = mockSignalApi();
    await openMatrix(api, signals);
    api.getMatrix.mockRejectedValue(
      await responseError(503, 'The GitOps repository is unreachable'),
    );

    act(() => signals.publish(statusChanged('cart')));
    expect(
      await screen.findByText(/Could not refresh the matrix/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The GitOps repository is unreachable'),
    ).toBeInTheDocument();
    expect(cartDegraded()).toBeVisible();
  });
});

describe('MatrixPage while the backend counts the lag', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  // The mocked API answers at once: passing time shows what the page does.
  const passMs = (ms: number) => act(() => jest.advanceTimersByTimeAsync(ms));

  /** Renders the page and lets it show its first answer, the clock still at 0 (lazy parts load in real time). */
  async function open(api: GitopsPromotionApi) {
    const rendered = render(api, '/gitops-promotion?owner=all');
    for (let i = 0; i < 500 && !screen.queryByText(/^Showing/); i++) {
      await passMs(0);
    }
    expect(screen.getByText('Showing 4 of 4 services')).toBeVisible();
    return rendered;
  }

  /** The matrix before the lag is counted: checkout and inventory behind, by how much not known yet. */
  function counting() {
    const m = matrix();
    for (const service of m.services) {
      for (const cell of service.cells) delete cell.lag;
    }
    return { ...m, lagPending: true };
  }

  it('shows behind without a count, asks again every 3 s until the lag is counted, then shows it', async () => {
    const api = mockGitopsPromotionApi();
    api.getMatrix
      .mockResolvedValueOnce(counting())
      .mockResolvedValueOnce(counting())
      .mockResolvedValue(matrix());
    await open(api);
    expect(
      screen.getByText('Counting how far services are behind…'),
    ).toBeVisible();
    const prodEu = () => cellOf('checkout', 'Production EU');
    expect(
      prodEu().getByText('behind Staging, counting how far…'),
    ).toBeInTheDocument();
    expect(prodEu().queryByText(/\d+ behind/)).not.toBeInTheDocument();
    expect(api.getMatrix).toHaveBeenCalledTimes(1);

    await passMs(LAG_PENDING_REFETCH_MS - 100);
    expect(api.getMatrix).toHaveBeenCalledTimes(1);
    await passMs(100);
    expect(api.getMatrix).toHaveBeenCalledTimes(2);
    await passMs(LAG_PENDING_REFETCH_MS);
    expect(api.getMatrix).toHaveBeenCalledTimes(3);

    expect(prodEu().getByText(/^2 behind · \d+d$/)).toBeVisible();
    expect(
      screen.queryByText('Counting how far services are behind…'),
    ).not.toBeInTheDocument();
    await passMs(10 * LAG_PENDING_REFETCH_MS);
    expect(api.getMatrix).toHaveBeenCalledTimes(3);
  });

  it('asks again only once the answer in flight is in', async () => {
    const api = mockGitopsPromotionApi();
    const answers: Array<() => void> = [];
    api.getMatrix
      .mockResolvedValueOnce(counting())
      .mockImplementation(
        () => new Promise(resolve => answers.push(() => resolve(counting()))),
      );
    await open(api);
    await passMs(LAG_PENDING_REFETCH_MS);
    expect(api.getMatrix).toHaveBeenCalledTimes(2);
    await passMs(5 * LAG_PENDING_REFETCH_MS);
    expect(api.getMatrix).toHaveBeenCalledTimes(2);
    await act(async () => answers[0]());
    await passMs(LAG_PENDING_REFETCH_MS);
    expect(api.getMatrix).toHaveBeenCalledTimes(3);
  });

  it('stops asking when the page is left', async () => {
    const api = mockGitopsPromotionApi();
    api.getMatrix.mockResolvedValue(counting());
    const { unmount } = await open(api);
    expect(api.getMatrix).toHaveBeenCalledTimes(1);
    unmount();
    await passMs(10 * LAG_PENDING_REFETCH_MS);
    expect(api.getMatrix).toHaveBeenCalledTimes(1);
  });
});
