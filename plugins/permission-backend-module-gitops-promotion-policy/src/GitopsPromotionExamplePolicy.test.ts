import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  EnvironmentResource,
  environmentPermissionRules,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-backend';
import {
  gitopsPromotionAutoPromotionPausePermission,
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionEnvironmentReadPermission,
  gitopsPromotionFreezeOverridePermission,
  gitopsPromotionPromotionApprovePermission,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { GitopsPromotionExamplePolicy } from './GitopsPromotionExamplePolicy';

const policy = new GitopsPromotionExamplePolicy({
  productionPattern: 'prod-*',
  releaseGroups: ['group:default/release-managers'],
  productionPromoters: ['user:default/on-call'],
});

const user = (...ownershipEntityRefs: string[]) =>
  ({
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  } as unknown as PolicyQueryUser);

const releaseManagerOfPayments = user(
  'user:default/ana',
  'group:default/release-managers',
  'group:default/payments-team',
);
const releaseManager = user(
  'user:default/ben',
  'group:default/release-managers',
);
const paymentsDeveloper = user(
  'user:default/carla',
  'group:default/payments-team',
);

const payments = ['group:default/payments-team'];

const isAllowed = createConditionAuthorizer(
  Object.values(environmentPermissionRules),
);

/**
 * Applies a decision the way the plugin does, with its own rules, to a
 * promotion of a service owned by `serviceOwners` into `environment`.
 */
function allows(
  decision: PolicyDecision,
  environment: string,
  serviceOwners?: string[],
) {
  const resource: EnvironmentResource = {
    name: environment,
    title: environment,
    promotesFrom: [],
    serviceOwners,
  };
  return isAllowed(decision, resource);
}

async function mayPromote(
  who: PolicyQueryUser,
  environment: string,
  serviceOwners?: string[],
) {
  const decision = await policy.handle(
    { permission: gitopsPromotionEnvironmentPromotePermission },
    who,
  );
  return allows(decision, environment, serviceOwners);
}

describe('GitopsPromotionExamplePolicy', () => {
  it.each([
    ['a release manager who owns the service', true, releaseManagerOfPayments],
    ['a release manager who does not own it', false, releaseManager],
    ['an owner outside the release groups', false, paymentsDeveloper],
  ])('lets %s promote into production: %s', async (_, allowed, who) => {
    expect(await mayPromote(who, 'prod-eu', payments)).toBe(allowed);
    expect(await mayPromote(who, 'prod-us', payments)).toBe(allowed);
  });

  it('lets everybody promote into the other environments', async () => {
    for (const who of [
      releaseManager,
      paymentsDeveloper,
      user('user:default/x'),
    ]) {
      expect(await mayPromote(who, 'dev', payments)).toBe(true);
      expect(await mayPromote(who, 'staging', payments)).toBe(true);
    }
  });

  it('decides production promotions on the service, a conditional decision', async () => {
    const decision = await policy.handle(
      { permission: gitopsPromotionEnvironmentPromotePermission },
      releaseManagerOfPayments,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'gitops-promotion',
      resourceType: 'gitops-promotion-environment',
    });
    // Named alone (a resourceRef), an environment has no service: production is refused.
    expect(await mayPromote(releaseManagerOfPayments, 'prod-eu')).toBe(false);
  });

  it.each([
    gitopsPromotionFreezeOverridePermission,
    gitopsPromotionAutoPromotionPausePermission,
  ])('lets release group members have $name, nobody else', async permission => {
    const decide = (who: PolicyQueryUser) =>
      policy.handle({ permission }, who).then(d => d.result);
    expect(await decide(releaseManager)).toBe(AuthorizeResult.ALLOW);
    expect(await decide(paymentsDeveloper)).toBe(AuthorizeResult.DENY);
  });

  it("lets everybody approve: the environment's approver groups are the gate", async () => {
    const decision = await policy.handle(
      { permission: gitopsPromotionPromotionApprovePermission },
      paymentsDeveloper,
    );
    expect(decision.result).toBe(AuthorizeResult.ALLOW);
  });

  it('lets production promoters do everything', async () => {
    const onCall = user('user:default/on-call');
    for (const permission of [
      gitopsPromotionEnvironmentPromotePermission,
      gitopsPromotionFreezeOverridePermission,
    ]) {
      const decision = await policy.handle({ permission }, onCall);
      expect(decision.result).toBe(AuthorizeResult.ALLOW);
    }
  });

  it('allows everything else', async () => {
    const someone = user('user:default/x');
    for (const permission of [
      gitopsPromotionEnvironmentReadPermission,
      createPermission({ name: 'catalog.entity.read', attributes: {} }),
    ]) {
      const decision = await policy.handle({ permission }, someone);
      expect(decision.result).toBe(AuthorizeResult.ALLOW);
    }
  });

  describe('fromConfig', () => {
    it('reads gitopsPromotionExamplePolicy', async () => {
      const configured = GitopsPromotionExamplePolicy.fromConfig(
        mockServices.rootConfig({
          data: {
            gitopsPromotionExamplePolicy: {
              productionPattern: 'live-*',
              releaseGroups: ['group:default/release-managers'],
            },
          },
        }),
      );
      const decision = await configured.handle(
        { permission: gitopsPromotionEnvironmentPromotePermission },
        paymentsDeveloper,
      );
      expect(allows(decision, 'prod-eu', payments)).toBe(true);
      expect(allows(decision, 'live-eu', payments)).toBe(false);
    });

    it('defaults to prod-* with no release group: nobody promotes into production', async () => {
      const configured = GitopsPromotionExamplePolicy.fromConfig(
        mockServices.rootConfig(),
      );
      const decision = await configured.handle(
        { permission: gitopsPromotionEnvironmentPromotePermission },
        releaseManagerOfPayments,
      );
      expect(allows(decision, 'prod-eu', payments)).toBe(false);
      expect(allows(decision, 'staging', payments)).toBe(true);
    });
  });
});
