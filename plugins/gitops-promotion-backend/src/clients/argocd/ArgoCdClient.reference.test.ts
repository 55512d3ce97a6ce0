import { ConfigReader } from '@backstage/config';
import { ArgoCdClient } from './ArgoCdClient';
import { readReferenceFile } from './__testUtils__/referenceApplications';
import { startHttpServer } from './__testUtils__/startHttpServer';

const LIST_FILES = {
  minimal: 'argocd-mcp__test__resources__argocd-applications.json',
  syncing: 'argocd-mcp__test__resources__argocd-applications-example.json',
};

/** A client whose `dev` environment maps service names to application names 1:1. */
function clientFor(
  instances: Array<Record<string, unknown>>,
  environments: Record<string, string>,
) {
  return ArgoCdClient.fromConfig(
    new ConfigReader({
      gitopsPromotion: {
        argocd: {
          instances: instances.map(i => ({ token: 'reference-token', ...i })),
        },
        environments: Object.entries(environments).map(([name, instance]) => ({
          name,
          repository: 'r',
          argocd: { instance, application: '{service}' },
        })),
      },
    }),
  )!;
}

describe('ArgoCdClient against real Argo CD list responses', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  const clients: ArgoCdClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(c => c.close()));
    await Promise.all(servers.splice(0).map(s => s.close()));
  });
  const serve = async (status: number, body: string) => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    servers.push(server);
    return server;
  };

  it('reads sync, health, revision, images and operation from the real payloads', async () => {
    const minimal = await serve(200, readReferenceFile(LIST_FILES.minimal));
    const syncing = await serve(200, readReferenceFile(LIST_FILES.syncing));
    const client = clientFor(
      [
        { name: 'minimal', url: minimal.url },
        { name: 'syncing', url: syncing.url },
      ],
      { dev: 'minimal', staging: 'syncing' },
    );
    clients.push(client);
    const names = [
      'an-healthy-application',
      'an-out-of-sync-application',
      'a-degraded-application',
      'a-progressing-application',
    ];
    const statuses = await client.getStatuses([
      ...names.map(service => ({ service, environment: 'dev' })),
      { service: 'example', environment: 'staging' },
    ]);
    expect(
      statuses.map(s =>
        s.state === 'known' ? [s.syncStatus, s.health.status] : s.reason,
      ),
    ).toEqual([
      ['Synced', 'Healthy'],
      ['OutOfSync', 'Healthy'],
      ['Unknown', 'Degraded'],
      ['Unknown', 'Progressing'],
      ['OutOfSync', 'Progressing'],
    ]);
    expect(statuses[4]).toEqual({
      state: 'known',
      syncStatus: 'OutOfSync',
      revision: 'f92d9eabe6aec90f46eec5d8eb79fcdcaef6aa04',
      revisions: [],
      health: { status: 'Progressing' },
      images: ['mirror.gcr.io/grafana/example:2.9.9'],
      operation: {
        phase: 'Running',
        message: expect.stringContaining('one or more objects failed to apply'),
        revision: 'f92d9eabe6aec90f46eec5d8eb79fcdcaef6aa04',
        revisions: [],
        finishedAt: '2025-08-07T13:48:06Z',
      },
      reconciledAt: '2025-08-07T13:48:00Z',
      application: {
        instance: 'syncing',
        name: 'example',
        namespace: 'argocd',
        project: 'default',
      },
    });

    const [request] = minimal.received.filter(
      r => r.url.pathname === '/api/v1/applications',
    );
    expect(request.method).toBe('GET');
    expect(request.url.searchParams.get('fields')?.split(',')).toEqual(
      expect.arrayContaining([
        'items.metadata.name',
        'items.status.sync.revision',
        'items.status.summary',
      ]),
    );
    expect(request.authorization).toBe('Bearer reference-token');
  });

  it('reports application-missing for names the list does not have', async () => {
    const minimal = await serve(200, readReferenceFile(LIST_FILES.minimal));
    const client = clientFor([{ name: 'minimal', url: minimal.url }], {
      dev: 'minimal',
    });
    clients.push(client);
    await expect(
      client.getStatus({ service: 'guestbook', environment: 'dev' }),
    ).resolves.toMatchObject({
      state: 'unknown',
      reason: 'application-missing',
    });
  });

  it.each<[string, number, string, string]>([
    [
      'a 500',
      500,
      '{"error":"boom","code":13,"message":"boom"}',
      'instance-unreachable',
    ],
    [
      'a 502 from a proxy',
      502,
      '<html>Bad gateway</html>',
      'instance-unreachable',
    ],
    [
      'a 403',
      403,
      '{"error":"permission denied","code":7,"message":"permission denied"}',
      'access-denied',
    ],
    ['a 404 (not an Argo CD API)', 404, 'not found', 'instance-unreachable'],
    [
      'a body that is not JSON',
      200,
      '<html>login</html>',
      'instance-unreachable',
    ],
  ])(
    'makes only that instance unknown on %s',
    async (_name, status, body, reason) => {
      const broken = await serve(status, body);
      const minimal = await serve(200, readReferenceFile(LIST_FILES.minimal));
      const client = clientFor(
        [
          { name: 'broken', url: broken.url },
          { name: 'minimal', url: minimal.url },
        ],
        { dev: 'broken', staging: 'minimal' },
      );
      clients.push(client);
      const [bad, good] = await client.getStatuses([
        { service: 'an-healthy-application', environment: 'dev' },
        { service: 'an-healthy-application', environment: 'staging' },
      ]);
      expect(bad).toMatchObject({ state: 'unknown', reason });
      expect(good).toMatchObject({ state: 'known', syncStatus: 'Synced' });
    },
  );

  it('gives up on an instance that does not answer within timeoutMs', async () => {
    const silent = await startHttpServer(() => {});
    servers.push(silent);
    const client = clientFor(
      [{ name: 'silent', url: silent.url, timeoutMs: 300 }],
      { dev: 'silent' },
    );
    clients.push(client);
    const started = Date.now();
    await expect(
      client.getStatus({ service: 'x', environment: 'dev' }),
    ).resolves.toMatchObject({
      state: 'unknown',
      reason: 'instance-unreachable',
      message: "Argo CD instance 'silent' is unreachable: timed out",
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
