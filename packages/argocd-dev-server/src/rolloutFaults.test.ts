import {
  createArgoCdDevServer,
  ArgoCdDevServer,
  DevServerRolloutFault,
  RunningArgoCdDevServer,
} from '.';
import {
  createExampleRepository,
  ExampleRepository,
  readExampleConfig,
} from './__testUtils__/exampleRepository';
import {
  JsonLineStream,
  openJsonLineStream,
} from './__testUtils__/openJsonLineStream';
import { createSwaggerValidator } from './__testUtils__/swaggerValidator';
import { waitFor } from './__testUtils__/waitFor';

type Json = any;

const TOKEN = 'test-token';
const FAULTS = '/_dev/rollout-faults';
const CHECKOUT_9_9_9_FAILS: DevServerRolloutFault = {
  application: 'checkout-dev',
  version: '9.9.9',
  message: 'Back-off restarting failed container checkout',
};

const stateOf = (line: Json) => ({
  type: line.result.type,
  sync: line.result.application.status.sync.status,
  health: line.result.application.status.health.status,
});

describe('rollout faults', () => {
  const validate = createSwaggerValidator();
  let repository: ExampleRepository;
  let stand: ArgoCdDevServer;
  let running: RunningArgoCdDevServer;
  const opened: JsonLineStream[] = [];

  const call = async (
    path: string,
    init: {
      method?: string;
      body?: string;
      contentType?: string;
      token?: string | null;
    } = {},
  ): Promise<{ status: number; body: Json }> => {
    const token = init.token === undefined ? TOKEN : init.token;
    const response = await fetch(`${running.url}${path}`, {
      method: init.method,
      body: init.body,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body !== undefined
          ? { 'content-type': init.contentType ?? 'application/json' }
          : {}),
      },
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : text };
  };
  const addFault = (fault: unknown) =>
    call(FAULTS, { method: 'POST', body: JSON.stringify(fault) });
  const getApp = async (name: string, query = '') => {
    const { status, body } = await call(`/api/v1/applications/${name}${query}`);
    expect(status).toBe(200);
    expect(validate('v1alpha1Application', body)).toEqual([]);
    return body;
  };
  /** Commits a new image tag and reads the application until that rollout completed. */
  const rollOut = async (service: string, env: string, tag: string) => {
    const sha = await repository.commit(`Release ${service} ${tag} to ${env}`, [
      {
        file: `envs/${env}/${service}/values.yaml`,
        key: 'image.tag',
        value: tag,
      },
    ]);
    const name = `${service}-${env}`;
    await getApp(name, '?refresh=normal');
    const app = await waitFor(
      () => getApp(name),
      read =>
        read.status.sync.status === 'Synced' &&
        read.status.sync.revision === sha,
    );
    expect(app.status.sync).toMatchObject({ status: 'Synced', revision: sha });
    expect(app.status.summary.images).toEqual([
      `ghcr.io/acme/${service}:${tag}`,
    ]);
    return { sha, app };
  };
  const watch = async (query: string) => {
    const stream = await openJsonLineStream(
      `${running.url}/api/v1/stream/applications${query}`,
      { authorization: `Bearer ${TOKEN}` },
    );
    opened.push(stream);
    return stream;
  };

  beforeAll(async () => {
    repository = await createExampleRepository();
    stand = createArgoCdDevServer({
      ...(await readExampleConfig()),
      repositoryPath: repository.path,
      token: TOKEN,
      syncDelayMs: 600,
      pollIntervalMs: 60_000,
      rolloutFaults: [CHECKOUT_9_9_9_FAILS],
    });
    running = await stand.start();
  });

  afterEach(() => {
    opened.splice(0).forEach(stream => stream.close());
  });

  afterAll(async () => {
    await running.close();
    await repository.remove();
  });

  it('degrades every rollout to the faulty version and recovers with a rollout to another one', async () => {
    const stream = await watch('?name=checkout-dev');
    expect(stateOf(await stream.next())).toEqual({
      type: 'ADDED',
      sync: 'Synced',
      health: 'Healthy',
    });
    const untilSynced = () =>
      stream.readUntil(line => stateOf(line).sync === 'Synced');

    const failed = await rollOut('checkout', 'dev', '9.9.9');
    expect(failed.app.status).toMatchObject({
      health: {
        status: 'Degraded',
        message: CHECKOUT_9_9_9_FAILS.message,
        lastTransitionTime: failed.app.status.operationState.finishedAt,
      },
      operationState: {
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        operation: { sync: { revision: failed.sha } },
        syncResult: { revision: failed.sha },
      },
    });
    expect(failed.app.status.history.at(-1).revision).toBe(failed.sha);
    const deployment = failed.app.status.resources.find(
      (resource: Json) => resource.kind === 'Deployment',
    );
    expect(deployment.health).toEqual({
      status: 'Degraded',
      message: CHECKOUT_9_9_9_FAILS.message,
    });
    expect((await untilSynced()).map(stateOf)).toEqual([
      { type: 'MODIFIED', sync: 'OutOfSync', health: 'Healthy' },
      { type: 'MODIFIED', sync: 'OutOfSync', health: 'Progressing' },
      { type: 'MODIFIED', sync: 'Synced', health: 'Degraded' },
    ]);

    const rollback = await rollOut('checkout', 'dev', '2.3.1');
    expect(rollback.app.status.health.status).toBe('Healthy');
    expect(rollback.app.status.health.message).toBeUndefined();
    expect(rollback.app.status.operationState.phase).toBe('Succeeded');
    // until the rollback syncs, the failed version is still what runs
    expect((await untilSynced()).map(stateOf)).toEqual([
      { type: 'MODIFIED', sync: 'OutOfSync', health: 'Degraded' },
      { type: 'MODIFIED', sync: 'OutOfSync', health: 'Progressing' },
      { type: 'MODIFIED', sync: 'Synced', health: 'Healthy' },
    ]);

    const again = await rollOut('checkout', 'dev', '9.9.9');
    expect(again.app.status.health.status).toBe('Degraded');
    const recovered = await call('/_dev/applications/checkout-dev/recover', {
      method: 'POST',
    });
    expect(recovered.body.status.health.status).toBe('Healthy');
  });

  it('fails only the next rollout of an application with a fault without version', async () => {
    expect(await addFault({ application: 'cart-dev' })).toEqual({
      status: 201,
      body: { application: 'cart-dev' },
    });

    // cart-dev's files do not change: it only moves to the new revision
    await rollOut('cart', 'staging', '3.1.0');
    expect((await getApp('cart-dev')).status.health.status).toBe('Healthy');

    const failed = await rollOut('cart', 'dev', '3.1.0');
    expect(failed.app.status.health).toMatchObject({
      status: 'Degraded',
      message: 'Deployment "cart" exceeded its progress deadline',
    });
    expect((await call(FAULTS)).body.items).toEqual([CHECKOUT_9_9_9_FAILS]);

    const next = await rollOut('cart', 'dev', '3.1.1');
    expect(next.app.status.health.status).toBe('Healthy');
  });

  it('needs the token on the control route', async () => {
    for (const token of [null, 'wrong']) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const { status, body } = await call(FAULTS, {
          method,
          token,
          ...(method === 'POST'
            ? { body: JSON.stringify({ application: 'cart-dev' }) }
            : {}),
        });
        expect(status).toBe(401);
        expect(validate('runtimeError', body)).toEqual([]);
      }
    }
    expect((await call(FAULTS)).body.items).toEqual([CHECKOUT_9_9_9_FAILS]);
  });

  it.each([
    ['{}', 'application is required'],
    ['', 'application is required'],
    ['{"application":"  "}', 'application is required'],
    ['{"application":"cart-dev","version":2}', 'version must be a non-empty'],
    ['{"application":"cart-dev","message":""}', 'message must be a non-empty'],
    ['{"app":"cart-dev"}', 'Unknown field app'],
    ['["cart-dev"]', 'A rollout fault is an object'],
    ['{"application":', 'The body is not JSON'],
  ])('refuses the body %j with a 400 saying why', async (body, message) => {
    const refused = await call(FAULTS, { method: 'POST', body });
    expect(refused.status).toBe(400);
    expect(validate('runtimeError', refused.body)).toEqual([]);
    expect(refused.body).toMatchObject({ code: 3 });
    expect(refused.body.message).toContain(message);
  });

  it('lists and clears the faults', async () => {
    // curl -d sends application/x-www-form-urlencoded unless told otherwise
    const added = await call(FAULTS, {
      method: 'POST',
      body: JSON.stringify({ application: 'payments-dev', version: '1.0.0' }),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(added.status).toBe(201);
    expect(await call(FAULTS)).toEqual({
      status: 200,
      body: {
        items: [
          CHECKOUT_9_9_9_FAILS,
          { application: 'payments-dev', version: '1.0.0' },
        ],
      },
    });

    expect((await call(FAULTS, { method: 'DELETE' })).status).toBe(204);
    expect((await call(FAULTS)).body.items).toEqual([]);
    expect(stand.rolloutFaults()).toEqual([]);
  });

  it('refuses invalid faults in the options, naming which', () => {
    expect(() =>
      createArgoCdDevServer({
        repositoryPath: repository.path,
        environments: ['dev'],
        layouts: [],
        token: TOKEN,
        rolloutFaults: [CHECKOUT_9_9_9_FAILS, { version: '1' } as any],
      }),
    ).toThrow('rolloutFaults[1]: application is required');
  });
});
