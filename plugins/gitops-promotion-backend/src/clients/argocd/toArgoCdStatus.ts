import { ParsedApplication } from './parseApplication';
import { ArgoCdApplicationRef } from './types';
import type { GitopsKnownArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/**
 * When the application last finished deploying: the newest history entry's
 * `deployedAt`, else (for servers whose list projection drops the history)
 * the finish time of a succeeded sync operation.
 */
function lastDeployedAt(app: ParsedApplication): string | undefined {
  const deployed = app.history
    .map(h => h.deployedAt)
    .filter((d): d is string => d !== undefined)
    .sort();
  if (deployed.length) return deployed[deployed.length - 1];
  return app.operation?.phase === 'Succeeded'
    ? app.operation.finishedAt
    : undefined;
}

/**
 * The revision(s) Argo CD compared with. When a server's `fields` projection
 * left them out, the revision(s) of the last sync operation stand in (with
 * auto-sync, what was last applied).
 */
function revisionsOf(app: ParsedApplication) {
  if (app.sync.revision || app.sync.revisions.length) {
    return { revision: app.sync.revision, revisions: app.sync.revisions };
  }
  return {
    revision: app.operation?.revision,
    revisions: app.operation?.revisions ?? [],
  };
}

/** The status of a cell whose application was found. */
export function toArgoCdStatus(
  app: ParsedApplication,
  ref: ArgoCdApplicationRef,
): GitopsKnownArgoCdStatus {
  const { revision, revisions } = revisionsOf(app);
  return {
    state: 'known',
    syncStatus: app.sync.status ?? 'Unknown',
    ...(revision ? { revision } : {}),
    revisions,
    health: {
      status: app.health.status ?? 'Unknown',
      ...(app.health.message ? { message: app.health.message } : {}),
    },
    images: app.images,
    ...(app.operation?.phase
      ? {
          operation: {
            phase: app.operation.phase,
            ...(app.operation.message
              ? { message: app.operation.message }
              : {}),
            ...(app.operation.revision
              ? { revision: app.operation.revision }
              : {}),
            revisions: app.operation.revisions,
            ...(app.operation.finishedAt
              ? { finishedAt: app.operation.finishedAt }
              : {}),
          },
        }
      : {}),
    ...(lastDeployedAt(app) ? { lastDeployedAt: lastDeployedAt(app) } : {}),
    ...(app.reconciledAt ? { reconciledAt: app.reconciledAt } : {}),
    application: {
      instance: ref.instance,
      name: app.name ?? ref.name,
      ...(app.namespace ?? ref.namespace
        ? { namespace: app.namespace ?? ref.namespace }
        : {}),
      ...(app.project ?? ref.project
        ? { project: app.project ?? ref.project }
        : {}),
    },
  };
}
