import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionEnvironmentReadPermission,
  gitopsPromotionFreezeOverridePermission,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { EnvironmentConfig, GitopsPromotionConfig } from '../../config/types';
import { checkPermission } from '../policy/rules/checkPermission';

/** What a caller may do in one environment. */
export interface EnvironmentPermissions {
  /** `gitops-promotion.environment.promote` */
  promote: boolean;
  /** `gitops-promotion.freeze.override` */
  freezeOverride: boolean;
}

/** The fields of a ledger record that decide who may see it. */
interface Visible {
  targetEnv: string;
  entityRef?: string;
}

/**
 * The one place that decides what a caller may read and promote, in batches
 * (one permission request per call, one catalog request per list of
 * records). Every route and service asks here; none calls the permission
 * framework itself.
 */
export class EnvironmentAccess {
  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      permissions: PermissionsService;
      catalog: CatalogService;
    },
  ) {}

  /** The configured environments the caller may read, in pipeline order. */
  async readable(
    credentials: BackstageCredentials,
  ): Promise<EnvironmentConfig[]> {
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

  /**
   * Throws NotAllowedError unless the caller may read every configured
   * environment named. An unknown name is not a permission matter: the caller
   * reports it as bad input.
   */
  async assertReadable(
    environments: string[],
    credentials: BackstageCredentials,
  ): Promise<void> {
    const readable = new Set(
      (await this.readable(credentials)).map(e => e.name),
    );
    const refused = environments.filter(
      name => this.isConfigured(name) && !readable.has(name),
    );
    if (refused.length) {
      throw new NotAllowedError(`You may not read ${refused.join(', ')}`);
    }
  }

  /** Promote and freeze-override decisions for each named environment. */
  async permissionsIn(
    environments: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, EnvironmentPermissions>> {
    const decisions = await this.deps.permissions.authorize(
      environments.flatMap(name => [
        {
          permission: gitopsPromotionEnvironmentPromotePermission,
          resourceRef: name,
        },
        {
          permission: gitopsPromotionFreezeOverridePermission,
          resourceRef: name,
        },
      ]),
      { credentials },
    );
    return new Map(
      environments.map((name, i) => [
        name,
        {
          promote: decisions[2 * i].result === AuthorizeResult.ALLOW,
          freezeOverride: decisions[2 * i + 1].result === AuthorizeResult.ALLOW,
        },
      ]),
    );
  }

  /**
   * Throws NotAllowedError, before anything else is read, unless the caller
   * may promote into `environment`; returns the caller's permissions there.
   */
  async assertMayPromote(
    environment: string,
    credentials: BackstageCredentials,
  ): Promise<EnvironmentPermissions> {
    const permissions = (
      await this.permissionsIn([environment], credentials)
    ).get(environment)!;
    if (!permissions.promote) {
      const verdict = checkPermission({ target: environment, permissions });
      throw new NotAllowedError(`Promotion refused. ${verdict.message}`);
    }
    return permissions;
  }

  /**
   * The records the caller may see: into an environment they may read, of an
   * entity the catalog shows them.
   */
  async visible<T extends Visible>(
    records: T[],
    credentials: BackstageCredentials,
  ): Promise<T[]> {
    if (records.length === 0) return [];
    const readable = new Set(
      (await this.readable(credentials)).map(e => e.name),
    );
    const candidates = records.filter(
      r => r.entityRef !== undefined && readable.has(r.targetEnv),
    );
    const refs = [...new Set(candidates.map(r => r.entityRef!))];
    if (refs.length === 0) return [];
    const { items } = await this.deps.catalog.getEntitiesByRefs(
      {
        entityRefs: refs,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    const seen = new Set(refs.filter((_, i) => Boolean(items[i])));
    return candidates.filter(r => seen.has(r.entityRef!));
  }

  private isConfigured(name: string) {
    return this.deps.config.environments.some(e => e.name === name);
  }
}
