import { ConfigReader } from '@backstage/config';
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
import { readPluginConfig } from '../config/readPluginConfig';
import {
  asUser,
  startPromotionBackend,
  testConfig,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(60_000);

const api = '/api/gitops-promotion';
const KEY = 'springboot-app.image.tag';
/** The file of the common "one delivery repository per service" shape. */
const values = (service: string, tag: string) =>
  `# ${service} in this environment\nspringboot-app:\n  image:\n    repository: ghcr.io/acme/${service}\n    tag: "${tag}"\n  replicas: 2\n`;

const deliveryRepository = (
  dir: string,
  service: string,
  tags: Record<string, string>,
) =>
  createBareRepository(dir, `${service}-delivery`, {
    main: Object.fromEntries(
      Object.entries(tags).map(([env, tag]) => [
        `envs/${env}/values.yaml`,
        values(service, tag),
      ]),
    ),
  });

const component = (service: string) => serviceComponent(service);

/** One delivery repository per service: the url holds {service}, the layout does not. */
const perService = (dir: string) => (section: any) => {
  section.repositories = [
    {
      id: 'delivery',
      provider: 'git',
      url: path.join(dir, '{service}-delivery.git'),
      branchHeadCacheSeconds: 0,
    },
  ];
  section.layouts = [
    {
      id: 'delivery',
      files: [{ path: 'envs/{env}/values.yaml', keys: [KEY] }],
    },
  ];
  section.defaultLayout = 'delivery';
  section.environments = [
    {
      name: 'dev',
      repository: 'delivery',
      gate: { requireSynced: false, requireHealthy: false },
    },
    {
      name: 'staging',
      promotesFrom: ['dev'],
      repository: 'delivery',
      gate: { requireSynced: false, requireHealthy: false },
    },
  ];
};

describe('a repository per service', () => {
  let dir: string;
  let repos: Record<string, string>;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'per-service-'));
    repos = {
      checkout: await deliveryRepository(dir, 'checkout', {
        dev: '2.0.0',
        staging: '1.9.0',
      }),
      billing: await deliveryRepository(dir, 'billing', {
        dev: '5.1.0',
        staging: '5.0.0',
      }),
    };
    backend = await startPromotionBackend({
      entities: [component('checkout'), component('billing')],
      mutateConfig: perService(dir),
    });
  });
  afterAll(async () => {
    await backend.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const show = (service: string, env: string) =>
    runGit(['show', `main:envs/${env}/values.yaml`], { cwd: repos[service] });
  const commits = async (service: string) =>
    Number(
      (
        await runGit(['rev-list', '--count', 'main'], { cwd: repos[service] })
      ).trim(),
    );

  it('reads each service from its own repository', async () => {
    for (const [service, dev, staging] of [
      ['checkout', '2.0.0', '1.9.0'],
      ['billing', '5.1.0', '5.0.0'],
    ]) {
      const res = await request(backend.server)
        .get(`${api}/environments`)
        .query({ entityRef: `component:default/${service}` })
        .set('Authorization', asUser());
      expect(res.status).toBe(200);
      expect(
        res.body.environments.map((e: any) => [e.name, e.version]),
      ).toEqual([
        ['dev', dev],
        ['staging', staging],
      ]);
    }
  });

  it('promotes into the service’s own repository and no other', async () => {
    const before = await show('checkout', 'staging');
    const billingCommits = await commits('billing');
    const res = await request(backend.server)
      .post(`${api}/promotions`)
      .set('Authorization', asUser())
      .send({
        entityRef: 'component:default/checkout',
        source: 'dev',
        target: 'staging',
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      repositoryId: 'delivery/checkout',
      versions: [{ key: KEY, from: '1.9.0', to: '2.0.0' }],
    });
    const after = await show('checkout', 'staging');
    expect(getYamlValue(after, KEY)).toBe('2.0.0');
    // Only the tag's bytes changed.
    expect(after).toBe(before.replace('tag: "1.9.0"', 'tag: "2.0.0"'));
    expect(await commits('billing')).toBe(billingCommits);
    expect(getYamlValue(await show('billing', 'staging'), KEY)).toBe('5.0.0');
  });

  it('shows every service of every repository in the matrix', async () => {
    const res = await request(backend.server)
      .get(`${api}/matrix`)
      .set('Authorization', asUser());
    expect(res.status).toBe(200);
    const versions = Object.fromEntries(
      res.body.services.map((s: any) => [
        s.service,
        s.cells.map((c: any) => c.version),
      ]),
    );
    expect(versions).toEqual({
      billing: ['5.1.0', '5.0.0'],
      checkout: ['2.0.0', '2.0.0'],
    });
  });

  it('shows the other services when one service’s repository cannot be read', async () => {
    const moved = `${repos.billing}.moved`;
    await fs.rename(repos.billing, moved);
    try {
      const res = await request(backend.server)
        .get(`${api}/matrix`)
        .set('Authorization', asUser());
      expect(res.status).toBe(200);
      const cells = Object.fromEntries(
        res.body.services.map((s: any) => [s.service, s.cells]),
      );
      expect(cells.checkout.map((c: any) => c.version)).toEqual([
        '2.0.0',
        '2.0.0',
      ]);
      for (const cell of cells.billing) {
        expect(cell.version).toBeUndefined();
        expect(cell.values[0].problem).toMatch(
          /^Could not read delivery\/billing@main: /,
        );
      }
    } finally {
      await fs.rename(moved, repos.billing);
    }
  });
});

describe('the startup check that no two services share one value', () => {
  const read = (mutate: (section: any) => void) =>
    readPluginConfig(
      new ConfigReader(
        testConfig({
          repository: '/tmp/unused.git',
          argocdUrl: 'http://127.0.0.1:9',
          workingDirectory: '/tmp/unused',
          mutate,
        }),
      ),
    );

  it('accepts a layout without {service} when every environment has a repository per service', () => {
    const config = read(perService('/srv'))!;
    expect(config.repositories[0]).toMatchObject({
      perService: true,
      url: '/srv/{service}-delivery.git',
    });
  });

  it('refuses it when one environment writes to a shared repository, naming the key and the environment', () => {
    expect(() =>
      read(section => {
        perService('/srv')(section);
        section.repositories.push({
          id: 'shared',
          provider: 'git',
          url: '/srv/shared.git',
        });
        section.environments[1].repository = 'shared';
      }),
    ).toThrow(
      "Invalid configuration at gitopsPromotion.layouts[0].files[0]: neither the path nor every key contains {service}, so all services would share one value in environment 'staging'",
    );
  });

  it('refuses another placeholder in a repository url', () => {
    expect(() =>
      read(section => {
        perService('/srv')(section);
        section.repositories[0].url = '/srv/{env}/{service}.git';
      }),
    ).toThrow('gitopsPromotion.repositories[0].url: unknown placeholder {env}');
  });
});
