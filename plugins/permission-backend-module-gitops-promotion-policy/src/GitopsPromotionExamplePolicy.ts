import { RootConfigService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createGitopsPromotionEnvironmentConditionalDecision,
  gitopsPromotionEnvironmentConditions,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-backend';
import {
  GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE,
  gitopsPromotionAutoPromotionPausePermission,
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionFreezeOverridePermission,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/**
 * Options of {@link GitopsPromotionExamplePolicy}, from the
 * `gitopsPromotionExamplePolicy` section of app-config.
 *
 * @public
 */
export interface GitopsPromotionExamplePolicyOptions {
  /** Names of the production environments, `*` matching any characters. */
  productionPattern: string;
  /**
   * Group (or user) entity refs whose members may promote the services they
   * own into production and override freeze windows.
   */
  releaseGroups: string[];
  /**
   * Group (or user) entity refs allowed everything, unconditionally: the only
   * setting of earlier versions of this policy.
   */
  productionPromoters: string[];
}

/**
 * An example permission policy for GitOps Promotion, to copy and adapt:
 *
 * - promoting into production (environments matching `productionPattern`) is
 *   allowed to members of a release group, for the services they own: a
 *   conditional decision, which the plugin applies with the `IS_ENVIRONMENT`
 *   and `IS_SERVICE_OWNER` rules to the environment and the service promoted.
 * - everybody may promote into every other environment.
 * - overriding a freeze window and pausing automatic promotion are allowed to
 *   release group members only.
 * - approving promotions is allowed to everybody: membership of an
 *   environment's `approvals.from` groups is the gate (the plugin checks it).
 * - `productionPromoters` may do everything; everything else is allowed.
 *
 * @public
 */
export class GitopsPromotionExamplePolicy implements PermissionPolicy {
  static fromConfig(config: RootConfigService): GitopsPromotionExamplePolicy {
    const section = config.getOptionalConfig('gitopsPromotionExamplePolicy');
    return new GitopsPromotionExamplePolicy({
      productionPattern:
        section?.getOptionalString('productionPattern') ?? 'prod-*',
      releaseGroups: section?.getOptionalStringArray('releaseGroups') ?? [],
      productionPromoters:
        section?.getOptionalStringArray('productionPromoters') ?? [],
    });
  }

  constructor(private readonly options: GitopsPromotionExamplePolicyOptions) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (
      !isResourcePermission(
        permission,
        GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE,
      )
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    const ownership = user?.info.ownershipEntityRefs ?? [];
    if (isAnyOf(ownership, this.options.productionPromoters)) {
      return { result: AuthorizeResult.ALLOW };
    }
    const inReleaseGroup = isAnyOf(ownership, this.options.releaseGroups);
    if (
      permission.name === gitopsPromotionFreezeOverridePermission.name ||
      permission.name === gitopsPromotionAutoPromotionPausePermission.name
    ) {
      return {
        result: inReleaseGroup ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (permission.name === gitopsPromotionEnvironmentPromotePermission.name) {
      return this.promoteDecision(permission, inReleaseGroup, ownership);
    }
    return { result: AuthorizeResult.ALLOW };
  }

  /** Outside production, or (release group members) a service they own. */
  private promoteDecision(
    permission: ResourcePermission<
      typeof GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE
    >,
    inReleaseGroup: boolean,
    ownership: string[],
  ): PolicyDecision {
    const outsideProduction = {
      not: gitopsPromotionEnvironmentConditions.isEnvironment({
        names: [this.options.productionPattern],
      }),
    };
    return createGitopsPromotionEnvironmentConditionalDecision(
      permission,
      inReleaseGroup
        ? {
            anyOf: [
              outsideProduction,
              gitopsPromotionEnvironmentConditions.isServiceOwner({
                claims: ownership,
              }),
            ],
          }
        : outsideProduction,
    );
  }
}

/** Whether one of the user's ownership refs is listed; entity refs are case-insensitive. */
function isAnyOf(ownership: string[], listed: string[]): boolean {
  const refs = new Set(listed.map(ref => ref.toLocaleLowerCase('en-US')));
  return ownership.some(ref => refs.has(ref.toLocaleLowerCase('en-US')));
}
