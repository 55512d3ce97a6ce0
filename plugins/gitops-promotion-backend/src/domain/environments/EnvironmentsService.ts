import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { DateTime } from 'luxon';
import { ArgoCdClient } from '../../clients/argocd';
import {
  ServiceCatalog,
  ServiceEntity,
  ServiceFilter,
} from '../../clients/catalog/ServiceCatalog';
import { EnvironmentConfig, GitopsPromotionConfig } from '../../config/types';
import {
  DeliveryFigures,
  PromotionRecord,
  PromotionState,
  PromotionStore,
  AutoPromotionPauseRecord,
} from '../ledger';
import { environmentGates, inFlightView } from './environmentGates';
import { isPaused } from '../automation/AutoPromotionPauses';
import {
  EnvironmentAccess,
  EnvironmentPermissions,
} from '../permissions/EnvironmentAccess';
import {
  activeFreezeWindows,
  downstreamsOf,
  evaluatePolicy,
  pipelineEnds,
} from '../policy';
import { driftOf } from './drift';
import { LiveChartReader } from './LiveChartReader';
import { MatrixSnapshot } from './MatrixSnapshot';
import { toMatrixCell } from './matrixCell';
import { CellVersion } from './VersionReader';
import { readHistory, readLastVersionChange } from './readHistory';
import { readVersionChanges } from './gitVersionChanges';
import { resolveServiceLocation } from '../locations/resolveServiceLocation';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import {
  EnvironmentHistoryResponse,
  EnvironmentView,
  MatrixResponse,
  PromoteOption,
  type GitopsArgoCdStatus,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/**
 * How long before a delivery period the GitOps repository's history is read:
 * where the period's versions first went (lead time), what a revert went
 * back to.
 */
const GIT_LOOKBACK_DAYS = 30;

/** How many of an environment's commits are searched for its last version change. */
const LAST_CHANGE_DEPTH = 10;

const IN_FLIGHT_STATES: PromotionState[] = [
  'awaiting-approval',
  'verifying',
  'pending',
  'committed',
  'pr-open',
  'syncing',
];

/**
 * Every environment of a service (or of many services for the matrix): git
 * versions, Argo CD status, drift, lag, pull requests and what the caller may
 * do, from one snapshot per repository branch and one Argo CD list per instance.
 */
export class EnvironmentsService {
  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      catalog: ServiceCatalog;
      snapshot: MatrixSnapshot;
      liveCharts: LiveChartReader;
      repositories: (id: string) => GitopsRepository;
      access: EnvironmentAccess;
      store: PromotionStore;
      argocd?: ArgoCdClient;
      now?: () => DateTime;
    },
  ) {}

  async forEntity(entityRef: string, credentials: BackstageCredentials) {
    const service = await this.deps.catalog.getService(entityRef, credentials);
    const readable = await this.deps.access.readable(credentials);
    const [{ cells, lags }, statuses, inFlight, pauses] = await Promise.all([
      this.deps.snapshot.read([service], readable),
      this.statuses([service], readable),
      this.deps.store.list({
        entityRef: service.entityRef,
        states: IN_FLIGHT_STATES,
        limit: 100,
      }),
      this.deps.store.pauses(),
    ]);
    const [permissions, lastChanges, liveCharts, mayDecide, mayPause] =
      await Promise.all([
        this.deps.access.permissionsIn(
          readable.map(e => e.name),
          credentials,
          service.entity,
        ),
        Promise.all(cells.map(cell => this.lastChange(service, cell))),
        this.deps.liveCharts.read(cells, statuses),
        this.deps.access.mayDecide(inFlight, credentials),
        this.deps.access.mayPause(automaticallyPromoted(readable), credentials),
      ]);
    const decidable = new Map(inFlight.map((p, i) => [p.id, mayDecide[i]]));
    const now = this.deps.now?.() ?? DateTime.now();
    const environments = readable.map((env, i) => {
      const cell = cells[i];
      const status = statuses[i];
      return {
        ...this.baseView(env, cell, status, now),
        drift: driftOf(cell, status, liveCharts[i]),
        lag: lags[i],
        lastChange: lastChanges[i],
        openPullRequests: inFlight
          .filter(
            p =>
              p.targetEnv === env.name &&
              p.state === 'pr-open' &&
              p.pullRequest,
          )
          .map(p => ({ id: p.id, ...p.pullRequest! })),
        inFlight: inFlight
          .filter(p => p.targetEnv === env.name)
          .map(p => inFlightView(p, decidable.get(p.id)!)),
        ...gatesOf(env, pauses),
        ...(env.autoPromotesFrom.length > 0 && {
          autoPromotionPaused: isPaused(pauses, service.entityRef, env.name),
          mayPausePromotion: mayPause.has(env.name),
        }),
        promote: this.promoteOptions(
          env,
          cell,
          status,
          readable,
          permissions,
          now,
        ),
        mayPromote: permissions.get(env.name)!.promote,
      } satisfies EnvironmentView;
    });
    return {
      entityRef: service.entityRef,
      service: service.service,
      environments,
    };
  }

  /**
   * The git history of a service's version in one environment the caller
   * may read, newest first (see {@link readHistory}).
   */
  async history(
    query: { entityRef: string; environment: string; limit: number },
    credentials: BackstageCredentials,
  ): Promise<EnvironmentHistoryResponse> {
    await this.deps.access.assertReadable([query.environment], credentials);
    const service = await this.deps.catalog.getService(
      query.entityRef,
      credentials,
    );
    const location = resolveServiceLocation(this.deps.config, {
      service: service.service,
      layout: service.layout,
      environment: query.environment,
    });
    const repository = this.deps.repositories(location.repository.id);
    const snapshot = await repository.snapshot(location.branch);
    return {
      entityRef: service.entityRef,
      environment: query.environment,
      path: location.files[0].path,
      key: location.files[0].keys[0],
      history: await readHistory(
        repository,
        snapshot.commitSha,
        location,
        query.limit,
      ),
    };
  }

  /**
   * The delivery figures (see PromotionStore.deliveryFigures) of the
   * services the catalog shows the caller (by entity ref or owner), per
   * environment they may read, over the last `days`: from the ledger and
   * the version changes in the GitOps repository since
   * {@link GIT_LOOKBACK_DAYS} before the period (the commits made outside
   * the plugin, and where versions first went).
   */
  async deliveryFigures(
    query: { entityRef?: string[]; owner?: string[]; days: number },
    credentials: BackstageCredentials,
  ): Promise<DeliveryFigures> {
    const services = await this.deps.catalog.findServices(
      { entityRefs: query.entityRef, owner: query.owner },
      credentials,
    );
    const readable = (await this.deps.access.readable(credentials)).map(
      e => e.name,
    );
    const now = (this.deps.now?.() ?? DateTime.now()).toUTC();
    const since = now.minus({ days: query.days });
    const git = await readVersionChanges(this.deps, {
      services,
      environments: readable,
      from: since.minus({ days: GIT_LOOKBACK_DAYS }).toJSDate(),
    });
    const figures = await this.deps.store.deliveryFigures({
      services: services.map(s => s.service),
      since: since.toJSDate(),
      environments: readable,
      productionEnvironments: pipelineEnds(
        this.deps.config.environments,
      ).production.filter(e => readable.includes(e)),
      commits: git.commits,
    });
    return git.warnings.length
      ? { ...figures, warnings: git.warnings }
      : figures;
  }

  /**
   * The newest of the environment's last 10 commits that changed its version,
   * read at the commit its version was read at (cached by file blob). Without
   * it (e.g. the git host is unreachable) the environment is still shown.
   */
  private async lastChange(service: ServiceEntity, cell: CellVersion) {
    const location = resolveServiceLocation(this.deps.config, {
      service: service.service,
      layout: service.layout,
      environment: cell.environment,
    });
    if (!cell.commitSha) return undefined;
    const repository = this.deps.repositories(location.repository.id);
    return readLastVersionChange(
      repository,
      cell.commitSha,
      location,
      LAST_CHANGE_DEPTH,
    ).catch(() => undefined);
  }

  /**
   * Many services at once: versions, status, drift, lag and promotions in
   * flight per cell. The git side comes from the prepared
   * {@link MatrixSnapshot} (one head lookup per repository branch, cells read
   * again only where files changed), status from Argo CD's watched (or
   * cached) application lists, promotions from one ledger query.
   */
  async matrix(
    filter: ServiceFilter,
    credentials: BackstageCredentials,
  ): Promise<MatrixResponse> {
    const [services, readable] = await Promise.all([
      this.deps.catalog.findServices(filter, credentials),
      this.deps.access.readable(credentials),
    ]);
    const [prepared, statuses, inFlight, pauses] = await Promise.all([
      this.deps.snapshot.read(services, readable),
      this.statuses(services, readable),
      this.deps.store.list({ states: IN_FLIGHT_STATES, limit: 500 }),
      this.deps.store.pauses(),
    ]);
    const [liveCharts, mayDecide, mayPause] = await Promise.all([
      this.deps.liveCharts.read(prepared.cells, statuses),
      this.deps.access.mayDecide(inFlight, credentials),
      this.deps.access.mayPause(automaticallyPromoted(readable), credentials),
    ]);
    const decidable = new Set(
      inFlight.filter((_, i) => mayDecide[i]).map(p => p.id),
    );
    const inFlightByCell = new Map<string, PromotionRecord[]>();
    for (const p of inFlight) {
      const key = `${p.service}\0${p.targetEnv}`;
      inFlightByCell.set(key, [...(inFlightByCell.get(key) ?? []), p]);
    }
    const now = this.deps.now?.() ?? DateTime.now();
    return {
      lagPending: prepared.lagPending,
      environments: readable.map(e => ({
        ...environmentColumn(e, now),
        ...gatesOf(e, pauses),
        ...(e.autoPromotesFrom.length > 0 && {
          mayPausePromotion: mayPause.has(e.name),
        }),
      })),
      services: services.map((s, si) => ({
        entityRef: s.entityRef,
        service: s.service,
        title: s.entity.metadata.title ?? s.entity.metadata.name,
        owner: stringField(s.entity.spec?.owner),
        owners: relationTargets(s, 'ownedBy'),
        system: stringField(s.entity.spec?.system),
        systems: relationTargets(s, 'partOf'),
        lifecycle: stringField(s.entity.spec?.lifecycle),
        lastDeployedAt: lastDeployment(
          statuses.slice(si * readable.length, (si + 1) * readable.length),
        ),
        cells: readable.map((env, ei) => {
          const index = si * readable.length + ei;
          return toMatrixCell(
            prepared.cells[index],
            statuses[index],
            prepared.lags[index],
            inFlightByCell.get(`${s.service}\0${env.name}`) ?? [],
            liveCharts[index],
            {
              decidable,
              autoPromotionPaused:
                env.autoPromotesFrom.length > 0 &&
                isPaused(pauses, s.entityRef, env.name),
            },
          );
        }),
      })),
    };
  }

  /**
   * Brings the prepared matrix of every service the catalog has up to date
   * in every environment (the scheduler's task on each replica), so that a
   * page finds it ready: one head lookup per branch when nothing changed.
   */
  async prepareMatrix(credentials: BackstageCredentials): Promise<void> {
    const services = await this.deps.catalog.findServices({}, credentials);
    await this.deps.snapshot.read(services, this.deps.config.environments);
  }

  private baseView(
    env: EnvironmentConfig,
    cell: CellVersion,
    status: GitopsArgoCdStatus,
    now: DateTime,
  ) {
    return {
      ...environmentColumn(env, now),
      version: cell.version,
      values: cell.values,
      commitSha: cell.commitSha,
      status,
    };
  }

  /** The Argo CD status of every service in every environment, row by row. */
  private async statuses(
    services: ServiceEntity[],
    environments: EnvironmentConfig[],
  ): Promise<GitopsArgoCdStatus[]> {
    const targets = services.flatMap(s =>
      environments.map(e => ({
        service: s.service,
        environment: e.name,
        annotations: s.annotations,
      })),
    );
    return this.deps.argocd
      ? this.deps.argocd.getStatuses(targets)
      : targets.map(() => ({
          state: 'unknown' as const,
          reason: 'not-configured' as const,
          message: 'No Argo CD instance is configured',
        }));
  }

  private promoteOptions(
    env: EnvironmentConfig,
    cell: CellVersion,
    status: GitopsArgoCdStatus,
    readable: EnvironmentConfig[],
    permissions: Map<string, EnvironmentPermissions>,
    now: DateTime,
  ): PromoteOption[] {
    const { config } = this.deps;
    return downstreamsOf(config.environments, env.name)
      .map(name => readable.find(e => e.name === name))
      .filter((target): target is EnvironmentConfig => Boolean(target))
      .map(target => {
        const missing = cell.values.find(v => v.value === undefined);
        if (missing) {
          return {
            target: target.name,
            allowed: false,
            reasons: [missing.problem ?? `${missing.key} is not set`],
          };
        }
        const evaluation = evaluatePolicy({
          source: env.name,
          target: target.name,
          pipeline: config.environments,
          versions: cell.values.map(v => ({
            key: v.key,
            version: v.value!,
            sourceVersion: v.value,
          })),
          sourceStatus: status,
          targetPolicy: target.policy,
          permissions: permissions.get(target.name)!,
          now,
        });
        return {
          target: target.name,
          allowed: evaluation.allowed,
          reasons: evaluation.verdicts
            .filter(v => !v.passed)
            .map(v => v.message),
        };
      });
  }
}

