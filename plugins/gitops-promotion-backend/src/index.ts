/**
 * The GitOps Promotion backend plugin and the permission conditions policies
 * use to restrict environments (e.g. prod-* to one group).
 *
 * @packageDocumentation
 */
export { gitopsPromotionPlugin as default } from './plugin';
export {
  createGitopsPromotionEnvironmentConditionalDecision,
  gitopsPromotionEnvironmentConditions,
  environmentPermissionRules,
} from './domain/permissions';
export type { EnvironmentResource } from './domain/permissions';
