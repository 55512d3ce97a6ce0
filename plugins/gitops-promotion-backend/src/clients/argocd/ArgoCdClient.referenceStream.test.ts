import { ConfigReader } from '@backstage/config';
import http from 'node:http';
import { ArgoCdClient } from './ArgoCdClient';
import { eventually } from '../../__testUtils__/eventually';
import {
  listReferenceFiles,
  readReferenceDocuments,
} from './__testUtils__/referenceApplications';
import { startHttpServer } from './__testUtils__/startHttpServer';

type Json = any;

const LIST = '/api/v1/applications';
const STREAM = '/api/v1/stream/applications';

/** Every named Application of the reference files, as JSON (YAML dates become strings). */
const referenceApplications = (): Json[] =>
  listReferenceFiles()
    .flatMap(readReferenceDocuments)
    .filter(
      (doc: Json) =>
        doc?.metadata?.name && (doc.kind ?? 'Application') === 'Application',
    )
    .map(doc => JSON.parse(JSON.stringify(doc)));

/**
 * An Argo CD API answering the list with `items` and holding streams open,
 * to which the test writes lines.
 */
async function startArgoCd(items: Json[]) {
  const streams: http.ServerResponse[] = [];
  const server = await startHttpServer((request, res) => {
    if (request.url.pathname === STREAM) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      streams.push(res);
      res.on('close', () => streams.splice(streams.indexOf(res), 1));
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ metadata: { resourceVersion: '100' }, items }));
  });
  return {
    ...server,
    requestsTo: (path: string) =>
      server.received.filter(r => r.url.pathname === path),
    /** Writes a line to every open stream. */
    send: (line: Json) =>
      streams.forEach(res => res.write(`${JSON.stringify(line)}\n`)),
    openStreams: () => streams.length,
  };
}

describe('ArgoCdClient reading real Argo CD applications from the watch stream', () => {
  const applications = referenceApplications();
  const names = applications.map(app => app.metadata.name as string);
  const closing: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const item of closing.splice(0).reverse()) await item.close();
  });

  /** `listed` serves the applications in its list, `streamed` an empty list and, later, its stream. */
  async function setUp() {
    const listed = await startArgoCd(applications);
    const streamed = await startArgoCd([]);
    const client = ArgoCdClient.fromConfig(
      new ConfigReader({
        gitopsPromotion: {
          argocd: {
            instances: [
              { name: 'listed', url: listed.url, token: 't', watch: false },
              { name: 'streamed', url: streamed.url, token: 't' },
            ],
          },
          environments: [
            { name: 'dev', instance: 'listed' },
            { name: 'staging', instance: 'streamed' },
          ].map(({ name, instance }) => ({
            name,
            repository: 'r',
            argocd: { instance, application: '{service}' },
          })),
        },
      }),
    )!;
    closing.push(listed, streamed, client);
    const statusesOf = (environment: string) =>
      client.getStatuses(names.map(service => ({ service, environment })));
    return { listed, streamed, client, statusesOf };
  }

  it('reads them as it reads them from the list, then follows their changes and deletion', async () => {
    const { listed, streamed, client, statusesOf } = await setUp();
    expect(applications.length).toBeGreaterThanOrEqual(15);
    expect((await statusesOf('staging')).map(s => s.state)).toEqual(
      names.map(() => 'unknown'),
    );
    const reported: string[] = [];
    client.onStatusChange((_instance, changed) => reported.push(...changed));

    for (const application of applications) {
      streamed.send({ result: { type: 'ADDED', application } });
    }
    const fromList = await statusesOf('dev');
    const fromStream = await eventually(
      () => statusesOf('staging'),
      statuses => statuses.every(s => s.state === 'known'),
    );
    const withoutInstance = (status: Json) => ({
      ...status,
      application: { ...status.application, instance: undefined },
    });
    expect(fromStream.map(withoutInstance)).toEqual(
      fromList.map(withoutInstance),
    );
    await eventually(
      () => reported,
      changed => changed.length === names.length,
    );

    const [velero] = applications.filter(
      app => app.metadata.name === 'velero-test',
    );
    streamed.send({
      result: {
        type: 'MODIFIED',
        application: {
          ...velero,
          status: {
            ...velero.status,
            health: { status: 'Degraded', message: 'Back-off pulling image' },
          },
        },
      },
    });
    const target = { service: 'velero-test', environment: 'staging' };
    await expect(
      eventually(
        () => client.getStatus(target),
        status =>
          status.state === 'known' && status.health.status !== 'Healthy',
      ),
    ).resolves.toMatchObject({
      health: { status: 'Degraded', message: 'Back-off pulling image' },
      images: velero.status.summary.images,
    });

    streamed.send({ result: { type: 'DELETED', application: velero } });
    await eventually(
      () => client.getStatus(target),
      status => status.state === 'unknown',
    ).then(status =>
      expect(status).toMatchObject({ reason: 'application-missing' }),
    );
    expect(streamed.requestsTo(LIST)).toHaveLength(1);
    expect(listed.requestsTo(STREAM)).toHaveLength(0);
  });

  it('takes an error line for the end of the stream, and resumes from the last version seen', async () => {
    const { streamed, statusesOf } = await setUp();
    await statusesOf('staging');
    const [velero] = applications.filter(
      app => app.metadata.name === 'velero-test',
    );
    streamed.send({ result: { type: 'ADDED', application: velero } });
    await eventually(
      () => statusesOf('staging'),
      statuses => statuses.some(s => s.state === 'known'),
    );

    streamed.send({
      error: {
        grpc_code: 14,
        http_code: 503,
        message: 'server is shutting down',
        http_status: 'Service Unavailable',
      },
    });
    await eventually(
      () => streamed.requestsTo(STREAM).length,
      count => count === 2,
    );
    const [first, second] = streamed.requestsTo(STREAM);
    expect(first.url.searchParams.get('resourceVersion')).toBe('0');
    expect(second.url.searchParams.get('resourceVersion')).toBe(
      velero.metadata.resourceVersion,
    );
    expect(second.authorization).toBe('Bearer t');
    await eventually(
      () => streamed.requestsTo(LIST).length,
      count => count === 2,
    );
  });
});
