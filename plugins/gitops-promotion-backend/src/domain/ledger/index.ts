/**
 * The promotion ledger: the plugin's `promotions` table, leases for the
 * scheduler that advances in-flight promotions, and delivery figures.
 */
export { PromotionStore } from './PromotionStore';
export type { InsertResult, PromotionStoreOptions } from './PromotionStore';
export { computeDeliveryFigures, summarize } from './computeDeliveryFigures';
export { IdempotencyKeyReusedError } from './IdempotencyKeyReusedError';
export { toApiRecord } from './rows';
export type { DeliveryFiguresInput } from './computeDeliveryFigures';
export { FINAL_PROMOTION_STATES, IN_FLIGHT_PROMOTION_STATES } from './types';
export type {
  AutoPromotionPauseRecord,
  DeliveryFigures,
  EnvironmentDeployments,
  LeadTime,
  NewPromotion,
  PromotionKind,
  PromotionPatch,
  PromotionQuery,
  PromotionRecord,
  PromotionState,
  ServiceDeliveryFigures,
} from './types';
