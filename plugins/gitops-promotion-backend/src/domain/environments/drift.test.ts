import type { GitopsKnownArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { driftOf } from './drift';
import { CellVersion } from './VersionReader';

const running = (...images: string[]): GitopsKnownArgoCdStatus => ({
  state: 'known',
  syncStatus: 'Synced',
  revisions: [],
  health: { status: 'Healthy' },
  images,
  application: { instance: 'local', name: 'checkout-prod-eu' },
});

const cell = (
  ...values: Array<{ key: string; value: string; image?: string }>
): CellVersion => ({
  service: 'checkout',
  environment: 'prod-eu',
  repositoryId: 'acme-gitops',
  version: values[0].value,
  values: values.map(v => ({ path: 'values.yaml', ...v })),
});

describe('driftOf', () => {
  const tag = { key: 'image.tag', value: '2.6.1' };
  const image = { ...tag, image: 'ghcr.io/acme/checkout:2.6.1' };

  it.each([
    [
      'the image git names runs',
      cell(image),
      running('ghcr.io/acme/checkout:2.6.1'),
      undefined,
    ],
    [
      'the same tag of another repository is drift',
      cell(image),
      running('ghcr.io/someone-else/checkout:2.6.1'),
      {
        desired: 'ghcr.io/acme/checkout:2.6.1',
        live: ['ghcr.io/someone-else/checkout:2.6.1'],
      },
    ],
    [
      "Docker Hub's spellings of one image are one image",
      cell({ ...tag, image: 'bitnami/nginx:2.6.1' }),
      running('docker.io/bitnami/nginx:2.6.1'),
      undefined,
    ],
    [
      'every image tag of the bundle counts, not the first alone',
      cell(image, {
        key: 'sidecar.image.tag',
        value: '1.0.0',
        image: 'ghcr.io/acme/proxy:1.0.0',
      }),
      running('ghcr.io/acme/checkout:2.6.1', 'ghcr.io/acme/proxy:0.9.0'),
      {
        desired: 'ghcr.io/acme/proxy:1.0.0',
        live: ['ghcr.io/acme/checkout:2.6.1', 'ghcr.io/acme/proxy:0.9.0'],
      },
    ],
    [
      'a file that does not name its image is compared by tag',
      cell(tag),
      running('ghcr.io/acme/checkout:2.5.0'),
      { desired: '2.6.1', live: ['ghcr.io/acme/checkout:2.5.0'] },
    ],
    [
      '... and runs when the tag does',
      cell(tag),
      running('ghcr.io/acme/checkout:2.6.1'),
      undefined,
    ],
    ['nothing is known to run: no drift', cell(image), running(), undefined],
  ])('%s', (_, gitCell, status, expected) => {
    expect(driftOf(gitCell, status)).toEqual(expected);
  });
});
