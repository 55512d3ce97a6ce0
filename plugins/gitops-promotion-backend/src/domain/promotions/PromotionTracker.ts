import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { ArgoCdClient, RolloutTrackerState } from '../../clients/argocd';
import { EntityAnnotations } from '../../clients/catalog/EntityAnnotations';
import { PromotionRecord, PromotionStore } from '../ledger';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { GitopsPromotionConfig } from '../../config/types';
import { Verifier } from '../verification/Verifier';

const PHASE_STATES: Record<string, PromotionRecord['state'] | undefined> = {
  Pending: undefined,
  Syncing: 'syncing',
  Deployed: 'deployed',
  Failed: 'failed',
};

const LEASE_MS = 60_000;
const BATCH = 50;
/** How long a revision the repository does not have is not asked about again. */
const FOREIGN_REVISION_TTL_MS = 10 * 60_000;
const MAX_FOREIGN_REVISIONS = 1_000;

/**
 * Advances in-flight promotions: a merged pull request becomes a commit, a
 * commit is tracked in Argo CD until Deployed or Failed. Each run leases the
 * promotions it works on, so replicas on one database never process the same
 * promotion at once.
 */
export class PromotionTracker {
  /** Rollout tracker state per promotion (the settle window); rebuilt after a restart. */
  private readonly rollouts = new Map<string, RolloutTrackerState>();
  /**
   * `repositoryId:revision` → until when: revisions Argo CD reports that the
   * repository does not have (another source's commit), so that every pass
   * does not fetch the repository again to look for them.
   */
  private readonly foreignRevisions = new Map<string, number>();

  constructor(
    private readonly deps: {
      store: PromotionStore;
      repositories: (id: string) => GitopsRepository;
      argocd?: ArgoCdClient;
      logger: LoggerService;
      /** Identifies this replica in leases. */
      owner: string;
      /**
       * The entities' annotations, for the same Argo CD application mapping
       * (`gitops-promotion/argocd-*`) as the planner; none without it.
       */
      annotations?: EntityAnnotations;
      /** The target environments' verification checks; none without it. */
      config?: GitopsPromotionConfig;
      verifier?: Verifier;
      /** Told of a promotion that failed after its change reached git (rollout or verification). */
      onFailure?: (promotion: PromotionRecord) => Promise<void>;
    },
  ) {}

  /** One pass over the in-flight promotions; returns how many it looked at. */
  async run(): Promise<number> {
    const { store, owner, logger } = this.deps;
    return store.workOnClaimed(
      {
        owner,
        leaseMs: LEASE_MS,
        limit: BATCH,
        states: ['pr-open', 'committed', 'syncing', 'verifying'],
      },
      promotion => this.advance(promotion),
      (promotion, error) =>
        logger.warn(`Could not advance promotion ${promotion.id}: ${error}`),
    );
  }

  private async advance(promotion: PromotionRecord) {
    if (promotion.state === 'pr-open') {
      await this.advancePullRequest(promotion);
    } else if (promotion.state === 'verifying') {
      await this.advanceVerification(promotion);
    } else {
      await this.advanceRollout(promotion);
    }
  }

  private async advancePullRequest(promotion: PromotionRecord) {
    const repository = this.deps.repositories(promotion.repositoryId);
    if (!promotion.pullRequest) return;
    const pr = await repository.getPullRequest(promotion.pullRequest.number);
    if (pr.state === 'merged' && pr.mergeCommitSha) {
      await this.update(
        promotion,
        { state: 'committed', commitSha: pr.mergeCommitSha },
        'pr-open',
      );
    } else if (pr.state === 'closed') {
      await this.update(
        promotion,
        {
          state: 'rejected',
          stateReason: `Pull request #${pr.number} was closed without merging`,
        },
        'pr-open',
      );
    }
  }

