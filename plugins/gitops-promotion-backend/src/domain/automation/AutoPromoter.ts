import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import { ArgoCdClient } from '../../clients/argocd';
import {
  ServiceCatalog,
  ServiceEntity,
} from '../../clients/catalog/ServiceCatalog';
import { EnvironmentConfig, GitopsPromotionConfig } from '../../config/types';
import { PromotionStore } from '../ledger';
import { MatrixSnapshot } from '../environments/MatrixSnapshot';
import { CellVersion } from '../environments/VersionReader';
import { PromotionService } from '../promotions/PromotionService';
import { isPaused } from './AutoPromotionPauses';
import { AutomationPrincipal } from './AutomationPrincipal';

/** Refusals that mean "not now": a rule, a gate, a freeze window, a permission. */
const NOT_NOW = [
  'ConflictError',
  'InputError',
  'NotAllowedError',
  'NotFoundError',
];

/** How long a version a rule refused is left alone before it is planned again. */
const NOT_NOW_RETRY_MS = 2 * 60_000;
const MAX_NOT_NOW = 10_000;

/** One automatic edge: `target` promotes from `source` by itself. */
interface AutoEdge {
  source: EnvironmentConfig;
  target: EnvironmentConfig;
  afterMs: number;
}

/**
 * Promotes along `promotesFrom` entries with `auto: true`: a version the
 * source has run Synced and Healthy for `after` is promoted into the target
 * by the automation principal, through the same PromotionService as a
 * person's click (every rule, the ledger, commit trailers, pull request mode,
 * approvals). Every replica runs it; the idempotency key of each version and
 * edge (unique per requester in the ledger) makes one promotion of it across
 * replicas, and a version refused once for good (rejected, failed after its
 * commit) is not promoted again.
 */
