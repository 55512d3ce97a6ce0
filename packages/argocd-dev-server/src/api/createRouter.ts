import express, { NextFunction, Request, Response } from 'express';
import { ResolvedDevServerOptions } from '../options';
import { Reconciler } from '../reconcile/Reconciler';
import { DiscoveredApplication } from '../discovery/discoverApplications';
import { parseApplicationQuery } from './applicationQuery';
import { projectFields } from './projectFields';
import { asList, asString } from './queryValues';
import { rolloutFaultRoutes } from './rolloutFaultRoutes';
import { GrpcCode, sendRuntimeError } from './runtimeError';
import { SessionTokens } from './SessionTokens';
import { toApplicationResource } from './toApplicationResource';
import { watchApplications } from './watchApplications';

/**
 * One request the stand-in answered.
 *
 * @public
 */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/v1/applications`. */
  path: string;
  query: Record<string, unknown>;
  status: number;
  /** Size of the response body in bytes. */
  bytes: number;
}

function bearerToken(req: Request): string | undefined {
  const header = req.header('authorization') ?? '';
  if (header.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  const cookie = (req.header('cookie') ?? '')
    .split(';')
    .map(c => c.trim())
    .find(c => c.startsWith('argocd.token='));
  return cookie?.slice('argocd.token='.length);
}

/** The REST routes of the stand-in, plus `/_dev/` helpers for demos and tests. */
export function createRouter(
  options: ResolvedDevServerOptions,
  reconciler: Reconciler,
  requests: RecordedRequest[],
): express.Router {
  const router = express.Router();
  const sessions = new SessionTokens(options.sessionTtlSeconds);
  const render = (name: string) => {
    const found = reconciler.get(name);
    return found && toApplicationResource(found.runtime, found.view, options);
  };
  const notFound = (res: Response, name: string) =>
    sendRuntimeError(
      res,
      404,
      GrpcCode.NotFound,
      `applications.argoproj.io "${name}" not found`,
    );
  const observed = async (refresh: unknown) => {
    if (refresh || !reconciler.hasObservedRepository) {
      await reconciler.reconcile();
    }
  };

  router.use((req, res, next) => {
    // captured now: mounted middleware rewrites req.url before the response finishes
    const { method, path } = req;
    const query = { ...req.query };
    res.on('finish', () =>
      requests.push({
        method,
        path,
        query,
        status: res.statusCode,
        bytes: Number(res.getHeader('content-length') ?? 0),
      }),
    );
    if (options.latencyMs > 0) {
      setTimeout(next, options.latencyMs);
    } else {
      next();
    }
  });

  router.post('/api/v1/session', express.json(), (req, res) => {
    const { username, password } = req.body ?? {};
    const expected = options.users[String(username)];
    if (
      typeof password !== 'string' ||
      expected === undefined ||
      expected !== password
    ) {
      sendRuntimeError(
        res,
        401,
        GrpcCode.Unauthenticated,
        'Invalid username or password',
      );
      return;
    }
    res.json({ token: sessions.issue(String(username)) });
  });

  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    if (!token) {
      sendRuntimeError(
        res,
        401,
        GrpcCode.Unauthenticated,
        'no session information',
      );
      return;
    }
    const problem =
      token === options.token ? undefined : sessions.problem(token);
    if (problem) {
      sendRuntimeError(
        res,
        401,
        GrpcCode.Unauthenticated,
        `invalid session: ${problem}`,
      );
      return;
    }
    next();
  };
  router.use('/api', authenticate);
  router.use('/_dev', authenticate);

  router.get('/api/v1/applications', async (req, res) => {
    let matches: (app: DiscoveredApplication) => boolean;
    try {
      matches = parseApplicationQuery(req.query, options);
    } catch (error) {
      sendRuntimeError(
        res,
        400,
        GrpcCode.InvalidArgument,
        String((error as Error).message),
      );
      return;
    }
    await observed(req.query.refresh);
    const items = reconciler
      .list()
      .filter(({ runtime }) => matches(runtime.app))
      .map(({ runtime, view }) =>
        toApplicationResource(runtime, view, options),
      );
    const list = {
      metadata: { resourceVersion: reconciler.listResourceVersion },
      items,
    };
    res.json(projectFields(list, asString(req.query.fields)));
  });

  router.get(
    '/api/v1/stream/applications',
    watchApplications(options, reconciler, observed),
  );

  router.get('/api/v1/applications/:name', async (req, res) => {
    await observed(req.query.refresh);
    const { name } = req.params;
    const projects = [
      ...asList(req.query.projects),
      ...asList(req.query.project),
    ];
    const appNamespace = asString(req.query.appNamespace);
    const resource = render(name);
    if (
      !resource ||
      (projects.length && !projects.includes(options.project)) ||
      (appNamespace && appNamespace !== options.namespace)
    ) {
      notFound(res, name);
      return;
    }
    res.json(resource);
  });

  router.post(
    '/_dev/applications/:name/degrade',
    express.json(),
    (req, res) => {
      const { name } = req.params;
      if (!reconciler.degrade(name, asString(req.body?.message) || undefined)) {
        notFound(res, name);
        return;
      }
      res.json(render(name));
    },
  );

  router.post('/_dev/applications/:name/recover', (req, res) => {
    const { name } = req.params;
    if (!reconciler.recover(name)) {
      notFound(res, name);
      return;
    }
    res.json(render(name));
  });

  router.use(
    '/_dev/rollout-faults',
    rolloutFaultRoutes(reconciler.rolloutFaults),
  );

  router.post('/_dev/reconcile', async (_req, res) => {
    await reconciler.reconcile();
    res.json({ applications: reconciler.list().length });
  });

  router.use((req, res) =>
    sendRuntimeError(
      res,
      404,
      GrpcCode.NotFound,
      `${req.method} ${req.path} is not served by the Argo CD dev server`,
    ),
  );
  router.use(
    (error: Error, _req: Request, res: Response, _next: NextFunction) =>
      sendRuntimeError(res, 500, GrpcCode.Internal, error.message),
  );
  return router;
}
