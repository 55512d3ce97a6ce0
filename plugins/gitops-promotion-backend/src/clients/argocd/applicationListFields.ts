/**
 * The `fields` projection of the application list: only what a cell needs.
 *
 * Argo CD servers differ in how they apply it. Older ones keep any listed
 * JSON path; newer ones only know a fixed set (`status.summary`,
 * `status.health`, `status.sync.status`, `status.operationState.phase`,
 * `status.operationState.finishedAt`, ...) and silently drop the other paths,
 * such as `status.sync.revision` and `status.history`. Small objects are
 * therefore listed whole (`status.health`, `status.summary`), parsing
 * tolerates any field being absent, and rollout tracking reads the one
 * application it tracks when the list came without revisions.
 */
export const APPLICATION_LIST_FIELDS = [
  'metadata.resourceVersion',
  'items.metadata.name',
  'items.metadata.namespace',
  'items.metadata.labels',
  'items.spec.project',
  'items.status.sync.status',
  'items.status.sync.revision',
  'items.status.sync.revisions',
  'items.status.health',
  'items.status.summary',
  'items.status.operationState.phase',
  'items.status.operationState.message',
  'items.status.operationState.finishedAt',
  'items.status.operationState.operation.sync.revision',
  'items.status.operationState.operation.sync.revisions',
  'items.status.reconciledAt',
  'items.status.history.id',
  'items.status.history.revision',
  'items.status.history.revisions',
  'items.status.history.deployedAt',
].join(',');
