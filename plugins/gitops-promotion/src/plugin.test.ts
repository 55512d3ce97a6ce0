import { gitopsPromotionPlugin } from './plugin';

describe('gitops-promotion', () => {
  it('is the gitops-promotion plugin, matching the backend plugin id', () => {
    expect(gitopsPromotionPlugin.pluginId).toBe('gitops-promotion');
  });
});
