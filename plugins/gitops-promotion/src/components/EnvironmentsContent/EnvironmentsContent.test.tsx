import { renderInTestApp } from '@backstage/frontend-test-utils';
import { SignalApi } from '@backstage/plugin-signals-react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  awaitingApproval,
  bundleEnvironment,
  bundleHistory,
  entity,
  entityRef,
  environment,
  gatedPipeline,
  history as historyOf,
  mockGitopsPromotionApi,
  pause,
  pipeline,
  preview,
  promotion,
  Providers,
  responseError,
} from '../../__testUtils__/fixtures';
import {
  mockSignalApi,
  promotionMoved,
  statusChanged,
} from '../../__testUtils__/signals';
import { EnvironmentView } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { GitopsPromotionApi } from '../../api';
import { EnvironmentsContent } from './EnvironmentsContent';

function render(
  api: GitopsPromotionApi,
  options: Omit<Parameters<typeof Providers>[0], 'api' | 'children'> = {},
) {
  return renderInTestApp(
    <Providers api={api} {...options}>
      <EnvironmentsContent />
    </Providers>,
  );
}

const card = (title: string) => screen.getByRole('article', { name: title });

describe('EnvironmentsContent', () => {
  it('shows progress while the environments load', async () => {
    const api = mockGitopsPromotionApi({
      getEnvironments: jest.fn(() => new Promise<never>(() => {})),
    });
    render(api);
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('explains how to annotate a service that is not configured', async () => {
    const api = mockGitopsPromotionApi();
    render(api, {
      entity: { ...entity, metadata: { name: 'checkout', annotations: {} } },
    });
    expect(
      await screen.findByText(
        'This service is not set up for GitOps Promotion',
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        (_, element) =>
          element?.tagName === 'CODE' &&
          /gitops-promotion\/service: checkout/.test(element.textContent ?? ''),
      ),
    ).toBeInTheDocument();
    expect(api.getEnvironments).not.toHaveBeenCalled();
  });

  it('says so when there is no environment to show', async () => {
    const api = mockGitopsPromotionApi({
      getEnvironments: jest.fn(async () => ({
        entityRef,
        service: 'checkout',
        environments: [],
      })),
    });
    render(api);
    expect(
      await screen.findByText('No environments to show'),
    ).toBeInTheDocument();
  });

  it('shows the error and retries', async () => {
    const error = await responseError(
      503,
      'The GitOps repository acme-gitops is unavailable',
    );
    const api = mockGitopsPromotionApi();
    api.getEnvironments.mockRejectedValueOnce(error);
    render(api);
    expect(
      await screen.findByText(
        /Could not load the environments: The GitOps repository acme-gitops is unavailable/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Production EU')).toBeInTheDocument();
    expect(api.getEnvironments).toHaveBeenCalledTimes(2);
  });

  it('shows every card from one request: the last change comes with the environments', async () => {
    const api = mockGitopsPromotionApi();
    render(api);
    expect(
      await within(
        await screen.findByRole('article', { name: 'Production EU' }),
      ).findByText('Priya Raman'),
    ).toBeInTheDocument();
    expect(api.getEnvironments).toHaveBeenCalledTimes(1);
    expect(api.getHistory).not.toHaveBeenCalled();
  });

  it('draws the pipeline: versions, status chips with text, lag and the last deployment', async () => {
    const api = mockGitopsPromotionApi();
    render(api);
    const pipelineList = await screen.findByRole('list', {
      name: 'Promotion pipeline',
    });
    const columns = within(pipelineList).getAllByRole('listitem', {
      name: undefined,
    });
    expect(columns.length).toBeGreaterThan(0);

    const prodEu = card('Production EU');
    expect(within(prodEu).getByText('2.5.0')).toBeInTheDocument();
    expect(within(prodEu).getByText('Synced')).toBeInTheDocument();
    expect(within(prodEu).getByText('Healthy')).toBeInTheDocument();
    expect(
      within(prodEu).getByText('1 version behind Staging (2.6.1)'),
    ).toBeInTheDocument();
    expect(await within(prodEu).findByText('Priya Raman')).toBeInTheDocument();
    expect(
      within(card('Staging')).getByText(/Up to date with Development/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('listitem', {
        name: 'Production US, promoted from Staging',
      }),
    ).toBeInTheDocument();
  });

  it('keeps the git versions and marks the status unknown with the reason when Argo CD is unreachable', async () => {
    const message =
      'Argo CD instance local is unreachable: connect ECONNREFUSED 127.0.0.1:7009';
    const environments = pipeline().map(e => ({
      ...e,
      status: {
        state: 'unknown' as const,
        reason: 'instance-unreachable' as const,
        message,
      },
    }));
    const api = mockGitopsPromotionApi({
      getEnvironments: jest.fn(async () => ({
        entityRef,
        service: 'checkout',
        environments,
      })),
    });
    render(api);
    expect(
      await screen.findByText(/Argo CD status unknown for Development/),
    ).toBeInTheDocument();
    const prodUs = card('Production US');
    expect(within(prodUs).getByText('2.4.0')).toBeInTheDocument();
    expect(within(prodUs).getByText('Status unknown')).toBeInTheDocument();
    expect(
      within(prodUs).getByRole('note', { name: 'Argo CD status unknown' }),
    ).toHaveTextContent(`Argo CD is unreachable. ${message}`);
  });

  it('warns about drift between git and the live image', async () => {
    const environments = pipeline();
    environments[2] = {
      ...environments[2],
      drift: { desired: '2.5.0', live: ['ghcr.io/acme/checkout:2.4.0'] },
    };
    const api = mockGitopsPromotionApi({
      getEnvironments: jest.fn(async () => ({
        entityRef,
        service: 'checkout',
        environments,
      })),
    });
    render(api);
    const drift = await screen.findByRole('note', { name: 'Drift' });
    expect(drift).toHaveTextContent(
      'Drift: git wants 2.5.0, live runs ghcr.io/acme/checkout:2.4.0.',
    );
  });

  it('promotes staging to prod-eu: diff, checks, confirm, progress to Deployed', async () => {
    const api = mockGitopsPromotionApi();
    api.getPromotion
      .mockResolvedValueOnce(promotion({ state: 'syncing' }))
      .mockResolvedValue(
        promotion({ state: 'deployed', stateReason: 'Synced and Healthy' }),
      );
    render(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Promote to Production EU' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Promote checkout to Production EU',
    });
    const diff = await within(dialog).findByRole('figure', {
      name: 'Diff that will be committed',
    });
    const exact = { normalizer: (text: string) => text };
    expect(
      within(diff).getByText('+  tag: "2.6.1"', exact),
    ).toBeInTheDocument();
    expect(
      within(diff).getByText('-  tag: "2.5.0"', exact),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('Permission: Passed')).toBeInTheDocument();
    expect(within(dialog).getByText('Direct commit')).toBeInTheDocument();
    expect(api.previewPromotion).toHaveBeenCalledWith({
      entityRef,
      source: 'staging',
      targets: ['prod-eu'],
    });

    await userEvent.click(
      within(dialog).getByRole('button', {
        name: 'Promote 2.6.1 to Production EU',
      }),
    );
    expect(api.promote).toHaveBeenCalledWith(
      {
        entityRef,
        source: 'staging',
        target: 'prod-eu',
        versions: ['2.6.1'],
        baseCommit: 'c'.repeat(40),
        sourceCommit: 'f'.repeat(40),
      },
      { idempotencyKey: expect.any(String) },
    );
    await waitFor(
      () =>
        expect(within(dialog).getByRole('status')).toHaveTextContent(
          'Deployed',
        ),
      { timeout: 8000 },
    );
    expect(within(dialog).getByTitle('d'.repeat(40))).toHaveTextContent(
      'ddddddd',
    );
  }, 15_000);

  it('resumes the progress of a promotion in flight when the tab opens', async () => {
    const environments = pipeline();
    environments[2] = {
      ...environments[2],
      inFlight: [
        {
          id: promotion().id,
          state: 'syncing',
          sourceEnv: 'staging',
          versions: promotion().versions,
          createdAt: promotion().createdAt,
        },
      ],
    };
    const api = mockGitopsPromotionApi({
      getEnvironments: jest.fn(async () => ({
        entityRef,
        service: 'checkout',
        environments,
      })),
    });
    api.getPromotion.mockResolvedValueOnce(promotion({ state: 'syncing' }));
    api.getPromotion.mockResolvedValue(promotion({ state: 'deployed' }));
    render(api);

    const progress = await screen.findByRole('region', {
      name: 'Promotion of checkout 2.6.1 to Production EU',
    });
    expect(within(progress).getByRole('status')).toHaveTextContent(
      'Argo CD is syncing',
    );
    expect(
      within(card('Staging')).getByText(
        'A promotion to Production EU is in progress.',
      ),
    ).toBeInTheDocument();
    await waitFor(
      () =>
        expect(within(progress).getByRole('status')).toHaveTextContent(
          'Deployed',
        ),
      { timeout: 5000 },
    );
    expect(api.getPromotion).toHaveBeenCalledWith(promotion().id);
  }, 10_000);

  it('disables Promote with the reason when the backend says the user may not promote', async () => {
    const environments = pipeline();
    const refusal =
      'Permission: you may not promote to prod-eu. Ask an administrator to grant you gitops-promotion.environment.promote for prod-eu.';
    environments[1] = {
      ...environments[1],
      promote: [
        { target: 'prod-eu', allowed: false, reasons: [refusal] },
        ...environments[1].promote.filter(o => o.target !== 'prod-eu'),
      ],
    };
    const api = mockGitopsPromotionApi({
      getEnvironments: jest.fn(async () => ({
        entityRef,
        service: 'checkout',
        environments,
      })),
    });
    render(api);
    const button = await screen.findByRole('button', {
      name: 'Promote to Production EU',
    });
    await waitFor(() => expect(button).toHaveAccessibleDescription(refusal));
    expect(button).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Promote to Staging' }),
    ).toBeDisabled(); // Staging already runs 2.6.1
    expect(screen.getByText('Staging already runs 2.6.1.')).toBeInTheDocument();
  });

  it('disables Promote with the rule that blocks it', async () => {
    const environments = pipeline();
    environments[1] = {
      ...environments[1],
      promote: [
        {
          target: 'prod-eu',
          allowed: false,
          reasons: [
            'Upstream gate: staging must be Healthy in Argo CD (it is Degraded).',
          ],
        },
        { target: 'prod-us', allowed: true, reasons: [] },
      ],
    };
    const api = mockGitopsPromotionApi({
      getEnvironments: jest.fn(async () => ({
        entityRef,
        service: 'checkout',
        environments,
      })),
    });
    render(api);
    const button = await screen.findByRole('button', {
      name: 'Promote to Production EU',
    });
    await waitFor(() => expect(button).toBeDisabled());
    expect(
      screen.getByText(
        'Upstream gate: staging must be Healthy in Argo CD (it is Degraded).',
      ),
    ).toBeVisible();
    expect(
      screen.getByRole('button', { name: 'Promote to Production US' }),
    ).toBeEnabled();
  });

  it('shows the history of an environment and rolls back through the promote dialog', async () => {
    const api = mockGitopsPromotionApi();
    api.previewPromotion.mockResolvedValue({
      entityRef,
      service: 'checkout',
      targets: [
        {
          ...(await api.previewPromotion({ entityRef, targets: [] }))
            .targets[0],
          sourceCommit: undefined,
          versions: ['2.4.0'],
          edits: [
            {
              path: 'envs/prod-eu/checkout/values.yaml',
              key: 'image.tag',
              from: '2.5.0',
              to: '2.4.0',
            },
          ],
        },
      ],
    });
    api.promote.mockResolvedValue(
      promotion({ kind: 'rollback', sourceEnv: undefined }),
    );
    render(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'History of Production EU' }),
    );
    const history = await screen.findByRole('dialog', {
      name: 'History of Production EU',
    });
    const table = await within(history).findByRole('table', {
      name: 'Version history of Production EU',
    });
    expect(within(table).getByText('Marcus Chen')).toBeInTheDocument();
    expect(within(table).getByText('current')).toBeInTheDocument();
    expect(
      within(table).queryByRole('button', { name: 'Roll back to 2.5.0' }),
    ).not.toBeInTheDocument();

    const rollback = within(table).getByRole('button', {
      name: 'Roll back to 2.4.0',
    });
    await waitFor(() => expect(rollback).toBeEnabled());
    await userEvent.click(rollback);
    const dialog = await screen.findByRole('dialog', {
      name: 'Roll back checkout in Production EU',
    });
    expect(api.previewPromotion).toHaveBeenLastCalledWith({
      entityRef,
      targets: ['prod-eu'],
      versions: ['2.4.0'],
    });
    await userEvent.click(
      await within(dialog).findByRole('button', {
        name: 'Roll back Production EU to 2.4.0',
      }),
    );
    expect(api.promote).toHaveBeenCalledWith(
      {
        entityRef,
        kind: 'rollback',
        target: 'prod-eu',
        versions: ['2.4.0'],
        baseCommit: 'c'.repeat(40),
      },
      { idempotencyKey: expect.any(String) },
    );
  });

  it('rolls a bundle back from the history: every value of the commit, previewed and confirmed as one', async () => {
    const api = mockGitopsPromotionApi({
      getEnvironments: jest.fn(async () => ({
        entityRef,
        service: 'checkout',
        environments: pipeline().map(e =>
          e.name === 'prod-eu' ? bundleEnvironment() : e,
        ),
      })),
      getHistory: jest.fn(async ({ environment: name }) =>
        name === 'prod-eu' ? bundleHistory() : historyOf(name),
      ),
    });
    api.previewPromotion.mockResolvedValue({
      entityRef,
      service: 'checkout',
      targets: [
        preview({
          sourceCommit: undefined,
          versions: ['1.4.2', '2.4.0'],
          edits: [
            {
              path: 'apps/checkout/prod-eu/Chart.yaml',
              key: 'dependencies[name=service-base].version',
              from: '1.4.3',
              to: '1.4.2',
            },
            {
              path: 'apps/checkout/prod-eu/values.yaml',
              key: 'service-base.image.tag',
              from: '2.5.0',
              to: '2.4.0',
            },
          ],
        }),
      ],
    });
    api.promote.mockResolvedValue(
      promotion({ kind: 'rollback', sourceEnv: undefined }),
    );
    render(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'History of Production EU' }),
    );
    const history = await screen.findByRole('dialog', {
      name: 'History of Production EU',
    });
    const rollback = await within(history).findByRole('button', {
      name: 'Roll back to 1.4.2, 2.4.0',
    });
    await waitFor(() => expect(rollback).toBeEnabled());
    await userEvent.click(rollback);
    const dialog = await screen.findByRole('dialog', {
      name: 'Roll back checkout in Production EU',
    });
    expect(api.previewPromotion).toHaveBeenLastCalledWith({
      entityRef,
      targets: ['prod-eu'],
      versions: ['1.4.2', '2.4.0'],
    });
    await userEvent.click(
      await within(dialog).findByRole('button', {
        name: 'Roll back Production EU to 1.4.2, 2.4.0',
      }),
    );
    expect(api.promote).toHaveBeenCalledWith(
      {
        entityRef,
        kind: 'rollback',
        target: 'prod-eu',
        versions: ['1.4.2', '2.4.0'],
        baseCommit: 'c'.repeat(40),
      },
      { idempotencyKey: expect.any(String) },
    );
  });

  it('works with the keyboard only: tab to Promote, Enter, focus in the dialog, Escape returns focus', async () => {
    const api = mockGitopsPromotionApi({
      getEnvironments: jest.fn(async () => ({
        entityRef,
        service: 'checkout',
        environments: pipeline().map(e =>
          e.name === 'dev' ? { ...e, promote: [] } : e,
        ),
      })),
    });
    render(api);
    const promote = await screen.findByRole('button', {
      name: 'Promote to Production EU',
    });
    await waitFor(() => expect(promote).toBeEnabled());

    const user = userEvent.setup();
    for (let i = 0; i < 30 && document.activeElement !== promote; i++) {
      await user.tab();
    }
    expect(promote).toHaveFocus();

    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', {
      name: 'Promote checkout to Production EU',
    });
    await waitFor(() =>
      expect(dialog.contains(document.activeElement)).toBe(true),
    );
    expect(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    ).toHaveFocus();
    await within(dialog).findByRole('figure', {
      name: 'Diff that will be committed',
    });

    await user.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);

    await user.keyboard('{Escape}');
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await waitFor(() => expect(promote).toHaveFocus());
  });

  it('reads environment() defaults as a single-value bundle', () => {
    expect(environment({ name: 'dr' }).values).toHaveLength(1);
  });
});

