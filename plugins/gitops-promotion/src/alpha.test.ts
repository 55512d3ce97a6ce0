import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { entity } from './__testUtils__/fixtures';
import gitopsPromotionPlugin from './alpha';
import { gitopsPromotionApiRef } from './api';

const environmentsEntityContent = gitopsPromotionPlugin.getExtension(
  'entity-content:gitops-promotion/environments',
);
const gitopsPromotionApi = gitopsPromotionPlugin.getExtension(
  'api:gitops-promotion',
);

describe('gitops-promotion/alpha (new frontend system)', () => {
  it('is the gitops-promotion plugin, matching the backend plugin id', () => {
    expect(gitopsPromotionPlugin.pluginId).toBe('gitops-promotion');
  });

  it('adds the Environments tab to annotated entities only', () => {
    const tester = createExtensionTester(environmentsEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('environments');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Environments',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(entity)).toBe(true);
    expect(
      filter?.({ ...entity, metadata: { name: 'other', annotations: {} } }),
    ).toBe(false);
  });

  it('provides the API client', () => {
    const tester = createExtensionTester(gitopsPromotionApi);
    expect(tester.get(ApiBlueprint.dataRefs.factory).api).toBe(
      gitopsPromotionApiRef,
    );
  });
});
