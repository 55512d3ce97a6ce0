import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionEnvironmentReadPermission,
  gitopsPromotionFreezeOverridePermission,
} from '@internal/backstage-plugin-gitops-promotion-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { NotAllowedError } from '@backstage/errors';
import { DateTime } from 'luxon';
import { ArgoCdClient, ArgoCdStatus } from '../argocd';
import { ServiceCatalog, ServiceEntity } from '../catalog/ServiceCatalog';
import { EnvironmentConfig, GitopsPromotionConfig } from '../config/types';
import { PromotionRecord, PromotionStore } from '../ledger';
import { resolveServiceLocation } from '../locations/resolveServiceLocation';
import {
  activeFreezeWindows,
  downstreamsOf,
  evaluatePolicy,
  isDigest,
  versionKindOfKey,
} from '../policy';
import { GitopsRepository } from '../repository/GitopsRepository';
import { readHistory } from './readHistory';
import { CellVersion, KeyValue, VersionReader } from './VersionReader';

/** Drift: git says one version, Argo CD runs images without it. */
export interface Drift {
  desired: string;
  live: string[];
}

/** How far an environment is behind its (first) upstream. */
export interface Lag {
  upstream: string;
  upstreamVersion?: string;
  /** Versions the upstream went through since this environment's version; undefined when unknown. */
  versionsBehind?: number;
  /** When the upstream first moved past this environment's version (ISO 8601). */
  behindSince?: string;
}

/** What the caller may do from this environment. */
export interface PromoteOption {
  target: string;
  allowed: boolean;
  /** The failed rules' messages when not allowed. */
  reasons: string[];
}

/** One environment of one service. */
export interface EnvironmentView {
  name: string;
  title: string;
  promotesFrom: string[];
  mode: 'commit' | 'pull-request';
  protected: boolean;
  frozen: string[];
  version?: string;
  values: KeyValue[];
  commitSha: string;
  status: ArgoCdStatus;
  drift?: Drift;
  lag?: Lag;
  openPullRequests: Array<{ id: string; url: string; number: number }>;
  inFlight: Array<
    Pick<
      PromotionRecord,
      'id' | 'state' | 'sourceEnv' | 'versions' | 'commitSha' | 'createdAt'
    >
  >;
  promote: PromoteOption[];
}

