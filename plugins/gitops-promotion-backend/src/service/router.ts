import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { EnvironmentsService } from '../domain/environments/EnvironmentsService';
import { PromotionService } from '../domain/promotions/PromotionService';
import { ServiceRegistrar } from '../domain/onboarding/ServiceRegistrar';
import { AutoPromotionPauses } from '../domain/automation/AutoPromotionPauses';
import { createOpenApiRouter } from '../schema/openapi.generated';

/** Control, line-separator and bidirectional-override characters, as `\uXXXX`. */
function escapeControlCharacters(message: string): string {
  return message.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A whole number of the query string. The spec's validation has applied its
 * default and range already, but lets `Infinity` through as a number.
 */
function wholeNumber(name: string, value: number | undefined): number {
  if (value === undefined || !Number.isSafeInteger(value)) {
    throw new InputError(`${name} must be a whole number`);
  }
  return value;
}

/** A request of any route, as httpAuth and the auditor take it. */
type AnyRequest = Parameters<HttpAuthService['credentials']>[0];

/** The `Idempotency-Key` header, checked by the spec (1 to 255 characters). */
function idempotencyKey(req: AnyRequest) {
  return req.header('idempotency-key');
}

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  environments: EnvironmentsService;
  promotions: PromotionService;
  pauses: AutoPromotionPauses;
  registrar: ServiceRegistrar;
}

