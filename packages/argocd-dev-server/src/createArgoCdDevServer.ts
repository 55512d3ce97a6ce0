import express from 'express';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createRouter, RecordedRequest } from './api/createRouter';
import {
  ArgoCdDevServerOptions,
  DevServerRolloutFault,
  resolveOptions,
} from './options';
import { Reconciler } from './reconcile/Reconciler';

/**
 * A listening stand-in.
 *
 * @public
 */
export interface RunningArgoCdDevServer {
  /** Base URL, e.g. `http://127.0.0.1:7009`. */
  url: string;
  /** Stops polling and closes the listener. */
  close(): Promise<void>;
}

/**
 * The Argo CD REST API stand-in.
 *
 * @public
 */
export interface ArgoCdDevServer {
  /** The express app serving the API; mount it or call {@link ArgoCdDevServer.start}. */
  app: express.Express;
  /** Listens on `port` (0 for any) and polls the repository until closed. */
  start(port?: number, host?: string): Promise<RunningArgoCdDevServer>;
  /** Makes an application report Degraded health; false if it does not exist. */
  degrade(appName: string, message?: string): boolean;
  /** Makes a degraded application Healthy again; false if it does not exist. */
  recover(appName: string): boolean;
  /** Adds a rollout fault, like `POST /_dev/rollout-faults`; throws when it is invalid. */
  addRolloutFault(fault: DevServerRolloutFault): DevServerRolloutFault;
  /** The rollout faults in force, oldest first. */
  rolloutFaults(): DevServerRolloutFault[];
  /** Removes every rollout fault. */
  clearRolloutFaults(): void;
  /** Polls the repository now, like a `refresh=normal`. */
  reconcile(): Promise<void>;
  /** The requests answered so far, oldest first. */
  requests(): readonly RecordedRequest[];
  /** Forgets the recorded requests. */
  resetRequests(): void;
  /** How many `GET /api/v1/stream/applications` clients are listening. */
  watchers(): number;
}

/**
 * Creates a stand-in for Argo CD's REST API that reconciles applications from
 * a local GitOps repository: the same JSON shapes as Argo CD's swagger.json
 * for `GET /api/v1/applications`, `GET /api/v1/applications/{name}`,
 * `GET /api/v1/stream/applications` and `POST /api/v1/session`,
 * bearer-token authentication, and after each commit
 * OutOfSync, then Progressing, then Synced and Healthy over `syncDelayMs`.
 * For development and tests only.
 *
 * @public
 */
export function createArgoCdDevServer(
  options: ArgoCdDevServerOptions,
): ArgoCdDevServer {
  const resolved = resolveOptions(options);
  const reconciler = new Reconciler(resolved);
  const recorded: RecordedRequest[] = [];
  const app = express();
  app.disable('x-powered-by');
  app.use(createRouter(resolved, reconciler, recorded));

  return {
    app,
    async start(port = 0, host = '127.0.0.1') {
      const server = http.createServer(app);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      const poll = setInterval(
        () => void reconciler.reconcile(),
        resolved.pollIntervalMs,
      );
      poll.unref();
      void reconciler.reconcile();
      const address = server.address() as AddressInfo;
      return {
        url: `http://${host.includes(':') ? `[${host}]` : host}:${
          address.port
        }`,
        async close() {
          clearInterval(poll);
          server.closeAllConnections();
          await new Promise<void>(resolve => server.close(() => resolve()));
          await reconciler.reconcile().catch(() => {});
          reconciler.stop();
        },
      };
    },
    degrade: (name, message) => reconciler.degrade(name, message),
    recover: name => reconciler.recover(name),
    addRolloutFault: fault => reconciler.rolloutFaults.add(fault),
    rolloutFaults: () => reconciler.rolloutFaults.list(),
    clearRolloutFaults: () => reconciler.rolloutFaults.clear(),
    reconcile: () => reconciler.reconcile(),
    requests: () => recorded,
    resetRequests: () => {
      recorded.length = 0;
    },
    watchers: () => reconciler.watcherCount,
  };
}
