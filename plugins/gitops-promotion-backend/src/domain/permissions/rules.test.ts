import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { gitopsPromotionEnvironmentPromotePermission } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import {
  createGitopsPromotionEnvironmentConditionalDecision,
  gitopsPromotionEnvironmentConditions,
} from './conditions';
import { EnvironmentResource } from './environmentResource';
import { environmentPermissionRules } from './rules';

/** Applies a policy's condition to a resource as the plugin does, with its own rules. */
const isAllowed = createConditionAuthorizer(
  Object.values(environmentPermissionRules),
);
type Condition = Parameters<
  typeof createGitopsPromotionEnvironmentConditionalDecision
>[1];
const allows = (condition: Condition, resource: EnvironmentResource) =>
  isAllowed(
    createGitopsPromotionEnvironmentConditionalDecision(
      gitopsPromotionEnvironmentPromotePermission,
      condition,
    ),
    resource,
  );

const prodEu: EnvironmentResource = {
  name: 'prod-eu',
  title: 'Production EU',
  promotesFrom: ['staging'],
};

describe('IS_ENVIRONMENT', () => {
  it.each([
    [['prod-*'], 'prod-eu', true],
    [['prod-*'], 'staging', false],
    [['staging', 'dev'], 'staging', true],
    [['prod'], 'prod-eu', false],
  ])('names %j match %s: %s', (names, environment, expected) => {
    expect(
      allows(gitopsPromotionEnvironmentConditions.isEnvironment({ names }), {
        ...prodEu,
        name: environment,
      }),
    ).toBe(expected);
  });
});

describe('IS_PROMOTED_FROM', () => {
  it('matches the environments downstream of the one named', () => {
    const condition = gitopsPromotionEnvironmentConditions.isPromotedFrom({
      environment: 'staging',
    });
    expect(allows(condition, prodEu)).toBe(true);
    expect(allows(condition, { ...prodEu, promotesFrom: ['dev'] })).toBe(false);
  });
});

describe('IS_SERVICE_OWNER', () => {
  const ownedByCheckout = {
    ...prodEu,
    serviceOwners: ['group:default/team-checkout'],
  };
  const claims = (...refs: string[]) =>
    gitopsPromotionEnvironmentConditions.isServiceOwner({ claims: refs });

  it.each([
    [
      'a claim is an owner',
      ['user:default/ana', 'group:default/team-checkout'],
      true,
    ],
    [
      'no claim is an owner',
      ['user:default/ana', 'group:default/team-storefront'],
      false,
    ],
    ['a claim differs in case only', ['group:default/Team-Checkout'], true],
    ['there are no claims', [], false],
  ])('%s: %s', (_, refs, expected) => {
    expect(allows(claims(...refs), ownedByCheckout)).toBe(expected);
  });

  it('never holds when no service is known, as when the environment is named alone', () => {
    expect(allows(claims('group:default/team-checkout'), prodEu)).toBe(false);
    expect(
      allows(claims('group:default/team-checkout'), {
        ...prodEu,
        serviceOwners: [],
      }),
    ).toBe(false);
  });

  it('combines with the environment: production only for owners', () => {
    const condition: Condition = {
      anyOf: [
        {
          not: gitopsPromotionEnvironmentConditions.isEnvironment({
            names: ['prod-*'],
          }),
        },
        claims('group:default/team-checkout'),
      ],
    };
    expect(allows(condition, ownedByCheckout)).toBe(true);
    expect(
      allows(condition, {
        ...ownedByCheckout,
        serviceOwners: ['group:default/team-storefront'],
      }),
    ).toBe(false);
    expect(
      allows(condition, {
        name: 'staging',
        title: 'Staging',
        promotesFrom: ['dev'],
        serviceOwners: ['group:default/team-storefront'],
      }),
    ).toBe(true);
  });
});
