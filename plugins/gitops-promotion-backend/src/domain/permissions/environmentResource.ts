import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import { GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/**
 * What permission rules see of an environment.
 *
 * @public
 */
export interface EnvironmentResource {
  name: string;
  title: string;
  promotesFrom: string[];
  /**
   * The owners (entity refs) of the service being promoted into the
   * environment; absent when the decision names the environment alone (a
   * resourceRef).
   */
  serviceOwners?: string[];
}

/**
 * The environment resource of the permission framework: the resource ref of an
 * environment permission is the environment's name.
 *
 * @public
 */
export const environmentPermissionResourceRef = createPermissionResourceRef<
  EnvironmentResource,
  never
>().with({
  pluginId: 'gitops-promotion',
  resourceType: GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE,
});
