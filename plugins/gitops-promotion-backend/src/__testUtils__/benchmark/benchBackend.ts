import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { gitopsPromotionPlugin } from '../../plugin';
import { asUser } from '../promotionBackend';

/**
 * The plugin on a test backend for a benchmark: the given configuration and
 * catalog, every permission allowed, and a scheduler that runs nothing (the
 * tracker has nothing to do, and must not run meanwhile).
 */
export async function startBenchBackend(config: object, entities: Entity[]) {
  const backend = await startTestBackend({
    features: [
      gitopsPromotionPlugin,
      mockServices.rootConfig.factory({ data: config }),
      catalogServiceMock.factory({ entities }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      createServiceFactory({
        service: coreServices.scheduler,
        deps: {},
        factory: () => ({
          scheduleTask: async () => {},
          createScheduledTaskRunner: () => ({ run: async () => {} }),
          triggerTask: async () => {},
          getScheduledTasks: async () => [],
          cancelTask: async () => {},
        }),
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return { backend, url: `http://127.0.0.1:${port}/api/gitops-promotion` };
}

/** No client-side timeouts: a slow matrix is measured, not cut off. */
const patientAgent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

/**
 * One GET /matrix as a user, timed; with `etag`, conditional (a 304 has an
 * empty `text`). Anything but 200 or that 304 throws.
 */
export async function fetchMatrix(
  url: string,
  options: { etag?: string } = {},
): Promise<{ ms: number; text: string; status: number; etag?: string }> {
  const start = performance.now();
  const response = await request(`${url}/matrix`, {
    headers: {
      authorization: asUser(),
      ...(options.etag && { 'if-none-match': options.etag }),
    },
    dispatcher: patientAgent,
  });
  const text = await response.body.text();
  const ms = performance.now() - start;
  const status = response.statusCode;
  if (status !== 200 && !(status === 304 && options.etag)) {
    throw new Error(`GET /matrix: ${status} ${text.slice(0, 500)}`);
  }
  const etag = response.headers.etag;
  return {
    ms,
    text,
    status,
    etag: typeof etag === 'string' ? etag : undefined,
  };
}

/**
 * Wraps an async method of a prototype so each call's wall time goes to
 * `record`; returns what restores the original. (Stage timing in benchmarks.)
 */
export function timeMethod(
  prototype: any,
  method: string,
  record: (ms: number) => void,
): () => void {
  const original = prototype[method];
  if (typeof original !== 'function') return () => {};
  prototype[method] = async function timed(this: unknown, ...args: unknown[]) {
    const start = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      record(performance.now() - start);
    }
  };
  return () => {
    prototype[method] = original;
  };
}

/** The subcommand of `git [-c <name>=<value>] [--<option>] <subcommand> ...`. */
export function gitSubcommand(argv: string[]): string {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-c') i++;
    else if (!argv[i].startsWith('-')) return argv[i];
  }
  return argv[0];
}
