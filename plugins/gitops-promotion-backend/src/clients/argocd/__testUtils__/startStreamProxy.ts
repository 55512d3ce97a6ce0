import http from 'node:http';
import { AddressInfo } from 'node:net';

const STREAM_PATH = '/api/v1/stream/applications';

/** A request that went through the proxy. */
export interface ProxiedRequest {
  path: string;
  query: URLSearchParams;
  /** Lines of the response passed on so far (events, for a stream). */
  lines: number;
}

/** An HTTP proxy in front of an Argo CD (stand-in) that can cut its streams. */
export interface StreamProxy {
  url: string;
  /** Every request, oldest first, including streams still open. */
  requests: ProxiedRequest[];
  /** Closes every connection from the client, as a restarting server or load balancer does. */
  dropConnections(): void;
  /** While set, stream requests are answered 503, as by a server that is down. */
  refuseStreams: boolean;
  close(): Promise<void>;
}

/** Starts a {@link StreamProxy} forwarding to `target` on 127.0.0.1. */
export async function startStreamProxy(target: string): Promise<StreamProxy> {
  const requests: ProxiedRequest[] = [];
  const proxy = { refuseStreams: false };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', target);
    const record = { path: url.pathname, query: url.searchParams, lines: 0 };
    requests.push(record);
    if (proxy.refuseStreams && url.pathname === STREAM_PATH) {
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end('{"error":"unavailable","code":14,"message":"unavailable"}');
      return;
    }
    const upstream = http.request(
      url,
      { method: req.method, headers: req.headers },
      response => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        res.flushHeaders();
        response.on('data', (chunk: Buffer) => {
          record.lines += chunk.toString('utf8').split('\n').length - 1;
          res.write(chunk);
        });
        response.on('end', () => res.end());
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    requests,
    dropConnections: () => server.closeAllConnections(),
    close: async () => {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  });
}
