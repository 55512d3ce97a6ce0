import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EntityAnnotations } from './EntityAnnotations';

const checkout = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: { 'gitops-promotion/argocd-app': 'checkout-live' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

describe('EntityAnnotations', () => {
  function setup() {
    let now = 0;
    const catalog = catalogServiceMock({ entities: [checkout] });
    const lookups = jest.spyOn(catalog, 'getEntityByRef');
    const annotations = new EntityAnnotations({
      catalog,
      auth: mockServices.auth(),
      ttlMs: 1000,
      now: () => now,
    });
    return { annotations, lookups, advance: (ms: number) => (now += ms) };
  }

  it('reads an entity once per ttl', async () => {
    const { annotations, lookups, advance } = setup();

    await expect(
      annotations.get('component:default/checkout'),
    ).resolves.toEqual({ 'gitops-promotion/argocd-app': 'checkout-live' });
    advance(999);
    await annotations.get('component:default/checkout');
    expect(lookups).toHaveBeenCalledTimes(1);
    advance(1);
    await annotations.get('component:default/checkout');
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it('has no annotations for an entity that is gone', async () => {
    const { annotations } = setup();

    await expect(
      annotations.get('component:default/gone'),
    ).resolves.toBeUndefined();
  });

  it('does not keep a failed lookup', async () => {
    const { annotations, lookups } = setup();
    lookups.mockRejectedValueOnce(new Error('catalog down'));

    await expect(annotations.get('component:default/checkout')).rejects.toThrow(
      'catalog down',
    );
    await expect(
      annotations.get('component:default/checkout'),
    ).resolves.toBeDefined();
  });
});
