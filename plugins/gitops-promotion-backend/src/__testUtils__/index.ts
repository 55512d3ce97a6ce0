/**
 * Test utilities: the plugin on a test backend over a fresh copy of the demo
 * GitOps repository, with the Argo CD stand-in and the example catalog, for
 * tests of packages that call its REST API (such as the scaffolder module).
 *
 * @packageDocumentation
 */
export {
  asService,
  asUser,
  exampleEntities,
  startPromotionBackend,
} from './promotionBackend';
export type { PermissionRules } from './promotionBackend';
export { createDemoRepository } from './demoRepository';
export type { DemoRepository } from './demoRepository';
