import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  DeliveryFiguresResponse,
  EnvironmentDeploymentFigures,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import {
  matrix,
  mockGitopsPromotionApi,
  Providers,
} from '../../__testUtils__/fixtures';
import { GitopsPromotionApi } from '../../api';
import { DeliveryFigures } from './DeliveryFigures';
import { hoursText } from './DeliveryCharts';

const environment = (
  figures: Partial<EnvironmentDeploymentFigures> &
    Pick<EnvironmentDeploymentFigures, 'environment'>,
): EnvironmentDeploymentFigures => ({
  deployments: 0,
  outsideDeployments: 0,
  perWeek: 0,
  weekly: [0, 0, 0, 0, 0],
  changes: 0,
  failures: 0,
  timeToRestore: { samples: 0, unrestored: 0 },
  ...figures,
});

/** checkout's last 30 days: 4 production changes, one reverted by hand. */
const prodEu = environment({
  environment: 'prod-eu',
  deployments: 4,
  outsideDeployments: 2,
  perWeek: 0.93,
  lastDeployedAt: '2026-11-20T10:00:00.000Z',
  weekly: [1, 0, 2, 0, 1],
  changes: 4,
  failures: 1,
  changeFailureRate: 0.25,
  timeToRestore: {
    samples: 1,
    medianHours: 3.5,
    p90Hours: 3.5,
    unrestored: 0,
  },
});
const dev = environment({
  environment: 'dev',
  deployments: 6,
  perWeek: 1.4,
  weekly: [2, 1, 1, 1, 1],
  changes: 7,
  failures: 1,
  changeFailureRate: 0.1429,
  timeToRestore: { samples: 0, unrestored: 1 },
});
const figures = (days = 30): DeliveryFiguresResponse => ({
  since: '2026-10-23T00:00:00.000Z',
  until: '2026-11-22T00:00:00.000Z',
  services: [
    {
      service: 'checkout',
      environments: [dev, prodEu],
      leadTime: { samples: 3, medianHours: 30, p90Hours: 72 },
    },
  ],
  total: {
    environments: [
      dev,
      days === 90
        ? { ...prodEu, failures: 3, changeFailureRate: 0.75 }
        : prodEu,
    ],
    leadTime: { samples: 3, medianHours: 30, p90Hours: 72 },
  },
});

function render(api: GitopsPromotionApi) {
  return renderInTestApp(
    <Providers api={api}>
      <DeliveryFigures
        owners={['group:default/team-checkout']}
        environments={matrix().environments}
        titleOf={service => (service === 'checkout' ? 'Checkout' : service)}
      />
    </Providers>,
  );
}

/** The card of an environment (or the lead time's), once shown. */
const cardOf = async (title: string) =>
  within(
    (await screen.findByRole('heading', { name: title, level: 3 }))
      .parentElement!,
  );

