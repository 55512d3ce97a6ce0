import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import { startTestBackend } from '@backstage/backend-test-utils';
import { Config } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionFreezeOverridePermission,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import path from 'node:path';
import { GitopsPromotionExamplePolicy } from '@gitops-promotion/backstage-plugin-permission-backend-module-gitops-promotion-policy';

const root = path.resolve(__dirname, '../../..');

/**
 * The root configuration a backend started with `--config` for each file, in
 * order, reads (the backend's own config loader, as the image runs it).
 */
async function load(...files: string[]): Promise<Config> {
  let config: Config | undefined;
  const probe = createBackendPlugin({
    pluginId: 'config-probe',
    register(env) {
      env.registerInit({
        deps: { rootConfig: coreServices.rootConfig },
        async init({ rootConfig }) {
          config = rootConfig;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      rootConfigServiceFactory({
        argv: files.flatMap(file => ['--config', path.join(root, file)]),
        watch: false,
      }),
      probe,
    ],
  });
  await backend.stop();
  return config!;
}

const guest = {
  identity: {
    type: 'user' as const,
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest'],
  },
  token: 'token',
  info: {
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest'],
  },
} as never;

describe('the root app-config files', () => {
  describe('production (app-config.yaml, then app-config.production.yaml, as the image runs)', () => {
    let config: Config;
    beforeAll(async () => {
      config = await load('app-config.yaml', 'app-config.production.yaml');
    });

    it('offers no guest sign-in', () => {
      expect(config.has('auth.providers.guest')).toBe(false);
      expect(config.getOptionalConfig('auth.providers')?.keys() ?? []).toEqual(
        [],
      );
    });

    it('grants the guest user no production promotion or freeze override', async () => {
      expect(
        config.getStringArray(
          'gitopsPromotionExamplePolicy.productionPromoters',
        ),
      ).not.toContain('user:default/guest');
      const policy = GitopsPromotionExamplePolicy.fromConfig(config);
      const promote = await policy.handle(
        {
          permission: gitopsPromotionEnvironmentPromotePermission,
        } as never,
        guest,
      );
      expect(promote.result).toBe(AuthorizeResult.CONDITIONAL);
      const override = await policy.handle(
        { permission: gitopsPromotionFreezeOverridePermission } as never,
        guest,
      );
      expect(override.result).toBe(AuthorizeResult.DENY);
    });

    it('leaves production to the release groups, for the services they own', async () => {
      expect(
        config.getStringArray('gitopsPromotionExamplePolicy.releaseGroups'),
      ).toEqual(['group:default/team-checkout', 'group:default/platform']);
      const platformEngineer = {
        info: {
          userEntityRef: 'user:default/priya.raman',
          ownershipEntityRefs: [
            'user:default/priya.raman',
            'group:default/platform',
          ],
        },
      } as never;
      const policy = GitopsPromotionExamplePolicy.fromConfig(config);
      const promote = await policy.handle(
        { permission: gitopsPromotionEnvironmentPromotePermission } as never,
        platformEngineer,
      );
      expect(promote).toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: {
          anyOf: expect.arrayContaining([
            expect.objectContaining({ rule: 'IS_SERVICE_OWNER' }),
          ]),
        },
      });
      const override = await policy.handle(
        { permission: gitopsPromotionFreezeOverridePermission } as never,
        platformEngineer,
      );
      expect(override.result).toBe(AuthorizeResult.ALLOW);
    });

    it('runs nothing of development: no demo seed, no local catalog, no Argo CD stand-in', () => {
      expect(config.has('gitopsPromotion.development')).toBe(false);
      expect(
        config
          .getOptionalConfig('gitopsPromotion')
          ?.getOptionalConfig('development.seedRepository'),
      ).toBeUndefined();
      expect(
        config.getOptionalConfig('gitopsPromotion.development.localCatalog'),
      ).toBeUndefined();
      expect(config.getOptionalConfig('argocdDevServer')).toBeUndefined();
      // The rest of the section is still there.
      expect(
        config.getConfigArray('gitopsPromotion.environments'),
      ).toHaveLength(4);
    });
  });

  describe('development (app-config.yaml alone, as yarn start reads it)', () => {
    let config: Config;
    beforeAll(async () => {
      config = await load('app-config.yaml');
    });

    it('signs the guest in as user:default/guest, a production promoter of the demo', () => {
      expect(config.getString('auth.providers.guest.userEntityRef')).toBe(
        'user:default/guest',
      );
      expect(
        config.getStringArray(
          'gitopsPromotionExamplePolicy.productionPromoters',
        ),
      ).toContain('user:default/guest');
    });

    it('turns on the demo seed, the local catalog and the Argo CD stand-in', () => {
      expect(
        config.getString(
          'gitopsPromotion.development.seedRepository.repository',
        ),
      ).toBe('acme-gitops');
      expect(
        config.getString('gitopsPromotion.development.localCatalog.directory'),
      ).toBe('../../.data/scaffolded');
      expect(config.getNumber('argocdDevServer.port')).toBe(7009);
    });
  });
});
