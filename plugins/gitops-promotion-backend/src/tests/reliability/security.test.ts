import { setYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { mockCredentials } from '@backstage/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import {
  GitHttpServer,
  startGitHttpBackend,
} from '../../__testUtils__/gitHttpBackend';
import {
  asService,
  asUser,
  startPromotionBackend,
} from '../../__testUtils__/promotionBackend';
import { runGit } from '../../clients/git/runGit';
import { GithubFake } from '../../clients/github/__testUtils__/githubFake';
import { exampleFiles } from '../../clients/github/__testUtils__/startGithubFake';
import {
  apiClient,
  ApiClient,
  errorMessage,
  eventually,
} from './__testUtils__/api';
import { githubIntegration, githubRepository } from './__testUtils__/github';
import { HttpFaultProxy } from './__testUtils__/faultProxy';
import { createFigures } from './__testUtils__/figures';
import { catalogWith, serviceEntity } from './__testUtils__/fleet';
import { recordingRootLogger } from './__testUtils__/recordingLogger';
import { routeKey, routesOfRouter } from './__testUtils__/routes';

jest.mock('../../clients/github/createOctokit', () =>
  jest.requireActual('./__testUtils__/github').fastOctokitModule(),
);

jest.setTimeout(120_000);

const figures = createFigures('security');

/** Recognizable secrets: none may appear in a response, a log line or an audit event. */
const SECRETS = {
  githubToken: 'Rel1ab1l1ty-GitHub-Token-7f3a9c0e',
  argocdToken: 'Rel1ab1l1ty-ArgoCD-Token-2b8e4d1a',
  argocdPassword: 'Rel1ab1l1ty-ArgoCD-Password-9c1f5a3b',
  gitPassword: 'Rel1ab1l1ty-Git-Password-4d2e6f8a',
};

const USERS = {
  admin: 'user:default/guest',
  developer: 'user:default/sofia.alvarez',
  viewer: 'user:default/viewer',
  outsider: 'user:default/outsider',
};
type Role = keyof typeof USERS | 'service';
const ROLES: Role[] = ['admin', 'developer', 'viewer', 'outsider', 'service'];

const auth = (role: Role) =>
  role === 'service' ? asService() : asUser(USERS[role]);

