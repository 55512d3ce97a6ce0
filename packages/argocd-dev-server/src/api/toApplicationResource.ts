import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { ResolvedDevServerOptions } from '../options';
import {
  ApplicationRuntime,
  ApplicationView,
  OperationRecord,
} from '../reconcile/types';

type ResourceOptions = Pick<
  ResolvedDevServerOptions,
  'namespace' | 'project' | 'repoURL' | 'branch'
>;

function uidOf(name: string): string {
  const hex = createHash('sha1')
    .update(`argocd-dev-server/${name}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(
    12,
    16,
  )}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function sourceOf(runtime: ApplicationRuntime, options: ResourceOptions) {
  const files = runtime.app.files.map(f => f.path);
  const path = files.length ? posix.dirname(files[0]) : '.';
  const kustomize = files.some(f => posix.basename(f) === 'kustomization.yaml');
  const valueFiles = files
    .filter(f => posix.basename(f) !== 'Chart.yaml')
    .map(f => posix.relative(path, f));
  return {
    repoURL: options.repoURL,
    path,
    targetRevision: options.branch,
    ...(kustomize ? {} : { helm: { valueFiles } }),
  };
}

function operationStateOf(
  operation: OperationRecord,
  source: ReturnType<typeof sourceOf>,
  resources: Array<Record<string, unknown>>,
) {
  return {
    operation: {
      sync: { revision: operation.revision, prune: true },
      initiatedBy: { automated: true },
      retry: { limit: 5 },
    },
    phase: operation.phase,
    message: operation.message,
    startedAt: operation.startedAt,
    ...(operation.finishedAt
      ? {
          finishedAt: operation.finishedAt,
          syncResult: {
            revision: operation.revision,
            source,
            resources: resources.map(r => ({
              group: r.group ?? '',
              version: r.version,
              kind: r.kind,
              namespace: r.namespace,
              name: r.name,
              status: 'Synced',
              message: `${String(r.kind).toLowerCase()}/${r.name} configured`,
              hookPhase: 'Running',
              syncPhase: 'Sync',
            })),
          },
        }
      : {}),
  };
}

/**
 * Renders an application as Argo CD's REST API returns it
 * (`v1alpha1Application` in swagger.json): metadata with the ApplicationSet's
 * labels, an automated-sync spec, and a status with sync, health, history,
 * operationState, reconciledAt, resources and summary.images.
 */
export function toApplicationResource(
  runtime: ApplicationRuntime,
  view: ApplicationView,
  options: ResourceOptions,
): Record<string, unknown> {
  const { app } = runtime;
  const source = sourceOf(runtime, options);
  const destination = {
    server: 'https://kubernetes.default.svc',
    namespace: `${app.service}-${app.env}`,
  };
  const resourceHealth = {
    status: view.health.status,
    ...(view.health.message ? { message: view.health.message } : {}),
  };
  const resources = [
    {
      version: 'v1',
      kind: 'Service',
      namespace: destination.namespace,
      name: app.service,
      status: view.syncStatus,
      health: {
        status: view.health.status === 'Missing' ? 'Missing' : 'Healthy',
      },
    },
    {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: destination.namespace,
      name: app.service,
      status: view.syncStatus,
      health: resourceHealth,
    },
  ];
  return {
    metadata: {
      name: app.name,
      namespace: options.namespace,
      uid: uidOf(app.name),
      resourceVersion: String(runtime.resourceVersion),
      generation: runtime.nextHistoryId + 1,
      creationTimestamp: runtime.createdAt,
      labels: app.labels,
    },
    spec: {
      project: options.project,
      source,
      destination,
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
    status: {
      sync: {
        status: view.syncStatus,
        ...(view.revision ? { revision: view.revision } : {}),
        comparedTo: { source, destination },
      },
      health: {
        status: view.health.status,
        ...(view.health.message ? { message: view.health.message } : {}),
        lastTransitionTime: view.health.lastTransitionTime,
      },
      history: runtime.history.map(entry => ({
        ...entry,
        source,
        initiatedBy: { automated: true },
      })),
      ...(view.operation
        ? {
            operationState: operationStateOf(view.operation, source, resources),
          }
        : {}),
      reconciledAt: runtime.reconciledAt,
      resources,
      sourceType: 'helm' in source ? 'Helm' : 'Kustomize',
      summary: runtime.liveImages.length ? { images: runtime.liveImages } : {},
      controllerNamespace: options.namespace,
    },
  };
}
