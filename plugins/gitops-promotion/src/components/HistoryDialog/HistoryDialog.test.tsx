import { renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
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
      expect.objectContaining({ to: '2.4.0', commitSha: '2'.repeat(40) }),
    );
  });

  it('disables rollback and says why when the user may not promote', async () => {
    renderInTestApp(
      <Providers
        api={mockGitopsPromotionApi()}
        permission={() => AuthorizeResult.DENY}
      >
        <HistoryDialog
          entityRef={entityRef}
          environment={prodEu}
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
