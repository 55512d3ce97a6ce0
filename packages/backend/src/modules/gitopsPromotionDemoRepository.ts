import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { seedDemoRepository } from '@internal/argocd-dev-server';
import path from 'node:path';

/**
 * Development only: creates the demo GitOps repository named by
 * `gitopsPromotion.development.seedRepository` (a bare repository with the
 * example files and a replayed history) on first start, so `yarn start`
 * promotes in a real git repository. Enabled by configuration alone, whatever
 * NODE_ENV says: the root app-config.yaml has the section,
 * app-config.production.yaml removes it. Modules initialize before their
 * plugin, so the repository is there when gitops-promotion starts.
 */
export const gitopsPromotionDemoRepositoryModule = createBackendModule({
  pluginId: 'gitops-promotion',
  moduleId: 'demo-repository',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ config, logger }) {
        const seed = config.getOptionalConfig(
          'gitopsPromotion.development.seedRepository',
        );
        if (!seed) {
          return;
        }
        const repositoryId = seed.getString('repository');
        const repository = config
          .getConfigArray('gitopsPromotion.repositories')
          .find(r => r.getString('id') === repositoryId);
        if (!repository) {
          throw new Error(
            `gitopsPromotion.development.seedRepository.repository: unknown repository '${repositoryId}'`,
          );
        }
        await seedDemoRepository({
          from: path.resolve(seed.getString('from')),
          history: path.resolve(seed.getString('history')),
          target: path.resolve(repository.getString('url')),
          logger,
        });
      },
    });
  },
});

export default gitopsPromotionDemoRepositoryModule;
