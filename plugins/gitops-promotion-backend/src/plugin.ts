import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { gitopsPromotionPermissions } from '@internal/backstage-plugin-gitops-promotion-common';
import { ArgoCdClient } from './argocd';
import { readPluginConfig } from './config/readPluginConfig';
import { seedConfiguredDemoRepository } from './demo/seedConfiguredDemoRepository';

/**
 * The GitOps Promotion backend plugin.
 *
 * @public
 */
export const gitopsPromotionPlugin = createBackendPlugin({
  pluginId: 'gitops-promotion',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
      },
      async init({ config, logger, permissionsRegistry, lifecycle }) {
        const pluginConfig = readPluginConfig(config);
        if (!pluginConfig) {
          logger.warn(
            'No gitopsPromotion configuration; the plugin serves no services',
          );
          return;
        }
        const argocd = ArgoCdClient.fromConfig(config, { logger });
        lifecycle.addShutdownHook(() => argocd?.close());
        permissionsRegistry.addPermissions(gitopsPromotionPermissions);
        if (process.env.NODE_ENV !== 'production') {
          await seedConfiguredDemoRepository(pluginConfig, logger);
        }
      },
    });
  },
});
