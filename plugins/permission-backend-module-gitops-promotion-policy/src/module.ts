import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { GitopsPromotionExamplePolicy } from './GitopsPromotionExamplePolicy';

/**
 * Installs {@link GitopsPromotionExamplePolicy} as the permission policy,
 * configured under `gitopsPromotionExamplePolicy` in app-config.
 *
 * @public
 */
export const gitopsPromotionExamplePolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'gitops-promotion-example-policy',
  register(reg) {
    reg.registerInit({
      deps: { config: coreServices.rootConfig, policy: policyExtensionPoint },
      async init({ config, policy }) {
        policy.setPolicy(GitopsPromotionExamplePolicy.fromConfig(config));
      },
    });
  },
});
