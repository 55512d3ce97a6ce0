import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { DateTime } from 'luxon';
import { ArgoCdClient } from '../../clients/argocd';
import {
  ServiceCatalog,
  ServiceEntity,
} from '../../clients/catalog/ServiceCatalog';
import { GitopsPromotionConfig } from '../../config/types';
import {
  resolveServiceLocation,
  ServiceLocation,
} from '../locations/resolveServiceLocation';
import { PromotionStore } from '../ledger';
import { EnvironmentAccess } from '../permissions/EnvironmentAccess';
import {
  evaluatePolicy,
  PolicyEvaluation,
  validateVersion,
  versionKindOfKey,
} from '../policy';
import { PromotionKindChecked } from '../policy/types';
import {
  GitopsRepository,
  Snapshot,
} from '../../clients/repository/GitopsRepository';
import { buildChangeSet, ChangeSet } from './buildChangeSet';
import { findRanBefore } from '../environments/rollbackHistory';
import { readValues } from '../environments/VersionReader';
import {
  GitopsKeyValue,
  type GitopsArgoCdStatus,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** What to promote: a service from an environment (or explicit versions) into another. */
export interface PromotionIntent {
  entityRef: string;
  /** Default `promote`. Rollbacks and CI sets name their versions and no source. */
  kind?: PromotionKindChecked;
  /** The environment the versions come from; absent for rollbacks and CI sets. */
  source?: string;
  target: string;
  /**
   * Every bundle value in bundle order. With a source: the versions the
   * preview showed, which the source must still run. Otherwise: the versions
   * to set (rollback, CI).
   */
  versions?: string[];
  /** The commit of the target's branch the preview was computed on; default: its head now. */
  baseCommit?: string;
  /** The commit of the source's branch the preview read the versions at. */
  sourceCommit?: string;
}

/** How a plan is made. */
export interface PlanOptions {
  /**
   * `write`: the caller must hold the promote permission for the target,
   * decided before anything is read. `preview`: the permission is a verdict.
   */
  purpose: 'preview' | 'write';
  /** The service, when the caller already looked it up. */
  service?: ServiceEntity;
  /**
   * Branch heads shared by the plans of one request, so that the services of
   * a release train are planned on one commit.
   */
  heads?: Map<string, Promise<Snapshot>>;
  /**
   * A freeze window is never overridden, whatever the principal's
   * permissions: the backend promotes by itself (an automatic edge), or
   * writes an approved request as itself.
   */
  withoutOverrides?: boolean;
}

/** A promotion computed and checked, not written. */
export interface PromotionPlan {
  service: ServiceEntity;
  kind: PromotionKindChecked;
  source?: string;
  location: ServiceLocation;
  /** Every bundle value written, in bundle order: what a confirm sends back. */
  values: string[];
  /** The commit of the source's branch the values were read at. */
  sourceCommit?: string;
  changeSet: ChangeSet;
  evaluation: PolicyEvaluation;
  sourceStatus?: GitopsArgoCdStatus;
}

/**
 * Computes a promotion's exact change set and checks it against every rule,
 * from the configuration, the catalog and the repository only: the client
 * names an entity and environments, never a repository, path or key. What a
 * preview showed is pinned by its commits and versions: a plan on them yields
 * the same change, or a ConflictError naming what moved.
 */
export class PromotionPlanner {
  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      catalog: ServiceCatalog;
      repositories: (id: string) => GitopsRepository;
      access: EnvironmentAccess;
      store: PromotionStore;
      argocd?: ArgoCdClient;
      now?: () => DateTime;
    },
  ) {}

  async plan(
    intent: PromotionIntent,
    credentials: BackstageCredentials,
    options: PlanOptions,
  ): Promise<PromotionPlan> {
    const { config, access } = this.deps;
    const kind = intent.kind ?? 'promote';
    const entity =
      options.service ??
      (await this.deps.catalog.getService(intent.entityRef, credentials));
    const location = this.locate(entity, intent.target);
    if (intent.source === intent.target) {
      throw new InputError(
        `Cannot promote ${intent.target} into itself; choose a downstream environment`,
      );
    }
    // Decided before any upstream call: a viewer's request reads nothing.
    const granted =
      options.purpose === 'write'
        ? await access.assertMayPromote(
            intent.target,
            credentials,
            entity.entity,
          )
        : (
            await access.permissionsIn(
              [intent.target],
              credentials,
              entity.entity,
            )
          ).get(intent.target)!;
    const permissions = options.withoutOverrides
      ? { ...granted, freezeOverride: false }
      : granted;

    const heads = options.heads ?? new Map<string, Promise<Snapshot>>();
    const repository = this.deps.repositories(location.repository.id);
    const fresh = options.purpose === 'write';
    const head = await this.head(location, heads, fresh);
    const snapshot = intent.baseCommit
      ? await this.pinned(location, intent.baseCommit, head, 'baseCommit')
      : head;

    const sourceLocation =
      intent.source === undefined
        ? undefined
        : this.locate(entity, intent.source);
    const source = sourceLocation
      ? await this.sourceValues(
          intent,
          sourceLocation,
          location,
          snapshot,
          heads,
          fresh,
        )
      : undefined;
    const values = source?.values ?? intent.versions;
    if (!values) {
      throw new InputError(`A ${kind} names the versions to set`);
    }
    const keys = location.files.flatMap(f =>
      f.keys.map(key => ({ path: f.path, key })),
    );
    if (values.length !== keys.length) {
      throw new InputError(
        `Expected ${keys.length} version(s) for ${entity.service} (${keys
          .map(k => k.key)
          .join(', ')}), got ${values.length}`,
      );
    }
    values.forEach((value, i) =>
      validateVersion(value, {
        kind: versionKindOfKey(keys[i].key),
        key: keys[i].key,
      }),
    );

    const ranBefore =
      kind === 'rollback'
        ? await findRanBefore({
            repository,
            headSha: head.commitSha,
            location,
            values,
            deployed: await this.deps.store.list({
              service: entity.service,
              environment: intent.target,
              states: ['deployed'],
              limit: 500,
            }),
          })
        : undefined;
    const changeSet = await buildChangeSet(
      repository,
      snapshot,
      location,
      values,
    );
    const target = config.environments.find(e => e.name === intent.target)!;
    const sourceStatus =
      intent.source && this.deps.argocd
        ? await this.deps.argocd.getStatus({
            service: entity.service,
            environment: intent.source,
            annotations: entity.annotations,
          })
        : undefined;
    const sourceSynced =
      sourceLocation && source
        ? await this.sourceAtSyncedRevision(
            sourceLocation,
            sourceStatus,
            source,
          )
        : undefined;
    const evaluation = evaluatePolicy({
      kind,
      ranBefore,
      sourcePin: source?.moved && { moved: source.moved },
      source: intent.source,
      target: intent.target,
      pipeline: config.environments,
      versions: values.map((version, i) => ({
        key: keys[i].key,
        version,
        sourceVersion: source?.current[i],
      })),
      sourceStatus,
      sourceSynced,
      targetPolicy: target.policy,
      permissions,
      now: this.deps.now?.() ?? DateTime.now(),
    });
    return {
      service: entity,
      kind,
      source: intent.source,
      location,
      values,
      sourceCommit: source?.commitSha,
      changeSet,
      evaluation,
      sourceStatus,
    };
  }

  /** Throws when the plan changes nothing: the target already runs these versions. */
  static assertChanges(plan: PromotionPlan) {
    if (plan.changeSet.changes.length === 0) {
      throw new ConflictError(
        `${plan.location.environment.name} already runs these versions of ${plan.service.service}; nothing to promote`,
      );
    }
  }

  /**
   * Every bundle value of a service in an environment at a commit of the
   * environment's branch (what ran there before a promotion computed on it);
   * a value that was unset is undefined.
   */
  async bundleAt(
    entityRef: string,
    environment: string,
    commitSha: string,
    credentials: BackstageCredentials,
  ): Promise<Array<string | undefined>> {
    const entity = await this.deps.catalog.getService(entityRef, credentials);
    const location = this.locate(entity, environment);
    const repository = this.deps.repositories(location.repository.id);
    const head = await repository.snapshot(location.branch, { fresh: true });
    const snapshot = await this.pinned(location, commitSha, head, 'baseCommit');
    const values = await readValues(repository, snapshot, location);
    return values.map(v => v.value);
  }

  private locate(service: ServiceEntity, environment: string) {
    return resolveServiceLocation(this.deps.config, {
      service: service.service,
      layout: service.layout,
      environment,
    });
  }

  /**
   * The branch head's snapshot, once per branch for the plans sharing `heads`;
   * `fresh` (a write) asks the remote rather than the briefly cached head, so
   * that a commit previewed on another replica is on the branch it reads.
   */
  private head(
    location: ServiceLocation,
    heads: Map<string, Promise<Snapshot>>,
    fresh: boolean,
  ): Promise<Snapshot> {
    const key = `${location.repository.id}\0${location.branch}`;
    let head = heads.get(key);
    if (!head) {
      head = this.deps
        .repositories(location.repository.id)
        .snapshot(location.branch, { fresh });
      heads.set(key, head);
    }
    return head;
  }

  /** The snapshot of a commit a preview named, which must be on the branch. */
  private async pinned(
    location: ServiceLocation,
    sha: string,
    head: Snapshot,
    field: 'baseCommit' | 'sourceCommit',
  ): Promise<Snapshot> {
    if (!COMMIT_SHA.test(sha)) {
      throw new InputError(
        `${field} must be a full 40-character commit SHA, got '${sha.slice(
          0,
          50,
        )}'`,
      );
    }
    const repository = this.deps.repositories(location.repository.id);
    if (
      sha !== head.commitSha &&
      !(await repository.isAncestor(sha, head.commitSha))
    ) {
      throw new InputError(
        `${field} ${sha} is not a commit of branch '${location.branch}' of ${location.repository.id}; preview the promotion again`,
      );
    }
    return repository.snapshotAt(location.branch, sha);
  }

  /**
   * The source's values at the revision Argo CD has synced it to: the first of
   * its revisions that is a commit of the source's repository. Undefined when
   * none is (a chart version, another repository) or it cannot be read.
   */
  private async sourceAtSyncedRevision(
    location: ServiceLocation,
    status: GitopsArgoCdStatus | undefined,
    source: { commitSha: string; current: Array<string | undefined> },
  ) {
    if (status?.state !== 'known') return undefined;
    const revisions = [status.revision, ...status.revisions].filter(
      (r): r is string => r !== undefined && COMMIT_SHA.test(r),
    );
    const repository = this.deps.repositories(location.repository.id);
    for (const revision of new Set(revisions)) {
      if (revision === source.commitSha) {
        return { revision, values: source.current };
      }
      try {
        const snapshot = await repository.snapshotAt(location.branch, revision);
        const values = await readValues(repository, snapshot, location);
        return { revision, values: values.map(v => v.value) };
      } catch {
        // not a commit of this repository: another source of the application
      }
    }
    return undefined;
  }

  /**
   * The source's values now and, when the request pins them (its versions,
   * or the commit its preview read them at), the pinned ones with each value
   * that moved since (the source-pin rule refuses when any did).
   */
  private async sourceValues(
    intent: PromotionIntent,
    location: ServiceLocation,
    targetLocation: ServiceLocation,
    targetSnapshot: Snapshot,
    heads: Map<string, Promise<Snapshot>>,
    fresh: boolean,
  ) {
    const repository = this.deps.repositories(location.repository.id);
    const head = await this.head(location, heads, fresh);
    const current = await readValues(repository, head, location);
    const sameBranch =
      location.repository.id === targetLocation.repository.id &&
      location.branch === targetLocation.branch;
    let pinned: Snapshot | undefined;
    if (intent.sourceCommit) {
      pinned = await this.pinned(
        location,
        intent.sourceCommit,
        head,
        'sourceCommit',
      );
    } else if (intent.baseCommit && sameBranch) {
      pinned = targetSnapshot;
    }
    const reviewed =
      intent.versions ??
      (pinned
        ? requireValues(
            await readValues(repository, pinned, location),
            location,
          )
        : undefined);
    const moved = reviewed
      ? current.flatMap((v, i) =>
          v.value === reviewed[i]
            ? []
            : [
                {
                  key: v.key,
                  path: v.path,
                  now: v.value,
                  reviewed: reviewed[i],
                },
              ],
        )
      : undefined;
    return {
      values: reviewed ?? requireValues(current, location),
      current: current.map(v => v.value),
      moved,
      commitSha: head.commitSha,
    };
  }
}

/** The values, or an InputError naming the key the environment lacks. */
function requireValues(values: GitopsKeyValue[], location: ServiceLocation) {
  return values.map(({ value, key, path }) => {
    if (value === undefined) {
      throw new InputError(
        `${location.environment.name} has no value for ${key} in ${path}; nothing to promote from it`,
      );
    }
    return value;
  });
}
