import { ApplicationRuntime, ApplicationView, PendingRollout } from './types';

/** Share of the sync delay spent OutOfSync before the sync operation starts. */
const OUT_OF_SYNC_SHARE = 0.3;

const iso = (ms: number) => new Date(ms).toISOString();

/** When the sync operation of a rollout noticed at `detectedAt` starts. */
export function syncStartsAt(detectedAt: number, syncDelayMs: number): number {
  return detectedAt + Math.round(syncDelayMs * OUT_OF_SYNC_SHARE);
}

/** The health of the synced revision: Degraded when a rollout fault failed its rollout. */
function liveHealth(runtime: ApplicationRuntime): ApplicationView['health'] {
  return runtime.rolloutFailure === undefined
    ? { status: 'Healthy', lastTransitionTime: runtime.healthChangedAt }
    : {
        status: 'Degraded',
        message: runtime.rolloutFailure,
        lastTransitionTime: runtime.healthChangedAt,
      };
}

/**
 * What an application reports: after a change it is OutOfSync (still at the
 * old revision), once {@link startDueSync} ran Progressing with a Running
 * operation, and once {@link completeDueRollout} ran Synced and Healthy (or
 * Degraded, for a rollout a fault failed) at the new revision. A degraded
 * application reports Degraded health whatever the sync state.
 */
export function viewApplication(
  runtime: ApplicationRuntime,
  syncDelayMs: number,
): ApplicationView {
  const { rollout } = runtime;
  let view: ApplicationView;
  if (!rollout) {
    view = {
      syncStatus: 'Synced',
      revision: runtime.syncedRevision,
      health: liveHealth(runtime),
      operation: runtime.operation,
    };
  } else {
    const startsAt = syncStartsAt(rollout.detectedAt, syncDelayMs);
    const revision = runtime.syncedRevision ?? rollout.revision;
    if (!rollout.syncStarted) {
      view = {
        syncStatus: 'OutOfSync',
        revision,
        health: runtime.syncedRevision
          ? liveHealth(runtime)
          : {
              status: 'Missing',
              lastTransitionTime: iso(rollout.detectedAt),
            },
        operation: runtime.operation,
      };
    } else {
      view = {
        syncStatus: 'OutOfSync',
        revision,
        health: {
          status: 'Progressing',
          message: `Waiting for rollout to finish: 1 old replicas are pending termination...`,
          lastTransitionTime: iso(startsAt),
        },
        operation: {
          phase: 'Running',
          message: `waiting for healthy state of apps/Deployment/${runtime.app.service}`,
          revision: rollout.revision,
          startedAt: iso(startsAt),
        },
      };
    }
  }
  if (runtime.degradedMessage !== undefined) {
    view.health = {
      status: 'Degraded',
      message: runtime.degradedMessage,
      lastTransitionTime: runtime.healthChangedAt,
    };
  }
  return view;
}

/**
 * Starts the sync operation of a rollout once its OutOfSync share of the sync
 * delay has passed.
 *
 * @returns whether anything changed
 */
export function startDueSync(
  runtime: ApplicationRuntime,
  now: number,
  syncDelayMs: number,
): boolean {
  const { rollout } = runtime;
  if (
    !rollout ||
    rollout.syncStarted ||
    now < syncStartsAt(rollout.detectedAt, syncDelayMs)
  ) {
    return false;
  }
  rollout.syncStarted = true;
  return true;
}

/** When the next step of an application's rollout is due, if it has one. */
export function nextRolloutStepAt(
  runtime: ApplicationRuntime,
  syncDelayMs: number,
): number | undefined {
  const { rollout } = runtime;
  if (!rollout) return undefined;
  return rollout.syncStarted
    ? rollout.detectedAt + syncDelayMs
    : syncStartsAt(rollout.detectedAt, syncDelayMs);
}

/**
 * Finishes a rollout whose sync delay has passed: the new revision becomes
 * the synced one, its images go live, a history entry is appended and the
 * operation Succeeded, all stamped with the moment the delay ended. As in
 * Argo CD, a rollout whose pods never become ready still syncs: `failureOf`
 * (asked once per completed rollout) gives the health message of a failed
 * one, which then reports Degraded.
 *
 * @returns whether anything changed
 */
export function completeDueRollout(
  runtime: ApplicationRuntime,
  now: number,
  syncDelayMs: number,
  failureOf: (rollout: PendingRollout) => string | undefined,
  historyLimit = 10,
): boolean {
  const { rollout } = runtime;
  if (!rollout || now < rollout.detectedAt + syncDelayMs) return false;
  const startedAt = iso(syncStartsAt(rollout.detectedAt, syncDelayMs));
  const finishedAt = iso(rollout.detectedAt + syncDelayMs);
  runtime.history = [
    ...runtime.history,
    {
      id: runtime.nextHistoryId++,
      revision: rollout.revision,
      deployStartedAt: startedAt,
      deployedAt: finishedAt,
    },
  ].slice(-historyLimit);
  runtime.operation = {
    phase: 'Succeeded',
    message: 'successfully synced (all tasks run)',
    revision: rollout.revision,
    startedAt,
    finishedAt,
  };
  runtime.syncedRevision = rollout.revision;
  runtime.syncedFingerprint = rollout.fingerprint;
  runtime.liveImages = rollout.images;
  runtime.rolloutFailure = failureOf(rollout);
  if (runtime.degradedMessage === undefined) {
    runtime.healthChangedAt = finishedAt;
  }
  runtime.rollout = undefined;
  return true;
}