const HISTORY_FOR_LAG = 30;

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
      reader: VersionReader;
      repositories: (id: string) => GitopsRepository;
      permissions: PermissionsService;
      store: PromotionStore;
      argocd?: ArgoCdClient;
      now?: () => DateTime;
    },
  ) {}

  async forEntity(entityRef: string, credentials: BackstageCredentials) {
    const service = await this.deps.catalog.getService(entityRef, credentials);
    const readable = await this.readableEnvironments(credentials);
    const [cells, statuses, inFlight] = await Promise.all([
      this.deps.reader.readVersions(
        readable.map(e => ({
          service: service.service,
          layout: service.layout,
          environment: e.name,
        })),
      ),
      this.statuses([service], readable),
      this.deps.store.list({
        entityRef: service.entityRef,
        states: ['pending', 'committed', 'pr-open', 'syncing'],
        limit: 100,
      }),
    ]);
    const permissions = await this.promotePermissions(readable, credentials);
    const now = this.deps.now?.() ?? DateTime.now();
    const environments = await Promise.all(
      readable.map(async (env, i) => {
        const cell = cells[i];
        const status = statuses.get(`${service.service}\0${env.name}`)!;
        return {
          ...this.baseView(env, cell, status, now),
          lag: await this.lag(service, env, cells, readable),
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
            .map(
              ({ id, state, sourceEnv, versions, commitSha, createdAt }) => ({
                id,
                state,
                sourceEnv,
                versions,
                commitSha,
                createdAt,
              }),
            ),
          promote: this.promoteOptions(
            env,
            cell,
            status,
            readable,
            permissions,
            now,
          ),
        } satisfies EnvironmentView;
      }),
    );
    return {
      entityRef: service.entityRef,
      service: service.service,
      environments,
    };
  }

  /** Many services at once: versions, status, drift and whether each cell is behind. */
  async matrix(
    filter: {
      owner?: string[];
      system?: string[];
      lifecycle?: string[];
      entityRefs?: string[];
    },
    credentials: BackstageCredentials,
  ) {
    const services = await this.deps.catalog.findServices(filter, credentials);
    const readable = await this.readableEnvironments(credentials);
    const requests = services.flatMap(s =>
      readable.map(e => ({
        service: s.service,
        layout: s.layout,
        environment: e.name,
      })),
    );
    const [cells, statuses] = await Promise.all([
      this.deps.reader.readVersions(requests),
      this.statuses(services, readable),
    ]);
    const now = this.deps.now?.() ?? DateTime.now();
    return {
      environments: readable.map(e => ({
        name: e.name,
        title: e.title,
        promotesFrom: e.promotesFrom,
        frozen: activeFreezeWindows(e.policy.freezeWindows, now).map(
          f => f.window.name,
        ),
      })),
      services: services.map((s, si) => ({
        entityRef: s.entityRef,
        service: s.service,
        title: s.entity.metadata.title ?? s.entity.metadata.name,
        owner: s.entity.spec?.owner,
        system: s.entity.spec?.system,
        lifecycle: s.entity.spec?.lifecycle,
        cells: readable.map((env, ei) => {
          const cell = cells[si * readable.length + ei];
          const status = statuses.get(`${s.service}\0${env.name}`)!;
          const upstream = env.promotesFrom[0];
          const upstreamIndex = readable.findIndex(e => e.name === upstream);
          const upstreamVersion =
            upstreamIndex >= 0
              ? cells[si * readable.length + upstreamIndex].version
              : undefined;
          return {
            environment: env.name,
            version: cell.version,
            values: cell.values,
            status,
            drift: driftOf(cell, status),
            behind:
              upstreamVersion !== undefined && cell.version !== undefined
                ? upstreamVersion !== cell.version
                : undefined,
            upstreamVersion,
          };
        }),
      })),
    };
  }

  private baseView(
    env: EnvironmentConfig,
    cell: CellVersion,
    status: ArgoCdStatus,
    now: DateTime,
  ) {
    return {
      name: env.name,
      title: env.title,
      promotesFrom: env.promotesFrom,
      mode: env.policy.mode,
      protected: env.policy.protected,
      frozen: activeFreezeWindows(env.policy.freezeWindows, now).map(
        f => f.window.name,
      ),
      version: cell.version,
      values: cell.values,
      commitSha: cell.commitSha,
      status,
      drift: driftOf(cell, status),
    };
  }

  /** Throws NotAllowedError unless the caller may read the environment. */
  async assertReadable(environment: string, credentials: BackstageCredentials) {
    const readable = await this.readableEnvironments(credentials);
    if (!readable.some(e => e.name === environment)) {
      throw new NotAllowedError(`You may not read ${environment}`);
    }
  }

  /** The environments whose read permission the caller holds, in pipeline order. */
  private async readableEnvironments(credentials: BackstageCredentials) {
    const { environments } = this.deps.config;
    const decisions = await this.deps.permissions.authorize(
      environments.map(e => ({
        permission: gitopsPromotionEnvironmentReadPermission,
        resourceRef: e.name,
      })),
      { credentials },
    );
    return environments.filter(
      (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
    );
  }

  private async promotePermissions(
    environments: EnvironmentConfig[],
    credentials: BackstageCredentials,
  ) {
    const requests = environments.flatMap(e => [
      {
        permission: gitopsPromotionEnvironmentPromotePermission,
        resourceRef: e.name,
      },
      {
        permission: gitopsPromotionFreezeOverridePermission,
        resourceRef: e.name,
      },
    ]);
    const decisions = await this.deps.permissions.authorize(requests, {
      credentials,
    });
    return new Map(
      environments.map((e, i) => [
        e.name,
        {
          promote: decisions[2 * i].result === AuthorizeResult.ALLOW,
          freezeOverride: decisions[2 * i + 1].result === AuthorizeResult.ALLOW,
        },
      ]),
    );
  }

  private async statuses(
    services: ServiceEntity[],
    environments: EnvironmentConfig[],
  ) {
    const targets = services.flatMap(s =>
      environments.map(e => ({
        service: s.service,
        environment: e.name,
        annotations: s.annotations,
      })),
    );
    const result = new Map<string, ArgoCdStatus>();
    const statuses = this.deps.argocd
      ? await this.deps.argocd.getStatuses(targets)
      : targets.map(() => ({
          state: 'unknown' as const,
          reason: 'not-configured' as const,
          message: 'No Argo CD instance is configured',
        }));
    targets.forEach((t, i) =>
      result.set(`${t.service}\0${t.environment}`, statuses[i]),
    );
    return result;
  }

  private promoteOptions(
    env: EnvironmentConfig,
    cell: CellVersion,
    status: ArgoCdStatus,
    readable: EnvironmentConfig[],
    permissions: Map<string, { promote: boolean; freezeOverride: boolean }>,
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

  /** Versions the first upstream went through since this environment's version. */
  private async lag(
    service: ServiceEntity,
    env: EnvironmentConfig,
    cells: CellVersion[],
    readable: EnvironmentConfig[],
  ): Promise<Lag | undefined> {
    const upstream = readable.find(e => e.name === env.promotesFrom[0]);
    if (!upstream) return undefined;
    const mine = cells[readable.indexOf(env)].version;
    const theirs = cells[readable.indexOf(upstream)].version;
    if (mine === undefined || theirs === undefined) {
      return { upstream: upstream.name, upstreamVersion: theirs };
    }
    if (mine === theirs) {
      return {
        upstream: upstream.name,
        upstreamVersion: theirs,
        versionsBehind: 0,
      };
    }
    const location = resolveServiceLocation(this.deps.config, {
      service: service.service,
      layout: service.layout,
      environment: upstream.name,
    });
    const repository = this.deps.repositories(location.repository.id);
    const snapshot = await repository.snapshot(location.branch);
    const history = await readHistory(
      repository,
      snapshot,
      location,
      HISTORY_FOR_LAG,
    );
    const index = history.findIndex(h => h.to === mine);
    if (index < 0) {
      return { upstream: upstream.name, upstreamVersion: theirs };
    }
    const newer = history.slice(0, index).filter(h => h.to !== h.from);
    return {
      upstream: upstream.name,
      upstreamVersion: theirs,
      versionsBehind: new Set(newer.map(h => h.to)).size,
      behindSince: newer[newer.length - 1]?.date,
    };
  }
}

/** Git's image tag is not among the live images Argo CD reports. */
function driftOf(cell: CellVersion, status: ArgoCdStatus): Drift | undefined {
  if (status.state !== 'known' || status.images.length === 0) return undefined;
  const tag = cell.values.find(
    v => versionKindOfKey(v.key) === 'image-tag' && v.value,
  );
  if (!tag?.value) return undefined;
  const separator = isDigest(tag.value) ? '@' : ':';
  const running = status.images.some(image =>
    image.endsWith(`${separator}${tag.value}`),
  );
  return running ? undefined : { desired: tag.value, live: status.images };
}
