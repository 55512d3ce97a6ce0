import { LoggerService } from '@backstage/backend-plugin-api';
import { PromotionPatch, PromotionRecord, PromotionStore } from '../ledger';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { PullRequestRef } from '../../clients/repository/types';
import { promotionIdTrailer } from '../../clients/repository/trailers';

/** A write takes at most a minute or so (see GitopsRepository); this is well past it. */
const DEFAULT_PENDING_FOR_MS = 2 * 60_000;
/** Commits are searched from this long before the promotion was recorded (clock skew). */
const COMMIT_DATE_MARGIN_MS = 10 * 60_000;
const LEASE_MS = 60_000;
const BATCH = 20;

/** The branch a pull-request mode promotion's change is proposed from. */
const pullRequestBranch = (promotionId: string) =>
  `gitops-promotion/${promotionId}`;

/**
 * Settles promotions left `pending`: the ledger records a promotion before
 * writing it and records the outcome after, so a process that crashed in
 * between (or a ledger update lost for good) leaves a promotion pending
 * whose change may or may not be in git. Git decides: a commit on the
 * promotion's branch carrying its `Promotion-Id` trailer makes it
 * `committed` (and the tracker takes over); in pull-request mode an open
 * pull request from its branch makes it `pr-open`; otherwise the write never
 * landed and it is `failed`.
 *
 * Only promotions pending for a while are looked at, so a write in progress
 * is left alone. Safe with several replicas: each run leases the promotions
 * it looks at, and every change is a compare-and-set on `pending` and the
 * lease.
 */
export class PromotionReconciler {
  private readonly pendingForMs: number;

  constructor(
    private readonly deps: {
      store: PromotionStore;
      repositories: (id: string) => GitopsRepository;
      logger: LoggerService;
      /** Identifies this replica in leases. */
      owner: string;
      /** How long a promotion must have been pending (default 2 minutes). */
      pendingForMs?: number;
    },
  ) {
    this.pendingForMs = deps.pendingForMs ?? DEFAULT_PENDING_FOR_MS;
  }

  /** One pass over the promotions pending for too long; returns how many it looked at. */
  async run(): Promise<number> {
    const { store, owner, logger } = this.deps;
    // A release train shares one pull request: found once per run.
    const trains = new Map<string, Promise<PullRequestRef | undefined>>();
    return store.workOnClaimed(
      {
        owner,
        leaseMs: LEASE_MS,
        limit: BATCH,
        states: ['pending'],
        olderThanMs: this.pendingForMs,
      },
      promotion => this.reconcile(promotion, trains),
      (promotion, error) =>
        logger.warn(
          `Could not find out what became of pending promotion ${promotion.id}: ${error}`,
        ),
    );
  }

  private async reconcile(
    promotion: PromotionRecord,
    trains: Map<string, Promise<PullRequestRef | undefined>>,
  ) {
    const repository = this.deps.repositories(promotion.repositoryId);
    const since = new Date(
      Date.parse(promotion.createdAt) - COMMIT_DATE_MARGIN_MS,
    );
    const trailer = promotionIdTrailer(promotion.id);
    const isPullRequest = promotion.mode === 'pull-request';
    const found = await repository.findCommitWithTrailer(
      promotion.branch,
      trailer,
      since,
      isPullRequest
        ? { pullRequestBranch: pullRequestBranch(promotion.id) }
        : {},
    );
    if (found.commit) {
      await this.settle(promotion, {
        state: 'committed',
        stateReason: null,
        commitSha: found.commit.commitSha,
        ...(Number.isNaN(Date.parse(found.commit.date))
          ? {}
          : { committedAt: new Date(found.commit.date) }),
      });
      return;
    }
    const pullRequest =
      found.pullRequest ??
      (isPullRequest && promotion.bulkId
        ? await this.trainPullRequest(promotion, repository, since, trains)
        : undefined);
    if (pullRequest) {
      await this.settle(promotion, {
        state: 'pr-open',
        stateReason: null,
        pullRequest: { url: pullRequest.url, number: pullRequest.number },
      });
      return;
    }
    const noPullRequest = isPullRequest
      ? ` and no pull request from ${pullRequestBranch(promotion.id)} is open`
      : '';
    await this.settle(promotion, {
      state: 'failed',
      stateReason: `The write never reached ${promotion.branch}: no commit carries Promotion-Id ${promotion.id}${noPullRequest}; promote again`,
    });
  }

  /**
   * The open pull request of the promotion's release train: the train's one
   * pull request comes from the branch of one of its promotions.
   */
  private trainPullRequest(
    promotion: PromotionRecord,
    repository: GitopsRepository,
    since: Date,
    trains: Map<string, Promise<PullRequestRef | undefined>>,
  ): Promise<PullRequestRef | undefined> {
    const bulkId = promotion.bulkId!;
    let pending = trains.get(bulkId);
    if (!pending) {
      pending = (async () => {
        const members = await this.deps.store.list({ bulkId, limit: 500 });
        for (const member of members) {
          const { pullRequest } = await repository.findCommitWithTrailer(
            promotion.branch,
            promotionIdTrailer(member.id),
            since,
            { pullRequestBranch: pullRequestBranch(member.id) },
          );
          if (pullRequest) return pullRequest;
        }
        return undefined;
      })();
      trains.set(bulkId, pending);
    }
    return pending;
  }

  private async settle(promotion: PromotionRecord, patch: PromotionPatch) {
    const updated = await this.deps.store.update(promotion.id, patch, {
      expectedState: 'pending',
      claimedBy: this.deps.owner,
    });
    if (updated) {
      this.deps.logger.info(
        `Pending promotion ${promotion.id} (${promotion.service} to ${
          promotion.targetEnv
        }) reconciled: pending -> ${patch.state}${
          patch.stateReason ? ` (${patch.stateReason})` : ''
        }`,
      );
    }
  }
}
