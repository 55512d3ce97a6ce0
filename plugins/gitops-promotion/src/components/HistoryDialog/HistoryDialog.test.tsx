import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  bundleEnvironment,
  bundleHistory,
  entityRef,
  mockGitopsPromotionApi,
  pipeline,
  Providers,
  responseError,
} from '../../__testUtils__/fixtures';
import { HistoryDialog } from './HistoryDialog';

const prodEu = pipeline()[2];

describe('HistoryDialog', () => {
  it('lists versions over time with who, when and the commit, and offers rollback', async () => {
    const api = mockGitopsPromotionApi();
    const onRollback = jest.fn();
    renderInTestApp(
      <Providers api={api}>
        <HistoryDialog
          entityRef={entityRef}
          environment={prodEu}
          onClose={jest.fn()}
          onRollback={onRollback}
        />
      </Providers>,
    );
    const table = await screen.findByRole('table', {
      name: 'Version history of Production EU',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('2.4.0 → 2.5.0current');
    expect(rows[1]).toHaveTextContent('Priya Raman');
    expect(rows[1]).toHaveTextContent('1111111');
    expect(rows[2]).toHaveTextContent('Marcus Chen');
    expect(api.getHistory).toHaveBeenCalledWith({
      entityRef,
      environment: 'prod-eu',
      limit: 30,
    });
    const rollback = within(rows[2]).getByRole('button', {
      name: 'Roll back to 2.4.0',
    });
    await waitFor(() => expect(rollback).toBeEnabled());
    await userEvent.click(rollback);
    expect(onRollback).toHaveBeenCalledWith(
      prodEu,
      expect.objectContaining({
        to: '2.4.0',
        versions: ['2.4.0'],
        commitSha: '2'.repeat(40),
      }),
    );
  });

  it('rolls a bundle back to every value a commit left, and says why when a commit did not set them all', async () => {
    const api = mockGitopsPromotionApi({
      getHistory: jest.fn(async () => bundleHistory()),
    });
    const onRollback = jest.fn();
    const environment = bundleEnvironment();
    renderInTestApp(
      <Providers api={api}>
        <HistoryDialog
          entityRef={entityRef}
          environment={environment}
          onClose={jest.fn()}
          onRollback={onRollback}
        />
      </Providers>,
    );
    const table = await screen.findByRole('table', {
      name: 'Version history of Production EU',
    });
    expect(
      screen.getByText(/a rollback sets every one of them/),
    ).toHaveTextContent(
      'Production EU moves dependencies[name=service-base].version, service-base.image.tag together',
    );
    expect(
      screen.queryByText(/Rollback is not available here/),
    ).not.toBeInTheDocument();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(4);
    // The image tag moved: what runs now, nothing to roll back to.
    expect(rows[0]).toHaveTextContent('1.4.3current');
    expect(rows[0]).toHaveTextContent(
      'dependencies[name=service-base].version 1.4.3, service-base.image.tag 2.5.0',
    );
    expect(within(rows[0]).queryByRole('button')).not.toBeInTheDocument();
    // Only the chart moved: still a version change of the bundle.
    const chart = within(rows[1]).getByRole('button', {
      name: 'Roll back to 1.4.3, 2.4.0',
    });
    await waitFor(() => expect(chart).toBeEnabled());
    expect(
      within(rows[2]).getByRole('button', {
        name: 'Roll back to 1.4.2, 2.4.0',
      }),
    ).toBeEnabled();
    // Before the image tag was set: no complete set of versions.
    expect(rows[3]).toHaveTextContent('not every value of the bundle was set');
    const incomplete = within(rows[3]).getByRole('button', {
      name: 'Roll back to 1.4.2',
    });
    expect(incomplete).toBeDisabled();
    await userEvent.hover(incomplete.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'This commit did not set every value of the bundle',
    );

    await userEvent.click(chart);
    expect(onRollback).toHaveBeenCalledWith(
      environment,
      expect.objectContaining({
        versions: ['1.4.3', '2.4.0'],
        commitSha: '3'.repeat(40),
      }),
    );
  });

  it('disables rollback and says why when the backend says the user may not promote', async () => {
    renderInTestApp(
      <Providers api={mockGitopsPromotionApi()}>
        <HistoryDialog
          entityRef={entityRef}
          environment={{ ...prodEu, mayPromote: false }}
          onClose={jest.fn()}
          onRollback={jest.fn()}
        />
      </Providers>,
    );
    expect(
      await screen.findByText(/Rollback is not available here/),
    ).toHaveTextContent('You may not promote to Production EU.');
    expect(
      screen.getByRole('button', { name: 'Roll back to 2.4.0' }),
    ).toBeDisabled();
  });

  it('shows why the history could not be read', async () => {
    const api = mockGitopsPromotionApi();
    api.getHistory.mockRejectedValue(
      await responseError(503, 'The GitOps repository is unavailable'),
    );
    renderInTestApp(
      <Providers api={api}>
        <HistoryDialog
          entityRef={entityRef}
          environment={prodEu}
          onClose={jest.fn()}
          onRollback={jest.fn()}
        />
      </Providers>,
    );
    expect(
      await screen.findByText(/The GitOps repository is unavailable/),
    ).toBeInTheDocument();
  });
});
