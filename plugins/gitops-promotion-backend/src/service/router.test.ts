import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import request from 'supertest';
import { runGit } from '../clients/git/runGit';
import {
  asService,
  asUser,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(60_000);

const api = '/api/gitops-promotion';
const checkout = 'component:default/checkout';

describe('GitOps Promotion REST API', () => {
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      deny: {
        'user:default/sofia.alvarez': {
          'gitops-promotion.environment.promote': ['prod-*'],
        },
        'user:default/visitor': {
          'gitops-promotion.environment.read': ['prod-*'],
          'gitops-promotion.environment.promote': ['*'],
        },
      },
    });
  });
  afterAll(() => backend.stop());

  const get = (path: string, auth = asUser()) =>
    request(backend.server).get(`${api}${path}`).set('Authorization', auth);
  const post = (path: string, body: object, auth = asUser()) =>
    request(backend.server)
      .post(`${api}${path}`)
      .set('Authorization', auth)
      .send(body);
  const git = (...args: string[]) => runGit(args, { cwd: backend.demo.bare });

  describe('authentication', () => {
    it.each([
      ['get', '/environments?entityRef=component:default/checkout'],
      ['get', '/matrix'],
      ['get', '/promotions'],
      ['post', '/promotions/preview'],
      ['post', '/promotions'],
      ['post', '/promotions/bulk'],
      ['post', '/promotions/bulk/preview'],
      ['post', '/ci/versions'],
    ])('%s %s without credentials is 401', async (method, path) => {
      const res = await (request(backend.server) as any)
        [method](`${api}${path}`)
        .send({});
      expect(res.status).toBe(401);
    });
  });

  describe('GET /environments', () => {
    it('carries each environment’s last version change, as its history tells it', async () => {
      const res = await get(`/environments?entityRef=${checkout}`);
      expect(res.status).toBe(200);
      const prodEu = res.body.environments.find(
        (e: any) => e.name === 'prod-eu',
      );
      expect(prodEu.lastChange).toMatchObject({
        from: '2.4.0',
        to: '2.5.0',
        author: { name: 'Priya Raman' },
      });
      const history = await get(
        `/environments/history?entityRef=${checkout}&environment=prod-eu`,
      );
      expect(history.body.history).toContainEqual(prodEu.lastChange);
    });

    it('shows every environment with git versions, Argo CD status, lag and what the caller may do', async () => {
      const res = await get(`/environments?entityRef=${checkout}`);
      expect(res.status).toBe(200);
      const envs = res.body.environments;
      expect(envs.map((e: any) => [e.name, e.version, e.status.state])).toEqual(
        [
          ['dev', '2.6.1', 'known'],
          ['staging', '2.6.1', 'known'],
          ['prod-eu', '2.5.0', 'known'],
          ['prod-us', '2.4.0', 'known'],
        ],
      );
      expect(envs[1].status).toMatchObject({
        syncStatus: 'Synced',
        health: { status: 'Healthy' },
      });
      expect(envs[3].lag).toMatchObject({
        upstream: 'staging',
        upstreamVersion: '2.6.1',
        versionsBehind: 2,
      });
      expect(envs[2].lag).toMatchObject({ versionsBehind: 1 });
      expect(envs[1].promote).toEqual([
        { target: 'prod-eu', allowed: true, reasons: [] },
        { target: 'prod-us', allowed: true, reasons: [] },
      ]);
      expect(envs[3].protected).toBe(true);
    });

    it('says why a promotion is not allowed, per target', async () => {
      const res = await get(
        `/environments?entityRef=${checkout}`,
        asUser('user:default/sofia.alvarez'),
      );
      const staging = res.body.environments.find(
        (e: any) => e.name === 'staging',
      );
      expect(staging.promote[0].allowed).toBe(false);
      expect(staging.promote[0].reasons.join(' ')).toMatch(/permission/i);
    });

    it('refuses the history of an environment the caller may not read', async () => {
      const res = await get(
        `/environments/history?entityRef=${checkout}&environment=prod-eu`,
        asUser('user:default/visitor'),
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe('You may not read prod-eu');
    });

    it('leaves out environments the caller may not read', async () => {
      const res = await get(
        `/environments?entityRef=${checkout}`,
        asUser('user:default/visitor'),
      );
      expect(res.body.environments.map((e: any) => e.name)).toEqual([
        'dev',
        'staging',
      ]);
    });

    it.each([
      ['', 400, /entityRef/],
      [
        '?entityRef=component:default/nope',
        404,
        /No catalog entity component:default\/nope/,
      ],
      [
        '?entityRef=group:default/platform',
        400,
        /not set up for GitOps Promotion/,
      ],
      [`?entityRef=${'x'.repeat(600)}`, 400, /entityRef/],
    ])(
      'GET /environments%s is %s with a clear message',
      async (query, status, message) => {
        const res = await get(`/environments${query}`);
        expect(res.status).toBe(status);
        expect(res.body.error.message).toMatch(message);
      },
    );
  });

  describe('GET /matrix', () => {
    it('answers for many services at once, filtered by owner', async () => {
      const res = await get('/matrix?owner=group:default/team-fulfilment');
      expect(res.status).toBe(200);
      expect(res.body.services.map((s: any) => s.service).sort()).toEqual([
        'inventory',
        'ledger',
        'notifications',
      ]);
      const inventory = res.body.services.find(
        (s: any) => s.service === 'inventory',
      );
      expect(res.body.environments.map((e: any) => e.name)).toEqual([
        'dev',
        'staging',
        'prod-eu',
        'prod-us',
      ]);
      expect(
        inventory.cells.map((c: any, i: number) => [
          res.body.environments[i].name,
          c.version,
          c.behind,
        ]),
      ).toEqual([
        ['dev', '4.3.0', undefined],
        ['staging', '4.3.0', false],
        ['prod-eu', '4.1.0', true],
        ['prod-us', '4.1.0', true],
      ]);
      expect(inventory.owners).toEqual(['group:default/team-fulfilment']);
      const prodEu = inventory.cells[2];
      expect(prodEu.lag).toEqual({
        upstream: 'staging',
        upstreamVersion: '4.3.0',
        versionsBehind: 2,
        behindSince: expect.any(String),
      });
      // staging went past 4.1.0 with the 4.2.0 promotion, 27 days ago at 12:46
      const daysBehind =
        (Date.now() - Date.parse(prodEu.lag.behindSince)) / 86_400_000;
      expect(daysBehind).toBeGreaterThan(26);
      expect(daysBehind).toBeLessThan(28);
      // nothing in flight: the fields are left out
      expect(prodEu).not.toHaveProperty('openPullRequests');
      expect(prodEu).not.toHaveProperty('inFlight');
      expect(res.body.lagPending).toBe(false);
    });
  });

  describe('promotions', () => {
    it('previews, promotes once per idempotency key, commits a one-line change and tracks it to Deployed', async () => {
      const preview = await post('/promotions/preview', {
        entityRef: checkout,
        source: 'staging',
        targets: ['prod-eu'],
      });
      expect(preview.status).toBe(200);
      const [target] = preview.body.targets;
      expect(target).toMatchObject({
        environment: 'prod-eu',
        mode: 'commit',
        allowed: true,
      });
      expect(
        target.diff.split('\n').filter((l: string) => /^[-+] /.test(l)),
      ).toEqual(['-  tag: "2.5.0"', '+  tag: "2.6.1"']);
      expect(target.verdicts.map((v: any) => [v.rule, v.passed])).toEqual([
        ['permission', true],
        ['pipeline-order', true],
        ['upstream-gate', true],
        ['immutable-version', true],
        ['freeze-window', true],
      ]);

      const body = {
        entityRef: checkout,
        source: 'staging',
        target: 'prod-eu',
        baseCommit: target.baseCommit,
      };
      const first = await post('/promotions', body).set(
        'Idempotency-Key',
        'click-1',
      );
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        service: 'checkout',
        sourceEnv: 'staging',
        targetEnv: 'prod-eu',
        state: 'committed',
        requester: 'user:default/guest',
        versions: [{ key: 'image.tag', from: '2.5.0', to: '2.6.1' }],
      });
      const again = await post('/promotions', body).set(
        'Idempotency-Key',
        'click-1',
      );
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);

      const [head] = (await git('log', '--format=%H|%an|%cn|%s', '-1', 'main'))
        .trim()
        .split('\n');
      expect(head).toBe(
        `${first.body.commitSha}|Guest|GitOps Promotion|Promote checkout 2.6.1 to prod-eu`,
      );
      const message = await git('log', '--format=%B', '-1', 'main');
      expect(message).toContain('Promoted-by: user:default/guest');
      expect(message).toContain(`Promotion-Id: ${first.body.id}`);
      const diff = await git('show', '--format=', '--unified=0', 'main');
      expect(diff.split('\n').filter(l => /^[-+] /.test(l))).toEqual([
        '-  tag: "2.5.0"',
        '+  tag: "2.6.1"',
      ]);

      for (let i = 0; i < 50; i++) {
        await backend.runTracker();
        const state = (await get(`/promotions/${first.body.id}`)).body.state;
        if (state === 'deployed') break;
        await new Promise(r => setTimeout(r, 200));
      }
      const done = await get(`/promotions/${first.body.id}`);
      expect(done.body.state).toBe('deployed');
      const listed = await get(
        `/promotions?entityRef=${checkout}&environment=prod-eu`,
      );
      expect(listed.body.items.map((p: any) => p.id)).toContain(first.body.id);
    });

    it('refuses with 409 naming the file when it changed since the preview, and writes nothing', async () => {
      const preview = await post('/promotions/preview', {
        entityRef: 'component:default/search',
        source: 'staging',
        targets: ['prod-us'],
      });
      const baseCommit = preview.body.targets[0].baseCommit;
      await backend.demo.commit('Hotfix search in prod-us', [
        {
          file: 'charts/search/values-prod-us.yaml',
          key: 'image.tag',
          value: '0.9.5',
        },
      ]);
      const head = await backend.demo.head();
      const res = await post('/promotions', {
        entityRef: 'component:default/search',
        source: 'staging',
        target: 'prod-us',
        baseCommit,
      });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(
        /charts\/search\/values-prod-us\.yaml changed since .* by Test/,
      );
      expect(await backend.demo.head()).toBe(head);
    });

    it('refuses a promotion the caller may not make with 403, naming the rule', async () => {
      const res = await post(
        '/promotions',
        {
          entityRef: 'component:default/payments',
          source: 'staging',
          target: 'prod-eu',
        },
        asUser('user:default/sofia.alvarez'),
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/permission/i);
    });

    it('refuses out-of-order promotions with 400', async () => {
      const res = await post('/promotions', {
        entityRef: 'component:default/cart',
        source: 'dev',
        target: 'prod-eu',
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/pipeline-order|promoted from/i);
    });

    it('rolls back to a version from the environment history', async () => {
      const history = await get(
        `/environments/history?entityRef=component:default/notifications&environment=staging`,
      );
      expect(history.status).toBe(200);
      const previous =
        history.body.history.find((h: any) => h.to !== '1.3.0')?.to ?? '1.2.0';
      const res = await post('/promotions', {
        entityRef: 'component:default/notifications',
        target: 'staging',
        kind: 'rollback',
        versions: [previous],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        kind: 'rollback',
        versions: [{ to: previous }],
      });
      const file = await git(
        'show',
        'main:overlays/staging/kustomization.yaml',
      );
      expect(
        getYamlValue(file, 'images[name=ghcr.io/acme/notifications].newTag'),
      ).toBe(previous);
    });

    it('promotes a release train of services sharing one overlay file as one commit', async () => {
      await backend.demo.commit(
        'Release notifications 1.5.0 and inventory 4.4.0 to dev',
        [
          {
            file: 'overlays/dev/kustomization.yaml',
            key: 'images[name=ghcr.io/acme/notifications].newTag',
            value: '1.5.0',
          },
          {
            file: 'overlays/dev/kustomization.yaml',
            key: 'images[name=ghcr.io/acme/inventory].newTag',
            value: '4.4.0',
          },
        ],
      );
      // let the Argo CD stand-in sync dev, as the upstream gate requires
      await new Promise(r => setTimeout(r, 1500));
      const res = await post('/promotions/bulk', {
        entityRefs: [
          'component:default/notifications',
          'component:default/inventory',
          'component:default/ledger',
        ],
        source: 'dev',
        target: 'staging',
      });
      expect(res.status).toBe(201);
      expect(res.body.refused).toEqual([]);
      expect(
        new Set(res.body.promotions.map((p: any) => p.commitSha)).size,
      ).toBe(1);
      expect(await git('log', '--format=%s', '-1', 'main')).toBe(
        'Promote notifications 1.5.0, inventory 4.4.0, ledger 1.6.0 to staging\n',
      );
      const overlay = await git(
        'show',
        'main:overlays/staging/kustomization.yaml',
      );
      expect(
        getYamlValue(overlay, 'images[name=ghcr.io/acme/notifications].newTag'),
      ).toBe('1.5.0');
      expect(
        getYamlValue(overlay, 'images[name=ghcr.io/acme/inventory].newTag'),
      ).toBe('4.4.0');
      const stat = await git('show', '--stat', '--format=', 'main');
      expect(stat).toContain('apps/ledger/staging/Chart.yaml');
    });

    it("previews a release train: each service's change and verdicts, refusals listed, nothing written", async () => {
      const head = await git('rev-parse', 'main');
      const res = await post('/promotions/bulk/preview', {
        entityRefs: [
          'component:default/payments',
          'component:default/cart',
          'component:default/no-such-service',
        ],
        source: 'staging',
        target: 'prod-us',
      });
      expect(res.status).toBe(200);
      const [payments, cart, missing] = res.body.services;
      expect(payments).toMatchObject({
        entityRef: 'component:default/payments',
        service: 'payments',
        preview: { environment: 'prod-us', allowed: true },
      });
      expect(payments.preview.diff).toMatch(/^\+.*tag/m);
      expect(cart.preview).toMatchObject({ allowed: false, edits: [] });
      expect(missing).toEqual({
        entityRef: 'component:default/no-such-service',
        refusal: 'No catalog entity component:default/no-such-service',
      });
      expect(await git('rev-parse', 'main')).toBe(head);
    });

    it('lists refused services of a release train without blocking the others', async () => {
      const res = await post('/promotions/bulk', {
        entityRefs: ['component:default/payments', 'component:default/cart'],
        source: 'staging',
        target: 'prod-us',
      });
      expect(res.status).toBe(201);
      expect(res.body.promotions.map((p: any) => p.service)).toEqual([
        'payments',
      ]);
      expect(res.body.refused).toEqual([
        {
          entityRef: 'component:default/cart',
          reason:
            'prod-us already runs these versions of cart; nothing to promote',
        },
      ]);
    });

    it.each([
      [
        {
          entityRef: checkout,
          source: 'staging',
          target: 'prod-eu',
          versions: ['2.7.0\nevil: true'],
        },
        /Invalid version/,
      ],
      [
        { entityRef: checkout, source: 'staging', target: '../../etc' },
        /target/,
      ],
      [
        { entityRef: checkout, source: 'staging', target: 'qa' },
        /Unknown environment 'qa'/,
      ],
      [
        { entityRef: checkout, target: 'prod-eu' },
        /must have required property 'source'/,
      ],
      [
        {
          entityRef: checkout,
          source: 'staging',
          target: 'prod-eu',
          path: '/etc/passwd',
        },
        /must NOT have additional properties/,
      ],
      [
        {
          entityRef: checkout,
          source: 'staging',
          target: 'prod-eu',
          versions: ['latest'],
        },
        /latest|mutable|immutable/i,
      ],
      [
        {
          entityRef: checkout,
          source: 'staging',
          target: 'prod-eu',
          baseCommit: 'HEAD~1',
        },
        /baseCommit/,
      ],
    ])(
      'answers bad input %j with 4xx and writes nothing',
      async (body, message) => {
        const head = await backend.demo.head();
        const res = await post('/promotions', body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.body.error.message).toMatch(message);
        expect(await backend.demo.head()).toBe(head);
      },
    );
  });

  describe('GET /delivery', () => {
    it('counts deployments per environment from the ledger and, made outside the plugin, from git', async () => {
      const res = await get(
        '/delivery?entityRef=component:default/checkout&days=30',
      );
      expect(res.status).toBe(200);
      const figures = res.body.services.find(
        (s: any) => s.service === 'checkout',
      );
      expect(figures.environments).toEqual(
        expect.arrayContaining([
          // the promotion above, and the demo's 2.5.0 of 28 days ago
          expect.objectContaining({
            environment: 'prod-eu',
            deployments: 2,
            outsideDeployments: 1,
          }),
        ]),
      );
    });

    it('refuses a period it does not keep', async () => {
      const res = await get(
        '/delivery?entityRef=component:default/checkout&days=1000',
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/days/);
    });
  });

  describe('CI entry point', () => {
    it('lets a service set the version of the first environment', async () => {
      const res = await post(
        '/ci/versions',
        { entityRef: 'component:default/cart', versions: ['3.2.0'] },
        asService(),
      ).set('Idempotency-Key', 'build-42');
      expect(res.status).toBe(201);
      expect(res.body.items[0]).toMatchObject({
        kind: 'ci',
        targetEnv: 'dev',
        versions: [{ to: '3.2.0' }],
      });
      const file = await git('show', 'main:envs/dev/cart/values.yaml');
      expect(getYamlValue(file, 'image.tag')).toBe('3.2.0');
    });

    it('refuses users and later environments', async () => {
      const byUser = await post('/ci/versions', {
        entityRef: 'component:default/cart',
        versions: ['3.2.1'],
      });
      expect(byUser.status).toBe(403);
      const later = await post(
        '/ci/versions',
        {
          entityRef: 'component:default/cart',
          versions: ['3.2.1'],
          environments: ['prod-eu'],
        },
        asService(),
      );
      expect(later.status).toBe(400);
      expect(later.body.error.message).toMatch(
        /CI may only set first environments \(dev\)/,
      );
    });

    it('refuses a service token on the user routes', async () => {
      const res = await post(
        '/promotions',
        { entityRef: checkout, source: 'staging', target: 'prod-us' },
        asService(),
      );
      expect(res.status).toBe(403);
    });
  });
});
