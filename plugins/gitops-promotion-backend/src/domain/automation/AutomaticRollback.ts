import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { GitopsPromotionConfig } from '../../config/types';
import { PromotionRecord, PromotionStore } from '../ledger';
import { PromotionPlanner } from '../promotions/PromotionPlanner';
import { PromotionService } from '../promotions/PromotionService';
import { AutomationPrincipal } from './AutomationPrincipal';

/** How far back failed promotions are looked at for a rollback that did not happen. */
const SWEEP_WINDOW_MS = 24 * 3600_000;

/**
 * Where an environment sets `rollbackOnFailure`, promotes back the versions a
 * failed promotion replaced (its rollout failed or its verification did):
 * every value as it was at the commit the failed promotion was computed on,
 * as a rollback by the automation principal, linked by `rollbackOf` and
 * obeying every rule a person's rollback does (it ran there before, freeze
 * windows, permissions). Its idempotency key makes one rollback per failed
 * promotion across replicas; an automatic rollback is never itself rolled
 * back.
 */
export class AutomaticRollback {
  /** Failed promotions the sweep looked at already (once per replica). */
  private readonly swept = new Set<string>();

  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      planner: PromotionPlanner;
      promotions: PromotionService;
      store: PromotionStore;
      principal: AutomationPrincipal;
      auditor: AuditorService;
      logger: LoggerService;
      now?: () => number;
    },
  ) {}

  /** Rolls back a promotion that just failed, when its environment says so. */
  async rollBack(failed: PromotionRecord): Promise<void> {
    if (!this.applies(failed)) return;
    const { planner, promotions, principal, logger } = this.deps;
    const credentials = await principal.credentials();
    const meta = {
      action: 'auto-rollback',
      rollbackOf: failed.id,
      entityRef: failed.entityRef!,
      target: failed.targetEnv,
    };
    const event = await this.deps.auditor.createEvent({
      eventId: 'promotion',
      severityLevel: 'high',
      meta,
    });
    try {
      const before = await planner.bundleAt(
        failed.entityRef!,
        failed.targetEnv,
        failed.baseCommit!,
        credentials,
      );
      if (before.some(v => v === undefined)) {
        throw new Error(
          `a value was unset before promotion ${failed.id}; there is nothing to roll back to`,
        );
      }
      const { promotion, created } = await promotions.promote(
        {
          entityRef: failed.entityRef!,
          kind: 'rollback',
          target: failed.targetEnv,
          versions: before as string[],
          idempotencyKey: `auto-rollback:${failed.id}`,
        },
        credentials,
        { trigger: 'auto-rollback', rollbackOf: failed.id },
      );
      await event.success({
        meta: { promotionId: promotion.id, created, state: promotion.state },
      });
      if (created) {
        logger.info(
          `Rolled back ${failed.service} in ${failed.targetEnv} to ${before[0]} automatically after promotion ${failed.id} failed (promotion ${promotion.id})`,
        );
      }
    } catch (error) {
      await event.fail({ error: error as Error });
      logger.warn(
        `Could not roll back ${failed.service} in ${
          failed.targetEnv
        } after promotion ${failed.id} failed: ${
          isError(error) ? error.message : error
        }`,
      );
    }
  }

  /**
   * Rolls back the recent failures whose rollback did not happen (a replica
   * stopped in between, git was unreachable); a no-op for those done.
   */
  async sweep(): Promise<void> {
    const since = (this.deps.now?.() ?? Date.now()) - SWEEP_WINDOW_MS;
    const failed = await this.deps.store.list({
      states: ['failed'],
      environments: this.deps.config.environments
        .filter(e => e.rollbackOnFailure)
        .map(e => e.name),
      limit: 50,
    });
    for (const promotion of failed) {
      if (
        Date.parse(promotion.updatedAt) < since ||
        this.swept.has(promotion.id) ||
        !this.applies(promotion)
      ) {
        continue;
      }
      this.swept.add(promotion.id);
      const [rollback] = await this.deps.store.list({
        rollbackOf: promotion.id,
        limit: 1,
      });
      if (!rollback) await this.rollBack(promotion);
    }
  }

  /** A failure after the change reached git, in an environment that rolls back, not itself a rollback. */
  private applies(failed: PromotionRecord): boolean {
    const environment = this.deps.config.environments.find(
      e => e.name === failed.targetEnv,
    );
    return (
      !!environment?.rollbackOnFailure &&
      failed.state === 'failed' &&
      failed.trigger !== 'auto-rollback' &&
      !!failed.commitSha &&
      !!failed.baseCommit &&
      !!failed.entityRef
    );
  }
}
