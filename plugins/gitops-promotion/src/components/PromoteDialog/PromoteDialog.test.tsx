import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  entityRef,
  mockGitopsPromotionApi,
  pipeline,
  preview,
  promotion,
  Providers,
  responseError,
} from '../../__testUtils__/fixtures';
import { GitopsPromotionApi } from '../../api';
import { PromoteDialog, PromoteDialogRequest } from './PromoteDialog';

const [, staging, prodEu] = pipeline();
const promoteRequest: PromoteDialogRequest = {
  kind: 'promote',
  source: staging,
  target: prodEu,
};

function render(
  api: GitopsPromotionApi,
  request: PromoteDialogRequest = promoteRequest,
  handlers: { onClose?: () => void; onPromoted?: () => void } = {},
) {
  renderInTestApp(
    <Providers api={api}>
      <PromoteDialog
        entityRef={entityRef}
        request={request}
        onClose={handlers.onClose ?? jest.fn()}
        onPromoted={handlers.onPromoted}
      />
    </Providers>,
  );
  return screen.findByRole('dialog');
}

const confirmButton = (dialog: HTMLElement) =>
  within(dialog).findByRole('button', {
    name: 'Promote 2.6.1 to Production EU',
  });

describe('PromoteDialog', () => {
  it('shows from → to, the diff with labelled lines, the mode and every check', async () => {
    const dialog = await render(mockGitopsPromotionApi());
    expect(dialog).toHaveAccessibleName('Promote checkout to Production EU');
    expect(within(dialog).getByLabelText('From')).toHaveTextContent(
      'Staging2.6.1',
    );
    expect(within(dialog).getByLabelText('To')).toHaveTextContent(
      'Production EU2.5.0 → 2.6.1',
    );
    const diff = await within(dialog).findByRole('figure', {
      name: 'Diff that will be committed',
    });
    const added = diff.querySelector('[data-kind="added"]')!;
    expect(added).toHaveTextContent('added: +  tag: "2.6.1"', {
      normalizeWhitespace: false,
    });
    expect(diff.querySelector('[data-kind="removed"]')).toHaveTextContent(
      'removed: -  tag: "2.5.0"',
      { normalizeWhitespace: false },
    );
    expect(within(dialog).getByText('Direct commit')).toBeInTheDocument();
    const checks = within(dialog).getByRole('list', { name: 'Policy checks' });
    expect(within(checks).getAllByRole('listitem')).toHaveLength(3);
    expect(
      within(checks).getByText('Upstream gate: Passed'),
    ).toBeInTheDocument();
    expect(
      within(checks).getByText('staging runs 2.6.1, Synced, Healthy.'),
    ).toBeInTheDocument();
    expect(await confirmButton(dialog)).toBeEnabled();
  });

  it('shows failed and overridden checks and disables confirm when a rule refuses', async () => {
    const api = mockGitopsPromotionApi();
    api.previewPromotion.mockResolvedValue({
      entityRef,
      service: 'checkout',
      targets: [
        preview({
          allowed: false,
          mode: 'pull-request',
          verdicts: [
            {
              rule: 'immutable-version',
              passed: false,
              message:
                'Immutable versions: prod-eu is protected; latest is a mutable tag, promote a version or a digest.',
            },
            {
              rule: 'freeze-window',
              passed: true,
              overridden: true,
              message:
                "Freeze windows: prod-eu is frozen by 'weekend'; overridden with gitops-promotion.freeze.override.",
            },
          ],
        }),
      ],
    });
    const dialog = await render(api);
    expect(
      await within(dialog).findByText('Immutable versions: Failed'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'prod-eu is protected; latest is a mutable tag, promote a version or a digest.',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Freeze windows: Overridden'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('Pull request')).toBeInTheDocument();
    const confirm = await confirmButton(dialog);
    expect(confirm).toBeDisabled();
    expect(confirm).toHaveAccessibleDescription(
      'A check failed: see the reasons above.',
    );
  });

  it('says there is nothing to do when the target runs the version already', async () => {
    const api = mockGitopsPromotionApi();
    api.previewPromotion.mockResolvedValue({
      entityRef,
      service: 'checkout',
      targets: [preview({ edits: [], diff: '', allowed: false })],
    });
    const dialog = await render(api);
    expect(
      await within(dialog).findByText(
        /Production EU already runs these versions/,
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: /^Promote/ }),
    ).toBeDisabled();
  });

  it('shows a refusal from the server (403) with its reason', async () => {
    const api = mockGitopsPromotionApi();
    api.promote.mockRejectedValue(
      await responseError(
        403,
        'Permission: you may not promote to prod-eu (gitops-promotion.environment.promote); ask team-platform.',
      ),
    );
    const onPromoted = jest.fn();
    const dialog = await render(api, promoteRequest, { onPromoted });
    await userEvent.click(await confirmButton(dialog));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Not allowed');
    expect(alert).toHaveTextContent(
      'Permission: you may not promote to prod-eu (gitops-promotion.environment.promote); ask team-platform.',
    );
    expect(onPromoted).not.toHaveBeenCalled();
  });

  it('shows a conflict (409) and refreshes the preview on request', async () => {
    const api = mockGitopsPromotionApi();
    api.promote
      .mockRejectedValueOnce(
        await responseError(
          409,
          'envs/prod-eu/checkout/values.yaml changed since the preview (base cccccccc); preview again',
        ),
      )
      .mockResolvedValueOnce(promotion());
    api.previewPromotion
      .mockResolvedValueOnce({
        entityRef,
        service: 'checkout',
        targets: [preview()],
      })
      .mockResolvedValueOnce({
        entityRef,
        service: 'checkout',
        targets: [preview({ baseCommit: 'e'.repeat(40) })],
      });
    const dialog = await render(api);
    await userEvent.click(await confirmButton(dialog));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Conflict: nothing was committed');
    expect(alert).toHaveTextContent(
      'envs/prod-eu/checkout/values.yaml changed since the preview',
    );
    const firstKey = api.promote.mock.calls[0][1].idempotencyKey;

    await userEvent.click(
      within(alert).getByRole('button', { name: 'Refresh preview' }),
    );
    await waitFor(() =>
      expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument(),
    );
    expect(api.previewPromotion).toHaveBeenCalledTimes(2);
    await userEvent.click(await confirmButton(dialog));
    await waitFor(() => expect(api.promote).toHaveBeenCalledTimes(2));
    expect(api.promote.mock.calls[1][0]).toMatchObject({
      baseCommit: 'e'.repeat(40),
    });
    // A refreshed preview is a new promotion: a new idempotency key.
    expect(api.promote.mock.calls[1][1].idempotencyKey).not.toBe(firstKey);
  });

  it('sends one idempotency key for repeated confirms of one preview', async () => {
    const api = mockGitopsPromotionApi();
    let release: () => void = () => {};
    api.promote.mockImplementation(
      () =>
        new Promise(resolve => {
          release = () => resolve(promotion());
        }),
    );
    const dialog = await render(api);
    const confirm = await confirmButton(dialog);
    await userEvent.click(confirm);
    expect(
      within(dialog).getByRole('button', { name: 'Promoting…' }),
    ).toBeDisabled();
    release();
    expect(
      await within(dialog).findByRole('region', {
        name: 'Promotion of checkout 2.6.1 to Production EU',
      }),
    ).toBeInTheDocument();
    expect(api.promote).toHaveBeenCalledTimes(1);
  });

  it('shows the preview error and retries', async () => {
    const api = mockGitopsPromotionApi();
    api.previewPromotion.mockRejectedValueOnce(
      await responseError(503, 'The GitOps repository is unavailable'),
    );
    const dialog = await render(api);
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The GitOps repository is unavailable');
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await confirmButton(dialog)).toBeEnabled();
  });

  it('rolls back to a previous version through the same checks', async () => {
    const api = mockGitopsPromotionApi();
    const dialog = await render(api, {
      kind: 'rollback',
      target: prodEu,
      version: '2.4.0',
      commitSha: '2'.repeat(40),
    });
    expect(dialog).toHaveAccessibleName('Roll back checkout in Production EU');
    expect(within(dialog).getByLabelText('To')).toHaveTextContent(
      'Roll back toProduction EU2.4.0as of commit 2222222',
    );
    expect(api.previewPromotion).toHaveBeenCalledWith({
      entityRef,
      targets: ['prod-eu'],
      versions: ['2.4.0'],
    });
    expect(
      await within(dialog).findByRole('list', { name: 'Policy checks' }),
    ).toBeInTheDocument();
  });
});
