import {
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * The resource type of the environment permissions; the resource ref is the
 * environment name.
 *
 * @public
 */
export const GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE =
  'gitops-promotion-environment';

/**
 * Allows seeing versions and status of an environment.
 *
 * @public
 */
export const gitopsPromotionEnvironmentReadPermission: ResourcePermission<
  typeof GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'gitops-promotion.environment.read',
  attributes: { action: 'read' },
  resourceType: GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Allows promoting a version into an environment (direct commit or pull request).
 *
 * @public
 */
export const gitopsPromotionEnvironmentPromotePermission: ResourcePermission<
  typeof GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'gitops-promotion.environment.promote',
  attributes: { action: 'update' },
  resourceType: GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Allows promoting into an environment during one of its freeze windows.
 *
 * @public
 */
export const gitopsPromotionFreezeOverridePermission: ResourcePermission<
  typeof GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'gitops-promotion.freeze.override',
  attributes: { action: 'update' },
  resourceType: GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Allows approving or rejecting a promotion into an environment that needs
 * approvals; the approver must also be a member of one of the environment's
 * `approvals.from` groups and may not decide their own request.
 *
 * @public
 */
export const gitopsPromotionPromotionApprovePermission: ResourcePermission<
  typeof GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'gitops-promotion.promotion.approve',
  attributes: { action: 'update' },
  resourceType: GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Allows pausing and resuming automatic promotion into an environment.
 *
 * @public
 */
export const gitopsPromotionAutoPromotionPausePermission: ResourcePermission<
  typeof GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'gitops-promotion.auto-promotion.pause',
  attributes: { action: 'update' },
  resourceType: GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Every permission of the plugin, for registration with the permissions registry.
 *
 * @public
 */
export const gitopsPromotionPermissions = [
  gitopsPromotionEnvironmentReadPermission,
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionFreezeOverridePermission,
  gitopsPromotionPromotionApprovePermission,
  gitopsPromotionAutoPromotionPausePermission,
];
