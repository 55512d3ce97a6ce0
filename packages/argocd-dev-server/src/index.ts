/**
 * A development stand-in for Argo CD's REST API that reconciles applications
 * from a local GitOps repository.
 *
 * @packageDocumentation
 */

export { createArgoCdDevServer } from './createArgoCdDevServer';
export type {
  ArgoCdDevServer,
  RunningArgoCdDevServer,
} from './createArgoCdDevServer';
export type { RecordedRequest } from './api/createRouter';
export type {
  ArgoCdDevServerOptions,
  DevServerLayout,
  DevServerLayoutFile,
  DevServerLogger,
  DevServerRolloutFault,
} from './options';
export { seedDemoRepository } from './demoRepository/seedDemoRepository';
export type { SeedDemoRepositoryOptions } from './demoRepository/seedDemoRepository';
