import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionFreezeOverridePermission,
} from '@internal/backstage-plugin-gitops-promotion-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DateTime } from 'luxon';
import { ArgoCdClient, ArgoCdStatus } from '../argocd';
import { ServiceCatalog, ServiceEntity } from '../catalog/ServiceCatalog';
import { GitopsPromotionConfig } from '../config/types';
import {
  resolveServiceLocation,
  ServiceLocation,
} from '../locations/resolveServiceLocation';
import {
  evaluatePolicy,
  PolicyEvaluation,
  PromotedVersion,
  validateVersion,
  versionKindOfKey,
} from '../policy';
import { GitopsRepository } from '../repository/GitopsRepository';
import { buildChangeSet, ChangeSet } from './buildChangeSet';
import { readValues } from './VersionReader';

const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** What to promote: a service from an environment (or explicit versions) into another. */
export interface PromotionIntent {
  entityRef: string;
  /** The environment the versions come from; absent for rollbacks and CI sets. */
  source?: string;
  target: string;
  /** Explicit values in bundle order (rollback, CI); default: the source's values. */
  versions?: string[];
  /** The commit the preview was computed on; default: the branch head now. */
  baseCommit?: string;
}

/** A promotion computed and checked, not written. */
export interface PromotionPlan {
  service: ServiceEntity;
  source?: string;
  location: ServiceLocation;
  changeSet: ChangeSet;
  evaluation: PolicyEvaluation;
  sourceStatus?: ArgoCdStatus;
}

/**
 * Computes a promotion's exact change set and checks it against every rule,
 * from the configuration, the catalog and the repository only: the client
 * names an entity and environments, never a repository, path or key.
 */
export class PromotionPlanner {
  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      catalog: ServiceCatalog;
      repositories: (id: string) => GitopsRepository;
      permissions: PermissionsService;
      argocd?: ArgoCdClient;
      now?: () => DateTime;
    },
  ) {}

  async plan(
    intent: PromotionIntent,
    credentials: BackstageCredentials,
    service?: ServiceEntity,
  ): Promise<PromotionPlan> {
    const { config } = this.deps;
    const entity =
      service ??
      (await this.deps.catalog.getService(intent.entityRef, credentials));
    const location = this.locate(entity, intent.target);
    if (intent.source === intent.target) {
      throw new InputError(
        `Cannot promote ${intent.target} into itself; choose a downstream environment`,
      );
    }
    const sourceLocation =
      intent.source === undefined
        ? undefined
        : this.locate(entity, intent.source);
    const sourceValues = sourceLocation
      ? await this.readCurrentValues(sourceLocation)
      : undefined;
    const values =
      intent.versions ?? this.valuesFrom(sourceLocation!, sourceValues!);
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

    const repository = this.deps.repositories(location.repository.id);
    const snapshot = intent.baseCommit
      ? await repository.snapshotAt(
          location.branch,
          assertCommit(intent.baseCommit),
        )
      : await repository.snapshot(location.branch);
    const changeSet = await buildChangeSet(
      repository,
      snapshot,
      location,
      values,
    );

    const target = config.environments.find(e => e.name === intent.target)!;
    const [promote, freezeOverride] = await this.authorize(
      intent.target,
      credentials,
    );
    const sourceStatus =
      intent.source && this.deps.argocd
        ? await this.deps.argocd.getStatus({
            service: entity.service,
            environment: intent.source,
            annotations: entity.annotations,
          })
        : undefined;
    const versions: PromotedVersion[] = values.map((version, i) => ({
      key: keys[i].key,
      version,
      sourceVersion: sourceValues?.[i],
    }));
    const evaluation = evaluatePolicy({
      source: intent.source,
      target: intent.target,
      pipeline: config.environments,
      versions,
      sourceStatus,
      targetPolicy: target.policy,
      permissions: { promote, freezeOverride },
      now: this.deps.now?.() ?? DateTime.now(),
    });
    return {
      service: entity,
      source: intent.source,
      location,
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

  private locate(service: ServiceEntity, environment: string) {
    return resolveServiceLocation(this.deps.config, {
      service: service.service,
      layout: service.layout,
      environment,
    });
  }

  private async readCurrentValues(location: ServiceLocation) {
    const repository = this.deps.repositories(location.repository.id);
    const snapshot = await repository.snapshot(location.branch);
    const values = await readValues(repository, snapshot, location);
    return values.map(v => v.value);
  }

  private valuesFrom(
    location: ServiceLocation,
    values: (string | undefined)[],
  ) {
    const flat = location.files.flatMap(f =>
      f.keys.map(key => ({ path: f.path, key })),
    );
    return values.map((value, i) => {
      if (value === undefined) {
        throw new InputError(
          `${location.environment.name} has no value for ${flat[i].key} in ${flat[i].path}; nothing to promote from it`,
        );
      }
      return value;
    });
  }

  private async authorize(
    environment: string,
    credentials: BackstageCredentials,
  ) {
    const decisions = await this.deps.permissions.authorize(
      [
        {
          permission: gitopsPromotionEnvironmentPromotePermission,
          resourceRef: environment,
        },
        {
          permission: gitopsPromotionFreezeOverridePermission,
          resourceRef: environment,
        },
      ],
      { credentials },
    );
    return decisions.map(d => d.result === AuthorizeResult.ALLOW);
  }
}

function assertCommit(sha: string) {
  if (!COMMIT_SHA.test(sha)) {
    throw new InputError(
      `baseCommit must be a full 40-character commit SHA, got '${sha.slice(
        0,
        50,
      )}'`,
    );
  }
  return sha;
}
