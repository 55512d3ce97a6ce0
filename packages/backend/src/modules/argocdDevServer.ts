import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { createArgoCdDevServer } from '@internal/argocd-dev-server';
import path from 'node:path';

/**
 * Development only: serves the Argo CD API stand-in (`@internal/argocd-dev-server`)
 * on `argocdDevServer.port`, reconciling from the local GitOps repository named by
 * `argocdDevServer.repository`, so `yarn start` shows sync and health without a
 * real Argo CD. Enabled by configuration alone, read once at startup: it does
 * nothing without the `argocdDevServer` section (the root app-config.yaml has one
 * for `yarn start`, app-config.production.yaml removes it), whatever NODE_ENV says.
 *
 * The repository may not exist yet: the demo-repository module seeds it
 * (gitopsPromotionDemoRepository.ts) at the same time. The stand-in polls for it.
 */
export const argocdDevServerModule = createBackendModule({
  pluginId: 'gitops-promotion',
  moduleId: 'argocd-dev-server',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      async init({ config, logger, lifecycle }) {
        const devConfig = config.getOptionalConfig('argocdDevServer');
        if (!devConfig) {
          return;
        }
        const repositoryId = devConfig.getString('repository');
        const repository = config
          .getConfigArray('gitopsPromotion.repositories')
          .find(r => r.getString('id') === repositoryId);
        if (!repository) {
          throw new Error(
            `argocdDevServer.repository: unknown repository '${repositoryId}' in gitopsPromotion.repositories`,
          );
        }
        const stand = createArgoCdDevServer({
          repositoryPath: path.resolve(repository.getString('url')),
          branch: repository.getOptionalString('defaultBranch') ?? 'main',
          environments: config
            .getConfigArray('gitopsPromotion.environments')
            .map(e => e.getString('name')),
          layouts: config
            .getConfigArray('gitopsPromotion.layouts')
            .map(layout => ({
              id: layout.getString('id'),
              files: layout.getConfigArray('files').map(file => ({
                path: file.getString('path'),
                keys: file.getStringArray('keys'),
              })),
            })),
          token: devConfig.getOptionalString('token'),
          users: devConfig.getOptional<Record<string, string>>('users'),
          syncDelayMs: devConfig.getOptionalNumber('syncDelayMs'),
          pollIntervalMs: devConfig.getOptionalNumber('pollIntervalMs'),
          applicationNameTemplate: devConfig.getOptionalString(
            'applicationNameTemplate',
          ),
          imageRepositoryTemplate: devConfig.getOptionalString(
            'imageRepositoryTemplate',
          ),
          degraded: devConfig.getOptionalStringArray('degraded'),
          rolloutFaults: devConfig
            .getOptionalConfigArray('rolloutFaults')
            ?.map(fault => ({
              application: fault.getString('application'),
              version: fault.getOptionalString('version'),
              message: fault.getOptionalString('message'),
            })),
          logger,
        });
        const running = await stand.start(devConfig.getNumber('port'));
        logger.info(`Argo CD dev server listening on ${running.url}`);
        lifecycle.addShutdownHook(() => running.close());
      },
    });
  },
});

export default argocdDevServerModule;
