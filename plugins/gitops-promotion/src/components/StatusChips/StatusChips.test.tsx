import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { environment } from '../../__testUtils__/fixtures';
import { StatusChips } from './StatusChips';

describe('StatusChips', () => {
  it('names sync and health in text, not only in color', async () => {
    const { status } = environment({ name: 'dev' });
    renderInTestApp(
      <StatusChips
        status={{
          ...(status as any),
          syncStatus: 'OutOfSync',
          health: { status: 'Degraded', message: 'Back-off pulling image' },
        }}
      />,
    );
    expect(await screen.findByText('Out of sync')).toBeInTheDocument();
    expect(screen.getByText('Degraded')).toBeInTheDocument();
    expect(screen.getByText('Sync:')).toBeInTheDocument();
    expect(screen.getByText('Health:')).toBeInTheDocument();
    expect(screen.getByTitle('Back-off pulling image')).toBeInTheDocument();
  });

  it('says the status is unknown, with the reason in the title', async () => {
    renderInTestApp(
      <StatusChips
        status={{
          state: 'unknown',
          reason: 'instance-unreachable',
          message: 'Argo CD instance local is unreachable',
        }}
      />,
    );
    expect(await screen.findByText('Status unknown')).toBeInTheDocument();
    expect(
      screen.getByTitle('Argo CD instance local is unreachable'),
    ).toBeInTheDocument();
  });
});
