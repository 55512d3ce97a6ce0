export { AutoPromotionPauseDialog } from './AutoPromotionPauseDialog';
export type { AutoPromotionPauseDialogRequest } from './AutoPromotionPauseDialog';
