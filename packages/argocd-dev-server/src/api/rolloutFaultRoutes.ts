import express, { NextFunction, Request, Response } from 'express';
import { RolloutFaults } from '../reconcile/RolloutFaults';
import { GrpcCode, sendRuntimeError } from './runtimeError';

/**
 * `/_dev/rollout-faults`, to fail rollouts from tests: `POST` adds a fault
 * (201 with it), `GET` lists them (`{items}`), `DELETE` removes them all
 * (204). Not part of Argo CD's API; mounted behind the same authentication.
 */
export function rolloutFaultRoutes(faults: RolloutFaults): express.Router {
  const router = express.Router();
  const invalid = (res: Response, message: string) =>
    sendRuntimeError(res, 400, GrpcCode.InvalidArgument, message);

  // any content type: `curl -d '{…}'` sends form-urlencoded unless told otherwise
  router.post('/', express.json({ type: () => true }), (req, res) => {
    try {
      res.status(201).json(faults.add(req.body));
    } catch (error) {
      invalid(res, (error as Error).message);
    }
  });

  router.get('/', (_req, res) => {
    res.json({ items: faults.list() });
  });

  router.delete('/', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });

  router.use(
    (
      error: Error & { type?: string },
      _req: Request,
      res: Response,
      next: NextFunction,
    ) => {
      if (error.type !== 'entity.parse.failed') {
        next(error);
        return;
      }
      invalid(res, `The body is not JSON: ${error.message}`);
    },
  );
  return router;
}
