import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { gitopsPromotionScaffolderModule } from './module';

describe('gitopsPromotionScaffolderModule', () => {
  async function actionIds(data: object) {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        gitopsPromotionScaffolderModule,
        mockServices.rootConfig.factory({ data }),
        catalogServiceMock.factory(),
      ],
    });
    return addActions.mock.calls.flat().map(a => a.id);
  }

  it('adds the register-service action', async () => {
    expect(await actionIds({})).toEqual(['gitops-promotion:register-service']);
  });

  it('adds the local registration only when configured, creating its index', async () => {
    const dir = createMockDirectory();
    const directory = dir.resolve('scaffolded');
    expect(
      await actionIds({
        catalog: {
          locations: [
            { type: 'file', target: `${directory}/catalog-info.yaml` },
          ],
        },
        gitopsPromotion: { development: { localCatalog: { directory } } },
      }),
    ).toEqual([
      'gitops-promotion:register-service',
      'gitops-promotion:register-local-entity',
    ]);
    expect(dir.content()).toEqual({
      scaffolded: {
        'catalog-info.yaml': expect.stringContaining(`kind: Location
metadata:
  name: scaffolded-entities
  description: Entities created from software templates on this machine
spec:
  type: file
  target: ./*/catalog-info.yaml
  presence: optional
`),
      },
    });
  });
});
