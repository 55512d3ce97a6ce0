import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createRegisterLocalEntityAction } from './actions/registerLocalEntity';
import { createRegisterServiceAction } from './actions/registerService';
import { LocalCatalogDirectory } from './LocalCatalogDirectory';
import { readLocalCatalogConfig } from './readLocalCatalogConfig';

/**
 * The GitOps Promotion actions for the scaffolder:
 * `gitops-promotion:register-service` and, in development with
 * `gitopsPromotion.development.localCatalog` configured,
 * `gitops-promotion:register-local-entity`.
 *
 * @public
 */
export const gitopsPromotionScaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'gitops-promotion',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
      },
      async init({
        scaffolderActions,
        discovery,
        auth,
        config,
        logger,
        catalog,
      }) {
        scaffolderActions.addActions(
          createRegisterServiceAction({ discovery, auth }),
        );
        const local = readLocalCatalogConfig(config);
        if (local) {
          const directory = new LocalCatalogDirectory(local.directory);
          // Before the catalog starts processing: its location must find the index.
          await directory.ensureIndex();
          scaffolderActions.addActions(
            createRegisterLocalEntityAction({
              catalog,
              directory,
              waitMs: local.waitMs,
            }),
          );
          logger.info(
            `gitops-promotion:register-local-entity writes entities to ${local.directory}`,
          );
        }
      },
    });
  },
});
