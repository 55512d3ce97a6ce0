import { RequestHandler } from 'express';
import { DiscoveredApplication } from '../discovery/discoverApplications';
import { ResolvedDevServerOptions } from '../options';
import { ApplicationChange } from '../reconcile/ApplicationChanges';
import { Reconciler } from '../reconcile/Reconciler';
import { parseApplicationQuery } from './applicationQuery';
import { asString } from './queryValues';
import { GrpcCode, sendRuntimeStreamError } from './runtimeError';
import { toApplicationResource } from './toApplicationResource';

/** Argo CD reads a `resourceVersion` that is not an integer as 0. */
function minimumResourceVersion(value: string): number {
  const version = Number(value);
  return Number.isInteger(version) ? version : 0;
}

/**
 * `GET /api/v1/stream/applications` (ApplicationService_Watch) as Argo CD's
 * REST gateway serves it: status 200 with `Content-Type: application/json`,
 * then one line per event, `{"result":{"type":…,"application":…}}`, for as
 * long as the client stays connected.
 *
 * As Argo CD does, it sends ADDED for every matching application first,
 * unless `resourceVersion` is given without `name`, then every later change
 * of a matching application. With `resourceVersion`, applications below that
 * version are left out; changes made between that version and the connection
 * are not replayed.
 */
export function watchApplications(
  options: ResolvedDevServerOptions,
  reconciler: Reconciler,
  observed: (refresh: unknown) => Promise<void>,
): RequestHandler {
  return async (req, res) => {
    let matches: (app: DiscoveredApplication) => boolean;
    try {
      matches = parseApplicationQuery(req.query, options);
    } catch (error) {
      sendRuntimeStreamError(
        res,
        400,
        GrpcCode.InvalidArgument,
        String((error as Error).message),
      );
      return;
    }
    await observed(req.query.refresh);
    // a listener added after the client left would never be removed
    if (res.destroyed) return;

    const resourceVersion = asString(req.query.resourceVersion);
    const minVersion = minimumResourceVersion(resourceVersion);
    const send = ({ type, runtime, view }: ApplicationChange) => {
      if (runtime.resourceVersion < minVersion || !matches(runtime.app)) {
        return;
      }
      const application = toApplicationResource(runtime, view, options);
      res.write(`${JSON.stringify({ result: { type, application } })}\n`);
    };

    res.status(200).setHeader('Content-Type', 'application/json');
    res.flushHeaders();
    if (!resourceVersion || asString(req.query.name)) {
      for (const { runtime, view } of reconciler.list()) {
        send({ type: 'ADDED', runtime, view });
      }
    }
    res.on('close', reconciler.watch(send));
  };
}
