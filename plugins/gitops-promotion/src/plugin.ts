import { createFrontendPlugin } from '@backstage/frontend-plugin-api';

/**
 * The GitOps Promotion frontend plugin. Its entity tab and environment matrix
 * page are added as extensions here.
 *
 * @public
 */
export const gitopsPromotionPlugin = createFrontendPlugin({
  pluginId: 'gitops-promotion',
  extensions: [],
});