describe('DeliveryFigures', () => {
  it('shows the four figures per environment, each chart with its text', async () => {
    const api = mockGitopsPromotionApi({
      getDeliveryFigures: jest.fn(async () => figures()),
    });
    await render(api);

    const production = await cardOf('Production EU');
    expect(await production.findByText('4 deployments')).toBeVisible();
    expect(production.getByText('2 made outside the plugin')).toBeVisible();
    expect(
      production.getByRole('img', {
        name: 'Deployments to Production EU: 1, 0, 2, 0, 1 per week, oldest first',
      }),
    ).toBeInTheDocument();
    expect(production.getByText('25% · 1 of 4 changes failed')).toBeVisible();
    expect(
      production.getByRole('img', {
        name: 'Change failure rate in Production EU: 25%, 1 of 4 changes failed',
      }),
    ).toBeInTheDocument();
    expect(production.getByText('median 3.5 h · p90 3.5 h')).toBeVisible();
    expect(
      production.getByRole('img', {
        name: 'Time to restore in Production EU median 3.5 h, 90th percentile 3.5 h',
      }),
    ).toBeInTheDocument();

    const development = await cardOf('Development');
    expect(
      development.getByText('14.3% · 1 of 7 changes failed'),
    ).toBeVisible();
    expect(
      development.getByText('No failure restored · 1 not restored yet'),
    ).toBeVisible();
    expect((await cardOf('Staging')).getByText('No changes')).toBeVisible();

    expect(
      (await cardOf('Lead time to production')).getByRole('img', {
        name: 'Lead time median 30 h, 90th percentile 3 d',
      }),
    ).toBeInTheDocument();

    const perService = within(
      screen.getByRole('table', { name: 'Delivery figures per service' }),
    );
    const row = within(perService.getByRole('row', { name: /^Checkout/ }));
    expect(row.getByText('25% failed · restored in 3.5 h')).toBeVisible();
    expect(row.getByText('14.3% failed · 1 not restored')).toBeVisible();
    expect(row.getByText('30 h')).toBeVisible();
  });

  it('asks for the period chosen', async () => {
    const api = mockGitopsPromotionApi({
      getDeliveryFigures: jest.fn(async ({ days }) => figures(days)),
    });
    await render(api);
    expect(
      await (
        await cardOf('Production EU')
      ).findByText('25% · 1 of 4 changes failed'),
    ).toBeVisible();

    await userEvent.click(screen.getByLabelText('Period'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Last 90 days' }),
    );

    expect(
      await (
        await cardOf('Production EU')
      ).findByText('75% · 3 of 4 changes failed'),
    ).toBeVisible();
    expect(api.getDeliveryFigures).toHaveBeenLastCalledWith({
      owner: ['group:default/team-checkout'],
      days: 90,
    });
  });

  it('says what the figures leave out', async () => {
    const warning =
      "Changes made outside the plugin on 'main' of repository 'acme-gitops' are not counted: unreachable";
    await render(
      mockGitopsPromotionApi({
        getDeliveryFigures: jest.fn(async () => ({
          ...figures(),
          warnings: [warning],
        })),
      }),
    );
    expect(await screen.findByText(warning)).toBeVisible();
  });

  it('exports every figure per service and environment as CSV', async () => {
    const created: Blob[] = [];
    Object.assign(URL, {
      createObjectURL: jest.fn((blob: Blob) => {
        created.push(blob);
        return 'blob:delivery';
      }),
      revokeObjectURL: jest.fn(),
    });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    await render(
      mockGitopsPromotionApi({
        getDeliveryFigures: jest.fn(async () => figures()),
      }),
    );
    await (await cardOf('Production EU')).findByText('4 deployments');

    await userEvent.click(
      screen.getByRole('button', { name: 'Export delivery CSV' }),
    );

    expect(click).toHaveBeenCalled();
    const lines = (await created[0].text()).split('\r\n');
    expect(lines[0]).toBe(
      'service,environment,deployments,outside deployments,deployments per week,week 1,week 2,week 3,week 4,week 5,last deployed at,changes,failures,change failure rate,time to restore samples,time to restore median hours,time to restore p90 hours,unrestored failures,lead time samples,lead time median hours,lead time p90 hours',
    );
    expect(lines.slice(1)).toEqual([
      'checkout,dev,6,0,1.4,2,1,1,1,1,,7,1,0.1429,0,,,1,3,30,72',
      'checkout,staging,0,0,0,0,0,0,0,0,,0,0,,0,,,0,3,30,72',
      'checkout,prod-eu,4,2,0.93,1,0,2,0,1,2026-11-20T10:00:00.000Z,4,1,0.25,1,3.5,3.5,0,3,30,72',
      'All services,dev,6,0,1.4,2,1,1,1,1,,7,1,0.1429,0,,,1,3,30,72',
      'All services,staging,0,0,0,0,0,0,0,0,,0,0,,0,,,0,3,30,72',
      'All services,prod-eu,4,2,0.93,1,0,2,0,1,2026-11-20T10:00:00.000Z,4,1,0.25,1,3.5,3.5,0,3,30,72',
      '',
    ]);
    click.mockRestore();
  });
});

describe('hoursText', () => {
  it.each([
    [0, '< 1 min'],
    [0.5, '30 min'],
    [30, '30 h'],
    [72, '3 d'],
    [undefined, '–'],
  ])('shows %s hours as %s', (hours, text) => {
    expect(hoursText(hours)).toBe(text);
  });
});
