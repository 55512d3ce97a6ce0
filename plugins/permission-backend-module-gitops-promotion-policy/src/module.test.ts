import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionBackend from '@backstage/plugin-permission-backend';
import gitopsPromotionBackend from '@gitops-promotion/backstage-plugin-gitops-promotion-backend';
import { GITOPS_PROMOTION_SERVICE_ANNOTATION } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import policyModule from './index';

jest.setTimeout(60_000);

const run = promisify(execFile);
const git = async (cwd: string, ...args: string[]) =>
  (await run('git', args, { cwd })).stdout.trim();

const values = (tag: string) => `image:\n  tag: "${tag}"\n`;

/** A bare GitOps repository with payments in dev, staging and prod-eu. */
async function createGitopsRepository(dir: string) {
  const seed = path.join(dir, 'seed');
  const bare = path.join(dir, 'gitops.git');
  await fs.mkdir(seed);
  await git(dir, 'init', '--bare', '--initial-branch=main', bare);
  await git(seed, 'init', '--initial-branch=main');
  for (const [env, tag] of [
    ['dev', '1.2.0'],
    ['staging', '1.1.0'],
    ['prod-eu', '1.0.0'],
  ]) {
    const file = path.join(seed, 'envs', env, 'payments', 'values.yaml');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, values(tag));
  }
  await git(seed, 'add', '.');
  await git(
    seed,
    ...['-c', 'user.name=Test', '-c', 'user.email=test@example.com'],
    ...['commit', '-m', 'payments in every environment'],
  );
  await git(seed, 'push', bare, 'main');
  return bare;
}

const gitopsPromotionConfig = (
  repository: string,
  workingDirectory: string,
) => {
  // No Argo CD here: the gate asks only that the source runs the versions.
  const gate = { requireSynced: false, requireHealthy: false };
  return {
    workingDirectory,
    repositories: [
      {
        id: 'gitops',
        provider: 'git',
        url: repository,
        branchHeadCacheSeconds: 0,
      },
    ],
    layouts: [
      {
        id: 'helm',
        files: [
          { path: 'envs/{env}/{service}/values.yaml', keys: ['image.tag'] },
        ],
      },
    ],
    defaultLayout: 'helm',
    environments: [
      { name: 'dev', repository: 'gitops' },
      { name: 'staging', promotesFrom: ['dev'], repository: 'gitops', gate },
      {
        name: 'prod-eu',
        promotesFrom: ['staging'],
        repository: 'gitops',
        gate,
      },
    ],
  };
};

const group = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});
const user = (name: string, memberOf: string[]) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf },
});
const users = [
  user('ana', ['release-managers', 'payments-team']),
  user('ben', ['release-managers']),
  user('carla', ['payments-team']),
  user('dan', []),
];
const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { [GITOPS_PROMOTION_SERVICE_ANNOTATION]: 'payments' },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments-team' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments-team' }],
  },
  group('payments-team'),
  group('release-managers'),
  ...users,
];

/**
 * What a sign-in resolver puts in a user's token: the user and the groups the
 * catalog says they are a member of.
 */
const userInfoFromCatalog = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const { userEntityRef } = credentials.principal as {
        userEntityRef: string;
      };
      const found = users.find(
        u => `user:default/${u.metadata.name}` === userEntityRef,
      );
      return {
        userEntityRef,
        ownershipEntityRefs: [
          userEntityRef,
          ...(found?.spec.memberOf ?? []).map(g => `group:default/${g}`),
        ],
      };
    },
  }),
});

/**
 * The mock auth service, except that a plugin's request on behalf of a user
 * names the plugin as actor, as the real auth service does: the permission
 * backend refuses a conditional query from a user without one.
 */
const authWithPluginActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const issue = auth.getPluginRequestToken.bind(auth);
    auth.getPluginRequestToken = async options => {
      const { onBehalfOf } = options;
      if (!auth.isPrincipal(onBehalfOf, 'user')) return issue(options);
      const actor = { subject: `plugin:${plugin.getId()}` };
      return {
        token: mockCredentials.user.token(onBehalfOf.principal.userEntityRef, {
          actor,
        }),
      };
    };
    return auth;
  },
});

describe('the example policy on a backend, over HTTP', () => {
  let dir: string;
  let repository: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-promotion-policy-'));
    repository = await createGitopsRepository(dir);
    backend = await startTestBackend({
      features: [
        permissionBackend,
        policyModule,
        gitopsPromotionBackend,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            gitopsPromotionExamplePolicy: {
              releaseGroups: ['group:default/release-managers'],
            },
            gitopsPromotion: gitopsPromotionConfig(
              repository,
              path.join(dir, 'work'),
            ),
          },
        }),
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalogServiceMock({ entities }),
        }),
        authWithPluginActors,
        userInfoFromCatalog,
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const request = async (as: string, route: string, body?: object) => {
    const { port } = backend.server.address() as AddressInfo;
    const res = await fetch(
      `http://localhost:${port}/api/gitops-promotion${route}`,
      {
        method: body ? 'POST' : 'GET',
        headers: {
          authorization: `Bearer ${mockCredentials.user.token(as)}`,
          'content-type': 'application/json',
        },
        body: body && JSON.stringify(body),
      },
    );
    return { status: res.status, body: await res.json() };
  };
  const promote = (as: string, source: string, target: string) =>
    request(as, '/promotions', {
      entityRef: 'component:default/payments',
      source,
      target,
    });
  const tagIn = async (env: string) =>
    git(
      dir,
      '--git-dir',
      repository,
      'show',
      `main:envs/${env}/payments/values.yaml`,
    );
  const head = () => git(dir, '--git-dir', repository, 'rev-parse', 'main');

  it.each([
    ['user:default/ana', true],
    ['user:default/ben', false],
  ])(
    'tells %s whether they may promote staging into production: %s',
    async (as, allowed) => {
      const res = await request(
        as,
        '/environments?entityRef=component:default/payments',
      );
      expect(res.status).toBe(200);
      const staging = res.body.environments.find(
        (e: { name: string }) => e.name === 'staging',
      );
      expect(staging.promote).toEqual([
        expect.objectContaining({ target: 'prod-eu', allowed }),
      ]);
    },
  );

  it.each([
    ['a release manager who does not own the service', 'user:default/ben'],
    ['an owner outside the release groups', 'user:default/carla'],
    ['anybody else', 'user:default/dan'],
  ])('refuses %s production with 403 and writes nothing', async (_, as) => {
    const before = await head();
    const res = await promote(as, 'staging', 'prod-eu');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/Promotion refused/);
    expect(await head()).toBe(before);
  });

  it('lets a release manager who owns the service promote into production', async () => {
    const res = await promote('user:default/ana', 'staging', 'prod-eu');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      targetEnv: 'prod-eu',
      requester: 'user:default/ana',
      versions: [{ key: 'image.tag', from: '1.0.0', to: '1.1.0' }],
    });
    expect(await head()).toBe(res.body.commitSha);
    expect(await tagIn('prod-eu')).toBe(values('1.1.0').trim());
  });

  it('lets anybody promote into staging', async () => {
    const res = await promote('user:default/dan', 'dev', 'staging');
    expect(res.status).toBe(201);
    expect(await tagIn('staging')).toBe(values('1.2.0').trim());
  });
});
