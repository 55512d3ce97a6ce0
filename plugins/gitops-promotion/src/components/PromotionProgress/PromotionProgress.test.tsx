import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { promotion } from '../../__testUtils__/fixtures';
import { PromotionProgress, progressSteps } from './PromotionProgress';

describe('progressSteps', () => {
  it.each([
    ['pending', ['active', 'todo', 'todo']],
    ['committed', ['done', 'active', 'todo']],
    ['syncing', ['done', 'active', 'todo']],
    ['deployed', ['done', 'done', 'done']],
    ['failed', ['done', 'done', 'error']],
    ['rejected', ['done', 'todo', 'error']],
  ] as const)('%s', (state, expected) => {
    expect(progressSteps(promotion({ state })).map(step => step.state)).toEqual(
      expected,
    );
  });

  it('names the first step after the write mode', () => {
    expect(progressSteps(promotion({ state: 'deployed' }))[0].label).toBe(
      'Committed',
    );
    expect(
      progressSteps(promotion({ state: 'pr-open', mode: 'pull-request' }))[0]
        .label,
    ).toBe('Pull request opened');
  });
});

describe('PromotionProgress', () => {
  it('shows the state as text, the commit and the steps', async () => {
    renderInTestApp(
      <PromotionProgress
        promotion={promotion({ state: 'syncing' })}
        targetTitle="Production EU"
      />,
    );
    const region = await screen.findByRole('region', {
      name: 'Promotion of checkout 2.6.1 to Production EU',
    });
    expect(within(region).getByRole('status')).toHaveTextContent(
      'Argo CD is syncing',
    );
    expect(within(region).getByText('Committed')).toBeInTheDocument();
    expect(within(region).getByText('Argo CD syncing')).toBeInTheDocument();
    expect(within(region).getByTitle('d'.repeat(40))).toHaveTextContent(
      'ddddddd',
    );
  });

  it('links the pull request and explains a failure', async () => {
    renderInTestApp(
      <PromotionProgress
        promotion={promotion({
          state: 'failed',
          mode: 'pull-request',
          commitSha: undefined,
          pullRequest: {
            url: 'https://github.com/acme/gitops/pull/42',
            number: 42,
          },
          stateReason: 'Degraded: Back-off pulling image',
        })}
      />,
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Failed — Degraded: Back-off pulling image',
    );
    expect(
      screen.getByRole('link', { name: /^Pull request #42/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/gitops/pull/42');
  });
});