/** The targets of the entity's relations of one type, e.g. its owners. */
function relationTargets(service: ServiceEntity, type: string): string[] {
  return (service.entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef);
}

/** What the matrix's column and the tab's card say of an environment itself. */
function environmentColumn(env: EnvironmentConfig, now: DateTime) {
  return {
    name: env.name,
    title: env.title,
    promotesFrom: env.promotesFrom,
    mode: env.policy.mode,
    protected: env.policy.protected,
    frozen: activeFreezeWindows(env.policy.freezeWindows, now).map(
      f => f.window.name,
    ),
  };
}

/** The names of the environments promoted into automatically. */
function automaticallyPromoted(environments: EnvironmentConfig[]): string[] {
  return environments
    .filter(e => e.autoPromotesFrom.length > 0)
    .map(e => e.name);
}

/** The environment's gates, as a field to spread (none when it has none). */
function gatesOf(env: EnvironmentConfig, pauses: AutoPromotionPauseRecord[]) {
  const gates = environmentGates(env, pauses);
  return gates ? { gates } : {};
}

/** The newest last deployment among the statuses, if any has one. */
function lastDeployment(statuses: GitopsArgoCdStatus[]): string | undefined {
  let newest: string | undefined;
  for (const status of statuses) {
    if (status.state !== 'known' || !status.lastDeployedAt) continue;
    if (!newest || Date.parse(status.lastDeployedAt) > Date.parse(newest)) {
      newest = status.lastDeployedAt;
    }
  }
  return newest;
}

/** A catalog field the API answers as a string: anything else is left out. */
function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
