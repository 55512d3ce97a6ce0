/**
 * Argo CD: per-environment status of every service, rollout tracking and
 * refresh requests, read from one application list per instance kept
 * current through its watch stream (or cached briefly).
 */
export { ArgoCdClient } from './ArgoCdClient';
export type { ArgoCdClientOptions, TrackRolloutRequest } from './ArgoCdClient';
export type { ArgoCdStatusChangeListener } from './StatusChangeNotifier';
export { readArgoCdConfig } from './readArgoCdConfig';
export type {
  ArgoCdConfig,
  ArgoCdCredentials,
  ArgoCdEnvironmentConfig,
  ArgoCdInstanceConfig,
} from './ArgoCdConfig';
export { parseApplication, parseApplicationList } from './parseApplication';
export type { ParsedApplication } from './parseApplication';
export { evaluateRollout } from './evaluateRollout';
export type { RolloutEvaluationInput } from './evaluateRollout';
export type {
  ArgoCdApplicationLookup,
  ArgoCdApplicationRef,
  ArgoCdDeployment,
  ArgoCdTarget,
  RolloutEvaluation,
  RolloutPhase,
  RolloutTrackerState,
} from './types';
