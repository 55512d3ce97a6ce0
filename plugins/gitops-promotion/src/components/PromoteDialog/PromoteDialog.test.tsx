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

  it('confirms exactly what the preview showed: its versions and both commits', async () => {
    const api = mockGitopsPromotionApi();
    const dialog = await render(api);
    await userEvent.click(await confirmButton(dialog));
    await waitFor(() => expect(api.promote).toHaveBeenCalledTimes(1));
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
  });

  it('shows a conflict (409) naming what moved, refreshes the preview on request and confirms the new one with a new key', async () => {
    const moved =
      'Promotion refused. Source pin: the source moved since your preview: staging has image.tag 2.6.2 now in envs/staging/checkout/values.yaml, the preview showed 2.6.1. Nothing was written; refresh the preview and confirm again.';
    const api = mockGitopsPromotionApi();
    api.promote
      .mockRejectedValueOnce(await responseError(409, moved))
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
        targets: [
          preview({
            baseCommit: 'e'.repeat(40),
            sourceCommit: '9'.repeat(40),
            versions: ['2.6.2'],
            edits: [
              {
                path: 'envs/prod-eu/checkout/values.yaml',
                key: 'image.tag',
                from: '2.5.0',
                to: '2.6.2',
              },
            ],
          }),
        ],
      });
    const dialog = await render(api);
    const confirm = await confirmButton(dialog);
    await userEvent.click(confirm);
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Conflict: nothing was committed');
    expect(alert).toHaveTextContent(
      'the source moved since your preview: staging has image.tag 2.6.2 now in envs/staging/checkout/values.yaml, the preview showed 2.6.1.',
    );
    expect(api.promote.mock.calls[0][0]).toEqual({
      entityRef,
      source: 'staging',
      target: 'prod-eu',
      versions: ['2.6.1'],
      baseCommit: 'c'.repeat(40),
      sourceCommit: 'f'.repeat(40),
    });
    const firstKey = api.promote.mock.calls[0][1].idempotencyKey;
    // The outdated preview cannot be confirmed again; focus is on the way on.
    expect(confirm).toBeDisabled();
    expect(confirm).toHaveAccessibleDescription(
      'Nothing was committed: refresh the preview first.',
    );
    const refresh = within(alert).getByRole('button', {
      name: 'Refresh preview',
    });
    expect(refresh).toHaveFocus();

    await userEvent.keyboard('{Enter}');
    const refreshed = await within(dialog).findByRole('button', {
      name: 'Promote 2.6.2 to Production EU',
    });
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    expect(api.previewPromotion).toHaveBeenCalledTimes(2);
    expect(within(dialog).getByLabelText('From')).toHaveTextContent(
      'Staging2.6.2',
    );
    expect(within(dialog).getByLabelText('To')).toHaveTextContent(
      'Production EU2.5.0 → 2.6.2',
    );
    await waitFor(() => expect(refreshed).toHaveFocus());
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(api.promote).toHaveBeenCalledTimes(2));
    expect(api.promote.mock.calls[1][0]).toEqual({
      entityRef,
      source: 'staging',
      target: 'prod-eu',
      versions: ['2.6.2'],
      baseCommit: 'e'.repeat(40),
      sourceCommit: '9'.repeat(40),
    });
    // A refreshed preview is a new promotion: a new idempotency key.
    expect(api.promote.mock.calls[1][1].idempotencyKey).not.toBe(firstKey);
    expect(
      await within(dialog).findByRole('region', {
        name: 'Promotion of checkout 2.6.1 to Production EU',
      }),
    ).toBeInTheDocument();
  });

  it('retries a failed confirm of one preview with the same key and body', async () => {
    const api = mockGitopsPromotionApi();
    api.promote
      .mockRejectedValueOnce(
        await responseError(503, 'The GitOps repository is unavailable'),
      )
      .mockResolvedValueOnce(promotion());
    const dialog = await render(api);
    await userEvent.click(await confirmButton(dialog));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The promotion failed');
    expect(alert).toHaveTextContent('The GitOps repository is unavailable');
    await userEvent.click(await confirmButton(dialog));
    await waitFor(() => expect(api.promote).toHaveBeenCalledTimes(2));
    expect(api.promote.mock.calls[1]).toEqual(api.promote.mock.calls[0]);
    expect(api.previewPromotion).toHaveBeenCalledTimes(1);
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
    api.previewPromotion.mockResolvedValue({
      entityRef,
      service: 'checkout',
      targets: [
        preview({
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
        }),
      ],
    });
    const dialog = await render(api, {
      kind: 'rollback',
      target: prodEu,
      versions: ['2.4.0'],
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
    await userEvent.click(
      within(dialog).getByRole('button', {
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

  it('rolls a bundle back: every value as the commit left it', async () => {
    const bundled = {
      ...prodEu,
      values: [
        {
          path: 'apps/checkout/prod-eu/Chart.yaml',
          key: 'dependencies[name=service-base].version',
          value: '1.4.3',
        },
        {
          path: 'apps/checkout/prod-eu/values.yaml',
          key: 'service-base.image.tag',
          value: '2.5.0',
        },
      ],
      version: '1.4.3',
    };
    const api = mockGitopsPromotionApi();
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
    const dialog = await render(api, {
      kind: 'rollback',
      target: bundled,
      versions: ['1.4.2', '2.4.0'],
      commitSha: '2'.repeat(40),
    });
    expect(within(dialog).getByLabelText('From')).toHaveTextContent(
      'CurrentlyProduction EU1.4.3, 2.5.0',
    );
    expect(within(dialog).getByLabelText('To')).toHaveTextContent(
      'Roll back toProduction EU1.4.2, 2.4.0as of commit 2222222',
    );
    expect(api.previewPromotion).toHaveBeenCalledWith({
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
});
