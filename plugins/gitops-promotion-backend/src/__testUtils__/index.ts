/**
 * Test utilities for adopters: the GitOps Promotion backend plugin on a test
 * backend over a real git repository, to test templates, policies or
 * modules that use its REST API.
 *
 * @packageDocumentation
 */
export {
  asService,
  asUser,
  startGitopsPromotionTestBackend,
} from './gitopsPromotionTestBackend';
export type { GitopsPromotionTestBackendOptions } from './gitopsPromotionTestBackend';
export { createTestGitopsRepository } from './testGitopsRepository';
export type { TestGitopsRepository } from './testGitopsRepository';