  private async advanceRollout(promotion: PromotionRecord) {
    const { argocd } = this.deps;
    if (!argocd || !promotion.commitSha) return;
    const repository = this.deps.repositories(promotion.repositoryId);
    const commitSha = promotion.commitSha;
    const annotations =
      promotion.entityRef && this.deps.annotations
        ? await this.deps.annotations.get(promotion.entityRef)
        : undefined;
    const evaluation = await argocd.trackRollout({
      service: promotion.service,
      environment: promotion.targetEnv,
      ...(annotations ? { annotations } : {}),
      commitSha,
      since: promotion.committedAt ?? promotion.updatedAt,
      state: this.rollouts.get(promotion.id),
      containsCommit: revision =>
        this.containsCommit(promotion, repository, commitSha, revision),
    });
    this.rollouts.set(promotion.id, evaluation.state);
    const next = PHASE_STATES[evaluation.phase];
    if (next === 'deployed' && this.checksOf(promotion).length > 0) {
      // Synced and Healthy: the rollout is done, the verification begins.
      this.rollouts.delete(promotion.id);
      await this.update(
        promotion,
        {
          state: 'verifying',
          stateReason: evaluation.reason,
          verification: Verifier.start(this.checksOf(promotion)),
        },
        promotion.state,
      );
      return;
    }
    if (next && next !== promotion.state) {
      const updated = await this.update(
        promotion,
        { state: next, stateReason: evaluation.reason },
        promotion.state,
      );
      if (updated?.state === 'failed') await this.failed(updated);
    }
    if (next === 'deployed' || next === 'failed') {
      this.rollouts.delete(promotion.id);
    }
  }

  /** Looks again at a verifying promotion's pending checks. */
  private async advanceVerification(promotion: PromotionRecord) {
    const { verifier } = this.deps;
    const checks = this.checksOf(promotion);
    if (!verifier || checks.length === 0) {
      await this.update(promotion, { state: 'deployed' }, 'verifying');
      return;
    }
    const annotations =
      promotion.entityRef && this.deps.annotations
        ? await this.deps.annotations.get(promotion.entityRef)
        : undefined;
    const { results, outcome } = await verifier.verify(
      promotion,
      checks,
      annotations,
    );
    if (outcome === 'pending') {
      await this.deps.store.update(
        promotion.id,
        { verification: results },
        { expectedState: 'verifying', claimedBy: this.deps.owner },
      );
      return;
    }
    const failedCheck = results.find(r => r.state === 'failed');
    const updated = await this.update(
      promotion,
      outcome === 'passed'
        ? { state: 'deployed', verification: results, stateReason: null }
        : {
            state: 'failed',
            verification: results,
            stateReason: `Verification failed: ${failedCheck!.name}${
              failedCheck!.message ? `: ${failedCheck!.message}` : ''
            }`,
          },
      'verifying',
    );
    if (updated?.state === 'failed') await this.failed(updated);
  }

  private checksOf(promotion: PromotionRecord) {
    return (
      this.deps.config?.environments.find(e => e.name === promotion.targetEnv)
        ?.verification ?? []
    );
  }

  private async failed(promotion: PromotionRecord) {
    await this.deps
      .onFailure?.(promotion)
      .catch(error =>
        this.deps.logger.warn(
          `Could not act on the failure of promotion ${promotion.id}: ${error}`,
        ),
      );
  }

  /**
   * Whether a revision Argo CD deployed contains the promotion's commit. A
   * commit the repository does not have (another repository's, in a
   * multi-source application) does not.
   */
  private async containsCommit(
    promotion: PromotionRecord,
    repository: GitopsRepository,
    commitSha: string,
    revision: string,
  ): Promise<boolean> {
    const key = `${promotion.repositoryId}:${revision}`;
    const foreignUntil = this.foreignRevisions.get(key);
    if (foreignUntil !== undefined && foreignUntil > Date.now()) return false;
    try {
      return await repository.containsCommit(
        commitSha,
        revision,
        promotion.versions.map(v => v.path),
      );
    } catch (error) {
      if (!isError(error) || error.name !== 'NotFoundError') throw error;
      this.foreignRevisions.delete(key);
      this.foreignRevisions.set(key, Date.now() + FOREIGN_REVISION_TTL_MS);
      if (this.foreignRevisions.size > MAX_FOREIGN_REVISIONS) {
        this.foreignRevisions.delete(
          this.foreignRevisions.keys().next().value!,
        );
      }
      return false;
    }
  }

  private async update(
    promotion: PromotionRecord,
    patch: Parameters<PromotionStore['update']>[1],
    expectedState: PromotionRecord['state'],
  ) {
    const updated = await this.deps.store.update(promotion.id, patch, {
      expectedState,
      claimedBy: this.deps.owner,
    });
    if (updated) {
      this.deps.logger.info(
        `Promotion ${promotion.id} (${promotion.service} to ${promotion.targetEnv}): ${promotion.state} -> ${patch.state}`,
      );
    }
    return updated;
  }
}
