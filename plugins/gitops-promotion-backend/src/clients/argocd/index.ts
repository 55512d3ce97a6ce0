/**
 * Argo CD: per-environment status of every service, rollout tracking and
 * refresh requests, read from one cached application list per instance.
 */
export { ArgoCdClient } from './ArgoCdClient';
export type { ArgoCdClientOptions, TrackRolloutRequest } from './ArgoCdClient';
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
