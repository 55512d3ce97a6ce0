import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { gitopsPromotionPermissions } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { randomUUID } from 'node:crypto';
import { ArgoCdClient } from './clients/argocd';
import { ServiceCatalog } from './clients/catalog/ServiceCatalog';
import { readPluginConfig } from './config/readPluginConfig';
import { PromotionStore } from './domain/ledger';
import {
  environmentPermissionResourceRef,
  environmentPermissionRules,
} from './domain/permissions';
import { EnvironmentAccess } from './domain/permissions/EnvironmentAccess';
import { createRepositories } from './clients/repository/createRepositories';
import { createRouter } from './service/router';
import { EnvironmentsService } from './domain/environments/EnvironmentsService';
import { LagReader } from './domain/environments/LagReader';
import { MatrixSnapshot } from './domain/environments/MatrixSnapshot';
import { LiveChartReader } from './domain/environments/LiveChartReader';
import { readMatrixPreparationFrequencyMs } from './config/readMatrixConfig';
import { PromotionPlanner } from './domain/promotions/PromotionPlanner';
import { PromotionService } from './domain/promotions/PromotionService';
import { PromotionTracker } from './domain/promotions/PromotionTracker';
import { PromotionReconciler } from './domain/promotions/PromotionReconciler';
import { EntityAnnotations } from './clients/catalog/EntityAnnotations';
import { ServiceRegistrar } from './domain/onboarding/ServiceRegistrar';
import { VersionReader } from './domain/environments/VersionReader';
import { GitopsWriter } from './domain/writing/GitopsWriter';
import { createAnnouncements } from './domain/announcements';
import { StatusWatcher } from './domain/environments/StatusWatcher';
import { readStatusWatcherConfig } from './config/readStatusWatcherConfig';
import { AutomationPrincipal } from './domain/automation/AutomationPrincipal';
import { AutomaticRollback } from './domain/automation/AutomaticRollback';
import { AutoPromoter } from './domain/automation/AutoPromoter';
import { AutoPromotionPauses } from './domain/automation/AutoPromotionPauses';
import { Verifier } from './domain/verification/Verifier';

