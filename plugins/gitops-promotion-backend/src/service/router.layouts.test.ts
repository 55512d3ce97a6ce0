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
const FILE = 'apps/checkout/values.yaml';
const values = (tag: string) => `image:\n  tag: "${tag}"\n`;
/** One repository with a branch per environment: main (staging) and prod. */
const branchesRepository = (dir: string) =>
  createBareRepository(dir, 'gitops', {
    prod: { [FILE]: values('1.0.0') },
    main: { [FILE]: values('1.4.0') },
  });

const checkout = serviceComponent('checkout');

describe('a branch per environment', () => {
  let dir: string;
  let bare: string;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'branches-'));
    bare = await branchesRepository(dir);
    backend = await startPromotionBackend({
      entities: [checkout],
      mutateConfig: section => {
        section.repositories = [
          {
            id: 'gitops',
            provider: 'git',
            url: bare,
            branchHeadCacheSeconds: 0,
          },
        ];
        // one file per service, the environment is the branch
        section.layouts = [
          {
            id: 'apps',
            files: [
              { path: 'apps/{service}/values.yaml', keys: ['image.tag'] },
            ],
          },
        ];
        section.defaultLayout = 'apps';
        const gate = { requireSynced: false, requireHealthy: false };
        section.environments = [
          { name: 'staging', repository: 'gitops', branch: 'main', gate },
          {
            name: 'prod',
            promotesFrom: ['staging'],
            repository: 'gitops',
            branch: 'prod',
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

  const show = (branch: string) =>
    runGit(['show', `${branch}:${FILE}`], { cwd: bare });
  const log = (branch: string) =>
    runGit(['log', '--format=%s', branch], { cwd: bare });

  it('reads each environment from its branch', async () => {
    const res = await request(backend.server)
      .get(`${api}/environments`)
      .query({ entityRef: 'component:default/checkout' })
      .set('Authorization', asUser());
    expect(res.status).toBe(200);
    expect(res.body.environments.map((e: any) => [e.name, e.version])).toEqual([
      ['staging', '1.4.0'],
      ['prod', '1.0.0'],
    ]);
  });

  it('promotes from the main branch into the prod branch, leaving main alone', async () => {
    const mainBefore = await log('main');
    const res = await request(backend.server)
      .post(`${api}/promotions`)
      .set('Authorization', asUser())
      .send({
        entityRef: 'component:default/checkout',
        source: 'staging',
        target: 'prod',
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      branch: 'prod',
      versions: [{ path: FILE, key: 'image.tag', from: '1.0.0', to: '1.4.0' }],
    });
    expect(await show('prod')).toBe(values('1.4.0'));
    expect((await log('prod')).split('\n')[0]).toBe(
      'Promote checkout 1.4.0 to prod',
    );
    expect(await log('main')).toBe(mainBefore);
  });
});

describe('a repository per environment', () => {
  let dir: string;
  let repos: Record<'staging' | 'prod', string>;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;

  const repository = (name: string, tag: string) =>
    createBareRepository(dir, name, { main: { [FILE]: values(tag) } });

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'repo-per-env-'));
    repos = {
      staging: await repository('staging', '2.2.0'),
      prod: await repository('prod', '2.1.0'),
    };
    backend = await startPromotionBackend({
      entities: [checkout],
      mutateConfig: section => {
        section.repositories = Object.entries(repos).map(([name, url]) => ({
          id: `${name}-gitops`,
          provider: 'git',
          url,
          branchHeadCacheSeconds: 0,
        }));
        section.layouts = [
          {
            id: 'apps',
            files: [
              { path: 'apps/{service}/values.yaml', keys: ['image.tag'] },
            ],
          },
        ];
        section.defaultLayout = 'apps';
        const gate = { requireSynced: false, requireHealthy: false };
        section.environments = [
          { name: 'staging', repository: 'staging-gitops', gate },
          {
            name: 'prod',
            promotesFrom: ['staging'],
            repository: 'prod-gitops',
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

  it('promotes from the staging repository into the prod repository', async () => {
    const stagingHead = await runGit(['rev-parse', 'main'], {
      cwd: repos.staging,
    });
    const res = await request(backend.server)
      .post(`${api}/promotions`)
      .set('Authorization', asUser())
      .send({
        entityRef: 'component:default/checkout',
        source: 'staging',
        target: 'prod',
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      repositoryId: 'prod-gitops',
      versions: [{ key: 'image.tag', from: '2.1.0', to: '2.2.0' }],
    });
    expect(await runGit(['show', `main:${FILE}`], { cwd: repos.prod })).toBe(
      values('2.2.0'),
    );
    expect(await runGit(['rev-parse', 'main'], { cwd: repos.staging })).toBe(
      stagingHead,
    );
  });
});
