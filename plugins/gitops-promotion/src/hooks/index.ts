export { useEnvironments } from './useEnvironments';
export { useEnvironmentHistory } from './useEnvironmentHistory';
export { usePromote } from './usePromote';
export { usePromotionPreview } from './usePromotionPreview';
export { PROMOTION_POLL_INTERVAL_MS, usePromotion } from './usePromotion';
export { LAG_PENDING_REFETCH_MS, useMatrix } from './useMatrix';
export { useOwnership } from './useOwnership';
export { useDeliveryFigures } from './useDeliveryFigures';
export { useSubmit } from './useSubmit';
export { useDecidePromotion } from './useDecidePromotion';
export {
  useAutoPromotionPauses,
  usePauseAutoPromotion,
  useResumeAutoPromotion,
} from './useAutoPromotionPause';
