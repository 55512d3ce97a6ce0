export { PromotionProgress } from './PromotionProgress';
export { progressSteps } from './progressSteps';
export { TrackedPromotion } from './TrackedPromotion';
