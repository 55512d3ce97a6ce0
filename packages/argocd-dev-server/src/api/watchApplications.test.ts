import {
  ArgoCdDevServer,
  createArgoCdDevServer,
  RunningArgoCdDevServer,
} from '..';
import {
  createExampleRepository,
  ExampleRepository,
  readExampleConfig,
} from '../__testUtils__/exampleRepository';
import {
  JsonLineStream,
  openJsonLineStream,
} from '../__testUtils__/openJsonLineStream';
import { createSwaggerValidator } from '../__testUtils__/swaggerValidator';

type Json = any;

const TOKEN = 'test-token';
const STREAM = '/api/v1/stream/applications';
const STREAM_RESULT = `#/paths/${STREAM.replace(
  /\//g,
  '~1',
)}/get/responses/200/schema`;
const APPLICATION_COUNT = 32;

const nameOf = (line: Json): string => line.result.application.metadata.name;
const stateOf = (line: Json) => ({
  type: line.result.type,
  sync: line.result.application.status.sync.status,
  health: line.result.application.status.health.status,
});
const versionOf = (line: Json) =>
  Number(line.result.application.metadata.resourceVersion);

/** Re-reads `read()` until it returns `expected` or 3 s passed; resolves with the last value. */
async function settled<T>(read: () => T, expected: T): Promise<T> {
  const deadline = Date.now() + 3000;
  while (read() !== expected && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  return read();
}

describe('GET /api/v1/stream/applications', () => {
  const validate = createSwaggerValidator();
  let repository: ExampleRepository;
  let stand: ArgoCdDevServer;
  let running: RunningArgoCdDevServer;
  const opened: JsonLineStream[] = [];

  const watch = async (query = '') => {
    const stream = await openJsonLineStream(`${running.url}${STREAM}${query}`, {
      authorization: `Bearer ${TOKEN}`,
    });
    opened.push(stream);
    return stream;
  };
  const get = async (path: string, token: string | null = TOKEN) => {
    const response = await fetch(`${running.url}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text: await response.text(),
    };
  };
  const expectSwaggerShape = (lines: Json[]) => {
    for (const line of lines) {
      expect(validate(STREAM_RESULT, line)).toEqual([]);
      expect(Object.keys(line)).toEqual(['result']);
      expect(validate('v1alpha1ApplicationWatchEvent', line.result)).toEqual(
        [],
      );
    }
  };

  beforeAll(async () => {
    repository = await createExampleRepository();
    stand = createArgoCdDevServer({
      ...(await readExampleConfig()),
      repositoryPath: repository.path,
      token: TOKEN,
      syncDelayMs: 1500,
      pollIntervalMs: 60_000,
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

  it('sends ADDED for every application first, as the list route renders it', async () => {
    const stream = await watch();
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('application/json');

    const added = await stream.take(APPLICATION_COUNT);
    expectSwaggerShape(added);
    expect(added.every(line => line.result.type === 'ADDED')).toBe(true);
    const list = JSON.parse((await get('/api/v1/applications')).text);
    expect(added.map(line => line.result.application)).toEqual(list.items);
  });

  it('sends only the applications a selector or name matches, then only their changes', async () => {
    const checkout = await watch(
      `?selector=${encodeURIComponent('acme.io/service=checkout')}`,
    );
    const added = await checkout.take(4);
    expect(added.map(nameOf)).toEqual([
      'checkout-dev',
      'checkout-prod-eu',
      'checkout-prod-us',
      'checkout-staging',
    ]);
    const cartDev = await watch('?name=cart-dev');
    expect((await cartDev.next()).result).toMatchObject({
      type: 'ADDED',
      application: { metadata: { name: 'cart-dev' } },
    });

    stand.degrade('cart-dev', 'CrashLoopBackOff');
    stand.degrade('checkout-dev', 'ImagePullBackOff');
    const [degraded] = await checkout.take(1);
    expectSwaggerShape([degraded]);
    expect(nameOf(degraded)).toBe('checkout-dev');
    expect(degraded.result.type).toBe('MODIFIED');
    expect(degraded.result.application.status.health).toMatchObject({
      status: 'Degraded',
      message: 'ImagePullBackOff',
    });
    expect(versionOf(degraded)).toBeGreaterThan(versionOf(added[0]));

    stand.recover('cart-dev');
    stand.recover('checkout-dev');
    expect((await cartDev.take(2)).map(stateOf)).toEqual([
      { type: 'MODIFIED', sync: 'Synced', health: 'Degraded' },
      { type: 'MODIFIED', sync: 'Synced', health: 'Healthy' },
    ]);
    const recovered = await checkout.next();
    expect(nameOf(recovered)).toBe('checkout-dev');
    expect(stateOf(recovered).health).toBe('Healthy');
  });

  it('skips the replay when given a resourceVersion, sending only later changes', async () => {
    const list = JSON.parse((await get('/api/v1/applications')).text);
    const since = list.metadata.resourceVersion;
    const stream = await watch(`?resourceVersion=${since}`);

    stand.degrade('search-staging');
    stand.recover('search-staging');
    const lines = await stream.take(2);
    expectSwaggerShape(lines);
    expect(lines.map(line => [nameOf(line), stateOf(line)])).toEqual([
      [
        'search-staging',
        { type: 'MODIFIED', sync: 'Synced', health: 'Degraded' },
      ],
      [
        'search-staging',
        { type: 'MODIFIED', sync: 'Synced', health: 'Healthy' },
      ],
    ]);
    expect(versionOf(lines[0])).toBeGreaterThan(Number(since));
  });

  it('streams a commit: the changed application goes OutOfSync, Progressing, then Synced; the others only move to the new revision', async () => {
    const stream = await watch();
    const [checkoutBefore] = (await stream.take(APPLICATION_COUNT)).filter(
      line => nameOf(line) === 'checkout-dev',
    );

    const sha = await repository.commit('Release checkout 9.9.9 to dev', [
      {
        file: 'envs/dev/checkout/values.yaml',
        key: 'image.tag',
        value: '9.9.9',
      },
    ]);
    await stand.reconcile();
    const lines = await stream.readUntil(
      line =>
        nameOf(line) === 'checkout-dev' &&
        line.result.application.status.sync.status === 'Synced',
    );
    expectSwaggerShape(lines);

    const checkout = lines.filter(line => nameOf(line) === 'checkout-dev');
    expect(checkout.map(stateOf)).toEqual([
      { type: 'MODIFIED', sync: 'OutOfSync', health: 'Healthy' },
      { type: 'MODIFIED', sync: 'OutOfSync', health: 'Progressing' },
      { type: 'MODIFIED', sync: 'Synced', health: 'Healthy' },
    ]);
    const [outOfSync, progressing, synced] = checkout.map(
      line => line.result.application,
    );
    expect(outOfSync.status.sync.revision).toBe(
      checkoutBefore.result.application.status.sync.revision,
    );
    expect(progressing.status.operationState).toMatchObject({
      phase: 'Running',
      operation: { sync: { revision: sha } },
    });
    expect(synced.status).toMatchObject({
      sync: { revision: sha },
      operationState: { phase: 'Succeeded' },
      summary: { images: ['ghcr.io/acme/checkout:9.9.9'] },
    });
    const versions = [checkoutBefore, ...checkout].map(versionOf);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);

    const others = lines.filter(line => nameOf(line) !== 'checkout-dev');
    expect(new Set(others.map(nameOf)).size).toBe(APPLICATION_COUNT - 1);
    expect(others).toHaveLength(APPLICATION_COUNT - 1);
    for (const line of others) {
      expect(stateOf(line)).toEqual({
        type: 'MODIFIED',
        sync: 'Synced',
        health: 'Healthy',
      });
      expect(line.result.application.status.sync.revision).toBe(sha);
    }
  });

  it('announces a newly registered service with ADDED, then streams its first rollout', async () => {
    const stream = await watch(
      `?selector=${encodeURIComponent('acme.io/service=billing')}`,
    );
    await repository.add('Register billing', {
      'envs/dev/billing/values.yaml':
        'image:\n  repository: ghcr.io/acme/billing\n  tag: "0.1.0"\n',
    });
    await stand.reconcile();
    const lines = await stream.take(3);
    expectSwaggerShape(lines);
    expect(lines.map(line => [nameOf(line), stateOf(line)])).toEqual([
      ['billing-dev', { type: 'ADDED', sync: 'OutOfSync', health: 'Missing' }],
      [
        'billing-dev',
        { type: 'MODIFIED', sync: 'OutOfSync', health: 'Progressing' },
      ],
      ['billing-dev', { type: 'MODIFIED', sync: 'Synced', health: 'Healthy' }],
    ]);
  });

  it('answers a missing or wrong token exactly like the other routes', async () => {
    for (const token of [null, 'wrong']) {
      const streamed = await get(STREAM, token);
      const listed = await get('/api/v1/applications', token);
      expect(streamed.status).toBe(401);
      expect(streamed).toEqual(listed);
      expect(validate('runtimeError', JSON.parse(streamed.text))).toEqual([]);
    }
  });

  it('refuses a selector that does not parse with a stream error', async () => {
    const { status, text } = await get(`${STREAM}?selector=a%20b`);
    expect(status).toBe(400);
    const body = JSON.parse(text);
    expect(validate(STREAM_RESULT, body)).toEqual([]);
    expect(body.error).toMatchObject({
      grpc_code: 3,
      http_code: 400,
      http_status: 'Bad Request',
      message: expect.any(String),
    });
  });

  it('stops listening when clients disconnect', async () => {
    const watchers = () => stand.watchers();
    expect(await settled(watchers, 0)).toBe(0);
    for (let cycle = 0; cycle < 5; cycle++) {
      const clients = await Promise.all([watch(), watch(), watch()]);
      // the listener is added once the replay is written
      await Promise.all(clients.map(client => client.take(1)));
      expect(watchers()).toBe(3);
      clients.forEach(client => client.close());
      expect(await settled(watchers, 0)).toBe(0);
    }
  });
});
