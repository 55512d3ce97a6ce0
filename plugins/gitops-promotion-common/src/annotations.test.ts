import { Entity } from '@backstage/catalog-model';
import {
  getGitopsServiceName,
  isGitopsPromotionAvailable,
} from './annotations';

const entity = (annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', annotations },
});

describe('annotations', () => {
  it.each([
    [undefined, false, undefined],
    [{}, false, undefined],
    [{ 'gitops-promotion/service': '   ' }, false, undefined],
    [{ 'gitops-promotion/service': 'checkout' }, true, 'checkout'],
    [{ 'gitops-promotion/service': ' cart ' }, true, 'cart'],
  ])('annotations %j → available %s, service %s', (a, available, name) => {
    expect(isGitopsPromotionAvailable(entity(a))).toBe(available);
    expect(getGitopsServiceName(entity(a))).toBe(name);
  });
});
