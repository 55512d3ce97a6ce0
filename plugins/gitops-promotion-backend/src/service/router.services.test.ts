import { mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';
import { runGit } from '../clients/git/runGit';
import {
  asService,
  asUser,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(60_000);

const api = '/api/gitops-promotion';

describe('POST /services', () => {
  const events: Array<{ eventId: string; meta: unknown; outcome?: unknown }> =
    [];
  const auditor = mockServices.auditor.mock({
    createEvent: async options => {
      const event = {
        eventId: options.eventId,
        meta: options.meta,
        outcome: undefined as unknown,
      };
      events.push(event);
      return {
        success: async result => {
          event.outcome = { success: result?.meta ?? {} };
        },
        fail: async ({ error }) => {
          event.outcome = { fail: error.message };
        },
      };
    },
  });
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;

  beforeAll(async () => {
    backend = await startPromotionBackend({
      deny: {
        'user:default/sofia.alvarez': {
          'gitops-promotion.environment.promote': ['prod-*'],
        },
      },
      features: [auditor.factory],
    });
  });
  afterAll(() => backend.stop());
  beforeEach(() => {
    events.length = 0;
  });

  const post = (body: object, auth: string | undefined = asUser()) => {
    const req = request(backend.server).post(`${api}/services`);
    return (auth ? req.set('Authorization', auth) : req).send(body);
  };
  const git = (...args: string[]) => runGit(args, { cwd: backend.demo.bare });
  const head = async () => (await git('rev-parse', 'main')).trim();
  const body = {
    service: 'billing',
    imageRepository: 'ghcr.io/acme/billing',
    version: '1.0.0',
  };

  it('is 401 without credentials and 403 for a service token', async () => {
    expect((await post(body, '')).status).toBe(401);
    const res = await post(body, asService());
    expect(res.status).toBe(403);
    expect(events).toEqual([]);
  });

  it.each<[string, object, string]>([
    [
      'an unknown field',
      { ...body, path: 'envs/dev/x.yaml' },
      'request/body must NOT have additional properties',
    ],
    [
      'a missing version',
      { ...body, version: undefined },
      "request/body must have required property 'version'",
    ],
    [
      'a bad service name',
      { ...body, service: 'Billing' },
      "Invalid service name 'Billing'",
    ],
    [
      'an unknown environment',
      { ...body, environments: ['qa'] },
      "Unknown environment 'qa'; configured: dev, staging, prod-eu, prod-us",
    ],
    [
      'a layout without templates',
      { ...body, layout: 'kustomize-overlay' },
      "Layout 'kustomize-overlay' cannot register new services",
    ],
  ])('is 400 for %s', async (_name, sent, message) => {
    const before = await head();
    const res = await post(sent);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toContain(message);
    expect(await head()).toBe(before);
  });

  it('is 403 naming the environments the caller may not promote into', async () => {
    const res = await post(body, asUser('user:default/sofia.alvarez'));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'You may not register billing in prod-eu, prod-us: it needs the permission gitops-promotion.environment.promote for each environment. Ask an administrator to grant it, or register the other environments',
    );
    expect(events).toEqual([
      {
        eventId: 'service-registration',
        meta: expect.objectContaining({ service: 'billing' }),
        outcome: { fail: expect.stringContaining('You may not register') },
      },
    ]);
  });

  it('shows a dry run without writing or auditing, then registers with 201, then answers 200', async () => {
    const before = await head();
    const dry = await post({ ...body, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ created: false, dryRun: true });
    expect(dry.body.files).toHaveLength(4);
    expect(dry.body.files[0].diff).toContain(
      '+++ b/envs/dev/billing/values.yaml',
    );
    expect(await head()).toBe(before);
    expect(events).toEqual([]);

    const created = await post(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      created: true,
      commit: { sha: await head() },
      annotations: {
        'gitops-promotion/service': 'billing',
        'gitops-promotion/layout': 'helm-env-dir',
      },
    });
    expect(events).toEqual([
      {
        eventId: 'service-registration',
        meta: {
          action: 'register-service',
          service: 'billing',
          layout: null,
          environments: null,
          version: '1.0.0',
        },
        outcome: {
          success: {
            created: true,
            commitSha: created.body.commit.sha,
            pullRequest: null,
          },
        },
      },
    ]);

    const again = await post(body);
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    expect(again.body.message).toContain('already registered');
    expect(await head()).toBe(created.body.commit.sha);
  });

  it('is 409 for a service that partly exists, naming the files, and writes nothing', async () => {
    const before = await head();
    const res = await post({ ...body, version: '2.0.0' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      'Existing: envs/dev/billing/values.yaml (different), envs/staging/billing/values.yaml (different)',
    );
    expect(await head()).toBe(before);
  });

  it('lets the Argo CD stand-in discover the new service and sync it', async () => {
    const app = () =>
      request(backend.argocdUrl)
        .get('/api/v1/applications/billing-dev')
        .set('Authorization', 'Bearer test-argocd-token');
    await backend.standIn.reconcile();
    const deadline = Date.now() + 10_000;
    let res = await app();
    while (
      Date.now() < deadline &&
      res.body.status?.health?.status !== 'Healthy'
    ) {
      await new Promise(resolve => setTimeout(resolve, 100));
      res = await app();
    }
    expect(res.status).toBe(200);
    expect(res.body.status).toMatchObject({
      sync: { status: 'Synced', revision: await head() },
      health: { status: 'Healthy' },
      summary: { images: ['ghcr.io/acme/billing:1.0.0'] },
    });
  });
});

describe('POST /services into a shared Kustomize overlay (createMissingKeys)', () => {
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      mutateConfig: section => {
        const overlay = section.layouts.find(
          (l: { id: string }) => l.id === 'kustomize-overlay',
        );
        overlay.files[0].createMissingKeys = true;
      },
    });
  });
  afterAll(() => backend.stop());

  const git = (...args: string[]) => runGit(args, { cwd: backend.demo.bare });
  const register = () =>
    request(backend.server)
      .post(`${api}/services`)
      .set('Authorization', asUser())
      .send({
        service: 'audit',
        imageRepository: 'ghcr.io/acme/audit',
        version: '1.0.0',
        layout: 'kustomize-overlay',
      });

  it('adds the service to every environment’s overlay in one commit, then has nothing to change', async () => {
    const before = (await git('rev-parse', 'main')).trim();
    const overlays = ['dev', 'staging', 'prod-eu', 'prod-us'].map(
      env => `overlays/${env}/kustomization.yaml`,
    );
    const texts = await Promise.all(
      overlays.map(file => backend.demo.show(file)),
    );

    const res = await register();
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      created: true,
      layout: 'kustomize-overlay',
    });
    expect(
      (await git('rev-list', `${before}..main`)).trim().split('\n'),
    ).toHaveLength(1);
    expect(
      (await git('show', '--name-status', '--format=', 'main'))
        .trim()
        .split('\n')
        .sort(),
    ).toEqual(overlays.map(file => `M\t${file}`).sort());
    for (const [i, file] of overlays.entries()) {
      // two lines inserted: the service's entry at the end of the images
      // list, quoted like the entry before it; nothing else changed
      const lines = (await backend.demo.show(file)).split('\n');
      const at = lines.indexOf('- name: ghcr.io/acme/audit');
      expect(lines[at + 1]).toMatch(/^ {2}newTag: "?1\.0\.0"?$/);
      expect(lines[at - 1]).toMatch(/^ {2}newTag: /);
      lines.splice(at, 2);
      expect(lines.join('\n')).toBe(texts[i]);
    }

    const again = await register();
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    expect(again.body.message).toContain('audit is already registered');
  });
});