/** How long a shutdown waits for signals and notifications still being sent. */
const ANNOUNCEMENTS_SHUTDOWN_WAIT_MS = 5000;

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
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auditor: coreServices.auditor,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        catalogService: catalogServiceRef,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        // Both have default implementations: without the signals backend a
        // signal reaches no one; without the notifications backend a send
        // fails and is logged (see NotificationSender).
        signals: signalsServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { rootConfig, logger, lifecycle, permissionsRegistry } = deps;
        const config = readPluginConfig(rootConfig);
        if (!config) {
          logger.warn(
            'No gitopsPromotion configuration; the plugin serves no services',
          );
          return;
        }
        permissionsRegistry.addPermissions(gitopsPromotionPermissions);
        permissionsRegistry.addResourceType({
          resourceRef: environmentPermissionResourceRef,
          permissions: gitopsPromotionPermissions,
          rules: Object.values(environmentPermissionRules),
          getResources: async names =>
            names.map(name => config.environments.find(e => e.name === name)),
        });
        const argocd = ArgoCdClient.fromConfig(rootConfig, { logger });
        const watching = readStatusWatcherConfig(rootConfig);
        lifecycle.addShutdownHook(() => argocd?.close());
        const repositories = createRepositories({ config, rootConfig, logger });
        const announcements = createAnnouncements({
          config,
          logger,
          signals: deps.signals,
          notifications: deps.notifications,
          catalog: deps.catalogService,
          auth: deps.auth,
        });
        lifecycle.addShutdownHook(() =>
          announcements.events.settled({
            timeoutMs: ANNOUNCEMENTS_SHUTDOWN_WAIT_MS,
          }),
        );
        const store = await PromotionStore.create(deps.database, {
          logger,
          onTransition: announcements.events.announce,
        });
        const catalog = new ServiceCatalog(deps.catalogService);
        const reader = new VersionReader(config, repositories);
        const access = new EnvironmentAccess({
          config,
          permissions: deps.permissions,
          catalog: deps.catalogService,
          userInfo: deps.userInfo,
        });
        const planner = new PromotionPlanner({
          config,
          catalog,
          repositories,
          access,
          store,
          argocd,
        });
        const writer = new GitopsWriter(repositories);
        const promotions = new PromotionService({
          config,
          planner,
          catalog,
          catalogService: deps.catalogService,
          auth: deps.auth,
          writer,
          store,
          access,
          repositories,
          argocd,
          logger,
        });
        const liveCharts = new LiveChartReader({ repositories, logger });
        const snapshot = new MatrixSnapshot({
          config,
          reader,
          lags: new LagReader({ config, repositories }),
          logger,
        });
        const environments = new EnvironmentsService({
          repositories,
          config,
          catalog,
          snapshot,
          liveCharts,
          access,
          store,
          argocd,
        });

        const principal = new AutomationPrincipal({
          auth: deps.auth,
          token: config.autoPromotion.token,
        });
        const rollbacks = new AutomaticRollback({
          config,
          planner,
          promotions,
          store,
          principal,
          auditor: deps.auditor,
          logger,
        });
        const tracker = new PromotionTracker({
          store,
          repositories,
          argocd,
          logger,
          owner: `gitops-promotion-${randomUUID()}`,
          annotations: new EntityAnnotations({
            catalog: deps.catalogService,
            auth: deps.auth,
          }),
          config,
          verifier: new Verifier({ argocd }),
          onFailure: promotion => rollbacks.rollBack(promotion),
        });
        const autoPromoter = new AutoPromoter({
          config,
          catalog,
          snapshot,
          argocd,
          store,
          promotions,
          principal,
          auditor: deps.auditor,
          logger,
        });
        await deps.scheduler.scheduleTask({
          id: 'gitops-promotion-auto-promote',
          frequency: { milliseconds: config.autoPromotion.frequencyMs },
          timeout: { minutes: 5 },
          // Every replica runs it: the idempotency key of each version and
          // edge makes one promotion of it, and rollbacks one per failure.
          scope: 'local',
          fn: async () => {
            await rollbacks.sweep();
            await autoPromoter.run();
          },
        });
        await deps.scheduler.scheduleTask({
          id: 'gitops-promotion-track-promotions',
          frequency: { seconds: 5 },
          timeout: { minutes: 2 },
          // Every replica runs it; leases in the ledger keep one promotion on one replica.
          scope: 'local',
          fn: async () => {
            await tracker.run();
          },
        });
        const reconciler = new PromotionReconciler({
          store,
          repositories,
          logger,
          owner: `gitops-promotion-reconciler-${randomUUID()}`,
        });
        await deps.scheduler.scheduleTask({
          id: 'gitops-promotion-reconcile-promotions',
          frequency: { seconds: 30 },
          timeout: { minutes: 2 },
          // Local like the tracker: leases and compare-and-set updates keep a
          // promotion on one replica, and a replica's own crash is then
          // repaired by the others without waiting for a global lock.
          scope: 'local',
          fn: async () => {
            await reconciler.run();
          },
        });

        await deps.scheduler.scheduleTask({
          id: 'gitops-promotion-prepare-matrix',
          frequency: {
            milliseconds: readMatrixPreparationFrequencyMs(rootConfig),
          },
          timeout: { minutes: 5 },
          // Local: each replica keeps its own prepared matrix in memory.
          scope: 'local',
          fn: async () => {
            await environments.prepareMatrix(
              await deps.auth.getOwnServiceCredentials(),
            );
          },
        });

        if (argocd) {
          const watcher = new StatusWatcher({
            config,
            catalog,
            auth: deps.auth,
            argocd,
            reader,
            liveCharts,
            store,
            signals: announcements.signals,
            notifier: announcements.notifier,
            logger,
            driftGraceMs: watching.driftGraceMs,
          });
          // A change Argo CD streams in is signalled at once, not at the next pass.
          argocd.onStatusChange(() =>
            watcher
              .run()
              .catch(error =>
                logger.warn(`Could not check Argo CD's status: ${error}`),
              ),
          );
          await deps.scheduler.scheduleTask({
            id: 'gitops-promotion-watch-status',
            frequency: { milliseconds: watching.frequencyMs },
            timeout: { minutes: 2 },
            // Local: each replica remembers its own last pass; repeated
            // drift notifications update one (same scope).
            scope: 'local',
            fn: async () => {
              await watcher.run();
            },
          });
        }

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
            environments,
            promotions,
            pauses: new AutoPromotionPauses({ config, catalog, store, access }),
            registrar: new ServiceRegistrar({
              config,
              repositories,
              writer,
              access,
              catalogService: deps.catalogService,
              auth: deps.auth,
            }),
          }),
        );
      },
    });
  },
});
