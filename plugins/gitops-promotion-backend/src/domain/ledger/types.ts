import {
  FINAL_PROMOTION_STATES,
  type PromotionRecord as PromotionApiRecord,
  type PromotionState,
  type PromotionValueChange,
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
  versions?: PromotionValueChange[];
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
  /** Only promotions into these environments (the ones the caller may read). */
  environments?: string[];
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
  /** Deployments per 7 days of the period, oldest first. */
  weekly: number[];
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
