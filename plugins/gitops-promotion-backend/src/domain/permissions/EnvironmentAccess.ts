import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  gitopsPromotionAutoPromotionPausePermission,
  gitopsPromotionPromotionApprovePermission,
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionEnvironmentReadPermission,
  gitopsPromotionFreezeOverridePermission,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { EnvironmentConfig, GitopsPromotionConfig } from '../../config/types';
import { checkPermission } from '../policy/rules/checkPermission';
import { environmentPermissionRules } from './rules';
import { serviceOwners } from './serviceOwners';

const isAllowedFor = createConditionAuthorizer(
  Object.values(environmentPermissionRules),
);

/** The permissions a promotion into an environment is decided on. */
const PROMOTE_PERMISSIONS = [
  gitopsPromotionEnvironmentPromotePermission,
  gitopsPromotionFreezeOverridePermission,
];

/** What a caller may do in one environment. */
export interface EnvironmentPermissions {
  /** `gitops-promotion.environment.promote` */
  promote: boolean;
  /** `gitops-promotion.freeze.override` */
  freezeOverride: boolean;
}

/** The fields of a ledger record that decide who may approve it. */
interface Decidable {
  state: string;
  targetEnv: string;
  requester: string;
  approvals?: { from: string[]; decisions: Array<{ approver: string }> };
}

function isUser(
  credentials: BackstageCredentials,
): credentials is BackstageCredentials<BackstageUserPrincipal> {
  return (credentials.principal as { type?: string }).type === 'user';
}

/** Entity refs compare case-insensitively. */
function refersTo(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
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
      userInfo: UserInfoService;
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

  /**
   * Promote and freeze-override decisions for each named environment. Given
   * the service to promote, the policy's conditions also see its owners.
   */
  async permissionsIn(
    environments: string[],
    credentials: BackstageCredentials,
    service?: Entity,
  ): Promise<Map<string, EnvironmentPermissions>> {
    const [promote, freezeOverride] = service
      ? await this.decideForService(environments, service, credentials)
      : await this.decideByName(environments, credentials);
    return new Map(
      environments.map((name, i) => [
        name,
        { promote: promote[i], freezeOverride: freezeOverride[i] },
      ]),
    );
  }

  /**
   * Throws NotAllowedError, before anything else is read, unless the caller
   * may promote into `environment` (the service, when given); returns the
   * caller's permissions there.
   */
  async assertMayPromote(
    environment: string,
    credentials: BackstageCredentials,
    service?: Entity,
  ): Promise<EnvironmentPermissions> {
    const permissions = (
      await this.permissionsIn([environment], credentials, service)
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

  /**
   * Per permission of PROMOTE_PERMISSIONS, whether it is allowed in each
   * environment, as the permission framework decides for the environment's
   * name (conditions see no service).
   */
  private async decideByName(
    environments: string[],
    credentials: BackstageCredentials,
  ): Promise<boolean[][]> {
    const decisions = await this.deps.permissions.authorize(
      PROMOTE_PERMISSIONS.flatMap(permission =>
        environments.map(resourceRef => ({ permission, resourceRef })),
      ),
      { credentials },
    );
    const allowed = decisions.map(d => d.result === AuthorizeResult.ALLOW);
    return PROMOTE_PERMISSIONS.map((_, p) =>
      allowed.slice(p * environments.length, (p + 1) * environments.length),
    );
  }

  /**
   * Like decideByName, but conditional decisions are applied here to each
   * environment with the service's owners: the framework, given a
   * resourceRef, would apply them to the environment alone.
   */
  private async decideForService(
    environments: string[],
    service: Entity,
    credentials: BackstageCredentials,
  ): Promise<boolean[][]> {
    const decisions = await this.deps.permissions.authorizeConditional(
      PROMOTE_PERMISSIONS.map(permission => ({ permission })),
      { credentials },
    );
    const owners = serviceOwners(service);
    const resources = environments.map(name => {
      const environment = this.deps.config.environments.find(
        e => e.name === name,
      );
      return environment && { ...environment, serviceOwners: owners };
    });
    return decisions.map(decision =>
      resources.map(resource => isAllowedFor(decision, resource)),
    );
  }

  /**
   * For each promotion, whether the caller may approve or reject it now: it
   * awaits approval, they did not request it nor decide yet, they are a
   * member of one of its approver groups and hold
   * `gitops-promotion.promotion.approve` for its environment.
   */
  async mayDecide(
    records: Decidable[],
    credentials: BackstageCredentials,
  ): Promise<boolean[]> {
    const awaiting = records.map(r =>
      r.state === 'awaiting-approval' && r.approvals ? r : undefined,
    );
    if (!awaiting.some(Boolean) || !isUser(credentials)) {
      return records.map(() => false);
    }
    const approver = credentials.principal.userEntityRef;
    const [memberships, allowed] = await Promise.all([
      this.memberships(credentials),
      this.approveAllowed(
        [...new Set(awaiting.flatMap(r => (r ? [r.targetEnv] : [])))],
        credentials,
      ),
    ]);
    return awaiting.map(
      r =>
        !!r &&
        refersTo(r.requester, approver) === false &&
        !r.approvals!.decisions.some(d => refersTo(d.approver, approver)) &&
        r.approvals!.from.some(group => memberships.has(group.toLowerCase())) &&
        allowed.has(r.targetEnv),
    );
  }

  /**
   * Throws NotAllowedError naming the reason unless the caller may decide on
   * the promotion (see {@link EnvironmentAccess.mayDecide}).
   */
  async assertMayDecide(
    record: Decidable,
    credentials: BackstageCredentials,
  ): Promise<void> {
    if (!isUser(credentials)) {
      throw new NotAllowedError('Only users approve promotions');
    }
    const approver = credentials.principal.userEntityRef;
    if (refersTo(record.requester, approver)) {
      throw new NotAllowedError(
        'You requested this promotion: another approver must decide on it',
      );
    }
    const from = record.approvals?.from ?? [];
    const memberships = await this.memberships(credentials);
    if (!from.some(group => memberships.has(group.toLowerCase()))) {
      throw new NotAllowedError(
        `Only members of ${from.join(', ')} may approve promotions into ${
          record.targetEnv
        }`,
      );
    }
    const allowed = await this.approveAllowed([record.targetEnv], credentials);
    if (!allowed.has(record.targetEnv)) {
      throw new NotAllowedError(
        `You may not approve promotions into ${record.targetEnv} (permission gitops-promotion.promotion.approve)`,
      );
    }
  }

  /** The environments (of those named) in which the caller may pause automatic promotion. */
  async mayPause(
    environments: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    return this.allowedIn(
      gitopsPromotionAutoPromotionPausePermission,
      environments,
      credentials,
    );
  }

  private approveAllowed(
    environments: string[],
    credentials: BackstageCredentials,
  ) {
    return this.allowedIn(
      gitopsPromotionPromotionApprovePermission,
      environments,
      credentials,
    );
  }

  private async allowedIn(
    permission: typeof gitopsPromotionPromotionApprovePermission,
    environments: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    if (environments.length === 0) return new Set();
    const decisions = await this.deps.permissions.authorize(
      environments.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return new Set(
      environments.filter(
        (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
      ),
    );
  }

  /** The caller's own ref and the groups they belong to, lowercased. */
  private async memberships(
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const info = await this.deps.userInfo.getUserInfo(credentials);
    return new Set(info.ownershipEntityRefs.map(ref => ref.toLowerCase()));
  }

  private isConfigured(name: string) {
    return this.deps.config.environments.some(e => e.name === name);
  }
}
