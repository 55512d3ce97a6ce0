export { PromotionProgress, progressSteps } from './PromotionProgress';
export { TrackedPromotion } from './TrackedPromotion';
