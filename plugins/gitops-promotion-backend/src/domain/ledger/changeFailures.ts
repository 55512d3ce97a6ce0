import { TimelineChange, undoneBy } from './deliveryTimeline';

/** A change that counts for the figures: deployed, or failed after its commit. */
export interface JudgedChange {
  change: TimelineChange;
  /** When it deployed or failed (ms): what places it in a period. */
  at: number;
  /** When the failure began (ms), for a failed change. */
  failedAt?: number;
  /** When the next deployment after the failure was made (ms), once one was. */
  restoredAt?: number;
}

/**
 * The deployed and failed changes of one environment's timeline (in git
 * order). A change failed when its promotion ended `failed` after its commit
 * (from then on), or when a later change undid it — a ledger rollback (the
 * one `rollbackOf` names, else the change before it) or a revert made outside
 * the plugin (from its deployment on). A failure is restored by the next
 * change after it that deployed once the failure had begun.
 */
export function judgeChanges(timeline: TimelineChange[]): JudgedChange[] {
  const undone = new Set<TimelineChange>();
  for (const change of timeline) {
    const target = undoneBy(change, timeline);
    if (target) undone.add(target);
  }
  return timeline.flatMap((change, index) => {
    const at = change.failedAt ?? change.deployedAt;
    if (at === undefined) return [];
    const failedAt =
      change.failedAt ?? (undone.has(change) ? change.deployedAt : undefined);
    return [
      {
        change,
        at,
        failedAt,
        restoredAt:
          failedAt === undefined
            ? undefined
            : nextDeployment(timeline.slice(index + 1), failedAt),
      },
    ];
  });
}

/** The first of the later changes deployed at or after `time` (git's dates are in seconds). */
function nextDeployment(later: TimelineChange[], time: number) {
  return later.find(c => c.deployedAt !== undefined && c.deployedAt >= time)
    ?.deployedAt;
}
