import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createGitopsPromotionEnvironmentConditionalDecision,
  gitopsPromotionEnvironmentConditions,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-backend';
import {
  GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE,
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionFreezeOverridePermission,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/**
 * An example permission policy for GitOps Promotion, to copy and adapt:
 *
 * - promoting into production environments (names matching `productionPattern`, `prod-*` by
 *   default) is allowed only to the users and groups listed in `productionPromoters`; everybody
 *   else may promote into every other environment. This is a conditional decision: the plugin
 *   applies the `IS_ENVIRONMENT` rule to the environment being promoted into.
 * - overriding a freeze window is allowed only to the production promoters.
 * - everything else is allowed, as with the allow-all policy this replaces.
 */
export class GitopsPromotionExamplePolicy implements PermissionPolicy {
  constructor(
    private readonly options: {
      productionPromoters: string[];
      productionPattern: string;
    },
  ) {}

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
    const isPromoter = (user?.info.ownershipEntityRefs ?? []).some(ref =>
      this.options.productionPromoters.includes(ref),
    );
    if (isPromoter) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (permission.name === gitopsPromotionFreezeOverridePermission.name) {
      return { result: AuthorizeResult.DENY };
    }
    if (permission.name === gitopsPromotionEnvironmentPromotePermission.name) {
      return createGitopsPromotionEnvironmentConditionalDecision(permission, {
        not: gitopsPromotionEnvironmentConditions.isEnvironment({
          names: [this.options.productionPattern],
        }),
      });
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/**
 * Installs {@link GitopsPromotionExamplePolicy}, configured under
 * `gitopsPromotionExamplePolicy` in app-config.
 */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'gitops-promotion-example-policy',
  register(reg) {
    reg.registerInit({
      deps: { config: coreServices.rootConfig, policy: policyExtensionPoint },
      async init({ config, policy }) {
        const section = config.getOptionalConfig(
          'gitopsPromotionExamplePolicy',
        );
        policy.setPolicy(
          new GitopsPromotionExamplePolicy({
            productionPromoters:
              section?.getOptionalStringArray('productionPromoters') ?? [],
            productionPattern:
              section?.getOptionalString('productionPattern') ?? 'prod-*',
          }),
        );
      },
    });
  },
});
