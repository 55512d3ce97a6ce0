import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionFreezeOverridePermission,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { readPluginConfig } from '../../config/readPluginConfig';
import {
  createGitopsPromotionEnvironmentConditionalDecision,
  gitopsPromotionEnvironmentConditions,
} from './conditions';
import { EnvironmentAccess } from './EnvironmentAccess';

const config = readPluginConfig(
  new ConfigReader({
    gitopsPromotion: {
      repositories: [{ id: 'gitops', provider: 'git', url: '/nowhere.git' }],
      layouts: [
        {
          id: 'helm',
          files: [
            { path: 'envs/{env}/{service}/values.yaml', keys: ['image.tag'] },
          ],
        },
      ],
      defaultLayout: 'helm',
      environments: [
        { name: 'staging', repository: 'gitops' },
        { name: 'prod-eu', promotesFrom: ['staging'], repository: 'gitops' },
      ],
    },
  }),
)!;

/** A user of team-checkout, as a policy would see them. */
const claims = ['user:default/ana', 'group:default/team-checkout'];

/**
 * The example policy's shape: promote into production only for the service's
 * owners, anywhere else for everybody; freeze overrides for nobody.
 */
const policy = {
  promote: createGitopsPromotionEnvironmentConditionalDecision(
    gitopsPromotionEnvironmentPromotePermission,
    {
      anyOf: [
        {
          not: gitopsPromotionEnvironmentConditions.isEnvironment({
            names: ['prod-*'],
          }),
        },
        gitopsPromotionEnvironmentConditions.isServiceOwner({ claims }),
      ],
    },
  ),
  freezeOverride: { result: AuthorizeResult.DENY } as PolicyDecision,
};

function access() {
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async requests =>
      requests.map(({ permission }) =>
        permission.name === gitopsPromotionEnvironmentPromotePermission.name
          ? policy.promote
          : policy.freezeOverride,
      ) as never,
    // The framework resolving a condition for the environment alone: no service.
    authorize: async requests =>
      requests.map(request => ({
        result:
          request.permission.name ===
            gitopsPromotionEnvironmentPromotePermission.name &&
          !(request as { resourceRef?: string }).resourceRef?.startsWith(
            'prod-',
          )
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      })) as never,
  });
  return {
    permissions,
    access: new EnvironmentAccess({
      config,
      permissions,
      catalog: catalogServiceMock(),
      userInfo: mockServices.userInfo(),
    }),
  };
}

function service(owner: Partial<Entity>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', namespace: 'default' },
    ...owner,
  };
}
const ownedByCheckout = service({
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-checkout' }],
  spec: { owner: 'team-checkout' },
});
const ownedByStorefront = service({
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-storefront' }],
  spec: { owner: 'team-storefront' },
});

const credentials = mockCredentials.user('user:default/ana');

describe('EnvironmentAccess', () => {
  it("applies the policy's conditions to each environment with the service's owners", async () => {
    const { access: environmentAccess, permissions } = access();
    const decided = await environmentAccess.permissionsIn(
      ['staging', 'prod-eu'],
      credentials,
      ownedByCheckout,
    );
    expect(Object.fromEntries(decided)).toEqual({
      staging: { promote: true, freezeOverride: false },
      'prod-eu': { promote: true, freezeOverride: false },
    });
    // One policy decision per permission, whatever the number of environments.
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
    expect(permissions.authorizeConditional).toHaveBeenCalledWith(
      [
        { permission: gitopsPromotionEnvironmentPromotePermission },
        { permission: gitopsPromotionFreezeOverridePermission },
      ],
      { credentials },
    );
  });

  it('refuses production for a service the claims do not own', async () => {
    const decided = await access().access.permissionsIn(
      ['staging', 'prod-eu'],
      credentials,
      ownedByStorefront,
    );
    expect(decided.get('staging')!.promote).toBe(true);
    expect(decided.get('prod-eu')!.promote).toBe(false);
    await expect(
      access().access.assertMayPromote(
        'prod-eu',
        credentials,
        ownedByStorefront,
      ),
    ).rejects.toThrow(/Promotion refused/);
  });

  it('reads the owner from spec.owner when the entity carries no relations', async () => {
    const decided = await access().access.permissionsIn(
      ['prod-eu'],
      credentials,
      service({ spec: { owner: 'team-checkout' } }),
    );
    expect(decided.get('prod-eu')!.promote).toBe(true);
  });

  it('allows nothing conditional in an environment that is not configured', async () => {
    const decided = await access().access.permissionsIn(
      ['prod-moon'],
      credentials,
      ownedByCheckout,
    );
    expect(decided.get('prod-moon')!.promote).toBe(false);
  });

  it('without a service, asks the framework by environment name', async () => {
    const { access: environmentAccess, permissions } = access();
    const decided = await environmentAccess.permissionsIn(
      ['staging', 'prod-eu'],
      credentials,
    );
    expect(Object.fromEntries(decided)).toEqual({
      staging: { promote: true, freezeOverride: false },
      'prod-eu': { promote: false, freezeOverride: false },
    });
    expect(permissions.authorizeConditional).not.toHaveBeenCalled();
    expect(permissions.authorize).toHaveBeenCalledWith(
      expect.arrayContaining([
        {
          permission: gitopsPromotionEnvironmentPromotePermission,
          resourceRef: 'prod-eu',
        },
      ]),
      { credentials },
    );
  });
});
