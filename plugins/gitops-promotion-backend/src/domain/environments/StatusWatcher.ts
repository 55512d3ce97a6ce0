import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { GitopsArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { ArgoCdClient } from '../../clients/argocd';
import {
  ServiceCatalog,
  ServiceEntity,
} from '../../clients/catalog/ServiceCatalog';
import { EnvironmentConfig, GitopsPromotionConfig } from '../../config/types';
import { PromotionNotifier } from '../announcements/PromotionNotifier';
import { SignalPublisher } from '../announcements/SignalPublisher';
import { IN_FLIGHT_PROMOTION_STATES, PromotionStore } from '../ledger';
import { resolveServiceLocation } from '../locations/resolveServiceLocation';
import { driftOf } from './drift';
import { LiveChartReader } from './LiveChartReader';
import { VersionReader } from './VersionReader';

/** One service in one environment. */
interface Cell {
  service: ServiceEntity;
  environment: EnvironmentConfig;
}

/** A drift as first seen; notified once it has lasted the grace period. */
interface SeenDrift {
  signature: string;
  since: number;
  notified: boolean;
}

/**
 * Watches Argo CD for what pages and owners need to hear about without a
 * promotion: after each pass it signals, per service, the environments whose
 * sync status, health, live images or last deployment changed since the pass
 * before (the first pass only learns what is there), and notifies the owners once of
 * each drift from git in a protected or production environment that lasted
 * the grace period with no promotion into it in flight.
 *
 * A pass reads the annotated services from the catalog (one query), every
 * service's status in every environment from one application list per Argo
 * CD instance (shared with the pages through the client's cache), and, for
 * the drift, the versions in git (per repository branch one head lookup, the
 * tree and blobs only when it moved) and the promotions in flight (one
 * ledger query). It remembers only the last pass, in memory: after a restart
 * a drift is notified again, which updates the owners' earlier notification
 * (same scope) rather than adding one; so do the other replicas, which each
 * run their own watcher.
 */
export class StatusWatcher {
  /** Each cell's status at the last pass, by {@link cellKey}. */
  private statuses?: Map<string, string>;
  /** The drifts of the last pass, by {@link cellKey}. */
  private drifts = new Map<string, SeenDrift>();
  private running?: Promise<void>;
  private queued?: Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      catalog: ServiceCatalog;
      auth: AuthService;
      argocd: ArgoCdClient;
      reader: VersionReader;
      liveCharts: LiveChartReader;
      store: PromotionStore;
      signals: SignalPublisher;
      notifier: PromotionNotifier;
      logger: LoggerService;
      /** How long a drift lasts before the owners are notified. */
      driftGraceMs: number;
      /** The clock (milliseconds), for tests. */
      now?: () => number;
    },
  ) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * One pass. A pass asked for while one runs follows it, once however many
   * asked: Argo CD's changes as they stream in ask for passes too.
   */
  run(): Promise<void> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.run();
      });
    return this.queued;
  }

  private async pass(): Promise<void> {
    const { config, catalog, auth, argocd } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const services = await catalog.findServices({}, credentials);
    const cells = services.flatMap(service =>
      config.environments.map(environment => ({ service, environment })),
    );
    const statuses = await argocd.getStatuses(
      cells.map(({ service, environment }) => ({
        service: service.service,
        environment: environment.name,
        annotations: service.annotations,
      })),
    );
    await this.signalStatusChanges(cells, statuses);
    await this.notifyDrifts(cells, statuses);
  }

  private async signalStatusChanges(
    cells: Cell[],
    statuses: GitopsArgoCdStatus[],
  ) {
    const previous = this.statuses;
    const current = new Map<string, string>();
    const changed = new Map<string, string[]>();
    cells.forEach((cell, i) => {
      const key = cellKey(cell);
      const fingerprint = fingerprintOf(statuses[i]);
      current.set(key, fingerprint);
      const before = previous?.get(key);
      if (before === undefined || before === fingerprint) return;
      // Pages know a service by its entity's name.
      const name = cell.service.entity.metadata.name;
      changed.set(name, [...(changed.get(name) ?? []), cell.environment.name]);
    });
    this.statuses = current;
    for (const [service, environments] of changed) {
      await this.deps.signals
        .statusChanged(service, environments)
        .catch(error =>
          this.deps.logger.warn(
            `Could not signal that the status of ${service} changed: ${error}`,
          ),
        );
    }
  }

  private async notifyDrifts(cells: Cell[], statuses: GitopsArgoCdStatus[]) {
    const { config, notifier, reader, store } = this.deps;
    const watched = new Set(
      notifier.driftWatchedEnvironments().map(e => e.name),
    );
    const candidates = cells.flatMap((cell, i) => {
      const status = statuses[i];
      return watched.has(cell.environment.name) &&
        status.state === 'known' &&
        isResolvable(config, cell)
        ? [{ ...cell, status }]
        : [];
    });
    if (candidates.length === 0) {
      this.drifts = new Map();
      return;
    }
    const [versions, inFlight] = await Promise.all([
      reader.readVersions(
        candidates.map(({ service, environment }) => ({
          service: service.service,
          layout: service.layout,
          environment: environment.name,
        })),
      ),
      store.list({ states: [...IN_FLIGHT_PROMOTION_STATES], limit: 500 }),
    ]);
    const liveCharts = await this.deps.liveCharts.read(
      versions,
      candidates.map(c => c.status),
    );
    const promoting = new Set(
      inFlight.map(p => `${p.service}\0${p.targetEnv}`),
    );
    const now = this.now();
    const seen = new Map<string, SeenDrift>();
    for (const [i, cell] of candidates.entries()) {
      const drift = driftOf(versions[i], cell.status, liveCharts[i]);
      if (
        !drift ||
        promoting.has(`${cell.service.service}\0${cell.environment.name}`)
      ) {
        continue;
      }
      const key = cellKey(cell);
      const signature = [drift.desired, ...drift.live].join('\0');
      const earlier = this.drifts.get(key);
      const entry =
        earlier?.signature === signature
          ? earlier
          : { signature, since: now, notified: false };
      seen.set(key, entry);
      if (!entry.notified && now - entry.since >= this.deps.driftGraceMs) {
        entry.notified = true;
        await notifier
          .driftAppeared(cell.service, cell.environment, drift)
          .catch(error =>
            this.deps.logger.warn(
              `Could not notify the owners of ${cell.service.entityRef} of its drift in ${cell.environment.name}: ${error}`,
            ),
          );
      }
    }
    this.drifts = seen;
  }
}

function cellKey(cell: Cell): string {
  return `${cell.service.entityRef}\0${cell.environment.name}`;
}

/**
 * What pages show of a status: sync status, health, live images and the last
 * deployment. Not the revision: every application of a shared GitOps
 * repository moves to each new commit, which would signal every service.
 */
function fingerprintOf(status: GitopsArgoCdStatus): string {
  if (status.state === 'unknown') return `unknown\0${status.reason}`;
  return JSON.stringify([
    status.syncStatus,
    status.health.status,
    status.health.message ?? null,
    [...status.images].sort(),
    status.lastDeployedAt ?? null,
  ]);
}

/** A service whose layout annotation names no configured layout has no versions to compare. */
function isResolvable(config: GitopsPromotionConfig, cell: Cell): boolean {
  try {
    resolveServiceLocation(config, {
      service: cell.service.service,
      layout: cell.service.layout,
      environment: cell.environment.name,
    });
    return true;
  } catch {
    return false;
  }
}
