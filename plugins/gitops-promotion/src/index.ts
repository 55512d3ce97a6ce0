export {
  EntityGitopsPromotionContent,
  GitopsPromotionPage,
  gitopsPromotionApiFactory,
  gitopsPromotionPlugin,
} from './plugin';
export { isGitopsPromotionAvailable } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
export { gitopsPromotionApiRef, GitopsPromotionClient } from './api';
export type { GitopsPromotionApi } from './api';
export { EnvironmentsContent } from './components';