describe('EnvironmentsContent gates', () => {
  /**
   * The tab on checkout with `environments`, and `after` once loaded again;
   * the promotion in flight awaits approval.
   */
  function open(environments: EnvironmentView[], after = environments) {
    const api = mockGitopsPromotionApi({
      getEnvironments: jest.fn(async () => ({
        entityRef,
        service: 'checkout',
        environments:
          api.getEnvironments.mock.calls.length > 1 ? after : environments,
      })),
      getPromotion: jest.fn(async () =>
        promotion({
          state: 'awaiting-approval',
          commitSha: undefined,
          approvals: awaitingApproval().approvals,
        }),
      ),
    });
    render(api);
    return api;
  }

  /** prod-eu once the promotion awaiting approval was approved. */
  const approved = () =>
    gatedPipeline({
      inFlight: [awaitingApproval({ state: 'pending', mayDecide: false })],
    });

  const gatesOf = async (title: string) =>
    within(
      within(await screen.findByRole('article', { name: title })).getByRole(
        'list',
        { name: 'Gates' },
      ),
    )
      .getAllByRole('listitem')
      .map(item => item.textContent);

  it('shows what a promotion into each environment goes through', async () => {
    open(gatedPipeline());
    expect(await gatesOf('Production EU')).toEqual([
      'Auto from Staging after 30 min',
      'Needs 2 approvals from release-managers',
      'Verified by: smoke-test, error-rate',
      'Rolls back on failure',
    ]);
    expect(
      within(card('Production US')).queryByRole('list', { name: 'Gates' }),
    ).not.toBeInTheDocument();
  });

  it('says when automatic promotion is paused, for the service or the whole environment', async () => {
    open(gatedPipeline({ autoPromotionPaused: true }));
    expect((await gatesOf('Production EU'))[0]).toBe(
      'Auto from Staging after 30 min · paused',
    );
  });

  it('offers no resume for a pause of the whole environment', async () => {
    open(
      gatedPipeline({
        autoPromotionPaused: true,
        gates: {
          autoPromotesFrom: [{ environment: 'staging' }],
          autoPromotionPaused: true,
        },
      }),
    );
    expect(await gatesOf('Production EU')).toEqual([
      'Auto from Staging · paused for every service',
    ]);
    expect(
      within(card('Production EU')).queryByRole('button', {
        name: /auto-promotion/,
      }),
    ).not.toBeInTheDocument();
  });

  it('shows a promotion awaiting approval: requester, versions, approvals so far', async () => {
    open(gatedPipeline({ inFlight: [awaitingApproval()] }));
    const notice = await within(
      await screen.findByRole('article', { name: 'Production EU' }),
    ).findByRole('note', { name: 'Awaiting approval' });
    expect(notice).toHaveTextContent(
      'Awaiting approval · 1 of 2priya asks to promote 2.5.0 → 2.6.1 from Staging.Approved by marcus.',
    );
    expect(
      within(notice).getByRole('button', {
        name: 'Approve the promotion of 2.6.1 to Production EU',
      }),
    ).toBeEnabled();
    expect(
      within(card('Staging')).getByText(
        'A promotion to Production EU awaits approval.',
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('region', {
        name: 'Promotion of checkout 2.6.1 to Production EU',
      }),
    ).toHaveTextContent('Awaiting approval · 1 of 2');
  });

  it('says an automatic promotion under way is being verified', async () => {
    open(
      gatedPipeline({
        inFlight: [
          awaitingApproval({
            state: 'verifying',
            trigger: 'auto-promotion',
            approvals: undefined,
            mayDecide: undefined,
          }),
        ],
      }),
    );
    expect(
      await within(
        await screen.findByRole('article', { name: 'Production EU' }),
      ).findByRole('note', { name: 'Promotion in progress' }),
    ).toHaveTextContent(
      'Automatic promotion of 2.6.1 in progress: verifying the rollout.',
    );
  });

  it('offers no decision to a user who may not decide', async () => {
    open(gatedPipeline({ inFlight: [awaitingApproval({ mayDecide: false })] }));
    const notice = await within(
      await screen.findByRole('article', { name: 'Production EU' }),
    ).findByRole('note', { name: 'Awaiting approval' });
    expect(within(notice).queryByRole('button')).not.toBeInTheDocument();
  });

  it('approves with a comment in a dialog, then shows the environments again', async () => {
    const api = open(
      gatedPipeline({ inFlight: [awaitingApproval()] }),
      approved(),
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Approve the promotion of 2.6.1 to Production EU',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Approve the promotion of 2.6.1 to Production EU',
    });
    const comment = within(dialog).getByRole('textbox', { name: 'Comment' });
    await waitFor(() => expect(comment).toHaveFocus());
    expect(dialog).toHaveTextContent(
      'Yours is the last approval needed: the change is then written to Production EU.',
    );
    await userEvent.type(comment, 'Release notes checked');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    expect(api.decidePromotion).toHaveBeenCalledWith(promotion().id, {
      decision: 'approve',
      comment: 'Release notes checked',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(
      await within(card('Production EU')).findByRole('note', {
        name: 'Promotion in progress',
      }),
    ).toHaveTextContent('Promotion of 2.6.1 in progress.');
  });

  it('requires a comment to reject', async () => {
    const api = open(gatedPipeline({ inFlight: [awaitingApproval()] }));
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Reject the promotion of 2.6.1 to Production EU',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Reject the promotion of 2.6.1 to Production EU',
    });
    const reject = within(dialog).getByRole('button', { name: 'Reject' });
    expect(reject).toBeDisabled();
    expect(reject).toHaveAccessibleDescription(
      'A comment is required to reject.',
    );
    const comment = within(dialog).getByRole('textbox', { name: /^Comment/ });
    expect(comment).toBeRequired();
    await userEvent.type(comment, '   ');
    expect(reject).toBeDisabled();
    await userEvent.type(comment, 'Not during the sale');
    expect(reject).toBeEnabled();
    await userEvent.click(reject);
    expect(api.decidePromotion).toHaveBeenCalledWith(promotion().id, {
      decision: 'reject',
      comment: 'Not during the sale',
    });
  });

  it('shows why the backend refused a decision that came too late (409), and the environments as they are now', async () => {
    const tooLate = await responseError(
      409,
      `Promotion ${
        promotion().id
      } is no longer awaiting approval (it is pending)`,
    );
    const api = open(
      gatedPipeline({ inFlight: [awaitingApproval()] }),
      approved(),
    );
    api.decidePromotion.mockRejectedValue(tooLate);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Approve the promotion of 2.6.1 to Production EU',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Approve the promotion of 2.6.1 to Production EU',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent(
      'Already decided or no longer awaiting approval',
    );
    expect(alert).toHaveTextContent(
      `Promotion ${
        promotion().id
      } is no longer awaiting approval (it is pending)`,
    );
    expect(
      within(dialog).getByRole('button', { name: 'Approve' }),
    ).toBeDisabled();
    await waitFor(() =>
      expect(
        within(dialog).getByRole('button', { name: 'Cancel' }),
      ).toHaveFocus(),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    const prodEu = card('Production EU');
    expect(
      await within(prodEu).findByRole('note', {
        name: 'Promotion in progress',
      }),
    ).toBeInTheDocument();
    expect(
      within(prodEu).queryByRole('button', { name: /^Approve/ }),
    ).not.toBeInTheDocument();
  });

  it('shows a refusal (403) with the backend’s message', async () => {
    const refusal = await responseError(
      403,
      'You may not decide on your own promotion',
    );
    const api = open(gatedPipeline({ inFlight: [awaitingApproval()] }));
    api.decidePromotion.mockRejectedValue(refusal);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Approve the promotion of 2.6.1 to Production EU',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Not allowedYou may not decide on your own promotion',
    );
  });

  it('pauses automatic promotion of the service with a reason', async () => {
    const api = open(
      gatedPipeline(),
      gatedPipeline({ autoPromotionPaused: true }),
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Pause auto-promotion into Production EU',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Pause auto-promotion of checkout into Production EU',
    });
    const reason = within(dialog).getByRole('textbox', { name: 'Reason' });
    await waitFor(() => expect(reason).toHaveFocus());
    await userEvent.type(reason, 'Incident 42');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Pause auto-promotion' }),
    );
    expect(api.pauseAutoPromotion).toHaveBeenCalledWith({
      entityRef,
      environment: 'prod-eu',
      reason: 'Incident 42',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(
      await within(card('Production EU')).findByRole('button', {
        name: 'Resume auto-promotion into Production EU',
      }),
    ).toBeInTheDocument();
  });

  it('resumes the pause of the service here, saying who paused it and why', async () => {
    const api = open(
      gatedPipeline({ autoPromotionPaused: true }),
      gatedPipeline(),
    );
    api.listAutoPromotionPauses.mockResolvedValue({
      items: [
        pause({ environment: 'prod-eu' }),
        pause({
          entityRef,
          environment: 'prod-eu',
          pausedBy: 'user:default/priya',
          reason: 'Incident 42',
        }),
      ],
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Resume auto-promotion into Production EU',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Resume auto-promotion of checkout into Production EU',
    });
    expect(
      await within(dialog).findByText(/^Paused by priya/),
    ).toHaveTextContent(/^Paused by priya .+: “Incident 42”$/);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resume auto-promotion' }),
    );
    expect(api.resumeAutoPromotion).toHaveBeenCalledWith({
      entityRef,
      environment: 'prod-eu',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(
      await within(card('Production EU')).findByRole('button', {
        name: 'Pause auto-promotion into Production EU',
      }),
    ).toBeInTheDocument();
  });

  it('resumes a pause of the service everywhere, saying so', async () => {
    const api = open(gatedPipeline({ autoPromotionPaused: true }));
    api.listAutoPromotionPauses.mockResolvedValue({
      items: [pause({ entityRef })],
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Resume auto-promotion into Production EU',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(/resuming resumes them all/),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resume auto-promotion' }),
    );
    expect(api.resumeAutoPromotion).toHaveBeenCalledWith({
      entityRef,
      environment: undefined,
    });
  });

  it('offers no pause to a user who may not pause', async () => {
    open(gatedPipeline({ mayPausePromotion: false }));
    await screen.findByRole('article', { name: 'Production EU' });
    expect(
      screen.queryByRole('button', { name: /auto-promotion/ }),
    ).not.toBeInTheDocument();
  });
});

