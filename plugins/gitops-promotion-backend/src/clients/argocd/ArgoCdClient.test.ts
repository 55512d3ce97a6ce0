import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  ArgoCdDevServer,
  createArgoCdDevServer,
  RunningArgoCdDevServer,
} from '@internal/argocd-dev-server';
import { ArgoCdClient } from './ArgoCdClient';
import {
  DemoSetup,
  expectedImageTag,
  readDemoSetup,
} from './__testUtils__/demoGitopsRepository';
import {
  createDemoRepository,
  DemoRepository,
} from '../../__testUtils__/demoRepository';
import { ArgoCdTarget, RolloutPhase } from './types';
import type { GitopsArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

const HUB_TOKEN = 'hub-api-token';
const PROD_USER = { username: 'backstage', password: 'prod-password' };
const SELECTOR = 'acme.io/service={service},acme.io/env={env}';

/**
 * Two stand-ins read the seeded demo repository: `hub` serves dev and staging
 * (static token, applications by name), `prod` serves prod-eu and prod-us
 * (session login, applications by label selector).
 */
describe('ArgoCdClient against the Argo CD stand-in', () => {
  let repository: DemoRepository;
  let setup: DemoSetup;
  let hub: ArgoCdDevServer;
  let prod: ArgoCdDevServer;
  let hubServer: RunningArgoCdDevServer;
  let prodServer: RunningArgoCdDevServer;
  const clients: ArgoCdClient[] = [];
  const logger = mockServices.logger.mock();

  /** A client; `watch: false` unless told, so that every read lists (ArgoCdClient.watch.test.ts covers the stream). */
  const createClient = (
    overrides: {
      cacheTtlSeconds?: number;
      extraInstances?: object[];
      watch?: boolean;
    } = {},
  ) => {
    const cacheTtlSeconds = overrides.cacheTtlSeconds ?? 0;
    const watch = overrides.watch ?? false;
    const client = ArgoCdClient.fromConfig(
      new ConfigReader({
        gitopsPromotion: {
          argocd: {
            instances: [
              {
                name: 'hub',
                url: hubServer.url,
                token: HUB_TOKEN,
                cacheTtlSeconds,
                watch,
              },
              {
                name: 'prod',
                url: prodServer.url,
                ...PROD_USER,
                cacheTtlSeconds,
                watch,
              },
              ...(overrides.extraInstances ?? []),
            ],
            tracking: { settleSeconds: 0.4, timeoutSeconds: 60 },
          },
          environments: setup.environments.map(name => ({
            name,
            repository: 'acme-gitops',
            argocd: name.startsWith('prod')
              ? { instance: 'prod', selector: SELECTOR, project: 'default' }
              : { instance: 'hub' },
          })),
        },
      }),
      { logger },
    )!;
    clients.push(client);
    return client;
  };
  const requestsTo = (stand: ArgoCdDevServer, path: string) =>
    stand.requests().filter(r => r.path === path);
  const lists = (stand: ArgoCdDevServer) =>
    requestsTo(stand, '/api/v1/applications').length;
  const allCells = (): ArgoCdTarget[] =>
    [...setup.services.keys()].flatMap(service =>
      setup.environments.map(environment => ({ service, environment })),
    );

  beforeAll(async () => {
    setup = await readDemoSetup();
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
    [hubServer, prodServer] = await Promise.all([hub.start(), prod.start()]);
  });

  beforeEach(() => {
    hub.resetRequests();
    prod.resetRequests();
  });

  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
    await Promise.all([hubServer.close(), prodServer.close()]);
    await repository.cleanup();
  });

  it('knows every example service in every environment, matching the repository', async () => {
    const client = createClient({ watch: true });
    const cells = allCells();
    expect(cells).toHaveLength(32);
    const statuses = await client.getStatuses(cells);
    const head = await repository.head();

    for (const [index, cell] of cells.entries()) {
      const status = statuses[index];
      const tag = await expectedImageTag(
        repository,
        setup,
        cell.service,
        cell.environment,
      );
      expect({ cell, status }).toMatchObject({
        cell,
        status: {
          state: 'known',
          syncStatus: 'Synced',
          revision: head,
          health: { status: 'Healthy' },
          images: [`ghcr.io/acme/${cell.service}:${tag}`],
          operation: { phase: 'Succeeded' },
          lastDeployedAt: expect.any(String),
          application: {
            instance: cell.environment.startsWith('prod') ? 'prod' : 'hub',
            name: `${cell.service}-${cell.environment}`,
          },
        },
      });
    }
    expect(lists(hub)).toBe(1);
    expect(lists(prod)).toBe(1);
  });

  it('makes exactly one list call per instance per refresh, whatever the number of cells', async () => {
    const client = createClient();
    await client.getStatuses([{ service: 'checkout', environment: 'dev' }]);
    expect([lists(hub), lists(prod)]).toEqual([1, 0]);
    await client.getStatuses(allCells());
    expect([lists(hub), lists(prod)]).toEqual([2, 1]);
    await Promise.all(
      Array.from({ length: 10 }, () => client.getStatuses(allCells())),
    );
    expect([lists(hub), lists(prod)]).toEqual([3, 2]);
    expect(requestsTo(hub, '/api/v1/applications/checkout-dev')).toEqual([]);

    const [prodList] = requestsTo(prod, '/api/v1/applications');
    expect(prodList.query).toMatchObject({
      selector: 'acme.io/env in (prod-eu,prod-us)',
      projects: 'default',
      fields: expect.stringContaining('items.status.summary'),
    });
  });

  it('serves cells from the cached list for cacheTtlSeconds', async () => {
    const client = createClient({ cacheTtlSeconds: 10 });
    await client.getStatuses(allCells());
    await client.getStatuses(allCells());
    await client.getStatus({ service: 'cart', environment: 'prod-us' });
    expect([lists(hub), lists(prod)]).toEqual([1, 1]);
  });

  it('logs in once for many reads, and again once when the session is refused', async () => {
    const client = createClient();
    // concurrent first reads of single applications share one login
    await Promise.all(
      ['cart', 'checkout', 'ledger', 'search'].map(service =>
        client.getHistory({ service, environment: 'prod-us' }),
      ),
    );
    expect(requestsTo(prod, '/api/v1/session')).toHaveLength(1);
    prod.resetRequests();

    for (let i = 0; i < 5; i++) {
      await client.getStatuses(allCells());
    }
    await Promise.all(
      Array.from({ length: 5 }, () => client.getStatuses(allCells())),
    );
    expect(requestsTo(prod, '/api/v1/session')).toHaveLength(0);
    expect(lists(prod)).toBe(6); // five sequential refreshes, five concurrent ones coalesced

    // A restarted Argo CD no longer knows the session: 401, one login, one retry.
    await prodServer.close();
    prod = createArgoCdDevServer({
      repositoryPath: repository.bare,
      layouts: setup.layouts,
      environments: ['prod-eu', 'prod-us'],
      users: { [PROD_USER.username]: PROD_USER.password },
    });
    prodServer = await prod.start(Number(new URL(prodServer.url).port));
    const status = await client.getStatus({
      service: 'cart',
      environment: 'prod-eu',
    });
    expect(status.state).toBe('known');
    expect(prod.requests().map(r => `${r.path} ${r.status}`)).toEqual([
      '/api/v1/applications 401',
      '/api/v1/session 200',
      '/api/v1/applications 200',
    ]);
  });

  it('keeps other cells known when an application is missing, an instance is down or refuses the token', async () => {
    const client = createClient({
      extraInstances: [
        {
          name: 'down',
          url: 'http://127.0.0.1:9',
          token: 't',
          timeoutMs: 2000,
        },
        { name: 'denied', url: hubServer.url, token: 'stolen-token' },
      ],
    });
    const statuses = await client.getStatuses([
      { service: 'checkout', environment: 'dev' },
      { service: 'no-such-service', environment: 'dev' },
      {
        service: 'payments',
        environment: 'dev',
        annotations: { 'gitops-promotion/argocd-instance': 'down' },
      },
      {
        service: 'payments',
        environment: 'staging',
        annotations: { 'gitops-promotion/argocd-instance': 'denied' },
      },
      {
        service: 'payments',
        environment: 'prod-eu',
        annotations: { 'gitops-promotion/argocd-instance': hubServer.url },
      },
      { service: 'checkout', environment: 'qa' },
      { service: 'ledger', environment: 'prod-us' },
    ]);
    const brief = statuses.map((s: GitopsArgoCdStatus) =>
      s.state === 'known' ? 'known' : s.reason,
    );
    expect(brief).toEqual([
      'known',
      'application-missing',
      'instance-unreachable',
      'access-denied',
      'not-configured',
      'not-configured',
      'known',
    ]);
    expect(statuses[1]).toEqual({
      state: 'unknown',
      reason: 'application-missing',
      message: "No application 'no-such-service-dev' on Argo CD instance 'hub'",
      application: { instance: 'hub', name: 'no-such-service-dev' },
    });
    expect(statuses[3]).toMatchObject({
      message: expect.stringContaining(
        "Argo CD instance 'denied' denied access",
      ),
    });
    const everything = JSON.stringify([statuses, logger.warn.mock.calls]);
    for (const secret of ['stolen-token', HUB_TOKEN, PROD_USER.password]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('tracks a new commit Pending, then Syncing, then Deployed; a degraded application fails', async () => {
    const client = createClient();
    const target = { service: 'checkout', environment: 'dev' };
    const since = new Date();
    const sha = await repository.commit('Release checkout 9.9.9 to dev', [
      {
        file: 'envs/dev/checkout/values.yaml',
        key: 'image.tag',
        value: '9.9.9',
      },
    ]);
    const refreshed = await client.requestRefresh(target);
    expect(refreshed).toMatchObject({ syncStatus: 'OutOfSync' });
    expect(
      requestsTo(hub, '/api/v1/applications/checkout-dev')[0].query,
    ).toEqual({
      refresh: 'normal',
    });

    const phases: RolloutPhase[] = [];
    let evaluation = await client.trackRollout({
      ...target,
      commitSha: sha,
      since,
    });
    const deadline = Date.now() + 15_000;
    while (
      evaluation.phase !== 'Deployed' &&
      evaluation.phase !== 'Failed' &&
      Date.now() < deadline
    ) {
      if (phases[phases.length - 1] !== evaluation.phase)
        phases.push(evaluation.phase);
      await new Promise(resolve => setTimeout(resolve, 100));
      evaluation = await client.trackRollout({
        ...target,
        commitSha: sha,
        since,
        state: evaluation.state,
      });
    }
    phases.push(evaluation.phase);
    expect(phases).toEqual(['Pending', 'Syncing', 'Deployed']);
    expect(evaluation.status).toMatchObject({
      revision: sha,
      images: ['ghcr.io/acme/checkout:9.9.9'],
    });
    expect(requestsTo(hub, '/api/v1/applications/checkout-dev/sync')).toEqual(
      [],
    );

    hub.degrade('checkout-dev', 'Back-off restarting failed container');
    const failed = await client.trackRollout({
      ...target,
      commitSha: sha,
      since,
      state: evaluation.state,
    });
    expect(failed).toMatchObject({
      phase: 'Failed',
      reason: expect.stringContaining('Back-off restarting failed container'),
    });
    hub.recover('checkout-dev');
  });

  it('reads the history of one application, newest first', async () => {
    const client = createClient();
    const history = await client.getHistory({
      service: 'payments',
      environment: 'prod-eu',
    });
    expect(history.length).toBeGreaterThanOrEqual(2);
    expect(history[0]).toMatchObject({
      revision: expect.any(String),
      deployedAt: expect.any(String),
    });
    expect(Date.parse(history[0].deployedAt!)).toBeGreaterThan(
      Date.parse(history[1].deployedAt!),
    );
    expect(
      requestsTo(prod, '/api/v1/applications/payments-prod-eu'),
    ).toHaveLength(1);
  });

  it('turns refresh failures into NotFoundError and ServiceUnavailableError, never a 401', async () => {
    const client = createClient({
      extraInstances: [
        { name: 'denied', url: hubServer.url, token: 'stolen-token' },
      ],
    });
    await expect(
      client.requestRefresh({
        service: 'no-such-service',
        environment: 'staging',
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      client.requestRefresh({ service: 'cart', environment: 'qa' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      client.requestRefresh({
        service: 'cart',
        environment: 'dev',
        annotations: { 'gitops-promotion/argocd-instance': 'denied' },
      }),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
