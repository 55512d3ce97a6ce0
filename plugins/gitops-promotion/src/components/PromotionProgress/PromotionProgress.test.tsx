import { renderInTestApp } from '@backstage/frontend-test-utils';
import { PromotionRecord } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { screen, within } from '@testing-library/react';
import {
  mockGitopsPromotionApi,
  promotion,
  Providers,
} from '../../__testUtils__/fixtures';
import { PromotionProgress } from './PromotionProgress';
import { progressSteps } from './progressSteps';
import { TrackedPromotion } from './TrackedPromotion';

const approvals = (
  decisions: NonNullable<PromotionRecord['approvals']>['decisions'] = [],
) => ({
  required: 2,
  from: ['group:default/release-managers'],
  decisions,
});

const marcusApproved = {
  approver: 'user:default/marcus',
  decision: 'approve' as const,
  comment: 'Release notes checked',
  at: '2026-11-22T11:30:00Z',
};

const checks = (
  smokeTest: 'pending' | 'passed' | 'failed',
  errorRate: 'pending' | 'passed' | 'failed',
): PromotionRecord['verification'] => [
  { name: 'smoke-test', type: 'http', state: smokeTest },
  {
    name: 'error-rate',
    type: 'webhook',
    state: errorRate,
    ...(errorRate === 'failed' && { message: '5xx rate 4% > 1%' }),
  },
];

const labelsAndStates = (record: PromotionRecord) =>
  progressSteps(record).map(step => `${step.label}: ${step.state}`);

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

describe('progressSteps with approvals and verification', () => {
  it('starts with the approval step while awaiting approval', () => {
    expect(
      labelsAndStates(
        promotion({
          state: 'awaiting-approval',
          commitSha: undefined,
          approvals: approvals([marcusApproved]),
        }),
      ),
    ).toEqual([
      'Awaiting approval: active',
      'Committed: todo',
      'Argo CD syncing: todo',
      'Deployed: todo',
    ]);
  });

  it('verifies after Argo CD synced, before Deployed', () => {
    expect(
      labelsAndStates(
        promotion({
          state: 'verifying',
          verification: checks('passed', 'pending'),
        }),
      ),
    ).toEqual([
      'Committed: done',
      'Argo CD synced: done',
      'Verifying: active',
      'Deployed: todo',
    ]);
  });

  it('marks the approval step, not the write, when an approver rejected', () => {
    expect(
      labelsAndStates(
        promotion({
          state: 'rejected',
          commitSha: undefined,
          approvals: approvals([
            {
              approver: 'user:default/marcus',
              decision: 'reject',
              comment: 'Not during the sale',
              at: '2026-11-22T11:30:00Z',
            },
          ]),
        }),
      ),
    ).toEqual([
      'Not approved: error',
      'Committed: todo',
      'Argo CD syncing: todo',
      'Rejected: error',
    ]);
  });

  it('marks the failed verification', () => {
    expect(
      labelsAndStates(
        promotion({
          state: 'failed',
          approvals: approvals([
            marcusApproved,
            { ...marcusApproved, approver: 'user:default/ana' },
          ]),
          verification: checks('passed', 'failed'),
        }),
      ),
    ).toEqual([
      'Approved: done',
      'Committed: done',
      'Argo CD syncing: done',
      'Verification failed: error',
      'Failed: error',
    ]);
  });
});

describe('PromotionProgress', () => {
  it('says how many approvals a promotion awaiting approval has, and whose', async () => {
    renderInTestApp(
      <PromotionProgress
        promotion={promotion({
          state: 'awaiting-approval',
          commitSha: undefined,
          approvals: approvals([marcusApproved]),
        })}
        targetTitle="Production EU"
      />,
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Awaiting approval · 1 of 2',
    );
    expect(
      screen.getByText(
        'Needs 2 approvals from release-managers; approved by marcus.',
      ),
    ).toBeInTheDocument();
    const decisions = screen.getByRole('list', { name: 'Approvals' });
    expect(within(decisions).getByRole('listitem')).toHaveTextContent(
      /^marcus approved .+: “Release notes checked”$/,
    );
  });

  it('lists each verification check with its state while verifying', async () => {
    renderInTestApp(
      <PromotionProgress
        promotion={promotion({
          state: 'verifying',
          verification: checks('passed', 'pending'),
        })}
      />,
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Verifying the rollout · 1 of 2 checks passed',
    );
    const list = screen.getByRole('list', { name: 'Verification checks' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['smoke-test: passed', 'error-rate: pending']);
  });

  it('says a promotion was made automatically', async () => {
    renderInTestApp(
      <PromotionProgress
        promotion={promotion({
          state: 'syncing',
          trigger: 'auto-promotion',
          requester: 'plugin:gitops-promotion',
        })}
      />,
    );
    expect(
      await screen.findByText(/^Promoted automatically ·/),
    ).toBeInTheDocument();
  });

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

describe('TrackedPromotion of an automatic rollback', () => {
  const failedPromotion = promotion({
    id: '0b7e4c55-6f1c-4a52-9a3b-6f3f4c1d2e10',
    state: 'failed',
    verification: checks('passed', 'failed'),
  });
  const rollback = promotion({
    id: '9a3b6f3f-0000-4000-8000-000000000001',
    kind: 'rollback',
    sourceEnv: undefined,
    trigger: 'auto-rollback',
    rollbackOf: failedPromotion.id,
    state: 'syncing',
    versions: [
      {
        path: 'envs/prod-eu/checkout/values.yaml',
        key: 'image.tag',
        from: '2.6.1',
        to: '2.5.0',
      },
    ],
  });

  it('says which promotion it undoes and that its verification failed', async () => {
    const api = mockGitopsPromotionApi({
      getPromotion: jest.fn(async id =>
        id === failedPromotion.id ? failedPromotion : rollback,
      ),
    });
    renderInTestApp(
      <Providers api={api}>
        <TrackedPromotion
          id={rollback.id}
          initial={rollback}
          targetTitle="Production EU"
        />
      </Providers>,
    );
    const region = await screen.findByRole('region', {
      name: 'Rollback of checkout in Production EU to 2.5.0',
    });
    expect(
      await within(region).findByText(
        'Rolled back automatically: verification of 0b7e4c55 failed',
      ),
    ).toHaveAttribute('title', failedPromotion.id);
    expect(
      within(region).getByText(/^Rolled back automatically ·/),
    ).toBeInTheDocument();
    expect(api.getPromotion).toHaveBeenCalledWith(failedPromotion.id);
  });

  it('says the rollout failed when the promotion it undoes had no failed check', async () => {
    const api = mockGitopsPromotionApi({
      getPromotion: jest.fn(async id =>
        id === failedPromotion.id
          ? { ...failedPromotion, verification: undefined }
          : rollback,
      ),
    });
    renderInTestApp(
      <Providers api={api}>
        <TrackedPromotion id={rollback.id} initial={rollback} />
      </Providers>,
    );
    expect(
      await screen.findByText(
        'Rolled back automatically: the rollout of 0b7e4c55 failed',
      ),
    ).toBeInTheDocument();
  });
});
