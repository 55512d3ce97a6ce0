/** What started a promotion. */
export type PromotionKind = 'promote' | 'rollback' | 'ci' | 'bulk';

/** How the change was written. */
export type PromotionWriteMode = 'commit' | 'pull-request';

/**
 * Where a promotion is.
 *
 * `pending` (recorded, not written yet) → `committed` (direct commit) or
 * `pr-open` (pull request) → `syncing` (Argo CD is rolling it out) →
 * `deployed`; or `failed` / `rejected` (refused, PR closed) at any point.
 */
export type PromotionState =
  | 'pending'
  | 'committed'
  | 'pr-open'
  | 'syncing'
  | 'deployed'
  | 'failed'
  | 'rejected';

/** States a promotion never leaves. */
export const FINAL_PROMOTION_STATES: readonly PromotionState[] = [
  'deployed',
  'failed',
  'rejected',
];

/** States the scheduler advances. */
export const IN_FLIGHT_PROMOTION_STATES: readonly PromotionState[] = [
  'pending',
  'committed',
  'pr-open',
  'syncing',
];

/** One value of the bundle a promotion moves. */
export interface VersionChange {
  path: string;
  key: string;
  /** The value before; absent when the key was unset. */
  from?: string;
  to: string;
}

/** A promotion as the ledger records it. Timestamps are ISO 8601 (UTC). */
export interface PromotionRecord {
  id: string;
  entityRef?: string;
  service: string;
  /** Absent for CI sets and rollbacks. */
  sourceEnv?: string;
  targetEnv: string;
  kind: PromotionKind;
  /** In bundle order. */
  versions: VersionChange[];
  /** Entity ref of the user or service that asked. */
  requester: string;
  mode: PromotionWriteMode;
  repositoryId: string;
  branch: string;
  baseCommit?: string;
  commitSha?: string;
  pullRequest?: { url: string; number: number };
  state: PromotionState;
  stateReason?: string;
  idempotencyKey?: string;
  /** Shared by the promotions of one release train. */
  bulkId?: string;
  createdAt: string;
  updatedAt: string;
  committedAt?: string;
  deployedAt?: string;
  claimedBy?: string;
  claimedUntil?: string;
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
  versions?: VersionChange[];
  /** Defaults to now when `commitSha` is first set. */
  committedAt?: Date;
  /** Defaults to now when `state` becomes `deployed`. */
  deployedAt?: Date;
}

/** Filters of {@link PromotionStore.list}; newest first. */
export interface PromotionQuery {
  entityRef?: string;
  service?: string;
  /** The target environment. */
  environment?: string;
  states?: PromotionState[];
  bulkId?: string;
  /** At most this many (1-500). */
  limit: number;
  /** Cursor: the id of the last promotion of the previous page. */
  before?: string;
}

/** Deployments of one service to one environment in the period. */
export interface EnvironmentDeployments {
  environment: string;
  /** Promotions that reached `deployed`. */
  deployments: number;
  /** `deployments` per 7 days of the period. */
  perWeek: number;
  /** The most recent deployment (ISO 8601). */
  lastDeployedAt?: string;
}

/** Lead time from the first commit of some versions to their production deployment. */
export interface LeadTime {
  /** Production deployments measured. */
  samples: number;
  medianHours?: number;
  p90Hours?: number;
}

/** DORA-style figures of one service. */
export interface ServiceDeliveryFigures {
  service: string;
  environments: EnvironmentDeployments[];
  leadTime: LeadTime;
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
}
