import { PromotionRecord } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { approvalTally } from '../shared';

export type StepState = 'done' | 'active' | 'error' | 'todo';

export interface ProgressStep {
  label: string;
  state: StepState;
}

/** Written → Argo CD syncing → deployed or failed. */
function rolloutSteps(promotion: PromotionRecord): ProgressStep[] {
  const pr = promotion.mode === 'pull-request';
  const written = Boolean(promotion.commitSha || promotion.pullRequest);
  const first = pr ? 'Pull request opened' : 'Committed';
  switch (promotion.state) {
    case 'awaiting-approval':
      return [
        { label: first, state: 'todo' },
        { label: 'Argo CD syncing', state: 'todo' },
        { label: 'Deployed', state: 'todo' },
      ];
    case 'pending':
      return [
        { label: pr ? 'Opening pull request' : 'Committing', state: 'active' },
        { label: 'Argo CD syncing', state: 'todo' },
        { label: 'Deployed', state: 'todo' },
      ];
    case 'pr-open':
      return [
        { label: first, state: 'done' },
        { label: 'Waiting for merge', state: 'active' },
        { label: 'Deployed', state: 'todo' },
      ];
    case 'committed':
    case 'syncing':
      return [
        { label: first, state: 'done' },
        { label: 'Argo CD syncing', state: 'active' },
        { label: 'Deployed', state: 'todo' },
      ];
    case 'verifying':
      return [
        { label: first, state: 'done' },
        { label: 'Argo CD synced', state: 'done' },
        { label: 'Deployed', state: 'todo' },
      ];
    case 'deployed':
      return [
        { label: first, state: 'done' },
        { label: 'Argo CD synced', state: 'done' },
        { label: 'Deployed', state: 'done' },
      ];
    case 'rejected': {
      // Turned down by an approver: nothing was to be written yet.
      const byApprover = Boolean(
        promotion.approvals && approvalTally(promotion.approvals).rejection,
      );
      let writeState: StepState = 'error';
      if (written) writeState = 'done';
      else if (byApprover) writeState = 'todo';
      return [
        { label: first, state: writeState },
        { label: 'Argo CD syncing', state: 'todo' },
        { label: 'Rejected', state: 'error' },
      ];
    }
    case 'failed':
    default:
      return [
        { label: first, state: written ? 'done' : 'error' },
        { label: 'Argo CD syncing', state: written ? 'done' : 'todo' },
        { label: 'Failed', state: 'error' },
      ];
  }
}

/** The approval step of a target that needs approvals. */
function approvalStep(promotion: PromotionRecord): ProgressStep | undefined {
  if (!promotion.approvals) return undefined;
  const tally = approvalTally(promotion.approvals);
  if (tally.rejection) return { label: 'Not approved', state: 'error' };
  if (promotion.state === 'awaiting-approval') {
    return { label: 'Awaiting approval', state: 'active' };
  }
  const approved = tally.approvers.length >= promotion.approvals.required;
  return { label: 'Approved', state: approved ? 'done' : 'todo' };
}

/** The verification step of a target that names checks. */
function verificationStep(
  promotion: PromotionRecord,
): ProgressStep | undefined {
  const checks = promotion.verification ?? [];
  if (checks.length === 0) return undefined;
  if (checks.some(c => c.state === 'failed')) {
    return { label: 'Verification failed', state: 'error' };
  }
  if (promotion.state === 'verifying') {
    return { label: 'Verifying', state: 'active' };
  }
  return {
    label: 'Verified',
    state: promotion.state === 'deployed' ? 'done' : 'todo',
  };
}

/**
 * The steps of a promotion: (approved →) written → Argo CD syncing →
 * (verified →) deployed, failed or rejected.
 */
export function progressSteps(promotion: PromotionRecord): ProgressStep[] {
  const [written, synced, final] = rolloutSteps(promotion);
  return [
    approvalStep(promotion),
    written,
    synced,
    verificationStep(promotion),
    final,
  ].filter((step): step is ProgressStep => step !== undefined);
}

const STATUS_TEXT: Record<PromotionRecord['state'], string> = {
  'awaiting-approval': 'Awaiting approval',
  pending: 'Writing to the GitOps repository',
  committed: 'Committed; waiting for Argo CD',
  'pr-open': 'Pull request opened; waiting for it to be merged',
  syncing: 'Argo CD is syncing',
  verifying: 'Verifying the rollout',
  deployed: 'Deployed',
  failed: 'Failed',
  rejected: 'Rejected',
};

/**
 * The status line: the state, how far approvals or checks are ("Awaiting
 * approval · 1 of 2"), and the backend's reason.
 */
export function statusText(promotion: PromotionRecord): string {
  const { state, approvals, verification } = promotion;
  let progress: string | undefined;
  if (state === 'awaiting-approval' && approvals) {
    progress = approvalTally(approvals).count;
  } else if (state === 'verifying' && verification?.length) {
    const passed = verification.filter(c => c.state === 'passed').length;
    progress = `${passed} of ${verification.length} checks passed`;
  }
  const status = [STATUS_TEXT[state], progress].filter(Boolean).join(' · ');
  return [status, promotion.stateReason].filter(Boolean).join(' — ');
}

/**
 * Why an automatic rollback happened, as far as the promotion it undoes
 * (`rolledBack`, once read) tells: its verification or its rollout failed.
 */
export function automaticRollbackText(
  rollbackOf: string,
  rolledBack?: PromotionRecord,
): string {
  const name = rollbackOf.slice(0, 8);
  if (rolledBack?.verification?.some(c => c.state === 'failed')) {
    return `Rolled back automatically: verification of ${name} failed`;
  }
  if (rolledBack?.state === 'failed') {
    return `Rolled back automatically: the rollout of ${name} failed`;
  }
  return `Rolled back automatically: promotion ${name} failed`;
}
