export { gitopsPromotionPlugin as default } from './plugin';
