/**
 * Scaffolder actions of GitOps Promotion: register a new service in the GitOps
 * repository (`gitops-promotion:register-service`) and, in development, its
 * entity in the local catalog (`gitops-promotion:register-local-entity`).
 *
 * @packageDocumentation
 */

export { gitopsPromotionScaffolderModule as default } from './module';
export { createRegisterServiceAction } from './actions/registerService';
export { createRegisterLocalEntityAction } from './actions/registerLocalEntity';
export type { LocalCatalogOptions } from './actions/registerLocalEntity';
export { LocalCatalogDirectory } from './LocalCatalogDirectory';
