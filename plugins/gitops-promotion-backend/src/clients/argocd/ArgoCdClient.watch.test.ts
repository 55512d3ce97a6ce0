import { ConfigReader } from '@backstage/config';
import {
  ArgoCdDevServer,
  createArgoCdDevServer,
  RunningArgoCdDevServer,
} from '@internal/argocd-dev-server';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GIT_TEST_IDENTITY } from '../../__testUtils__/bareRepository';
import {
  createDemoRepository,
  DemoRepository,
} from '../../__testUtils__/demoRepository';
import { runGit } from '../git/runGit';
import { ArgoCdClient } from './ArgoCdClient';
import { readDemoSetup } from './__testUtils__/demoGitopsRepository';
import { eventually } from '../../__testUtils__/eventually';
import {
  startStreamProxy,
  StreamProxy,
} from './__testUtils__/startStreamProxy';
import { ArgoCdTarget } from './types';
import type { GitopsArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

const HUB_TOKEN = 'hub-api-token';
const PROD_USER = { username: 'backstage', password: 'prod-password' };
const LIST = '/api/v1/applications';
const STREAM = '/api/v1/stream/applications';

const brief = (status: GitopsArgoCdStatus) =>
  status.state === 'known'
    ? `${status.syncStatus} ${status.health.status}`
    : status.reason;

/** Pushes a commit made by `change` in a clone of the repository. */
async function pushChange(
  repository: DemoRepository,
  message: string,
  change: (work: string) => Promise<void>,
) {
  const work = path.join(repository.dir, 'watch-test-work');
  await fs.stat(work).catch(() =>
    runGit(['clone', '--quiet', repository.bare, work], {
      cwd: repository.dir,
    }),
  );
  const git = (...args: string[]) =>
    runGit(args, { cwd: work, env: GIT_TEST_IDENTITY });
  await git('pull', '--quiet', '--ff-only', 'origin', 'main');
  await change(work);
  await git('add', '--all');
  await git('commit', '--quiet', '-m', message);
  await git('push', '--quiet', 'origin', 'main');
}

/**
 * Two stand-ins read the demo repository behind proxies that record every
 * request (streams included) and can cut connections: `hub` serves dev and
 * staging (static token, by name), `prod` serves prod-eu and prod-us
 * (session login, by label selector and project).
 */
describe('ArgoCdClient following the watch stream of the Argo CD stand-in', () => {
  let repository: DemoRepository;
  let services: string[];
  let hub: ArgoCdDevServer;
  let prod: ArgoCdDevServer;
  let running: RunningArgoCdDevServer[];
  let hubProxy: StreamProxy;
  let prodProxy: StreamProxy;
  const clients: ArgoCdClient[] = [];

  const createClient = (watch?: boolean) => {
    const client = ArgoCdClient.fromConfig(
      new ConfigReader({
        gitopsPromotion: {
          argocd: {
            instances: [
              {
                name: 'hub',
                url: hubProxy.url,
                token: HUB_TOKEN,
                cacheTtl: '0s',
                watch,
              },
              {
                name: 'prod',
                url: prodProxy.url,
                ...PROD_USER,
                cacheTtl: '0s',
                watch,
              },
            ],
            tracking: { settle: '0.2s', timeout: '1m' },
          },
          environments: ['dev', 'staging', 'prod-eu', 'prod-us'].map(name => ({
            name,
            repository: 'acme-gitops',
            argocd: name.startsWith('prod')
              ? {
                  instance: 'prod',
                  selector: 'acme.io/service={service},acme.io/env={env}',
                  project: 'default',
                }
              : { instance: 'hub' },
          })),
        },
      }),
    )!;
    clients.push(client);
    return client;
  };
  const cells = (...environments: string[]): ArgoCdTarget[] =>
    services.flatMap(service =>
      environments.map(environment => ({ service, environment })),
    );
  const requestsTo = (proxy: StreamProxy, pathname: string) =>
    proxy.requests.filter(r => r.path === pathname);
  const paths = (proxy: StreamProxy) => proxy.requests.map(r => r.path);

  beforeAll(async () => {
    const setup = await readDemoSetup();
    services = [...setup.services.keys()];
    repository = await createDemoRepository();
    const common = {
      repositoryPath: repository.bare,
      layouts: setup.layouts,
      syncDelayMs: 1500,
      pollIntervalMs: 60_000,
    };
    hub = createArgoCdDevServer({
      ...common,
      environments: ['dev', 'staging'],
      token: HUB_TOKEN,
    });
    prod = createArgoCdDevServer({
      ...common,
      environments: ['prod-eu', 'prod-us'],
      users: { [PROD_USER.username]: PROD_USER.password },
    });
    running = await Promise.all([hub.start(), prod.start()]);
    [hubProxy, prodProxy] = await Promise.all(
      running.map(r => startStreamProxy(r.url)),
    );
  });

  beforeEach(() => {
    for (const proxy of [hubProxy, prodProxy]) proxy.requests.length = 0;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map(c => c.close()));
    await eventually(
      () => hub.watchers() + prod.watchers(),
      count => count === 0,
    );
  });

  afterAll(async () => {
    await Promise.all([hubProxy.close(), prodProxy.close()]);
    await Promise.all(running.map(r => r.close()));
    await repository.cleanup();
  });

  it('shows each step of a rollout from the stream, after one list and no more', async () => {
    const client = createClient();
    const reported: string[] = [];
    client.onStatusChange((instance, names) =>
      reported.push(...names.map(name => `${instance}/${name}`)),
    );
    const before = await client.getStatuses(cells('dev', 'staging', 'prod-eu'));
    expect(before.map(s => s.state)).not.toContain('unknown');
    expect(paths(hubProxy)).toEqual([STREAM, LIST]);
    const [prodStream] = requestsTo(prodProxy, STREAM);
    const [prodList] = requestsTo(prodProxy, LIST);
    expect(Object.fromEntries(prodStream.query)).toEqual({
      selector: prodList.query.get('selector'),
      projects: 'default',
      resourceVersion: '0',
    });
    expect(requestsTo(prodProxy, '/api/v1/session')).toHaveLength(1);

    const target = { service: 'checkout', environment: 'dev' };
    const sha = await repository.commit('Release checkout 9.9.9 to dev', [
      {
        file: 'envs/dev/checkout/values.yaml',
        key: 'image.tag',
        value: '9.9.9',
      },
    ]);
    await hub.reconcile();
    const steps = [brief(await client.getStatus(target))];
    const deployed = await eventually(
      () => client.getStatus(target),
      status => {
        if (brief(status) !== steps[steps.length - 1])
          steps.push(brief(status));
        return status.state === 'known' && status.revision === sha;
      },
    );

    expect(steps).toEqual([
      'Synced Healthy',
      'OutOfSync Healthy',
      'OutOfSync Progressing',
      'Synced Healthy',
    ]);
    expect(deployed).toMatchObject({
      images: ['ghcr.io/acme/checkout:9.9.9'],
      operation: { phase: 'Succeeded', revision: sha },
    });
    expect(paths(hubProxy)).toEqual([STREAM, LIST]);
    expect(requestsTo(hubProxy, STREAM)[0].lines).toBeGreaterThan(0);
    await eventually(
      () => reported,
      names => names.includes('hub/checkout-dev'),
    );
  });

  it('refreshes and tracks a promotion from the stream, reading only the refreshed application', async () => {
    const client = createClient();
    const target = { service: 'cart', environment: 'staging' };
    await client.getStatuses(cells('staging'));
    const since = new Date();
    const sha = await repository.commit('Promote cart 7.7.7 to staging', [
      {
        file: 'envs/staging/cart/values.yaml',
        key: 'image.tag',
        value: '7.7.7',
      },
    ]);

    await expect(client.requestRefresh(target)).resolves.toMatchObject({
      syncStatus: 'OutOfSync',
    });
    let evaluation = await client.trackRollout({
      ...target,
      commitSha: sha,
      since,
    });
    const phases = [evaluation.phase];
    evaluation = await eventually(
      () =>
        client.trackRollout({
          ...target,
          commitSha: sha,
          since,
          state: evaluation.state,
        }),
      next => {
        evaluation = next;
        if (next.phase !== phases[phases.length - 1]) phases.push(next.phase);
        return next.phase === 'Deployed' || next.phase === 'Failed';
      },
    );
    expect(phases).toEqual(['Pending', 'Syncing', 'Deployed']);
    expect(paths(hubProxy)).toEqual([
      STREAM,
      LIST,
      '/api/v1/applications/cart-staging',
    ]);
  });

  it('reconnects from the last version seen after the stream drops, answering from the list meanwhile', async () => {
    const client = createClient();
    const reported: string[][] = [];
    client.onStatusChange((_instance, names) => reported.push(names));
    const cart = { service: 'cart', environment: 'dev' };
    await client.getStatuses(cells('dev'));
    hub.degrade('cart-dev', 'CrashLoopBackOff');
    await eventually(
      () => client.getStatus(cart),
      status => brief(status) === 'Synced Degraded',
    );
    const lastSeen = await fetch(`${running[0].url}${LIST}`, {
      headers: { authorization: `Bearer ${HUB_TOKEN}` },
    }).then(async r => (await r.json()).metadata.resourceVersion);

    hubProxy.refuseStreams = true;
    hubProxy.dropConnections();
    hub.recover('cart-dev');
    // the stream is down: the list answers
    await eventually(
      () => client.getStatus(cart),
      status => brief(status) === 'Synced Healthy',
    );
    await eventually(
      () => requestsTo(hubProxy, STREAM).length,
      count => count >= 2,
    );
    reported.length = 0;
    const refused = hubProxy.requests.length;

    hubProxy.refuseStreams = false;
    await eventually(
      () => paths(hubProxy).slice(refused),
      after => after.includes(STREAM) && after.includes(LIST),
    );
    const resumed = requestsTo(hubProxy, STREAM).pop()!;
    expect(resumed.query.get('resourceVersion')).toBe(lastSeen);
    // the catch-up list found what changed while the stream was down
    await eventually(
      () => reported.flat(),
      names => names.includes('cart-dev'),
    );

    const listed = requestsTo(hubProxy, LIST).length;
    hub.degrade('search-dev');
    await eventually(
      () => client.getStatus({ service: 'search', environment: 'dev' }),
      status => brief(status) === 'Synced Degraded',
    );
    expect(resumed.lines).toBe(1); // no replay: only the change since
    expect(requestsTo(hubProxy, LIST)).toHaveLength(listed);
    hub.recover('search-dev');
  });

  it('adds and removes applications as Argo CD creates and deletes them', async () => {
    const client = createClient();
    const billing = { service: 'billing', environment: 'dev' };
    await expect(client.getStatus(billing)).resolves.toMatchObject({
      reason: 'application-missing',
    });
    const file = path.join('envs', 'dev', 'billing', 'values.yaml');

    await pushChange(repository, 'Register billing', async work => {
      await fs.mkdir(path.join(work, path.dirname(file)), { recursive: true });
      await fs.writeFile(
        path.join(work, file),
        'image:\n  repository: ghcr.io/acme/billing\n  tag: "0.1.0"\n',
      );
    });
    await hub.reconcile();
    await eventually(
      () => client.getStatus(billing),
      status => status.state === 'known',
    );

    await pushChange(repository, 'Retire billing', work =>
      fs.rm(path.join(work, file)),
    );
    await hub.reconcile();
    await eventually(
      () => client.getStatus(billing),
      status => brief(status) === 'application-missing',
    );
    expect(requestsTo(hubProxy, LIST)).toHaveLength(1);
  });

  it('lists again once cacheTtl passed and opens no stream with watch: false', async () => {
    const client = createClient(false);
    const reported = jest.fn();
    client.onStatusChange(reported);
    await client.getStatuses(cells('dev', 'prod-us'));
    hub.degrade('ledger-dev');
    await expect(
      client.getStatus({ service: 'ledger', environment: 'dev' }),
    ).resolves.toMatchObject({ health: { status: 'Degraded' } });
    hub.recover('ledger-dev');

    expect(paths(hubProxy)).toEqual([LIST, LIST]);
    expect(paths(prodProxy)).toEqual(['/api/v1/session', LIST]);
    expect(hub.watchers() + prod.watchers()).toBe(0);
    expect(reported).not.toHaveBeenCalled();
  });

  it('ends its streams on close()', async () => {
    const client = createClient();
    await client.getStatuses(cells('dev', 'prod-eu'));
    await eventually(
      () => [hub.watchers(), prod.watchers()],
      ([h, p]) => h === 1 && p === 1,
    );
    await client.close();
    await expect(
      eventually(
        () => hub.watchers() + prod.watchers(),
        count => count === 0,
      ),
    ).resolves.toBe(0);
  });
});
