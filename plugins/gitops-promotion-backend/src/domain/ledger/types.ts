import {
  FINAL_PROMOTION_STATES,
  type PromotionRecord as PromotionApiRecord,
  type PromotionState,
  type PromotionValueChange,
  type VerificationCheckResult,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

export { FINAL_PROMOTION_STATES };
export type { PromotionState };

/** What started a promotion. */
export type PromotionKind = PromotionApiRecord['kind'];

/** States the scheduler advances. */
export const IN_FLIGHT_PROMOTION_STATES: readonly PromotionState[] = [
  'pending',
  'committed',
  'pr-open',
  'syncing',
  'verifying',
];

/**
 * A promotion as the ledger records it: the REST API's record plus what only
 * the backend uses. Timestamps are ISO 8601 (UTC).
 */
export interface PromotionRecord extends PromotionApiRecord {
  /** Scoped to the requester. */
  idempotencyKey?: string;
  /** Fingerprint of the request first sent with the idempotency key. */
  requestHash?: string;
  /** Shared by the promotions of one release train. */
  bulkId?: string;
  claimedBy?: string;
  claimedUntil?: string;
  /** When verification began (the rollout was Synced and Healthy). */
  verifyingSince?: string;
  /**
   * For a promotion awaiting approval: the request as it was checked (every
   * bundle value and the commits), so that what is written once approved is
   * exactly what was requested and reviewed.
   */
  intent?: RecordedIntent;
}

/** A promotion request as checked, kept until it is written. */
export interface RecordedIntent {
  entityRef: string;
  kind: 'promote' | 'rollback' | 'ci';
  source?: string;
  target: string;
  versions: string[];
  baseCommit: string;
  sourceCommit?: string;
}

/** What {@link PromotionStore.insert} takes: the store sets id (unless given) and timestamps. */
export type NewPromotion = Omit<
  PromotionRecord,
  | 'id'
  | 'state'
  | 'createdAt'
  | 'updatedAt'
  | 'committedAt'
  | 'deployedAt'
  | 'claimedBy'
  | 'claimedUntil'
  | 'verifyingSince'
  | 'verification'
> & {
  id?: string;
  /** Defaults to `pending`. */
  state?: PromotionState;
};

/** Fields {@link PromotionStore.update} may change. `null` clears an optional field. */
export interface PromotionPatch {
  state?: PromotionState;
  stateReason?: string | null;
  baseCommit?: string;
  commitSha?: string;
  branch?: string;
  pullRequest?: { url: string; number: number } | null;
  versions?: PromotionValueChange[];
  /** Defaults to now when `commitSha` is first set. */
  committedAt?: Date;
  /** Defaults to now when `state` becomes `deployed`. */
  deployedAt?: Date;
  verification?: VerificationCheckResult[];
  /** A retried promotion waits for approvals again (see PromotionService). */
  approvals?: PromotionRecord['approvals'];
  intent?: RecordedIntent;
  /** Defaults to now when `state` becomes `verifying`. */
  verifyingSince?: Date;
}

/** A pause of automatic promotion; `*` stands for every service or environment. */
export interface AutoPromotionPauseRecord {
  entityRef: string;
  environment: string;
  reason?: string;
  pausedBy: string;
  pausedAt: string;
}

/** Filters of {@link PromotionStore.list}; newest first. */
export interface PromotionQuery {
  entityRef?: string;
  service?: string;
  /** The target environment. */
  environment?: string;
  /** Only promotions into these environments (the ones the caller may read). */
  environments?: string[];
  states?: PromotionState[];
  bulkId?: string;
  /** Only the automatic rollback of this promotion. */
  rollbackOf?: string;
  /** At most this many (1-500). */
  limit: number;
  /** Cursor: the id of the last promotion of the previous page. */
  before?: string;
}

/** Deployments of one service to one environment in the period. */
export interface EnvironmentDeployments {
  environment: string;
  /**
   * Ledger promotions that reached `deployed`, plus commits made outside the
   * plugin that changed the version.
   */
  deployments: number;
  /** Of `deployments`, the commits made outside the plugin (read from git). */
  outsideDeployments: number;
  /** `deployments` per 7 days of the period. */
  perWeek: number;
  /** The most recent deployment (ISO 8601). */
  lastDeployedAt?: string;
  /** Deployments per 7 days of the period, oldest first. */
  weekly: number[];
  /** Deployments plus promotions that failed after their commit. */
  changes: number;
  /**
   * Changes that failed: the promotion failed after its commit (rollout or
   * verification), or the next change rolled it back or reverted it.
   */
  failures: number;
  /** `failures / changes` (0 to 1); absent without changes. */
  changeFailureRate?: number;
  timeToRestore: TimeToRestore;
}

/** Median and 90th percentile (nearest rank) of durations, in hours. */
export interface HoursSummary {
  samples: number;
  medianHours?: number;
  p90Hours?: number;
}

/** Lead time from the first commit of some versions to their production deployment. */
export interface LeadTime extends HoursSummary {
  /** Production deployments measured. */
  samples: number;
}

/** From a failure to the next deployment into the same service and environment. */
export interface TimeToRestore extends HoursSummary {
  /** Restored failures measured. */
  samples: number;
  /** Failures of the period no deployment has followed yet. */
  unrestored: number;
}

/** DORA-style figures of one service. */
export interface ServiceDeliveryFigures {
  service: string;
  environments: EnvironmentDeployments[];
  leadTime: LeadTime;
}

/**
 * A commit that changed a service's version (the bundle's first key) in an
 * environment's file, read from the GitOps repository: made by the plugin
 * (then the ledger has it) or outside it.
 */
export interface GitVersionChange {
  service: string;
  environment: string;
  commitSha: string;
  /** ISO 8601 author date. */
  date: string;
  /** The commit message as the repository's history gives it (may be the subject only). */
  message: string;
  /** Its `Promotion-Id:` trailers, where the history was read with them. */
  promotionIds?: string[];
  path: string;
  key: string;
  /** The version before; absent when it was unset. */
  from?: string;
  to: string;
  /**
   * The SHA of the version change this one follows, when this one sets the
   * version back to a value the environment had before that change (a revert).
   */
  reverts?: string;
}

/** The result of {@link PromotionStore.deliveryFigures}. */
export interface DeliveryFigures {
  /** Period start (ISO 8601). */
  since: string;
  /** Period end: the time of the query (ISO 8601). */
  until: string;
  services: ServiceDeliveryFigures[];
  /** All requested services together, e.g. a team's. */
  total: Omit<ServiceDeliveryFigures, 'service'>;
  /** What the figures could not include, e.g. a repository whose history could not be read. */
  warnings?: string[];
}
