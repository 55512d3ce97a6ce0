import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { runGit } from '../clients/git/runGit';
import {
  asUser,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(60_000);

const api = '/api/gitops-promotion';
const FILE = 'apps/checkout/values.yaml';
const values = (tag: string) => `image:\n  tag: "${tag}"\n`;
const env = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** One repository with a branch per environment: main (dev, staging) and prod. */
async function branchesRepository(dir: string) {
  const work = path.join(dir, 'work');
  const git = (...args: string[]) => runGit(args, { cwd: work, env });
  await fs.mkdir(path.join(work, 'apps/checkout'), { recursive: true });
  await git('init', '--quiet', '--initial-branch=prod');
  await fs.writeFile(path.join(work, FILE), values('1.0.0'));
  await git('add', '--all');
  await git('commit', '--quiet', '-m', 'prod runs 1.0.0');
  await git('checkout', '--quiet', '-b', 'main');
  await fs.writeFile(path.join(work, FILE), values('1.4.0'));
  await git('commit', '--quiet', '-am', 'main runs 1.4.0');
  const bare = path.join(dir, 'gitops.git');
  await runGit(['clone', '--quiet', '--bare', work, bare], { cwd: dir });
  return bare;
}

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'gitops-promotion/service': 'checkout' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/payments',
    lifecycle: 'production',
  },
};

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

  async function repository(name: string, tag: string) {
    const work = path.join(dir, `${name}-work`);
    await fs.mkdir(path.join(work, 'apps/checkout'), { recursive: true });
    await fs.writeFile(path.join(work, FILE), values(tag));
    await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: work });
    await runGit(['add', '--all'], { cwd: work });
    await runGit(['commit', '--quiet', '-m', 'Import'], { cwd: work, env });
    const bare = path.join(dir, `${name}.git`);
    await runGit(['clone', '--quiet', '--bare', work, bare], { cwd: dir });
    return bare;
  }

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
