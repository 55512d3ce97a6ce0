import {
  BackendFeature,
  coreServices,
  createServiceFactory,
  SchedulerServiceTaskFunction,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { gitopsPromotionPlugin } from '../plugin';

/**
 * Options of {@link startGitopsPromotionTestBackend}.
 *
 * @public
 */
export interface GitopsPromotionTestBackendOptions {
  /** The `gitopsPromotion` configuration section. */
  config: JsonObject;
  /** Root configuration beside `gitopsPromotion`, e.g. `integrations`. */
  rootConfig?: JsonObject;
  /** The catalog's entities (services, their owners, users). */
  entities?: Entity[];
  /** A catalog service to use instead of one over `entities`. */
  catalog?: CatalogService;
  /** More features or service factories, e.g. a permissions mock or other plugins. */
  features?: BackendFeature[];
}

/**
 * The GitOps Promotion backend plugin on a test backend: mock tokens
 * (requests without one are unauthenticated), a catalog over the given
 * entities, and a scheduler that runs the plugin's tasks only when asked.
 *
 * @public
 */
export async function startGitopsPromotionTestBackend(
  options: GitopsPromotionTestBackendOptions,
) {
  const tasks = new Map<string, SchedulerServiceTaskFunction>();
  const catalog =
    options.catalog ?? catalogServiceMock({ entities: options.entities ?? [] });
  const backend = await startTestBackend({
    features: [
      gitopsPromotionPlugin,
      mockServices.rootConfig.factory({
        data: { ...options.rootConfig, gitopsPromotion: options.config },
      }),
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      createServiceFactory({
        service: coreServices.scheduler,
        deps: {},
        factory: () => ({
          scheduleTask: async (task: {
            id: string;
            fn: SchedulerServiceTaskFunction;
          }) => {
            tasks.set(task.id, task.fn);
          },
          createScheduledTaskRunner: () => ({ run: async () => {} }),
          triggerTask: async () => {},
          getScheduledTasks: async () => [],
          cancelTask: async () => {},
        }),
      }),
      ...(options.features ?? []),
    ],
  });
  return {
    /** The HTTP server; the plugin's API is at `/api/gitops-promotion`. */
    server: backend.server,
    /**
     * Runs one pass of a scheduled task, e.g.
     * `gitops-promotion-track-promotions` (promotions follow Argo CD).
     */
    async runScheduledTask(id: string) {
      const task = tasks.get(id);
      if (!task) {
        throw new Error(
          `No scheduled task '${id}'; the plugin scheduled: ${[
            ...tasks.keys(),
          ].join(', ')}`,
        );
      }
      await task(new AbortController().signal as never);
    },
    stop: () => backend.stop(),
  };
}

/**
 * `Authorization` header of a mock user token.
 *
 * @public
 */
export function asUser(userEntityRef = 'user:default/guest') {
  return `Bearer ${mockCredentials.user.token(userEntityRef)}`;
}

/**
 * `Authorization` header of a mock service token (subject `external:test-service`).
 *
 * @public
 */
export function asService() {
  return mockCredentials.service.header();
}
