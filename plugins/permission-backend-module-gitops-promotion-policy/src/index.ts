/**
 * An example permission policy for GitOps Promotion, as a backend module of
 * the permission plugin.
 *
 * @packageDocumentation
 */
export { GitopsPromotionExamplePolicy } from './GitopsPromotionExamplePolicy';
export type { GitopsPromotionExamplePolicyOptions } from './GitopsPromotionExamplePolicy';
export { gitopsPromotionExamplePolicyModule as default } from './module';
