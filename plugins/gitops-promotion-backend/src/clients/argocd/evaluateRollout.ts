import { RolloutEvaluation, RolloutTrackerState } from './types';
import type { GitopsArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/**
 * Inputs of {@link evaluateRollout}.
 */
export interface RolloutEvaluationInput {
  /** The application's current status. */
  status: GitopsArgoCdStatus;
  /** The promotion commit. */
  commitSha: string;
  /** When the promotion was committed; the timeout runs from here. */
  since: Date;
  now: Date;
  /** What the previous evaluation returned, if any. */
  previous?: RolloutTrackerState;
  /** How long Synced and Healthy must hold at the commit. */
  settleMs: number;
  /** How long a rollout may take before it fails. */
  timeoutMs: number;
  /**
   * Revisions known to contain the commit besides the commit itself (Argo CD
   * syncs the branch head, which may be a later commit).
   */
  descendantRevisions?: ReadonlySet<string>;
}

const FAILED_OPERATION_PHASES = new Set(['Failed', 'Error']);
const short = (sha: string) => sha.slice(0, 7);

function sameRevision(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return (
    x === y ||
    (Math.min(x.length, y.length) >= 7 && (x.startsWith(y) || y.startsWith(x)))
  );
}

/**
 * Decides where a promotion's rollout is from one status observation and the
 * state returned by the previous evaluation. Pure: the only memory is
 * `healthySince`, carried in the returned state.
 *
 * - Deployed: Synced and Healthy at the commit (or a descendant) for `settleMs`.
 * - Failed: Degraded at the commit, a Failed/Error sync operation for the
 *   commit, or `timeoutMs` passed since `since` without being deployed.
 * - Syncing: Argo CD is on the commit (operation running, or at the commit but
 *   not yet Synced and Healthy long enough).
 * - Pending: Argo CD has not picked the commit up yet.
 */
export function evaluateRollout(
  input: RolloutEvaluationInput,
): RolloutEvaluation {
  const { status, commitSha, now, settleMs, timeoutMs } = input;
  const isCommit = (revision: string | undefined) =>
    revision !== undefined &&
    (sameRevision(revision, commitSha) ||
      (input.descendantRevisions?.has(revision) ?? false));
  const result = (
    phase: RolloutEvaluation['phase'],
    reason: string,
    healthySince?: string,
  ): RolloutEvaluation => ({
    phase,
    reason,
    status,
    state: { commitSha, ...(healthySince ? { healthySince } : {}) },
  });
  const elapsed = now.getTime() - input.since.getTime();
  const timedOut = elapsed > timeoutMs;
  const timeoutReason = (detail: string) =>
    `Not deployed ${Math.round(timeoutMs / 1000)}s after the commit: ${detail}`;

  if (status.state === 'unknown') {
    const detail = `Argo CD status unknown (${status.reason}): ${status.message}`;
    return timedOut
      ? result('Failed', timeoutReason(detail))
      : result('Pending', detail);
  }

  const atCommit = isCommit(status.revision) || status.revisions.some(isCommit);
  const operation = status.operation;
  const operationForCommit =
    operation !== undefined &&
    (isCommit(operation.revision) || operation.revisions.some(isCommit));
  const where = status.revision
    ? short(status.revision)
    : 'an unknown revision';

  if (operationForCommit && FAILED_OPERATION_PHASES.has(operation!.phase)) {
    return result(
      'Failed',
      `Sync of ${short(commitSha)} ${operation!.phase}${
        operation!.message ? `: ${operation!.message}` : ''
      }`,
    );
  }
  if ((atCommit || operationForCommit) && status.health.status === 'Degraded') {
    return result(
      'Failed',
      `Degraded at ${short(commitSha)}${
        status.health.message ? `: ${status.health.message}` : ''
      }`,
    );
  }
  if (
    atCommit &&
    status.syncStatus === 'Synced' &&
    status.health.status === 'Healthy'
  ) {
    const healthySince =
      input.previous?.commitSha === commitSha && input.previous.healthySince
        ? input.previous.healthySince
        : now.toISOString();
    const healthyFor = now.getTime() - Date.parse(healthySince);
    if (healthyFor >= settleMs) {
      return result(
        'Deployed',
        `Synced and Healthy at ${short(commitSha)}`,
        healthySince,
      );
    }
    return result(
      'Syncing',
      `Synced and Healthy at ${short(commitSha)}, settling (${Math.floor(
        healthyFor / 1000,
      )}s of ${Math.round(settleMs / 1000)}s)`,
      healthySince,
    );
  }
  if (timedOut) {
    return result(
      'Failed',
      timeoutReason(
        `${status.syncStatus} and ${status.health.status} at ${where}`,
      ),
    );
  }
  if (atCommit || (operationForCommit && operation!.phase === 'Running')) {
    return result(
      'Syncing',
      `${status.syncStatus}, health ${status.health.status}${
        operationForCommit ? `, sync ${operation!.phase}` : ''
      } for ${short(commitSha)}`,
    );
  }
  return result(
    'Pending',
    `Argo CD reports ${status.syncStatus} at ${where}; waiting for ${short(
      commitSha,
    )}`,
  );
}
