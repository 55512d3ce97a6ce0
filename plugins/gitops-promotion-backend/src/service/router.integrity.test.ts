import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import request from 'supertest';
import {
  asUser,
  previewUntil,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';
import { runGit } from '../clients/git/runGit';

jest.setTimeout(120_000);

const api = '/api/gitops-promotion';
const LEAD = 'user:default/guest';
const VIEWER = 'user:default/viewer';
const NO_PROD = 'user:default/no-prod';
const NO_CHECKOUT = 'user:default/no-checkout';

const tagFile = (env: string, service: string) =>
  `envs/${env}/${service}/values.yaml`;

/**
 * What a person reviewed is what is written, and every rule holds on every
 * path: through the REST API of the real backend, on a real git repository.
 */
describe('promotion integrity', () => {
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      deny: {
        [VIEWER]: { 'gitops-promotion.environment.promote': ['*'] },
        [NO_PROD]: { 'gitops-promotion.environment.read': ['prod-*'] },
      },
      hiddenEntities: { [NO_CHECKOUT]: ['component:default/checkout'] },
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
      },
    });
  });
  afterAll(() => backend?.stop());

  const post = (
    path: string,
    body: object,
    options: { user?: string; key?: string } = {},
  ) => {
    const req = request(backend.server)
      .post(`${api}${path}`)
      .set('Authorization', asUser(options.user ?? LEAD));
    if (options.key) req.set('Idempotency-Key', options.key);
    return req.send(body);
  };
  const get = (path: string, user = LEAD) =>
    request(backend.server)
      .get(`${api}${path}`)
      .set('Authorization', asUser(user));
  const tagAtHead = async (env: string, service: string) =>
    getYamlValue(await backend.demo.show(tagFile(env, service)), 'image.tag');

  /** Previews until every rule passes (Argo CD has synced the source), then returns the target's preview. */
  const allowedPreview = async (body: object) =>
    (
      await previewUntil(
        () => post('/promotions/preview', body),
        (b: any) => b.targets[0].allowed,
      )
    ).targets[0];
  const allowedBulkPreview = (body: object) =>
    previewUntil(
      () => post('/promotions/bulk/preview', body),
      (b: any) => b.services.every((s: any) => s.preview?.allowed),
    );

  describe('reviewed is written', () => {
    it('refuses (409) a confirm whose source moved since the preview, naming what moved, and writes nothing', async () => {
      const preview = await allowedPreview({
        entityRef: 'component:default/cart',
        source: 'dev',
        targets: ['staging'],
      });
      expect(preview.versions).toEqual([await tagAtHead('dev', 'cart')]);
      expect(preview.baseCommit).toBe(await backend.demo.head());
      expect(preview.sourceCommit).toBe(preview.baseCommit);

      // CI releases a new version to dev between the preview and the confirm.
      await backend.demo.commit('Release cart 9.1.0 to dev', [
        { file: tagFile('dev', 'cart'), key: 'image.tag', value: '9.1.0' },
      ]);
      const head = await backend.demo.head();
      for (const pin of [
        { baseCommit: preview.baseCommit },
        { baseCommit: preview.baseCommit, versions: preview.versions },
        { sourceCommit: preview.sourceCommit },
        { versions: preview.versions },
      ]) {
        const res = await post('/promotions', {
          entityRef: 'component:default/cart',
          source: 'dev',
          target: 'staging',
          ...pin,
        });
        expect(res.status).toBe(409);
        expect(res.body.error.message).toContain(
          `the source moved since your preview: dev has image.tag 9.1.0 now in envs/dev/cart/values.yaml, the preview showed ${preview.versions[0]}`,
        );
        expect(await backend.demo.head()).toBe(head);
      }

      // A fresh preview shows the new version; confirming it writes exactly that.
      const fresh = await allowedPreview({
        entityRef: 'component:default/cart',
        source: 'dev',
        targets: ['staging'],
      });
      expect(fresh.versions).toEqual(['9.1.0']);
      const res = await post('/promotions', {
        entityRef: 'component:default/cart',
        source: 'dev',
        target: 'staging',
        versions: fresh.versions,
        baseCommit: fresh.baseCommit,
        sourceCommit: fresh.sourceCommit,
      });
      expect(res.status).toBe(201);
      expect(await tagAtHead('staging', 'cart')).toBe('9.1.0');
    });

    it('rebases a pinned confirm over unrelated commits, and refuses (409) one whose target file changed', async () => {
      const preview = await allowedPreview({
        entityRef: 'component:default/cart',
        source: 'staging',
        targets: ['prod-eu'],
      });
      const unrelated = await backend.demo.commit('Unrelated: payments dev', [
        { file: tagFile('dev', 'payments'), key: 'image.tag', value: '7.7.7' },
      ]);
      const res = await post('/promotions', {
        entityRef: 'component:default/cart',
        source: 'staging',
        target: 'prod-eu',
        versions: preview.versions,
        baseCommit: preview.baseCommit,
        sourceCommit: preview.sourceCommit,
      });
      expect(res.body.error?.message).toBeUndefined();
      expect(res.status).toBe(201);
      const parent = await runGit(['rev-parse', `${res.body.commitSha}^`], {
        cwd: backend.demo.bare,
      });
      expect(parent.trim()).toBe(unrelated);
      const diff = await runGit(
        ['show', '--format=', '--unified=0', res.body.commitSha],
        { cwd: backend.demo.bare },
      );
      expect(diff.split('\n').filter(l => /^[-+] /.test(l))).toEqual([
        expect.stringMatching(/^- {2}tag: /),
        expect.stringMatching(
          new RegExp(`^\\+ {2}tag: ["']?${preview.versions[0]}["']?$`),
        ),
      ]);

      const next = await allowedPreview({
        entityRef: 'component:default/checkout',
        source: 'staging',
        targets: ['prod-eu'],
      });
      await backend.demo.commit('Hotfix checkout in prod-eu by hand', [
        {
          file: tagFile('prod-eu', 'checkout'),
          key: 'replicaCount',
          value: '5',
        },
      ]);
      const head = await backend.demo.head();
      const moved = await post('/promotions', {
        entityRef: 'component:default/checkout',
        source: 'staging',
        target: 'prod-eu',
        versions: next.versions,
        baseCommit: next.baseCommit,
      });
      expect(moved.status).toBe(409);
      expect(moved.body.error.message).toMatch(
        /envs\/prod-eu\/checkout\/values\.yaml changed since/,
      );
      expect(await backend.demo.head()).toBe(head);
    });

    it('a release train confirms exactly its preview: one moved source refuses the whole train (409), nothing written', async () => {
      const body = {
        entityRefs: [
          'component:default/checkout',
          'component:default/payments',
        ],
        source: 'dev',
        target: 'staging',
      };
      await backend.demo.commit('Release checkout 8.1.0, payments 8.1.0', [
        { file: tagFile('dev', 'checkout'), key: 'image.tag', value: '8.1.0' },
        { file: tagFile('dev', 'payments'), key: 'image.tag', value: '8.1.0' },
      ]);
      const previewed = await allowedBulkPreview(body);
      expect(previewed.baseCommit).toBe(await backend.demo.head());
      const pins = previewed.services.map((s: any) => ({
        entityRef: s.entityRef,
        versions: s.preview.versions,
        sourceCommit: s.preview.sourceCommit,
      }));
      expect(previewed.services.map((s: any) => s.preview.baseCommit)).toEqual([
        previewed.baseCommit,
        previewed.baseCommit,
      ]);

      await backend.demo.commit('Release payments 8.8.8 to dev', [
        { file: tagFile('dev', 'payments'), key: 'image.tag', value: '8.8.8' },
      ]);
      const head = await backend.demo.head();
      const refused = await post('/promotions/bulk', {
        ...body,
        baseCommit: previewed.baseCommit,
        pins,
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(
        'dev has image.tag 8.8.8 now in envs/dev/payments/values.yaml',
      );
      expect(await backend.demo.head()).toBe(head);

      const fresh = await allowedBulkPreview(body);
      const freshPins = fresh.services.map((s: any) => ({
        entityRef: s.entityRef,
        versions: s.preview.versions,
        sourceCommit: s.preview.sourceCommit,
      }));
      const res = await post('/promotions/bulk', {
        ...body,
        baseCommit: fresh.baseCommit,
        pins: freshPins,
      });
      expect(res.status).toBe(201);
      expect(res.body.promotions).toHaveLength(2);
      expect(await tagAtHead('staging', 'payments')).toBe('8.8.8');
      expect(await tagAtHead('staging', 'checkout')).toBe(
        freshPins[0].versions[0],
      );
      const message = await runGit(['log', '-1', '--format=%B', 'main'], {
        cwd: backend.demo.bare,
      });
      for (const promotion of res.body.promotions) {
        expect(message).toContain(`Promotion-Id: ${promotion.id}`);
      }
    });

    it('pins must name each service of the train once', async () => {
      const res = await post('/promotions/bulk', {
        entityRefs: [
          'component:default/checkout',
          'component:default/payments',
        ],
        source: 'dev',
        target: 'staging',
        pins: [
          { entityRef: 'component:default/checkout', versions: ['1.0.0'] },
        ],
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /missing: component:default\/payments/,
      );
    });
  });

  describe('rollback only to history', () => {
    it('refuses (400) a rollback to a version the environment never ran, naming it, and writes nothing', async () => {
      const head = await backend.demo.head();
      const res = await post('/promotions', {
        kind: 'rollback',
        entityRef: 'component:default/checkout',
        target: 'prod-eu',
        versions: ['9.9.9-never-deployed'],
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'Rollback: prod-eu never ran image.tag 9.9.9-never-deployed',
      );
      expect(await backend.demo.head()).toBe(head);
    });

    it('rolls back to a version of the history; the gate does not apply and the verdicts say it is a rollback', async () => {
      const history = await get(
        '/environments/history?entityRef=component:default/search&environment=prod-eu',
      );
      expect(history.status).toBe(200);
      const current = history.body.history[0].versions;
      const earlier = history.body.history.find(
        (h: any) => h.versions && h.versions[0] !== current[0],
      );
      expect(earlier).toBeDefined();
      // prod-eu's upstream is broken: a rollback is the escape hatch.
      backend.standIn.degrade('search-staging', 'CrashLoopBackOff');
      const preview = await post('/promotions/preview', {
        entityRef: 'component:default/search',
        targets: ['prod-eu'],
        versions: earlier.versions,
      });
      expect(preview.status).toBe(200);
      const verdicts = Object.fromEntries(
        preview.body.targets[0].verdicts.map((v: any) => [v.rule, v]),
      );
      expect(verdicts['rollback-history']).toMatchObject({
        passed: true,
        message: expect.stringContaining(
          `commit ${earlier.commitSha.slice(0, 12)}`,
        ),
      });
      expect(verdicts['upstream-gate'].message).toContain(
        'does not apply to a rollback',
      );
      expect(verdicts['pipeline-order'].message).toContain(
        'does not apply to a rollback',
      );
      const res = await post('/promotions', {
        kind: 'rollback',
        entityRef: 'component:default/search',
        target: 'prod-eu',
        versions: earlier.versions,
        baseCommit: preview.body.targets[0].baseCommit,
      });
      backend.standIn.recover('search-staging');
      expect(res.status).toBe(201);
      expect(res.body.kind).toBe('rollback');
      const file = await backend.demo.show('charts/search/values-prod-eu.yaml');
      expect(getYamlValue(file, 'image.tag')).toBe(earlier.versions[0]);
    });

    it('rolls a bundle back only to values the environment ran together', async () => {
      const files = {
        chart: 'apps/ledger/staging/Chart.yaml',
        values: 'apps/ledger/staging/values.yaml',
      };
      const before = [
        getYamlValue(
          await backend.demo.show(files.chart),
          'dependencies[name=service-base].version',
        ),
        getYamlValue(
          await backend.demo.show(files.values),
          'service-base.image.tag',
        ),
      ];
      await backend.demo.commit('Promote ledger chart 1.9.0 and 5.9.0', [
        {
          file: files.chart,
          key: 'dependencies[name=service-base].version',
          value: '1.9.0',
        },
        { file: files.values, key: 'service-base.image.tag', value: '5.9.0' },
      ]);
      const history = await get(
        '/environments/history?entityRef=component:default/ledger&environment=staging',
      );
      expect(history.body.history[0].versions).toEqual(['1.9.0', '5.9.0']);
      expect(history.body.history.map((h: any) => h.versions)).toContainEqual(
        before,
      );

      const mixed = await post('/promotions', {
        kind: 'rollback',
        entityRef: 'component:default/ledger',
        target: 'staging',
        versions: [before[0], '5.9.0'],
      });
      expect(mixed.status).toBe(400);
      expect(mixed.body.error.message).toMatch(/Rollback: staging never ran/);

      const res = await post('/promotions', {
        kind: 'rollback',
        entityRef: 'component:default/ledger',
        target: 'staging',
        versions: before,
      });
      expect(res.status).toBe(201);
      expect(res.body.versions.map((v: any) => v.to)).toEqual(before);
    });
  });

  describe('idempotency', () => {
    it('a key is the requester’s own: another body is 422, another user gets their own promotion, keys are never answered', async () => {
      const key = 'confirm-6f1c2a';
      const body = {
        kind: 'rollback',
        entityRef: 'component:default/cart',
        target: 'dev',
        versions: [await tagAtHead('dev', 'cart')],
      };
      const history = await get(
        '/environments/history?entityRef=component:default/cart&environment=dev',
      );
      const earlier = history.body.history.find(
        (h: any) => h.versions && h.versions[0] !== body.versions[0],
      ).versions;
      const first = await post(
        '/promotions',
        { ...body, versions: earlier },
        { key },
      );
      expect(first.status).toBe(201);
      expect(first.body).not.toHaveProperty('idempotencyKey');
      expect(JSON.stringify(first.body)).not.toContain(key);

      const again = await post(
        '/promotions',
        { ...body, versions: earlier },
        { key },
      );
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);

      const head = await backend.demo.head();
      const reused = await post('/promotions', body, { key });
      expect(reused.status).toBe(422);
      expect(reused.body.error.message).toMatch(
        /Idempotency key 'confirm-6f1c2a' was already used for another request/,
      );
      expect(await backend.demo.head()).toBe(head);

      const other = await post('/promotions', body, {
        key,
        user: 'user:default/marcus.chen',
      });
      expect(other.status).toBe(201);
      expect(other.body.id).not.toBe(first.body.id);
      expect(JSON.stringify(other.body)).not.toContain(first.body.id);
      expect(JSON.stringify(other.body)).not.toContain(key);
    });
  });

  describe('read permission on every read', () => {
    it('GET /promotions, /promotions/{id} and /delivery show only readable environments and visible entities', async () => {
      const all = await get('/promotions?limit=500');
      expect(all.status).toBe(200);
      const prod = all.body.items.find((p: any) => p.targetEnv === 'prod-eu');
      const checkout = all.body.items.find(
        (p: any) => p.entityRef === 'component:default/checkout',
      );
      expect(prod).toBeDefined();
      expect(checkout).toBeDefined();

      const noProd = await get('/promotions?limit=500', NO_PROD);
      expect(noProd.status).toBe(200);
      expect(noProd.body.items.length).toBeGreaterThan(0);
      expect(
        noProd.body.items.filter((p: any) => p.targetEnv.startsWith('prod-')),
      ).toEqual([]);
      expect((await get(`/promotions/${prod.id}`, NO_PROD)).status).toBe(404);
      expect((await get(`/promotions/${prod.id}`)).status).toBe(200);
      const delivery = await get(
        '/delivery?entityRef=component:default/cart&days=30',
        NO_PROD,
      );
      expect(delivery.status).toBe(200);
      expect(
        delivery.body.services.flatMap((s: any) =>
          s.environments.map((e: any) => e.environment),
        ),
      ).not.toContainEqual(expect.stringMatching(/^prod-/));

      const hidden = await get('/promotions?limit=500', NO_CHECKOUT);
      expect(
        hidden.body.items.filter(
          (p: any) => p.entityRef === 'component:default/checkout',
        ),
      ).toEqual([]);
      expect(
        (await get(`/promotions/${checkout.id}`, NO_CHECKOUT)).status,
      ).toBe(404);
    });
  });

  describe('authorize before work', () => {
    it('a viewer’s baseCommit is refused (403) before anything is read', async () => {
      const res = await post(
        '/promotions',
        {
          entityRef: 'component:default/cart',
          source: 'dev',
          target: 'staging',
          baseCommit: 'f'.repeat(40),
        },
        { user: VIEWER },
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/you may not promote to staging/);
    });

    it('a baseCommit that is not on the branch is 400, nothing written', async () => {
      const main = await backend.demo.head();
      const git = (...args: string[]) =>
        runGit(args, {
          cwd: backend.demo.bare,
          env: {
            GIT_AUTHOR_NAME: 'Side',
            GIT_AUTHOR_EMAIL: 'side@example.com',
            GIT_COMMITTER_NAME: 'Side',
            GIT_COMMITTER_EMAIL: 'side@example.com',
          },
        });
      const tree = (await git('rev-parse', 'main^{tree}')).trim();
      const side = (
        await git('commit-tree', tree, '-p', main, '-m', 'A side branch')
      ).trim();
      await git('update-ref', 'refs/heads/side', side);
      for (const baseCommit of [side, 'f'.repeat(40)]) {
        const res = await post('/promotions', {
          entityRef: 'component:default/cart',
          source: 'dev',
          target: 'staging',
          baseCommit,
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(
          `baseCommit ${baseCommit} is not a commit of branch 'main'`,
        );
      }
      await git('update-ref', '-d', 'refs/heads/side');
      expect(await backend.demo.head()).toBe(main);
    });
  });
});
