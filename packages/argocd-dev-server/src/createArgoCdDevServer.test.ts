import {
  createArgoCdDevServer,
  ArgoCdDevServer,
  RunningArgoCdDevServer,
} from '.';
import {
  createExampleRepository,
  ExampleRepository,
  readExampleConfig,
} from './__testUtils__/exampleRepository';
import { createSwaggerValidator } from './__testUtils__/swaggerValidator';
import { waitFor } from './__testUtils__/waitFor';

type Json = any;

const TOKEN = 'test-token';
const SYNC_DELAY_MS = 1500;

describe('createArgoCdDevServer', () => {
  const validate = createSwaggerValidator();
  let repository: ExampleRepository;
  let stand: ArgoCdDevServer;
  let running: RunningArgoCdDevServer;

  const call = async (
    path: string,
    init: RequestInit & { token?: string | null } = {},
  ): Promise<{ status: number; body: Json }> => {
    const token = init.token === undefined ? TOKEN : init.token;
    const response = await fetch(`${running.url}${path}`, {
      ...init,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
    return { status: response.status, body: await response.json() };
  };
  const getApp = async (name: string, query = '') => {
    const { status, body } = await call(`/api/v1/applications/${name}${query}`);
    expect(status).toBe(200);
    expect(validate('v1alpha1Application', body)).toEqual([]);
    return body;
  };

  beforeAll(async () => {
    repository = await createExampleRepository();
    stand = createArgoCdDevServer({
      ...(await readExampleConfig()),
      repositoryPath: repository.path,
      token: TOKEN,
      users: { alice: 'wonderland' },
      syncDelayMs: SYNC_DELAY_MS,
      pollIntervalMs: 60_000,
      degraded: ['cart-prod-us'],
    });
    running = await stand.start();
  });

  afterAll(async () => {
    await running.close();
    await repository.remove();
  });

  it('lists every discovered application in the swagger shape', async () => {
    const { status, body } = await call('/api/v1/applications');
    expect(status).toBe(200);
    expect(validate('v1alpha1ApplicationList', body)).toEqual([]);
    expect(body.items).toHaveLength(32);
    const checkout = body.items.find(
      (a: Json) => a.metadata.name === 'checkout-dev',
    );
    expect(checkout.metadata.labels).toEqual({
      'acme.io/service': 'checkout',
      'acme.io/env': 'dev',
    });
    expect(checkout.status.sync.status).toBe('Synced');
    expect(checkout.status.health.status).toBe('Healthy');
    expect(checkout.status.summary.images).toEqual([
      'ghcr.io/acme/checkout:2.3.1',
    ]);
    expect(checkout.status.operationState.phase).toBe('Succeeded');
    expect(checkout.status.history).toHaveLength(1);
    const ledger = body.items.find(
      (a: Json) => a.metadata.name === 'ledger-dev',
    );
    expect(ledger.status.summary.images).toEqual(['ghcr.io/acme/ledger:5.0.0']);
    const cart = body.items.find(
      (a: Json) => a.metadata.name === 'cart-prod-us',
    );
    expect(cart.status.health.status).toBe('Degraded');
  });

  it('honours selector, fields, projects and appNamespace', async () => {
    const fields =
      'metadata.resourceVersion,items.metadata.name,items.status.sync.status';
    const { body } = await call(
      `/api/v1/applications?selector=${encodeURIComponent(
        'acme.io/env=dev',
      )}&fields=${fields}`,
    );
    expect(validate('v1alpha1ApplicationList', body)).toEqual([]);
    expect(body.items).toHaveLength(8);
    expect(body.items[0]).toEqual({
      metadata: { name: 'cart-dev' },
      status: { sync: { status: 'Synced' } },
    });
    expect(body.metadata.resourceVersion).toEqual(expect.any(String));

    const inProject = await call(
      '/api/v1/applications?projects=default&projects=x',
    );
    expect(inProject.body.items).toHaveLength(32);
    const otherProject = await call('/api/v1/applications?projects=payments');
    expect(otherProject.body.items).toEqual([]);
    const otherNamespace = await call(
      '/api/v1/applications?appNamespace=team-a',
    );
    expect(otherNamespace.body.items).toEqual([]);
  });

  it('refuses a selector that does not parse with a runtimeError', async () => {
    const { status, body } = await call('/api/v1/applications?selector=a%20b');
    expect(status).toBe(400);
    expect(validate('runtimeError', body)).toEqual([]);
    expect(body.code).toBe(3);
  });

  it('answers 401 in the runtimeError shape without a valid token', async () => {
    for (const token of [null, 'wrong']) {
      const { status, body } = await call('/api/v1/applications', { token });
      expect(status).toBe(401);
      expect(validate('runtimeError', body)).toEqual([]);
      expect(body).toEqual({
        error: expect.any(String),
        code: 16,
        message: body.error,
      });
    }
  });

  it('exchanges username and password for a JWT session token', async () => {
    const refused = await call('/api/v1/session', {
      method: 'POST',
      token: null,
      body: JSON.stringify({ username: 'alice', password: 'nope' }),
    });
    expect(refused.status).toBe(401);
    expect(validate('runtimeError', refused.body)).toEqual([]);

    const { status, body } = await call('/api/v1/session', {
      method: 'POST',
      token: null,
      body: JSON.stringify({ username: 'alice', password: 'wonderland' }),
    });
    expect(status).toBe(200);
    expect(validate('sessionSessionResponse', body)).toEqual([]);
    const claims = JSON.parse(
      Buffer.from(body.token.split('.')[1], 'base64url').toString(),
    );
    expect(claims).toMatchObject({ sub: 'alice', exp: expect.any(Number) });
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    const list = await call('/api/v1/applications', { token: body.token });
    expect(list.status).toBe(200);
  });

  it('answers 404 in the runtimeError shape for a missing application', async () => {
    const { status, body } = await call('/api/v1/applications/nope-dev');
    expect(status).toBe(404);
    expect(validate('runtimeError', body)).toEqual([]);
    expect(body.message).toBe('applications.argoproj.io "nope-dev" not found');
    const wrongProject = await call(
      '/api/v1/applications/checkout-dev?project=other',
    );
    expect(wrongProject.status).toBe(404);
  });

  it('rolls a commit out: OutOfSync, then Progressing, then Synced at the new revision', async () => {
    const before = await getApp('checkout-dev');
    const staging = await getApp('checkout-staging');
    const sha = await repository.commit('Release checkout 9.9.9 to dev', [
      {
        file: 'envs/dev/checkout/values.yaml',
        key: 'image.tag',
        value: '9.9.9',
      },
    ]);

    const outOfSync = await getApp('checkout-dev', '?refresh=normal');
    expect(outOfSync.status.sync).toMatchObject({
      status: 'OutOfSync',
      revision: before.status.sync.revision,
    });
    expect(outOfSync.status.summary.images).toEqual([
      'ghcr.io/acme/checkout:2.3.1',
    ]);

    const progressing = await waitFor(
      () => getApp('checkout-dev'),
      app => app.status.operationState.phase === 'Running',
    );
    expect(progressing.status.health.status).toBe('Progressing');
    expect(progressing.status.operationState.operation.sync.revision).toBe(sha);

    const synced = await waitFor(
      () => getApp('checkout-dev'),
      app => app.status.sync.status === 'Synced',
    );
    expect(synced.status.sync.revision).toBe(sha);
    expect(synced.status.health.status).toBe('Healthy');
    expect(synced.status.summary.images).toEqual([
      'ghcr.io/acme/checkout:9.9.9',
    ]);
    expect(synced.status.operationState).toMatchObject({
      phase: 'Succeeded',
      finishedAt: expect.any(String),
    });
    const last = synced.status.history[synced.status.history.length - 1];
    expect(last).toMatchObject({
      id: before.status.history.length,
      revision: sha,
      deployedAt: expect.any(String),
      deployStartedAt: expect.any(String),
      source: expect.any(Object),
    });
    expect(
      Date.parse(last.deployedAt) - Date.parse(last.deployStartedAt),
    ).toBeGreaterThan(0);

    const untouched = await getApp('checkout-staging');
    expect(untouched.status.sync).toMatchObject({
      status: 'Synced',
      revision: sha,
    });
    expect(untouched.status.history).toEqual(staging.status.history);
  });

  it('rolls out only the service whose entry changed in a shared Kustomize overlay', async () => {
    const notifications = await getApp('notifications-dev');
    await repository.commit('Release inventory 4.9.0 to dev', [
      {
        file: 'overlays/dev/kustomization.yaml',
        key: 'images[name=ghcr.io/acme/inventory].newTag',
        value: '4.9.0',
      },
    ]);
    const inventory = await getApp('inventory-dev', '?refresh=normal');
    expect(inventory.status.sync.status).toBe('OutOfSync');
    const other = await getApp('notifications-dev');
    expect(other.status.sync.status).toBe('Synced');
    expect(other.status.history).toEqual(notifications.status.history);
    const synced = await waitFor(
      () => getApp('inventory-dev'),
      app => app.status.sync.status === 'Synced',
    );
    expect(synced.status.summary.images).toEqual([
      'ghcr.io/acme/inventory:4.9.0',
    ]);
  });

  it('discovers a service registered after it started and rolls it out from Missing to Synced', async () => {
    expect((await call('/api/v1/applications/billing-dev')).status).toBe(404);
    const sha = await repository.add('Register billing', {
      'envs/dev/billing/values.yaml':
        'image:\n  repository: ghcr.io/acme/billing\n  tag: "0.1.0"\n',
      'charts/invoices/values-dev.yaml': 'image:\n  tag: "1.2.0"\n',
    });

    const missing = await getApp('billing-dev', '?refresh=normal');
    expect(missing.metadata.labels).toEqual({
      'acme.io/service': 'billing',
      'acme.io/env': 'dev',
    });
    expect(missing.status.sync.status).toBe('OutOfSync');
    expect(missing.status.health.status).toBe('Missing');
    expect(missing.status.history ?? []).toEqual([]);

    const synced = await waitFor(
      () => getApp('billing-dev'),
      app => app.status.sync.status === 'Synced',
    );
    expect(synced.status).toMatchObject({
      sync: { status: 'Synced', revision: sha },
      health: { status: 'Healthy' },
      summary: { images: ['ghcr.io/acme/billing:0.1.0'] },
    });
    expect(synced.status.history).toEqual([
      expect.objectContaining({ id: 0, revision: sha }),
    ]);
    // a layout without the repository in the file uses imageRepositoryTemplate
    const invoices = await waitFor(
      () => getApp('invoices-dev'),
      app => app.status.sync.status === 'Synced',
    );
    expect(invoices.status.summary.images).toEqual([
      'ghcr.io/acme/invoices:1.2.0',
    ]);
    expect((await call('/api/v1/applications/billing-staging')).status).toBe(
      404,
    );
  });

  it('degrades and recovers an application through the /_dev endpoints', async () => {
    const degraded = await call('/_dev/applications/payments-dev/degrade', {
      method: 'POST',
      body: JSON.stringify({ message: 'CrashLoopBackOff' }),
    });
    expect(degraded.status).toBe(200);
    expect(degraded.body.status.health).toMatchObject({
      status: 'Degraded',
      message: 'CrashLoopBackOff',
    });
    expect((await getApp('payments-dev')).status.health.status).toBe(
      'Degraded',
    );

    expect(stand.recover('payments-dev')).toBe(true);
    expect((await getApp('payments-dev')).status.health.status).toBe('Healthy');
    const missing = await call('/_dev/applications/nope/degrade', {
      method: 'POST',
    });
    expect(missing.status).toBe(404);
  });

  it('records the requests it answered', async () => {
    stand.resetRequests();
    await call('/api/v1/applications?selector=acme.io/env=dev');
    expect(stand.requests()).toEqual([
      {
        method: 'GET',
        path: '/api/v1/applications',
        query: { selector: 'acme.io/env=dev' },
        status: 200,
        bytes: expect.any(Number),
      },
    ]);
  });
});
