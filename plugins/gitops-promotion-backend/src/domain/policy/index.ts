/**
 * Promotion policy: per-environment configuration, version syntax, and the
 * pure rules a promotion must pass (permission, pipeline order, upstream
 * gate, immutable versions, freeze windows).
 */
export { readPolicyConfig } from './readPolicyConfig';
export { evaluatePolicy } from './evaluatePolicy';
export { toPolicyError } from './toPolicyError';
export {
  validateVersion,
  versionKindOfKey,
  isDigest,
  MAX_TAG_LENGTH,
} from './validateVersion';
export type { VersionKind } from './validateVersion';
export { MUTABLE_TAGS } from './rules/checkImmutableVersion';
export { activeFreezeWindows, MAX_CRON_WINDOW_DAYS } from './freezeWindows';
export type { ActiveFreeze } from './freezeWindows';
export { parseCron, cronMatches, CronSyntaxError } from './cron';
export type { CronSchedule, WallClock } from './cron';
export { upstreamsOf, downstreamsOf, pipelineEnds } from './pipeline';
export type {
  CronFreezeWindow,
  EnvironmentPolicy,
  FreezeWindow,
  GatePolicy,
  PipelineEnvironment,
  PolicyEvaluation,
  PolicyInput,
  PolicyRule,
  PolicyVerdict,
  PromotedVersion,
  PromotionMode,
  RangeFreezeWindow,
} from './types';
