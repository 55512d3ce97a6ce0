import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { runGit } from '../clients/git/runGit';
import {
  createBareRepository,
  serviceComponent,
} from '../__testUtils__/bareRepository';
import {
  asUser,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(60_000);

const api = '/api/gitops-promotion';
const HELM_KEY = 'image.tag';
const KUSTOMIZE_KEY = (service: string) =>
  `images[name=ghcr.io/acme/${service}].newTag`;

/** The repository's files: keys missing in many ways. */
const FILES: Record<string, string> = {
  'envs/dev/api/values.yaml':
    'image:\n  repository: ghcr.io/acme/api\n  tag: "2.0.0"\n',
  // CRLF, no final newline, the tag inherited from a base values file
  'envs/staging/api/values.yaml':
    '# the tag comes from values-base.yaml\r\nimage:\r\n  repository: ghcr.io/acme/api\r\nreplicas: 2',
  // no image mapping at all
  'envs/prod/api/values.yaml': 'replicas: 3\n',
  'envs/dev/strict/values.yaml': 'image:\n  tag: "1.1.0"\n',
  'envs/staging/strict/values.yaml': 'image:\n  repository: x\n',
  'overlays/dev/kustomization.yaml':
    'resources:\n- ../../base\nimages:\n- name: ghcr.io/acme/web\n  newTag: "3.2.1"\n- name: ghcr.io/acme/worker\n  newTag: "7.0.0"\n- name: ghcr.io/acme/queue\n  newTag: 0.9.0\n',
  // a shared overlay without entries for web and worker yet
  'overlays/staging/kustomization.yaml':
    'resources:\n- ../../base\nimages:\n- name: ghcr.io/acme/other\n  newTag: "1.0.0"\n',
  // no images list at all
  'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\n',
};

const createRepository = (dir: string) =>
  createBareRepository(dir, 'gitops', { main: FILES });
const component = serviceComponent;

describe('promotions that create a missing key (createMissingKeys)', () => {
  let dir: string;
  let bare: string;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'create-missing-'));
    bare = await createRepository(dir);
    backend = await startPromotionBackend({
      entities: [
        component('api', 'helm'),
        component('strict', 'helm-strict'),
        component('web', 'kustomize'),
        component('worker', 'kustomize'),
        component('queue', 'kustomize'),
      ],
      mutateConfig: section => {
        section.repositories = [
          {
            id: 'gitops',
            provider: 'git',
            url: bare,
            branchHeadCacheSeconds: 0,
          },
        ];
        const helmFile = {
          path: 'envs/{env}/{service}/values.yaml',
          keys: [HELM_KEY],
        };
        section.layouts = [
          { id: 'helm', files: [{ ...helmFile, createMissingKeys: true }] },
          { id: 'helm-strict', files: [helmFile] },
          {
            id: 'kustomize',
            files: [
              {
                path: 'overlays/{env}/kustomization.yaml',
                keys: [KUSTOMIZE_KEY('{service}')],
                createMissingKeys: true,
              },
            ],
          },
        ];
        section.defaultLayout = 'helm';
        const gate = { requireSynced: false, requireHealthy: false };
        section.environments = [
          { name: 'dev', repository: 'gitops', gate },
          {
            name: 'staging',
            promotesFrom: ['dev'],
            repository: 'gitops',
            gate,
          },
          {
            name: 'prod',
            promotesFrom: ['staging'],
            repository: 'gitops',
            gate,
          },
        ];
      },
    });
  });
  afterAll(async () => {
    await backend.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const show = (file: string) =>
    runGit(['show', `main:${file}`], { cwd: bare });
  const commits = async () =>
    Number(
      (await runGit(['rev-list', '--count', 'main'], { cwd: bare })).trim(),
    );
  const promote = (service: string, source: string, target: string) =>
    request(backend.server)
      .post(`${api}/promotions`)
      .set('Authorization', asUser())
      .send({ entityRef: `component:default/${service}`, source, target });

  it('inserts the tag a CRLF file without final newline inherits, in its style', async () => {
    const res = await promote('api', 'dev', 'staging');
    expect(res.status).toBe(201);
    expect(res.body.versions).toEqual([
      { path: 'envs/staging/api/values.yaml', key: HELM_KEY, to: '2.0.0' },
    ]);
    expect(await show('envs/staging/api/values.yaml')).toBe(
      '# the tag comes from values-base.yaml\r\nimage:\r\n  repository: ghcr.io/acme/api\r\n  tag: 2.0.0\r\nreplicas: 2',
    );
  });

  it('inserts the mapping too when the file has none', async () => {
    const res = await promote('api', 'staging', 'prod');
    expect(res.status).toBe(201);
    expect(await show('envs/prod/api/values.yaml')).toBe(
      'replicas: 3\nimage:\n  tag: 2.0.0\n',
    );
  });

  it('adds a service’s entry to a shared overlay, and the list where there is none', async () => {
    expect((await promote('web', 'dev', 'staging')).status).toBe(201);
    expect(await show('overlays/staging/kustomization.yaml')).toBe(
      `${FILES['overlays/staging/kustomization.yaml']}- name: ghcr.io/acme/web\n  newTag: "3.2.1"\n`,
    );
    expect((await promote('web', 'staging', 'prod')).status).toBe(201);
    const prod = await show('overlays/prod/kustomization.yaml');
    expect(prod.startsWith(FILES['overlays/prod/kustomization.yaml'])).toBe(
      true,
    );
    expect(getYamlValue(prod, KUSTOMIZE_KEY('web'))).toBe('3.2.1');
    expect(prod.split('\n')).toHaveLength(6);
  });

  it('a release train creates two entries of one shared overlay in one commit', async () => {
    const before = await commits();
    const res = await request(backend.server)
      .post(`${api}/promotions/bulk`)
      .set('Authorization', asUser())
      .send({
        entityRefs: ['component:default/worker', 'component:default/queue'],
        source: 'dev',
        target: 'staging',
      });
    expect(res.status).toBe(201);
    expect(await commits()).toBe(before + 1);
    const staging = await show('overlays/staging/kustomization.yaml');
    expect(getYamlValue(staging, KUSTOMIZE_KEY('web'))).toBe('3.2.1');
    expect(getYamlValue(staging, KUSTOMIZE_KEY('worker'))).toBe('7.0.0');
    expect(getYamlValue(staging, KUSTOMIZE_KEY('queue'))).toBe('0.9.0');
    expect(res.body.promotions).toHaveLength(2);
  });

  it('without createMissingKeys, a missing key stays a 400 naming the key and the setting, and nothing is written', async () => {
    const before = await commits();
    const res = await promote('strict', 'dev', 'staging');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'Cannot set image.tag in envs/staging/strict/values.yaml',
    );
    expect(res.body.error.message).toContain('createMissingKeys');
    expect(await commits()).toBe(before);
  });
});
