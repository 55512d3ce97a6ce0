import {
  ApiBlueprint,
  createRouteRef,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isGitopsPromotionAvailable } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import ViewModuleIcon from '@material-ui/icons/ViewModule';
import { gitopsPromotionApiRef, GitopsPromotionClient } from '../api';

/** The client of the backend's REST API. */
export const gitopsPromotionApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gitopsPromotionApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GitopsPromotionClient({ discoveryApi, fetchApi }),
    }),
});

/** The "Environments" tab of services annotated for GitOps Promotion. */
export const environmentsEntityContent = EntityContentBlueprint.make({
  name: 'environments',
  params: {
    path: 'environments',
    title: 'Environments',
    filter: isGitopsPromotionAvailable,
    loader: () =>
      import('../components/EnvironmentsContent').then(m => (
        <m.EnvironmentsContent />
      )),
  },
});

/** The team view's route; the sidebar links to it. */
export const rootRouteRef = createRouteRef();

/** The team view at /gitops-promotion, in the sidebar. */
export const matrixPage = PageBlueprint.make({
  params: {
    path: '/gitops-promotion',
    routeRef: rootRouteRef,
    title: 'Environments',
    icon: <ViewModuleIcon fontSize="inherit" />,
    loader: () =>
      import('../components/MatrixPage').then(m => <m.MatrixPage />),
  },
});

/**
 * The GitOps Promotion frontend plugin: the service's Environments tab and the
 * client of the backend.
 *
 * @public
 */
export const gitopsPromotionPlugin = createFrontendPlugin({
  pluginId: 'gitops-promotion',
  routes: { root: rootRouteRef },
  extensions: [gitopsPromotionApi, environmentsEntityContent, matrixPage],
});
