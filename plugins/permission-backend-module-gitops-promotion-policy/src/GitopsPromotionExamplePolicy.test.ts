import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { environmentPermissionRules } from '@gitops-promotion/backstage-plugin-gitops-promotion-backend';
import {
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionEnvironmentReadPermission,
  gitopsPromotionFreezeOverridePermission,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { GitopsPromotionExamplePolicy } from './GitopsPromotionExamplePolicy';

const policy = new GitopsPromotionExamplePolicy({
  productionPromoters: ['group:default/platform'],
  productionPattern: 'prod-*',
});

const user = (...ownershipEntityRefs: string[]) =>
  ({
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  } as unknown as PolicyQueryUser);

/** Applies a decision the way the plugin does, with its own rules. */
const isAllowed = createConditionAuthorizer(
  Object.values(environmentPermissionRules),
);
function allowedIn(
  decision: Awaited<ReturnType<typeof policy.handle>>,
  environment: string,
): boolean {
  return isAllowed(decision as never, {
    name: environment,
    title: environment,
    promotesFrom: [],
  });
}

describe('GitopsPromotionExamplePolicy', () => {
  it('lets production promoters promote anywhere and override freezes', async () => {
    const platform = user('user:default/priya.raman', 'group:default/platform');
    for (const permission of [
      gitopsPromotionEnvironmentPromotePermission,
      gitopsPromotionFreezeOverridePermission,
    ]) {
      const decision = await policy.handle({ permission }, platform);
      expect(decision.result).toBe(AuthorizeResult.ALLOW);
    }
  });

  it.each([
    ['dev', true],
    ['staging', true],
    ['prod-eu', false],
    ['prod-us', false],
  ])(
    'lets everybody else promote into %s: %s (a conditional decision on IS_ENVIRONMENT)',
    async (environment, allowed) => {
      const decision = await policy.handle(
        { permission: gitopsPromotionEnvironmentPromotePermission },
        user('user:default/sofia.alvarez', 'group:default/team-storefront'),
      );
      expect(decision).toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'gitops-promotion',
        resourceType: 'gitops-promotion-environment',
      });
      expect(allowedIn(decision, environment)).toBe(allowed);
    },
  );

  it('refuses freeze overrides to everybody else, and allows reading', async () => {
    const someone = user('user:default/sofia.alvarez');
    expect(
      (
        await policy.handle(
          { permission: gitopsPromotionFreezeOverridePermission },
          someone,
        )
      ).result,
    ).toBe(AuthorizeResult.DENY);
    expect(
      (
        await policy.handle(
          { permission: gitopsPromotionEnvironmentReadPermission },
          someone,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });
});
