export { gitopsPromotionPlugin as default } from './alpha/plugin';
