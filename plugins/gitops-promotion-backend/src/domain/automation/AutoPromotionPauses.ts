import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type {
  AutoPromotionPause,
  AutoPromotionPauseRequest,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { ServiceCatalog } from '../../clients/catalog/ServiceCatalog';
import { GitopsPromotionConfig } from '../../config/types';
import { AutoPromotionPauseRecord, PromotionStore } from '../ledger';
import { EnvironmentAccess } from '../permissions/EnvironmentAccess';

/** Stands for every service or every environment in a stored pause. */
const EVERY = '*';

/** Where a pause applies: a service, an environment, or one service in one environment. */
export interface PauseScope {
  entityRef?: string;
  environment?: string;
}

/**
 * Pausing and resuming automatic promotion: the permission
 * `gitops-promotion.auto-promotion.pause` is needed in every environment a
 * pause covers (for a service: each environment promoted into
 * automatically).
 */
export class AutoPromotionPauses {
  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      catalog: ServiceCatalog;
      store: PromotionStore;
      access: EnvironmentAccess;
    },
  ) {}

  /** The pauses of environments the caller may read (and of every environment). */
  async list(credentials: BackstageCredentials): Promise<AutoPromotionPause[]> {
    const readable = new Set(
      (await this.deps.access.readable(credentials)).map(e => e.name),
    );
    return (await this.deps.store.pauses())
      .filter(p => p.environment === EVERY || readable.has(p.environment))
      .map(toApiPause);
  }

  async pause(
    request: AutoPromotionPauseRequest,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{ pause: AutoPromotionPause; created: boolean }> {
    const stored = await this.authorized(request, credentials);
    const { pause, created } = await this.deps.store.pause({
      ...stored,
      reason: request.reason?.trim() || undefined,
      pausedBy: credentials.principal.userEntityRef,
    });
    return { pause: toApiPause(pause), created };
  }

  async resume(
    scope: PauseScope,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<AutoPromotionPause> {
    const stored = await this.authorized(scope, credentials);
    const pause = (await this.deps.store.pauses()).find(
      p =>
        p.entityRef === stored.entityRef &&
        p.environment === stored.environment,
    );
    if (
      !pause ||
      !(await this.deps.store.resume(pause.entityRef, pause.environment))
    ) {
      throw new NotFoundError(
        `Automatic promotion is not paused for ${describe(stored)}`,
      );
    }
    return toApiPause(pause);
  }

  /** The stored form of a scope, once the caller may pause everything it covers. */
  private async authorized(
    scope: PauseScope,
    credentials: BackstageCredentials,
  ): Promise<{ entityRef: string; environment: string }> {
    const { config, catalog, access } = this.deps;
    if (!scope.entityRef && !scope.environment) {
      throw new InputError(
        'Name a service (entityRef), an environment, or both',
      );
    }
    const automatic = config.environments.filter(
      e => e.autoPromotesFrom.length > 0,
    );
    if (
      scope.environment &&
      !config.environments.some(e => e.name === scope.environment)
    ) {
      throw new InputError(`Unknown environment '${scope.environment}'`);
    }
    const covered = scope.environment
      ? [scope.environment]
      : automatic.map(e => e.name);
    if (covered.length === 0) {
      throw new InputError('No environment is promoted into automatically');
    }
    const entityRef = scope.entityRef
      ? (await catalog.getService(scope.entityRef, credentials)).entityRef
      : EVERY;
    const allowed = await access.mayPause(covered, credentials);
    const refused = covered.filter(name => !allowed.has(name));
    if (refused.length) {
      throw new NotAllowedError(
        `You may not pause automatic promotion into ${refused.join(
          ', ',
        )} (permission gitops-promotion.auto-promotion.pause)`,
      );
    }
    return { entityRef, environment: scope.environment ?? EVERY };
  }
}

/** Whether a pause stops automatic promotion of the service into the environment. */
export function isPaused(
  pauses: AutoPromotionPauseRecord[],
  entityRef: string,
  environment: string,
): boolean {
  return pauses.some(
    p =>
      (p.entityRef === EVERY || p.entityRef === entityRef) &&
      (p.environment === EVERY || p.environment === environment),
  );
}

/** Whether a pause stops automatic promotion into the environment for every service. */
export function isEnvironmentPaused(
  pauses: AutoPromotionPauseRecord[],
  environment: string,
): boolean {
  return pauses.some(
    p => p.entityRef === EVERY && p.environment === environment,
  );
}

function toApiPause(pause: AutoPromotionPauseRecord): AutoPromotionPause {
  return {
    ...(pause.entityRef !== EVERY && { entityRef: pause.entityRef }),
    ...(pause.environment !== EVERY && { environment: pause.environment }),
    ...(pause.reason && { reason: pause.reason }),
    pausedBy: pause.pausedBy,
    pausedAt: pause.pausedAt,
  };
}

function describe(scope: { entityRef: string; environment: string }) {
  if (scope.entityRef === EVERY) return `environment ${scope.environment}`;
  if (scope.environment === EVERY) return scope.entityRef;
  return `${scope.entityRef} in ${scope.environment}`;
}