export class AutoPromoter {
  /**
   * Versions refused by a permission or a rule of the version (immutable
   * versions), by key, with when to ask again: they are not planned again on
   * every pass.
   */
  private readonly notNow = new Map<string, number>();

  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      catalog: ServiceCatalog;
      snapshot: MatrixSnapshot;
      argocd?: ArgoCdClient;
      store: PromotionStore;
      promotions: PromotionService;
      principal: AutomationPrincipal;
      auditor: AuditorService;
      logger: LoggerService;
      now?: () => number;
    },
  ) {}

  /** One pass over every automatic edge; returns the promotions it made. */
  async run(): Promise<number> {
    const edges = this.edges();
    if (edges.length === 0) return 0;
    const credentials = await this.deps.principal.credentials();
    const [services, pauses] = await Promise.all([
      this.deps.catalog.findServices({}, credentials),
      this.deps.store.pauses(),
    ]);
    let promoted = 0;
    for (const edge of edges) {
      const { cells } = await this.deps.snapshot.read(services, [
        edge.source,
        edge.target,
      ]);
      for (const [i, service] of services.entries()) {
        const [source, target] = [cells[2 * i], cells[2 * i + 1]];
        if (
          !differs(source, target) ||
          isPaused(pauses, service.entityRef, edge.target.name)
        ) {
          continue;
        }
        try {
          if (await this.promote(edge, service, source, credentials)) {
            promoted++;
          }
        } catch (error) {
          // One service's failure (git unreachable, say) leaves the others to promote.
          this.deps.logger.warn(
            `Could not promote ${service.service} to ${edge.target.name} automatically: ${error}`,
          );
        }
      }
    }
    return promoted;
  }

  private edges(): AutoEdge[] {
    const byName = new Map(this.deps.config.environments.map(e => [e.name, e]));
    return this.deps.config.environments.flatMap(target =>
      target.autoPromotesFrom.map(edge => ({
        source: byName.get(edge.environment)!,
        target,
        afterMs: edge.afterMs,
      })),
    );
  }

  /** Promotes the source's values once they have run long enough; true when a promotion was made. */
  private async promote(
    edge: AutoEdge,
    service: ServiceEntity,
    source: CellVersion,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const versions = source.values.map(v => v.value!);
    const key = autoPromotionKey(edge, service, versions);
    const now = this.deps.now?.() ?? Date.now();
    if ((this.notNow.get(key) ?? 0) > now) return false;
    const since = await this.runningSince(edge, service);
    if (since === undefined || now - since < edge.afterMs) return false;
    const meta = {
      action: 'auto-promotion',
      entityRef: service.entityRef,
      source: edge.source.name,
      target: edge.target.name,
      versions,
    };
    try {
      const { promotion, created } = await this.deps.promotions.promote(
        {
          entityRef: service.entityRef,
          kind: 'promote',
          source: edge.source.name,
          target: edge.target.name,
          versions,
          sourceCommit: source.commitSha,
          idempotencyKey: key,
        },
        credentials,
        { trigger: 'auto-promotion' },
      );
      if (!created) return false;
      await this.audit(meta, {
        promotionId: promotion.id,
        state: promotion.state,
      });
      await this.supersedeAwaiting(service, edge, promotion.id);
      this.deps.logger.info(
        `Promoted ${service.service} ${versions[0]} from ${edge.source.name} to ${edge.target.name} automatically (promotion ${promotion.id}, ${promotion.state})`,
      );
      return true;
    } catch (error) {
      if (isError(error) && NOT_NOW.includes(error.name)) {
        // A permission or a rule of the version itself holds until the
        // policy or the configuration changes; a gate or a freeze window
        // (409) may pass at the next pass.
        if (error.name !== 'ConflictError') this.rememberNotNow(key, now);
        this.deps.logger.debug(
          `Not promoting ${service.service} ${versions[0]} to ${edge.target.name} automatically now: ${error.message}`,
        );
        return false;
      }
      await this.audit(meta, undefined, error as Error);
      throw error;
    }
  }

  private rememberNotNow(key: string, now: number) {
    this.notNow.set(key, now + NOT_NOW_RETRY_MS);
    if (this.notNow.size > MAX_NOT_NOW) {
      for (const [k, until] of this.notNow) {
        if (until <= now) this.notNow.delete(k);
      }
    }
  }

  /**
   * Earlier automatic promotions of the edge still awaiting approval are
   * superseded by the newer version: approving them would write an older one.
   */
  private async supersedeAwaiting(
    service: ServiceEntity,
    edge: AutoEdge,
    newer: string,
  ) {
    const awaiting = await this.deps.store.list({
      entityRef: service.entityRef,
      environment: edge.target.name,
      states: ['awaiting-approval'],
      limit: 50,
    });
    for (const older of awaiting) {
      if (older.id === newer || older.trigger !== 'auto-promotion') continue;
      await this.deps.store.update(
        older.id,
        {
          state: 'rejected',
          stateReason: `Superseded by promotion ${newer} of a newer version`,
        },
        { expectedState: 'awaiting-approval' },
      );
    }
  }

  /**
   * Since when the source has run its versions Synced and Healthy: its last
   * deployment, by Argo CD or by the ledger, whichever is later; undefined
   * while it is not Synced and Healthy (or Argo CD cannot tell).
   */
  private async runningSince(
    edge: AutoEdge,
    service: ServiceEntity,
  ): Promise<number | undefined> {
    const { argocd, store } = this.deps;
    if (!argocd) return undefined;
    const status = await argocd.getStatus({
      service: service.service,
      environment: edge.source.name,
      annotations: service.annotations,
    });
    if (
      status.state !== 'known' ||
      status.syncStatus !== 'Synced' ||
      status.health.status !== 'Healthy'
    ) {
      return undefined;
    }
    const [deployed] = await store.list({
      service: service.service,
      environment: edge.source.name,
      states: ['deployed'],
      limit: 1,
    });
    const times = [status.lastDeployedAt, deployed?.deployedAt]
      .filter((t): t is string => t !== undefined)
      .map(t => Date.parse(t));
    return times.length ? Math.max(...times) : undefined;
  }

  private async audit(
    meta: Record<string, string | string[]>,
    result?: Record<string, string>,
    error?: Error,
  ) {
    const event = await this.deps.auditor.createEvent({
      eventId: 'promotion',
      severityLevel: 'medium',
      meta,
    });
    if (error) await event.fail({ error });
    else await event.success({ meta: result });
  }
}

/** The source has every value and runs something other than the target. */
function differs(source: CellVersion, target: CellVersion): boolean {
  if (
    source.values.length === 0 ||
    source.values.some(v => v.value === undefined)
  ) {
    return false;
  }
  return source.values.some((v, i) => v.value !== target.values[i]?.value);
}

/** One promotion per edge, service and versions, across replicas and restarts. */
function autoPromotionKey(
  edge: AutoEdge,
  service: ServiceEntity,
  versions: string[],
): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([service.entityRef, versions]))
    .digest('hex')
    .slice(0, 40);
  return `auto-promotion:${edge.source.name}>${edge.target.name}:${digest}`;
}
