import http from 'node:http';
import { ArgoCdInstanceConfig } from './ArgoCdConfig';
import { ArgoCdInstanceApi } from './ArgoCdInstanceApi';
import { ArgoCdRequestError } from './ArgoCdRequestError';
import { ApplicationWatchEvent } from './parseWatchStreamLine';
import {
  ReceivedRequest,
  startHttpServer,
} from './__testUtils__/startHttpServer';

const QUERY = { selector: 'acme.io/env=dev', projects: ['default'] };

const event = (name: string, type = 'MODIFIED') =>
  `${JSON.stringify({
    result: {
      type,
      application: {
        metadata: { name, namespace: 'argocd', resourceVersion: '7' },
        status: { health: { status: 'Healthy', message: 'ready ✓' } },
      },
    },
  })}\n`;

describe('ArgoCdInstanceApi.watchApplications', () => {
  const closing: Array<{ close(): Promise<void> }> = [];
  const abort = new AbortController();
  afterEach(async () => {
    for (const item of closing.splice(0)) await item.close();
  });
  afterAll(() => abort.abort());

  async function apiFor(
    handle: (request: ReceivedRequest, res: http.ServerResponse) => void,
    instance: Partial<ArgoCdInstanceConfig> = {},
  ) {
    const server = await startHttpServer(handle);
    const api = new ArgoCdInstanceApi({
      name: 'test',
      url: server.url,
      credentials: { kind: 'token', token: 't' },
      cacheTtlMs: 0,
      timeoutMs: 2000,
      watch: true,
      ...instance,
    });
    closing.push(server, api);
    return { api, server };
  }
  const collect = async (events: AsyncIterable<ApplicationWatchEvent>) => {
    const seen: string[] = [];
    for await (const { type, application } of events) {
      seen.push(`${type} ${application.name} ${application.health.message}`);
    }
    return seen;
  };

  it("sends the list's query, and reads events whatever the chunks", async () => {
    const { api, server } = await apiFor((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const text = Buffer.from(
        `${event('a', 'ADDED')}\n${event(
          'b',
        )}{"result":{"type":"BOOKMARK"}}\n${event('c', 'DELETED')}`,
      );
      // cut through a line and through the bytes of "✓"
      const cut = text.indexOf(Buffer.from('✓')) + 1;
      res.write(text.subarray(0, 10));
      res.write(text.subarray(10, cut));
      setTimeout(() => res.end(text.subarray(cut)), 50);
    });
    const events = await api.watchApplications(QUERY, {
      resourceVersion: '42',
      signal: abort.signal,
    });
    await expect(collect(events)).resolves.toEqual([
      'ADDED a ready ✓',
      'MODIFIED b ready ✓',
      'DELETED c ready ✓',
    ]);
    const [request] = server.received;
    expect(request.url.pathname).toBe('/api/v1/stream/applications');
    expect(Object.fromEntries(request.url.searchParams)).toEqual({
      selector: 'acme.io/env=dev',
      projects: 'default',
      resourceVersion: '42',
    });
    expect(request.authorization).toBe('Bearer t');
  });

  it('gives up on a stream silent for longer than the idle timeout', async () => {
    const { api } = await apiFor((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(event('a'));
    });
    const events = await api.watchApplications(QUERY, {
      resourceVersion: '0',
      signal: abort.signal,
      idleTimeoutMs: 300,
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of events) seen.push(e.application.name!);
      })(),
    ).rejects.toThrow(
      "Argo CD instance 'test' broke off the application stream: timed out",
    );
    expect(seen).toEqual(['a']);
  });

  it('waits for a response that only comes with the first event, as Argo CD sends it', async () => {
    let respond = () => {};
    const { api } = await apiFor(
      (_request, res) => {
        respond = () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(event('late'));
        };
      },
      { timeoutMs: 200 },
    );
    const opened = api.watchApplications(QUERY, {
      resourceVersion: '0',
      signal: abort.signal,
      idleTimeoutMs: 60_000,
    });
    // longer than the instance's request timeout: a stream is not bound by it
    await new Promise(resolve => setTimeout(resolve, 500));
    respond();
    const events = (await opened)[Symbol.asyncIterator]();
    await expect(events.next()).resolves.toMatchObject({
      value: { type: 'MODIFIED', application: { name: 'late' } },
    });
    await events.return!();
  });

  it.each<[string, number, string, string]>([
    [
      'a 403',
      403,
      '{"error":"denied","code":7,"message":"denied"}',
      'access-denied',
    ],
    ['a 404 from a proxy', 404, 'Not Found', 'not-found'],
    ['a 502', 502, '<html>Bad gateway</html>', 'unreachable'],
  ])('refuses to open on %s', async (_name, status, body, kind) => {
    const { api } = await apiFor((_request, res) => {
      res.writeHead(status).end(body);
    });
    await expect(
      api.watchApplications(QUERY, {
        resourceVersion: '0',
        signal: abort.signal,
      }),
    ).rejects.toMatchObject({
      kind,
      message: expect.stringContaining('the application stream'),
    });
  });

  it('breaks off on a line that is not JSON, and on an error line', async () => {
    for (const line of [
      '<html>',
      '{"error":{"grpc_code":14,"message":"bye"}}',
    ]) {
      const { api } = await apiFor((_request, res) => {
        res.writeHead(200).end(`${event('a')}${line}\n`);
      });
      const events = await api.watchApplications(QUERY, {
        resourceVersion: '0',
        signal: abort.signal,
      });
      await expect(collect(events)).rejects.toBeInstanceOf(ArgoCdRequestError);
    }
  });

  it('logs in again when Argo CD no longer knows the session', async () => {
    let sessions = 0;
    const { api, server } = await apiFor(
      (request, res) => {
        if (request.url.pathname === '/api/v1/session') {
          sessions++;
          res.end(JSON.stringify({ token: `session-${sessions}` }));
        } else if (request.authorization !== 'Bearer session-2') {
          res.writeHead(401).end('{"error":"invalid session","code":16}');
        } else {
          res.writeHead(200).end(event('a'));
        }
      },
      {
        credentials: { kind: 'password', username: 'backstage', password: 'p' },
      },
    );
    const events = await api.watchApplications(QUERY, {
      resourceVersion: '0',
      signal: abort.signal,
    });
    await expect(collect(events)).resolves.toEqual(['MODIFIED a ready ✓']);
    expect(server.received.map(r => r.url.pathname)).toEqual([
      '/api/v1/session',
      '/api/v1/stream/applications',
      '/api/v1/session',
      '/api/v1/stream/applications',
    ]);
  });
});
