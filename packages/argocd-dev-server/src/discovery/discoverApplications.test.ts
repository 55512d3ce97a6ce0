import { GitRepositoryReader } from '../git/GitRepositoryReader';
import {
  createExampleRepository,
  ExampleRepository,
  readExampleConfig,
} from '../__testUtils__/exampleRepository';
import { discoverApplications } from './discoverApplications';
import { imageForKey } from './imageForKey';

describe('discoverApplications', () => {
  let repository: ExampleRepository;

  beforeAll(async () => {
    repository = await createExampleRepository();
  });
  afterAll(() => repository.remove());

  it('finds every service of every layout in every environment', async () => {
    const reader = new GitRepositoryReader(repository.path);
    const head = (await reader.resolveBranch('main'))!;
    const tree = await reader.listTree(head);
    const readFiles = async (paths: string[]) => {
      const blobs = await reader.readObjects(paths.map(p => tree.get(p)!));
      return new Map(paths.map(p => [p, blobs.get(tree.get(p)!)!]));
    };
    const config = await readExampleConfig();
    const apps = await discoverApplications(tree, readFiles, {
      ...config,
      applicationNameTemplate: '{service}-{env}',
      labelTemplates: {
        'acme.io/service': '{service}',
        'acme.io/env': '{env}',
      },
    });

    expect(apps).toHaveLength(8 * 4);
    const byName = new Map(apps.map(a => [a.name, a]));
    expect(byName.get('checkout-prod-eu')).toEqual({
      name: 'checkout-prod-eu',
      service: 'checkout',
      env: 'prod-eu',
      layoutId: 'helm-env-dir',
      labels: { 'acme.io/service': 'checkout', 'acme.io/env': 'prod-eu' },
      files: [
        {
          path: 'envs/prod-eu/checkout/values.yaml',
          keys: ['image.tag'],
          shared: false,
        },
      ],
    });
    expect(byName.get('inventory-dev')?.files).toEqual([
      {
        path: 'overlays/dev/kustomization.yaml',
        keys: ['images[name=ghcr.io/acme/inventory].newTag'],
        shared: true,
      },
    ]);
    expect(byName.get('ledger-staging')?.files.map(f => f.path)).toEqual([
      'apps/ledger/staging/Chart.yaml',
      'apps/ledger/staging/values.yaml',
    ]);
    expect(byName.get('search-dev')?.layoutId).toBe('helm-values-per-env');
  });
});

describe('imageForKey', () => {
  const fallback = 'ghcr.io/acme/svc';

  it.each<[string, string, string | undefined]>([
    ['image:\n  repository: r.io/a\n  tag: "1.2"\n', 'image.tag', 'r.io/a:1.2'],
    ['image:\n  tag: 1.10\n', 'image.tag', 'ghcr.io/acme/svc:1.10'],
    [
      'images:\n- name: ghcr.io/acme/x\n  newTag: 4.1.0\n',
      'images[name=ghcr.io/acme/x].newTag',
      'ghcr.io/acme/x:4.1.0',
    ],
    [
      'images:\n- name: x\n  newName: r.io/y\n  newTag: "2"\n',
      'images[name=x].newTag',
      'r.io/y:2',
    ],
    ['image:\n  tag: sha256:abc\n', 'image.tag', 'ghcr.io/acme/svc@sha256:abc'],
    [
      'dependencies:\n- name: service-base\n  version: 1.4.2\n',
      'dependencies[name=service-base].version',
      undefined,
    ],
    ['image:\n  tag: ""\n', 'image.tag', undefined],
    ['other: 1\n', 'image.tag', undefined],
  ])('%j %s -> %s', (text, key, expected) => {
    expect(imageForKey(text, key, fallback)).toBe(expected);
  });
});
