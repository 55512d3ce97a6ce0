export { gitopsPromotionPlugin as default } from './plugin';
export { gitopsPromotionApiRef, GitopsPromotionClient } from './api';
export type { GitopsPromotionApi } from './api';
export { EnvironmentsContent } from './components';