/** A server that must never be asked anything: where an annotation would send a request. */
async function startTrap() {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(500);
    res.end();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

/** Catalog entities whose annotations try to send writes or requests elsewhere. */
function hostileEntities(trapUrl: string) {
  const evil = (name: string, annotations: Record<string, string>) =>
    serviceEntity(name, annotations);
  return [
    evil('evil-traversal', { 'gitops-promotion/service': '../../etc' }),
    evil('evil-nested', {
      'gitops-promotion/service': 'checkout/../../../tmp/x',
    }),
    evil('evil-absolute', { 'gitops-promotion/service': '/etc/passwd' }),
    evil('evil-newline', { 'gitops-promotion/service': 'cart\nevil: true' }),
    evil('evil-template', { 'gitops-promotion/service': '{env}' }),
    evil('evil-layout', {
      'gitops-promotion/service': 'cart',
      'gitops-promotion/layout': '../../layouts/x',
    }),
    // Keys the plugin does not know are ignored: writes still go where configuration says.
    evil('evil-redirect', {
      'gitops-promotion/service': 'cart',
      'gitops-promotion/repository': `${trapUrl}/evil.git`,
      'gitops-promotion/url': `${trapUrl}/evil.git`,
      'gitops-promotion/path': '/etc/passwd',
      'gitops-promotion/branch': 'evil',
      'backstage.io/source-location': `url:${trapUrl}/evil`,
    }),
    evil('evil-argocd-instance', {
      'gitops-promotion/service': 'payments',
      'gitops-promotion/argocd-instance': trapUrl,
    }),
    evil('evil-argocd-app', {
      'gitops-promotion/service': 'payments',
      'gitops-promotion/argocd-app': '../../session',
    }),
  ];
}

describe('security', () => {
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  let http_: GitHttpServer;
  let gitProxy: HttpFaultProxy;
  let argoProxy: HttpFaultProxy;
  let fake: GithubFake;
  let trap: Awaited<ReturnType<typeof startTrap>>;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  let api: ApiClient;
  const logs = recordingRootLogger();

  beforeAll(async () => {
    demo = await createDemoRepository();
    http_ = await startGitHttpBackend(demo.dir);
    gitProxy = await HttpFaultProxy.start(http_.url);
    argoProxy = await HttpFaultProxy.start();
    fake = await GithubFake.start({ token: SECRETS.githubToken });
    fake.push('main', exampleFiles(), { message: 'Seed' });
    // Rollbacks go only to versions an environment ran: the table's did.
    const counter = Array.from({ length: 120 }, (_, i) => String(i + 1));
    await demo.recordHistory([
      {
        file: 'envs/staging/cart/values.yaml',
        key: 'image.tag',
        values: [...counter.map(i => `3.9.${i}`), '6.6.6', '3.8.1'],
      },
      {
        file: 'envs/prod-eu/checkout/values.yaml',
        key: 'image.tag',
        values: counter.map(i => `2.9.${i}`),
      },
      {
        file: 'envs/staging/payments/values.yaml',
        key: 'image.tag',
        values: ['6.6.7'],
      },
    ]);
    for (const [file, versions] of [
      ['envs/prod-us/payments/values.yaml', counter.map(i => `1.9.${i}`)],
      ['envs/prod-us/checkout/values.yaml', ['2.8.1']],
    ] as const) {
      const original = exampleFiles()[file];
      for (const version of versions) {
        fake.push('main', {
          [file]: setYamlValue(original, 'image.tag', version),
        });
      }
      fake.push('main', { [file]: original });
    }
    trap = await startTrap();
    backend = await startPromotionBackend({
      demo,
      deny: {
        [USERS.developer]: {
          'gitops-promotion.environment.promote': ['prod-*'],
        },
        [USERS.viewer]: {
          'gitops-promotion.environment.promote': ['*'],
          'gitops-promotion.auto-promotion.pause': ['*'],
        },
        [USERS.outsider]: {
          'gitops-promotion.environment.read': ['*'],
          'gitops-promotion.environment.promote': ['*'],
          'gitops-promotion.freeze.override': ['*'],
          'gitops-promotion.auto-promotion.pause': ['*'],
        },
      },
      entities: [...catalogWith([]), ...hostileEntities(trap.url)],
      features: [logs.factory],
      argocd: {
        token: SECRETS.argocdToken,
        users: { admin: SECRETS.argocdPassword },
      },
      rootConfig: {
        integrations: {
          ...githubIntegration(fake, SECRETS.githubToken).integrations,
          gitea: [
            {
              host: new URL(gitProxy.url).host,
              username: 'ci-bot',
              password: SECRETS.gitPassword,
            },
          ],
        },
      },
      mutateConfig: section => {
        const proxyUrl = new URL(gitProxy.url);
        // The git password comes from integrations (a URL holding one is
        // refused at startup) and reaches git in its environment.
        section.repositories[0].url = `http://${proxyUrl.host}/gitops-repo.git`;
        section.repositories.push(githubRepository(fake, 'github-gitops'));
        const [token] = section.argocd.instances;
        argoProxy.target = token.url;
        token.url = argoProxy.url;
        token.token = SECRETS.argocdToken;
        token.cacheTtlSeconds = 0;
        token.timeoutMs = 1_000;
        section.argocd.instances.push({
          name: 'password',
          url: argoProxy.url,
          username: 'admin',
          password: SECRETS.argocdPassword,
          cacheTtlSeconds: 0,
          timeoutMs: 1_000,
        });
        const prodUs = section.environments.find(
          (e: { name: string }) => e.name === 'prod-us',
        );
        prodUs.repository = 'github-gitops';
        prodUs.argocd = { instance: 'password' };
      },
    });
    api = apiClient(backend.server);
  });

  afterAll(async () => {
    await backend?.stop();
    await trap?.close();
    await fake?.close();
    await argoProxy?.close();
    await gitProxy?.close();
    await http_?.close();
    await demo?.cleanup();
  });

  const withId = (path: string) =>
    path.replace(':id', '3f0c6d8e-6a55-4d0b-9a53-1c5f1f7e2a10');

  it('every route refuses a request without credentials, or with a forged token, with 401', async () => {
    const routes = await routesOfRouter();
    const problems: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const method = route.method.toLowerCase() as 'get' | 'post';
      for (const [label, header] of [
        ['no credentials', null],
        ['a forged token', 'Bearer eyJhbGciOiJub25lIn0.e30.'],
        [
          'an expired-looking user token',
          `Bearer ${mockCredentials.user.invalidToken()}`,
        ],
      ] as const) {
        checked++;
        const res = await api.call(method, withId(route.path), {
          auth: header,
          body: method === 'post' ? {} : undefined,
        });
        if (res.status !== 401) {
          problems.push(`${routeKey(route)} with ${label}: ${res.status}`);
        }
      }
    }
    figures.record('401 without valid credentials, every route', {
      requestsChecked: checked,
      requestsAsExpected: checked - problems.length,
    });
    expect(routes.length).toBeGreaterThanOrEqual(11);
    expect(problems).toEqual([]);
  });

  /** An answer as a row sees it; `note` is shown in the row's cell of the table. */
  interface RowResponse {
    status: number;
    body: any;
    text?: string;
    note?: string;
  }

  /** A row of the routes x roles table: one request, the status each role gets. */
  interface Row {
    name: string;
    send: (role: Role, n: number) => Promise<RowResponse>;
    expected: Record<Role, number>;
    /** Runs before the request (e.g. waits until Argo CD reports the source synced). */
    prepare?: () => Promise<void>;
    /** What else is wrong with the answer (what it shows, what it asked upstream). */
    check?: (
      role: Role,
      res: RowResponse,
      n: number,
    ) => string[] | Promise<string[]>;
  }

  /** Requests the git remote, GitHub and Argo CD have seen so far. */
  const upstreamRequests = () => ({
    git: gitProxy.seen.length,
    github: fake.requests.length,
    argocd: argoProxy.seen.length,
  });

  /** Sends a request, counting the upstream requests made while it runs. */
  async function countingUpstream(request: () => Promise<RowResponse>) {
    const before = upstreamRequests();
    const res = await request();
    const after = upstreamRequests();
    const upstream = {
      git: after.git - before.git,
      github: after.github - before.github,
      argocd: after.argocd - before.argocd,
    };
    return {
      ...res,
      upstream,
      note: `upstream: git ${upstream.git}, GitHub ${upstream.github}, Argo CD ${upstream.argocd}`,
    };
  }

  /** Idempotency-Key every role sends in its row: keys are per requester. */
  const SHARED_KEY = 'reliability-shared-key-3b7c';
  const keyedPromotions = new Map<string, Role>();

  /** A service per role, so that each role's pause is a new one. */
  const PAUSED_SERVICE: Record<Role, string> = {
    admin: 'component:default/cart',
    developer: 'component:default/checkout',
    viewer: 'component:default/payments',
    outsider: 'component:default/storefront',
    service: 'component:default/search',
  };

  const onlyAdmin = {
    admin: 201,
    developer: 403,
    viewer: 403,
    outsider: 403,
    service: 403,
  };

  /** Every write; `send` with `n` makes each request a new one. */
  const WRITES: Row[] = [
    {
      // First in the table: no earlier write's follow-up (an Argo CD refresh) is in flight.
      name: 'POST /promotions into staging with a baseCommit: refused before anything upstream is asked',
      send: role =>
        countingUpstream(() =>
          api.post(
            '/promotions',
            {
              entityRef: 'component:default/cart',
              source: 'dev',
              target: 'staging',
              baseCommit: 'f'.repeat(40),
            },
            { auth: auth(role) },
          ),
        ),
      // who may promote gets as far as the branch: not a commit of it
      expected: {
        admin: 400,
        developer: 400,
        viewer: 403,
        outsider: 403,
        service: 403,
      },
      check: (_role, res: any) => {
        const { git, github, argocd } = res.upstream;
        if (res.status === 403) {
          return git + github + argocd
            ? [`refused, but asked upstream (${res.note})`]
            : [];
        }
        // the control: a request let through reads the remote, so the count shows something
        return git ? [] : [`the remote was never asked (${res.note})`];
      },
    },
    {
      name: 'POST /promotions into staging (rollback), one Idempotency-Key for every role',
      send: (role, n) =>
        api.post(
          '/promotions',
          {
            entityRef: 'component:default/cart',
            target: 'staging',
            kind: 'rollback',
            versions: [`3.9.${n}`],
          },
          { auth: auth(role), headers: { 'Idempotency-Key': SHARED_KEY } },
        ),
      // another body under the same key would be a 422 were keys shared
      expected: { ...onlyAdmin, developer: 201 },
      check: async (role, res, n) => {
        if (res.status !== 201) return [];
        const problems: string[] = [];
        const id = res.body.id as string;
        if (keyedPromotions.has(id)) {
          problems.push(`got ${keyedPromotions.get(id)}'s promotion ${id}`);
        }
        keyedPromotions.set(id, role);
        // the key works for its owner: the same request again is the same promotion
        const again = await api.post(
          '/promotions',
          {
            entityRef: 'component:default/cart',
            target: 'staging',
            kind: 'rollback',
            versions: [`3.9.${n}`],
          },
          { auth: auth(role), headers: { 'Idempotency-Key': SHARED_KEY } },
        );
        if (again.status !== 200 || again.body.id !== id) {
          problems.push(
            `the retry with the key answered ${again.status} ${again.body.id}`,
          );
        }
        const read = await api.get(`/promotions/${id}`, { auth: auth(role) });
        for (const [what, answer] of [
          ['answer', res],
          ['retry', again],
          ['GET /promotions/{id}', read],
        ] as const) {
          if (
            'idempotencyKey' in (answer.body ?? {}) ||
            (answer.text ?? JSON.stringify(answer.body)).includes(SHARED_KEY)
          ) {
            problems.push(`the ${what} carries the Idempotency-Key`);
          }
        }
        return problems;
      },
    },
    {
      name: 'POST /promotions into staging (rollback)',
      send: (role, n) =>
        api.post(
          '/promotions',
          {
            entityRef: 'component:default/cart',
            target: 'staging',
            kind: 'rollback',
            versions: [`3.9.${n}`],
          },
          { auth: auth(role) },
        ),
      expected: { ...onlyAdmin, developer: 201 },
    },
    {
      name: 'POST /promotions into prod-eu',
      send: (role, n) =>
        api.post(
          '/promotions',
          {
            entityRef: 'component:default/checkout',
            target: 'prod-eu',
            kind: 'rollback',
            versions: [`2.9.${n}`],
          },
          { auth: auth(role) },
        ),
      expected: onlyAdmin,
    },
    {
      name: 'POST /promotions into prod-us (GitHub)',
      send: (role, n) =>
        api.post(
          '/promotions',
          {
            entityRef: 'component:default/payments',
            target: 'prod-us',
            kind: 'rollback',
            versions: [`1.9.${n}`],
          },
          { auth: auth(role) },
        ),
      expected: onlyAdmin,
    },
    {
      name: 'POST /promotions/bulk into prod-eu',
      prepare: () => upstreamGateOpen('component:default/payments'),
      send: role =>
        api.post(
          '/promotions/bulk',
          {
            entityRefs: [
              'component:default/payments',
              'component:default/storefront',
            ],
            source: 'staging',
            target: 'prod-eu',
          },
          { auth: auth(role) },
        ),
      expected: onlyAdmin,
    },
    {
      name: 'POST /ci/versions into dev',
      send: (role, n) =>
        api.post(
          '/ci/versions',
          { entityRef: 'component:default/cart', versions: [`4.0.${n}`] },
          { auth: auth(role) },
        ),
      expected: {
        admin: 403,
        developer: 403,
        viewer: 403,
        outsider: 403,
        service: 201,
      },
    },
    {
      name: 'POST /promotions/:id/approvals of a promotion nobody may see',
      send: role =>
        api.post(
          '/promotions/3f0c6d8e-6a55-4d0b-9a53-1c5f1f7e2a10/approvals',
          { decision: 'approve' },
          { auth: auth(role) },
        ),
      expected: {
        admin: 404,
        developer: 404,
        viewer: 404,
        outsider: 404,
        service: 403,
      },
    },
    {
      name: 'POST /auto-promotion/pauses of a service in staging',
      send: role =>
        api.post(
          '/auto-promotion/pauses',
          { entityRef: PAUSED_SERVICE[role], environment: 'staging' },
          { auth: auth(role) },
        ),
      expected: {
        admin: 201,
        developer: 201,
        viewer: 403,
        outsider: 403,
        service: 403,
      },
    },
    {
      name: 'POST /services (registration)',
      send: (role, n) =>
        api.post(
          '/services',
          {
            service: `registered-${role}-${n}`,
            imageRepository: `ghcr.io/acme/registered-${role}-${n}`,
            version: '1.0.0',
            environments: ['dev', 'staging', 'prod-eu'],
          },
          { auth: auth(role) },
        ),
      expected: onlyAdmin,
    },
  ];

  /** A promotion into prod-eu the reads ask for, once the writes made one. */
  let prodEuPromotion: string | undefined;
  /** Whether the tracker has moved the table's promotions to deployed. */
  let delivered = false;

  /**
   * Reads of an environment: refused to whoever may not read it (403, or 404
   * for one record), or showing only what they may read.
   */
  const READS: Row[] = [
    {
      name: 'GET /environments/history of prod-eu',
      send: role =>
        api.get(
          '/environments/history?entityRef=component:default/checkout&environment=prod-eu',
          { auth: auth(role) },
        ),
      expected: {
        admin: 200,
        developer: 200,
        viewer: 200,
        outsider: 403,
        service: 200,
      },
    },
    {
      name: 'POST /promotions/bulk/preview into prod-eu',
      send: role =>
        api.post(
          '/promotions/bulk/preview',
          {
            entityRefs: ['component:default/checkout'],
            source: 'staging',
            target: 'prod-eu',
          },
          { auth: auth(role) },
        ),
      expected: {
        admin: 200,
        developer: 200,
        viewer: 200,
        outsider: 403,
        service: 200,
      },
    },
    {
      name: 'POST /promotions/preview into prod-eu',
      send: role =>
        api.post(
          '/promotions/preview',
          {
            entityRef: 'component:default/checkout',
            source: 'staging',
            targets: ['prod-eu'],
          },
          { auth: auth(role) },
        ),
      expected: {
        admin: 200,
        developer: 200,
        viewer: 200,
        outsider: 403,
        service: 200,
      },
    },
    {
      name: 'GET /promotions: only promotions into readable environments',
      send: role => api.get('/promotions?limit=500', { auth: auth(role) }),
      expected: {
        admin: 200,
        developer: 200,
        viewer: 200,
        outsider: 200,
        service: 200,
      },
      check: (role, res) => {
        const items: Array<{ targetEnv: string }> = res.body.items ?? [];
        if (role === 'outsider') {
          return items.length
            ? [
                `shows ${items.length} promotion(s) into ${[
                  ...new Set(items.map(i => i.targetEnv)),
                ].join(', ')}`,
              ]
            : [];
        }
        return items.some(i => i.targetEnv === 'prod-eu')
          ? []
          : ['shows no promotion into prod-eu'];
      },
    },
    {
      name: 'GET /promotions/{id} of a promotion into prod-eu',
      prepare: async () => {
        prodEuPromotion ??= (
          await api.get('/promotions?environment=prod-eu&limit=1')
        ).body.items?.[0]?.id;
      },
      send: role =>
        api.get(`/promotions/${prodEuPromotion}`, { auth: auth(role) }),
      // one they may not read is as unknown as a missing one
      expected: {
        admin: 200,
        developer: 200,
        viewer: 200,
        outsider: 404,
        service: 200,
      },
      check: (_role, res) =>
        res.status === 404 && res.body.targetEnv !== undefined
          ? ['the 404 carries the promotion']
          : [],
    },
    {
      name: 'GET /delivery: figures of readable environments only',
      prepare: async () => {
        // deployed promotions make figures: the tracker moves the table's
        if (!delivered) {
          delivered = await eventually(async () => {
            await backend.runTracker();
            return (
              await api.get('/delivery?days=30')
            ).body.total?.environments?.some(
              (e: { environment: string; deployments: number }) =>
                e.environment === 'prod-eu' && e.deployments > 0,
            );
          });
        }
      },
      send: role => api.get('/delivery?days=30', { auth: auth(role) }),
      expected: {
        admin: 200,
        developer: 200,
        viewer: 200,
        outsider: 200,
        service: 200,
      },
      check: (role, res) => {
        const environments = [
          ...(res.body.total?.environments ?? []),
          ...(res.body.services ?? []).flatMap((s: any) => s.environments),
        ].map((e: { environment: string }) => e.environment);
        if (role === 'outsider') {
          return environments.length
            ? [`shows figures of ${[...new Set(environments)].join(', ')}`]
            : [];
        }
        return environments.includes('prod-eu')
          ? []
          : ['shows no figures of prod-eu'];
      },
    },
  ];

  /** Waits until the upstream gate of a promotion from staging to prod-eu passes. */
  async function upstreamGateOpen(entityRef: string) {
    await eventually(async () => {
      const res = await api.post('/promotions/preview', {
        entityRef,
        source: 'staging',
        targets: ['prod-eu'],
      });
      return res.body.targets?.[0]?.verdicts?.find(
        (v: { rule: string }) => v.rule === 'upstream-gate',
      )?.passed;
    });
  }

  const heads = async () => `${await demo.head()} ${fake.head('main')}`;
  const ledgerSize = async () =>
    (await api.get('/promotions?limit=500')).body.items.length;
  let n = 0;

  /** Runs the rows for every role; returns the problems and the table. */
  async function runTable(rows: Row[], roles: Role[]) {
    const problems: string[] = [];
    const table: string[] = [];
    for (const row of rows) {
      const cells: string[] = [];
      for (const role of roles) {
        await row.prepare?.();
        const [before, ledger] = [await heads(), await ledgerSize()];
        const cell = ++n;
        const res = await row.send(role, cell);
        cells.push(`${role} ${res.status}${res.note ? ` (${res.note})` : ''}`);
        const message = errorMessage(res as never);
        if (res.status !== row.expected[role]) {
          problems.push(
            `${row.name} as ${role}: ${res.status}, expected ${
              row.expected[role]
            } (${message ?? ''})`,
          );
        }
        for (const problem of (await row.check?.(role, res, cell)) ?? []) {
          problems.push(`${row.name} as ${role}: ${problem}`);
        }
        if (res.status === 403) {
          if ((await heads()) !== before || (await ledgerSize()) !== ledger) {
            problems.push(
              `${row.name} as ${role}: refused, but something was written`,
            );
          }
          if (!message)
            problems.push(`${row.name} as ${role}: 403 without a message`);
        }
      }
      table.push(`${row.name}: ${cells.join(', ')}`);
    }
    return { problems, table, checked: rows.length * roles.length };
  }

  it('every write without permission is 403 and writes nothing, every environment read without permission is 403, 404 or filtered (routes x roles)', async () => {
    const { problems, table, checked } = await runTable(
      [...WRITES, ...READS],
      ROLES,
    );
    figures.record('403 routes x roles', {
      requestsChecked: checked,
      requestsAsExpected: checked - problems.length,
      details: table,
    });
    expect(problems).toEqual([]);
  });

  it('the table has a row for every write route; a service token can use the CI entry point and no other write', async () => {
    // previews write nothing: they are in the table of reads
    const posts = (await routesOfRouter())
      .filter(r => r.method === 'POST' && !r.path.endsWith('/preview'))
      .map(r => r.path);
    const previews = (await routesOfRouter())
      .filter(r => r.path.endsWith('/preview'))
      .map(r => `${r.method} ${r.path}`);
    const reads = new Set(
      READS.map(r => r.name.split(' ').slice(0, 2).join(' ')),
    );
    expect(previews.filter(p => !reads.has(p))).toEqual([]);
    const covered = new Set(WRITES.map(w => w.name.split(' ')[1]));
    expect(posts.filter(p => !covered.has(p))).toEqual([]);
    const { problems, checked } = await runTable(WRITES, ['service']);
    figures.record('service token outside the CI entry point', {
      requestsChecked: checked,
      requestsAsExpected: checked - problems.length,
    });
    expect(problems).toEqual([]);
  });

  it('catalog annotations cannot send writes or requests outside the configured repositories and paths', async () => {
    const gitBase = await demo.head();
    const githubBase = fake.head('main');
    const attempt = (name: string, body: object = {}) =>
      api.post('/promotions', {
        entityRef: `component:default/${name}`,
        target: 'staging',
        kind: 'rollback',
        versions: ['6.6.6'],
        ...body,
      });
    const refused = await Promise.all(
      [
        'evil-traversal',
        'evil-nested',
        'evil-absolute',
        'evil-newline',
        'evil-template',
        'evil-layout',
      ].map(async name => [name, await attempt(name)] as const),
    );
    const redirected = await attempt('evil-redirect');
    const instance = await api.get(
      '/environments?entityRef=component:default/evil-argocd-instance',
    );
    const app = await api.get(
      '/environments?entityRef=component:default/evil-argocd-app',
    );
    const appPromotion = await api.post('/promotions', {
      entityRef: 'component:default/evil-argocd-app',
      target: 'staging',
      kind: 'rollback',
      versions: ['6.6.7'],
    });

    const problems: string[] = [];
    for (const [name, res] of refused) {
      if (res.status < 400 || res.status >= 500)
        problems.push(`${name}: ${res.status}`);
    }
    if (redirected.status !== 201)
      problems.push(`evil-redirect: ${redirected.status}`);
    // The one write that happened went to the configured repository, branch and path.
    const changed = (
      await runGit(['log', '--format=', '--name-only', `${gitBase}..main`], {
        cwd: demo.bare,
      })
    )
      .split('\n')
      .filter(Boolean);
    const expectedPaths = [
      'envs/staging/cart/values.yaml',
      'envs/staging/payments/values.yaml',
    ];
    if (changed.some(p => !expectedPaths.includes(p))) {
      problems.push(`files written: ${changed.join(', ')}`);
    }
    const branches = (
      await runGit(['branch', '--format=%(refname:short)'], { cwd: demo.bare })
    )
      .split('\n')
      .filter(Boolean);
    if (branches.join(',') !== 'main')
      problems.push(`branches: ${branches.join(', ')}`);
    if (fake.head('main') !== githubBase) problems.push('GitHub was written');
    if (trap.requests.length)
      problems.push(`requests to the trap: ${trap.requests.join(', ')}`);
    const instanceCells = instance.body.environments ?? [];
    if (
      instance.status !== 200 ||
      instanceCells.some((e: any) => e.status.state !== 'unknown')
    ) {
      problems.push(`evil-argocd-instance: ${instance.status}`);
    }
    const strayArgoRequests = argoProxy.seen.filter(
      r =>
        !/^(GET|POST) \/api\/v1\/(applications(\/[a-z0-9-]+)?(\?.*)?|stream\/applications\?.*|session)$/.test(
          r,
        ),
    );
    if (strayArgoRequests.length) {
      problems.push(
        `unexpected Argo CD requests: ${strayArgoRequests.join(', ')}`,
      );
    }
    if (app.status !== 200) problems.push(`evil-argocd-app: ${app.status}`);
    // its bad application name only costs the status: the write goes where configured
    if (appPromotion.status !== 201) {
      problems.push(`evil-argocd-app promotion: ${appPromotion.status}`);
    }
    figures.record('hostile catalog annotations', {
      requestsChecked: refused.length + 4,
      requestsAsExpected: refused.length + 4 - problems.length,
    });
    expect(problems).toEqual([]);
  });

  it('no secret appears in any response, log line or audit event, also when things fail', async () => {
    // Failures whose messages name the remote, GitHub or Argo CD.
    gitProxy.inject({ kind: 'status', status: 503, times: 4 });
    await api.post('/promotions', {
      entityRef: 'component:default/cart',
      target: 'staging',
      kind: 'rollback',
      versions: ['3.8.1'],
    });
    await api.get('/environments?entityRef=component:default/cart');
    gitProxy.clear();
    fake.fail({
      operationId: 'git/update-ref',
      status: 401,
      message: 'Bad credentials',
    });
    await api.post('/promotions', {
      entityRef: 'component:default/checkout',
      target: 'prod-us',
      kind: 'rollback',
      versions: ['2.8.1'],
    });
    fake.fail({ status: 500, times: 10 });
    await api.get('/environments?entityRef=component:default/checkout');
    argoProxy.inject({
      kind: 'status',
      status: 401,
      match: ({ url }) => url.startsWith('/api/v1/session'),
    });
    argoProxy.inject({ kind: 'status', status: 500, times: 3 });
    await api.get('/matrix');
    argoProxy.inject({ kind: 'reset', times: 5 });
    await api.get('/matrix');
    argoProxy.clear();
    // Everything else once more, now that nothing fails.
    await api.get('/matrix');
    await api.get('/environments?entityRef=component:default/payments');
    await api.get('/promotions?limit=500');
    await api.get('/delivery?owner=group:default/team-checkout');
    for (let i = 0; i < 3; i++) await backend.runTracker();

    const texts = [
      ...api.responses.map(r => ({
        where: `response to ${r.method} ${r.path}`,
        text: r.text,
      })),
      ...logs.lines.map(l => ({
        where: l.audit
          ? `audit event ${l.message}`
          : `log line "${l.message.slice(0, 80)}"`,
        text: l.text,
      })),
    ];
    const leaks = texts.flatMap(({ where, text }) =>
      Object.entries(SECRETS)
        .filter(([, secret]) => text.includes(secret))
        .map(([name]) => `${name} in ${where}`),
    );
    const audits = logs.lines.filter(l => l.audit);
    figures.record('secrets in responses, logs and audit events', {
      textsScanned: texts.length,
      secretsLeaked: leaks.length,
    });
    expect(audits.length).toBeGreaterThan(10);
    expect(logs.lines.length).toBeGreaterThan(audits.length);
    expect(leaks).toEqual([]);
  });
});
