export { environmentPermissionResourceRef } from './environmentResource';
export type { EnvironmentResource } from './environmentResource';
export {
  environmentPermissionRules,
  isEnvironment,
  isPromotedFrom,
  isServiceOwner,
} from './rules';
export {
  createGitopsPromotionEnvironmentConditionalDecision,
  gitopsPromotionEnvironmentConditions,
} from './conditions';
