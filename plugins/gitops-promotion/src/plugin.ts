import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { gitopsPromotionApiRef, GitopsPromotionClient } from './api';
import { entityContentRouteRef, rootRouteRef } from './routes';

/**
 * The client of the backend's REST API, for the legacy frontend system.
 *
 * @public
 */
export const gitopsPromotionApiFactory = createApiFactory({
  api: gitopsPromotionApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new GitopsPromotionClient({ discoveryApi, fetchApi }),
});

/**
 * The GitOps Promotion plugin for the legacy frontend system. Apps on the new
 * frontend system use the default export of `./alpha` instead.
 *
 * @public
 */
export const gitopsPromotionPlugin = createPlugin({
  id: 'gitops-promotion',
  apis: [gitopsPromotionApiFactory],
  routes: { root: rootRouteRef },
});

/**
 * The "Environments" tab of a service: mount it on the entity page where
 * `isGitopsPromotionAvailable` holds.
 *
 * @public
 */
export const EntityGitopsPromotionContent = gitopsPromotionPlugin.provide(
  createRoutableExtension({
    name: 'EntityGitopsPromotionContent',
    component: () =>
      import('./components/EnvironmentsContent').then(
        m => m.EnvironmentsContent,
      ),
    mountPoint: entityContentRouteRef,
  }),
);

/**
 * The team view: every service in every environment.
 *
 * @public
 */
export const GitopsPromotionPage: () => JSX.Element =
  gitopsPromotionPlugin.provide(
    createRoutableExtension({
      name: 'GitopsPromotionPage',
      component: () =>
        import('./components/MatrixPage').then(m => m.MatrixPage),
      mountPoint: rootRouteRef,
    }),
  );
