import { gitopsPromotionPlugin } from './plugin';

describe('gitops-promotion', () => {
  it('should export plugin', () => {
    expect(gitopsPromotionPlugin).toBeDefined();
  });
});
