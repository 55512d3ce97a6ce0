import http from 'node:http';
import net, { AddressInfo } from 'node:net';

/**
 * What the proxy does to a matching request instead of forwarding it:
 * - `status`: answers `status` (default 503) without asking upstream;
 * - `stall`: never answers (a timeout for the client);
 * - `reset`: drops the connection before anything is forwarded;
 * - `drop-request`: drops the connection while the request body is being
 *   sent; with `truncate` upstream gets half of it first (a truncated write),
 *   otherwise nothing;
 * - `drop-response`: forwards the whole request, lets upstream finish it,
 *   then drops the connection instead of answering (a lost response);
 * - `delay`: forwards after `delayMs`;
 * - `hook`: forwards, and once upstream has answered runs `hook` before the
 *   answer goes back (to fail something else at that very moment).
 */
export type HttpFaultKind =
  | 'status'
  | 'stall'
  | 'reset'
  | 'drop-request'
  | 'drop-response'
  | 'delay'
  | 'hook';

export interface HttpFault {
  kind: HttpFaultKind;
  /** Which requests; all when absent. */
  match?: (request: { method: string; url: string }) => boolean;
  /** How many requests it hits (default 1; Infinity for all). */
  times?: number;
  status?: number;
  delayMs?: number;
  hook?: () => Promise<void>;
  truncate?: boolean;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of `target` that injects faults into
 * chosen requests and counts them. `target` may be set after start.
 */
export class HttpFaultProxy {
  target = '';
  /** Faults injected so far. */
  injected = 0;
  /** Requests seen, `METHOD url`. */
  readonly seen: string[] = [];
  private readonly faults: Array<HttpFault & { left: number }> = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server!: http.Server;

  static async start(target = ''): Promise<HttpFaultProxy> {
    const proxy = new HttpFaultProxy();
    proxy.target = target;
    proxy.server = http.createServer((req, res) => proxy.handle(req, res));
    proxy.server.on('connection', socket => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
    });
    await new Promise<void>(resolve =>
      proxy.server.listen(0, '127.0.0.1', resolve),
    );
    return proxy;
  }

  get url() {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  inject(fault: HttpFault) {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Removes the faults not used up yet. */
  clear() {
    this.faults.length = 0;
  }

  /** Faults not used up yet. */
  get pending() {
    return this.faults.filter(f => f.left > 0).length;
  }

  async close() {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise(resolve => this.server.close(resolve));
  }

  private take(method: string, url: string) {
    const fault = this.faults.find(
      f => f.left > 0 && (!f.match || f.match({ method, url })),
    );
    if (fault) {
      fault.left--;
      this.injected++;
    }
    return fault;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    // Dropped connections are what this proxy is for.
    req.on('error', () => {});
    res.on('error', () => {});
    this.seen.push(`${method} ${url}`);
    const fault = this.take(method, url);
    switch (fault?.kind) {
      case 'status':
        req.resume();
        req.on('end', () => {
          res.writeHead(fault.status ?? 503, { 'content-type': 'text/plain' });
          res.end('injected fault');
        });
        return;
      case 'stall':
        req.resume();
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.forward(req, res);
        }, fault.delayMs ?? 1000);
        this.timers.add(timer);
        return;
      }
      default:
        this.forward(req, res, fault);
    }
  }

  private forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    fault?: HttpFault,
  ) {
    if (fault?.kind === 'drop-request' && !fault.truncate) {
      req.once('data', () => req.socket.destroy());
      return;
    }
    const target = new URL(req.url ?? '/', this.target);
    const upstream = http.request(target, {
      method: req.method,
      headers: { ...req.headers, host: target.host },
    });
    upstream.on('error', () => req.socket.destroy());
    if (fault?.kind === 'drop-request') {
      let sent = false;
      const cut = (chunk?: Buffer) => {
        if (sent) return;
        sent = true;
        if (chunk) upstream.write(chunk.subarray(0, chunk.length >> 1));
        // let the half request reach upstream before both ends go away
        setTimeout(() => {
          upstream.destroy();
          req.socket.destroy();
        }, 50);
      };
      req.on('data', cut);
      req.on('end', () => cut());
      return;
    }
    req.pipe(upstream);
    upstream.on('response', response => {
      if (fault?.kind === 'drop-response') {
        response.resume();
        response.on('end', () => req.socket.destroy());
        return;
      }
      if (fault?.kind === 'hook') {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', async () => {
          await fault.hook?.();
          res.writeHead(response.statusCode ?? 502, response.headers);
          res.end(Buffer.concat(chunks));
        });
        return;
      }
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
  }
}

/**
 * A TCP proxy on 127.0.0.1 in front of `host:port` that can cut every open
 * connection and refuse new ones for a while: a database restart as its
 * clients see it.
 */
export class TcpFaultProxy {
  /** Restarts simulated so far. */
  restarts = 0;
  private refusing = false;
  private hanging = false;
  private readonly sockets = new Set<net.Socket>();
  private server!: net.Server;

  static async start(host: string, port: number): Promise<TcpFaultProxy> {
    const proxy = new TcpFaultProxy();
    proxy.server = net.createServer(client => {
      if (proxy.refusing) {
        client.destroy();
        return;
      }
      const upstream = net.connect(port, host);
      const both = () => {
        client.destroy();
        upstream.destroy();
      };
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ]) {
        proxy.sockets.add(from);
        from.on('close', () => {
          proxy.sockets.delete(from);
          both();
        });
        from.on('error', both);
        // While hanging, nothing gets through: queries in flight wait.
        from.on('data', chunk => {
          if (!proxy.hanging) to.write(chunk);
        });
      }
    });
    await new Promise<void>(resolve =>
      proxy.server.listen(0, '127.0.0.1', resolve),
    );
    return proxy;
  }

  get port() {
    return (this.server.address() as AddressInfo).port;
  }

  /**
   * A restart: traffic stops for `hangMs` (queries in flight wait), every
   * connection is dropped, new ones are refused for `downMs`, then accepted
   * again.
   */
  async restart({ hangMs = 0, downMs }: { hangMs?: number; downMs: number }) {
    this.restarts++;
    this.hanging = true;
    await new Promise(resolve => setTimeout(resolve, hangMs));
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
    this.hanging = false;
    await new Promise(resolve => setTimeout(resolve, downMs));
    this.refusing = false;
  }

  async close() {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise(resolve => this.server.close(resolve));
  }
}
