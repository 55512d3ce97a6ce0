export { environmentPermissionResourceRef } from './environmentResource';
export type { EnvironmentResource } from './environmentResource';
export {
  environmentPermissionRules,
  isEnvironment,
  isPromotedFrom,
} from './rules';
export {
  createGitopsPromotionEnvironmentConditionalDecision,
  gitopsPromotionEnvironmentConditions,
} from './conditions';
