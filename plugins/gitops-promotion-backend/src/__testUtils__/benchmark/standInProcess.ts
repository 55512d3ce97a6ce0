import type {
  ArgoCdDevServerOptions,
  RecordedRequest,
} from '@internal/argocd-dev-server';
import { fork } from 'node:child_process';
import path from 'node:path';

/** The Argo CD stand-in running in a child process. */
export interface StandInProcess {
  url: string;
  reconcile(): Promise<void>;
  requests(): Promise<RecordedRequest[]>;
  resetRequests(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the Argo CD stand-in in its own process, for benchmarks: a real
 * Argo CD never runs in the backend's process, and the stand-in's work
 * (projecting 10,000 applications for a list or a watch) must not be
 * measured as the plugin's, on the same event loop and heap.
 */
export function startStandInProcess(
  options: ArgoCdDevServerOptions,
): Promise<StandInProcess> {
  const child = fork(
    path.join(__dirname, 'standInChild.ts'),
    [JSON.stringify(options)],
    {
      execArgv: ['--require', '@backstage/cli-node/config/nodeTransform.cjs'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  let nextId = 0;
  const pending = new Map<
    number,
    { resolve: (value: any) => void; reject: (error: Error) => void }
  >();
  const call = <T>(name: string) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, call: name });
    });
  return new Promise((resolve, reject) => {
    child.once('exit', code =>
      reject(new Error(`The Argo CD stand-in exited with ${code}`)),
    );
    child.on('message', (message: any) => {
      if (message.url) {
        resolve({
          url: message.url,
          reconcile: () => call('reconcile'),
          requests: () => call('requests'),
          resetRequests: () => call('resetRequests'),
          close: async () => {
            const exited = new Promise(done => child.once('exit', done));
            await call('close');
            await exited;
          },
        });
        return;
      }
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
  });
}