/** The REST API under /api/gitops-promotion; see the plugin README. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, auditor, environments, promotions, pauses, registrar } =
    options;
  // Bodies are parsed here, before the spec's validation, so that an
  // oversized one stays a 413 rather than becoming the validator's 400.
  const outer = Router();
  outer.use(express.json({ limit: '64kb' }));
  const router = createOpenApiRouter({
    validatorOptions: {
      // Credentials are httpAuth's decision (the spec only documents them).
      validateSecurity: false,
      // The spec documents that query parameters it does not name are ignored.
      validateRequests: {
        allowUnknownQueryParameters: true,
        coerceTypes: false,
      },
    },
  });
  outer.use(router);

  const userOrService = (req: AnyRequest) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/environments', async (req, res) => {
    const query = req.query;
    res.json(
      await environments.forEntity(query.entityRef, await userOrService(req)),
    );
  });

  router.get('/environments/history', async (req, res) => {
    const query = {
      ...req.query,
      limit: wholeNumber('limit', req.query.limit),
    };
    res.json(await environments.history(query, await userOrService(req)));
  });

  router.get('/matrix', async (req, res) => {
    const query = req.query;
    res.json(
      await environments.matrix(
        {
          owner: query.owner,
          system: query.system,
          lifecycle: query.lifecycle,
          entityRefs: query.entityRef,
        },
        await userOrService(req),
      ),
    );
  });

  router.post('/promotions/preview', async (req, res) => {
    res.json(await promotions.preview(req.body, await userOrService(req)));
  });

  router.post('/promotions/bulk/preview', async (req, res) => {
    res.json(await promotions.previewBulk(req.body, await userOrService(req)));
  });

  /** Runs a write inside an auditor event: success with `meta` of the result, or the failure. */
  async function audited<T>(
    req: Request,
    meta: JsonObject,
    write: () => Promise<T>,
    resultMeta: (result: T) => JsonObject,
    eventId = 'promotion',
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const result = await write();
      await event.success({ meta: resultMeta(result) });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  router.post('/promotions', async (req, res) => {
    const body = { ...req.body, kind: req.body.kind ?? 'promote' };
    const key = idempotencyKey(req);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { promotion, created } = await audited(
      req,
      {
        action: body.kind,
        entityRef: body.entityRef,
        source: 'source' in body ? body.source : null,
        target: body.target,
        versions: body.versions ?? null,
        baseCommit: body.baseCommit ?? null,
      },
      () => promotions.promote({ ...body, idempotencyKey: key }, credentials),
      r => ({
        promotionId: r.promotion.id,
        commitSha: r.promotion.commitSha ?? null,
        created: r.created,
      }),
    );
    res.status(created ? 201 : 200).json(promotion);
  });

  router.post('/promotions/bulk', async (req, res) => {
    const body = { ...req.body, allOrNothing: req.body.allOrNothing ?? false };
    const key = idempotencyKey(req);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const result = await audited(
      req,
      {
        action: 'bulk',
        entityRefs: body.entityRefs,
        source: body.source,
        target: body.target,
      },
      () => promotions.promoteBulk(body, credentials, key),
      r => ({
        bulkId: r.bulkId,
        promotionIds: r.promotions.map(p => p.id),
        refused: r.refused,
      }),
    );
    res.status(201).json(result);
  });

  router.post('/promotions/:id/approvals', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const promotion = await audited(
      req,
      {
        action: req.body.decision,
        promotionId: req.params.id,
        comment: req.body.comment ?? null,
      },
      () => promotions.decide(req.params.id, req.body, credentials),
      r => ({ state: r.state, commitSha: r.commitSha ?? null }),
      'promotion-approval',
    );
    res.json(promotion);
  });

  router.get('/auto-promotion/pauses', async (req, res) => {
    res.json({ items: await pauses.list(await userOrService(req)) });
  });

  router.post('/auto-promotion/pauses', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { pause, created } = await audited(
      req,
      { action: 'pause', ...req.body },
      () => pauses.pause(req.body, credentials),
      r => ({ created: r.created }),
      'auto-promotion-pause',
    );
    res.status(created ? 201 : 200).json(pause);
  });

  router.delete('/auto-promotion/pauses', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const scope = {
      entityRef: req.query.entityRef,
      environment: req.query.environment,
    };
    const removed = await audited(
      req,
      {
        action: 'resume',
        entityRef: scope.entityRef ?? null,
        environment: scope.environment ?? null,
      },
      () => pauses.resume(scope, credentials),
      () => ({}),
      'auto-promotion-pause',
    );
    res.json(removed);
  });

  router.get('/promotions/:id', async (req, res) => {
    const credentials = await userOrService(req);
    res.json(await promotions.get(req.params.id, credentials));
  });

  router.get('/promotions', async (req, res) => {
    const query = {
      ...req.query,
      limit: wholeNumber('limit', req.query.limit),
    };
    const credentials = await userOrService(req);
    res.json({ items: await promotions.list(query, credentials) });
  });

  // CI entry point: a build sets the version of a service in its first environment(s).
  router.post('/ci/versions', async (req, res) => {
    const body = req.body;
    const key = idempotencyKey(req);
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const targets = promotions.ciTargets(body.environments);
    const results = await audited(
      req,
      {
        action: 'ci',
        entityRef: body.entityRef,
        targets,
        versions: body.versions,
      },
      () =>
        promotions.setCiVersions(
          { entityRef: body.entityRef, versions: body.versions, targets },
          credentials,
          key,
        ),
      r => ({ promotionIds: r.map(p => p.promotion.id) }),
    );
    res.status(results.some(r => r.created) ? 201 : 200).json({
      items: results.map(r => r.promotion),
    });
  });

  // Onboarding: a new service's files in every (or the chosen) environment,
  // one commit or pull request; idempotent; `dryRun` writes nothing.
  router.post('/services', async (req, res) => {
    const body = req.body;
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const register = () => registrar.register(body, credentials);
    const result = body.dryRun
      ? await register()
      : await audited(
          req,
          {
            action: 'register-service',
            service: body.service,
            layout: body.layout ?? null,
            environments: body.environments ?? null,
            version: body.version,
          },
          register,
          r => ({
            created: r.created,
            commitSha: r.commit?.sha ?? null,
            pullRequest: r.pullRequest?.url ?? null,
          }),
          'service-registration',
        );
    res.status(result.created ? 201 : 200).json(result);
  });

  router.get('/delivery', async (req, res) => {
    const query = { ...req.query, days: wholeNumber('days', req.query.days) };
    res.json(
      await environments.deliveryFigures(query, await userOrService(req)),
    );
  });

  // No message carries control characters from the input into a response.
  outer.use(
    (
      error: unknown,
      _req: Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error instanceof Error) {
        error.message = escapeControlCharacters(error.message);
      }
      next(error);
    },
  );

  return outer;
}