describe('EnvironmentsContent kept up to date', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  // The mocked API answers at once: passing time (none to let the answers
  // in) shows what the page does, no waitFor needed.
  const passSeconds = (seconds: number) =>
    act(() => jest.advanceTimersByTimeAsync(seconds * 1000));

  /** Every request the tab made so far, whatever the endpoint. */
  const requestCount = (api: jest.Mocked<GitopsPromotionApi>) =>
    Object.values(api).reduce(
      (sum, method) => sum + method.mock.calls.length,
      0,
    );

  /** The pipeline with a promotion of 2.6.1 to prod-eu syncing. */
  function promotionInFlight() {
    const environments = pipeline();
    environments[2] = {
      ...environments[2],
      inFlight: [
        {
          id: promotion().id,
          state: 'syncing',
          sourceEnv: 'staging',
          versions: promotion().versions,
          createdAt: promotion().createdAt,
        },
      ],
    };
    return { entityRef, service: 'checkout', environments };
  }

  const PROGRESS = 'Promotion of checkout 2.6.1 to Production EU';

  /** The state of the promotion in flight, as the tab shows it. */
  const progress = () =>
    within(screen.getByRole('region', { name: PROGRESS })).getByRole('status');

  /** The tab open on checkout, with a promotion syncing unless `idle`. */
  async function openTab(options: { signals?: SignalApi; idle?: boolean }) {
    const api = mockGitopsPromotionApi({
      getEnvironments: jest.fn(async () =>
        options.idle
          ? { entityRef, service: 'checkout', environments: pipeline() }
          : promotionInFlight(),
      ),
      getPromotion: jest.fn(async () => promotion({ state: 'syncing' })),
    });
    render(api, { signals: options.signals });
    await passSeconds(0);
    expect(card('Production EU')).toBeInTheDocument();
    if (!options.idle) {
      expect(progress()).toHaveTextContent('Argo CD is syncing');
    }
    return api;
  }

  it('asks nothing while nothing moves when the backend sends signals', async () => {
    const api = await openTab({ signals: mockSignalApi() });
    const opened = requestCount(api);
    await passSeconds(10);
    expect(requestCount(api)).toBe(opened);
  });

  it('shows the new state of the promotion and the environments when the backend signals a move', async () => {
    const signals = mockSignalApi();
    const api = await openTab({ signals });
    api.getPromotion.mockResolvedValue(promotion({ state: 'deployed' }));
    api.getEnvironments.mockResolvedValue({
      entityRef,
      service: 'checkout',
      environments: pipeline().map(e =>
        e.name === 'prod-eu' ? environment({ ...e, version: '2.6.1' }) : e,
      ),
    });

    act(() => signals.publish(promotionMoved('deployed')));
    await passSeconds(0);
    expect(progress()).toHaveTextContent('Deployed');
    expect(
      within(card('Production EU')).getByText('2.6.1'),
    ).toBeInTheDocument();
  });

  it("shows Argo CD's new status when the backend signals it, the environments shown meanwhile", async () => {
    const signals = mockSignalApi();
    const api = await openTab({ signals });
    const degraded = promotionInFlight();
    const prodEu = degraded.environments[2];
    if (prodEu.status.state === 'known') {
      prodEu.status.health = {
        status: 'Degraded',
        message: 'CrashLoopBackOff',
      };
    }
    api.getEnvironments.mockResolvedValue(degraded);

    act(() => signals.publish(statusChanged()));
    expect(
      screen.getByRole('button', { name: 'Refresh environments' }),
    ).toBeEnabled();
    await passSeconds(0);
    expect(
      within(card('Production EU')).getByText('Degraded'),
    ).toBeInTheDocument();
    expect(api.getEnvironments).toHaveBeenCalledTimes(2);
    expect(api.getPromotion).toHaveBeenCalledTimes(1);
  });

  it('asks nothing for a signal about another service or promotion', async () => {
    const signals = mockSignalApi();
    const api = await openTab({ signals });
    const opened = requestCount(api);
    act(() => {
      signals.publish(statusChanged('cart'));
      signals.publish(
        promotionMoved('deployed', {
          service: 'cart',
          promotionId: 'another-promotion',
        }),
      );
    });
    await passSeconds(10);
    expect(requestCount(api)).toBe(opened);
  });

  it('asks for the promotion in flight every two seconds without signals', async () => {
    const api = await openTab({});
    api.getPromotion.mockResolvedValue(promotion({ state: 'deployed' }));
    await passSeconds(2);
    expect(progress()).toHaveTextContent('Deployed');
  });

  it.each`
    tab                        | app                  | requests
    ${'a promotion in flight'} | ${'without signals'} | ${30}
    ${'a promotion in flight'} | ${'with signals'}    | ${2}
    ${'nothing in flight'}     | ${'without signals'} | ${0}
    ${'nothing in flight'}     | ${'with signals'}    | ${0}
  `(
    'makes $requests requests in a minute open with $tab, $app',
    async ({ tab, app, requests }) => {
      const api = await openTab({
        signals: app === 'with signals' ? mockSignalApi() : undefined,
        idle: tab === 'nothing in flight',
      });
      const opened = requestCount(api);
      await passSeconds(60);
      expect(requestCount(api) - opened).toBe(requests);
    },
  );
});
