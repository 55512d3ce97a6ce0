import { createConditionExports } from '@backstage/plugin-permission-node';
import { environmentPermissionResourceRef } from './environmentResource';
import { environmentPermissionRules } from './rules';

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: environmentPermissionResourceRef,
  rules: environmentPermissionRules,
});

/**
 * Conditions for permission policies on GitOps Promotion environments, e.g.
 * `gitopsPromotionEnvironmentConditions.isEnvironment({ names: ['prod-*'] })`
 * or, for the service being promoted,
 * `gitopsPromotionEnvironmentConditions.isServiceOwner({ claims: user.info.ownershipEntityRefs })`.
 *
 * @public
 */
export const gitopsPromotionEnvironmentConditions = conditions;

/**
 * Builds a conditional decision for an environment permission.
 *
 * @public
 */
export const createGitopsPromotionEnvironmentConditionalDecision =
  createConditionalDecision;
