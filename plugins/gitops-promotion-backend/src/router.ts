import {
  AuditorService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  CustomErrorBase,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { GitopsPromotionConfig } from './config/types';
import { isDatabaseUnavailable, PromotionStore } from './ledger';
import { pipelineEnds } from './policy';
import { normalizeEntityRef, ServiceCatalog } from './catalog/ServiceCatalog';
import { EnvironmentAccess } from './permissions/EnvironmentAccess';
import { EnvironmentsService } from './services/EnvironmentsService';
import { PromotionService } from './services/PromotionService';
import { ServiceRegistrar } from './services/ServiceRegistrar';
import { readHistory } from './services/readHistory';
import { resolveServiceLocation } from './locations/resolveServiceLocation';
import { GitopsRepository } from './repository/GitopsRepository';

const name = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be an environment name');
/** An entity ref the catalog could hold: malformed ones are bad requests on every route. */
const entityRef = z
  .string()
  .min(1)
  .max(512)
  .superRefine((ref, ctx) => {
    try {
      normalizeEntityRef(ref);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });
const version = z.string().min(1).max(256);
const versions = z.array(version).min(1).max(20);
/** A commit a preview was computed on; the planner checks it is on the branch. */
const commit = z.string().min(1).max(64);
/** A whole number from the query string: digits only, no `0x10`, ` 5` or `1e3`. */
const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^[0-9]{1,9}$/, 'must be a whole number')
    .default(String(fallback))
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const list = (value: z.ZodString) =>
  z
    .union([value, z.array(value).max(500)])
    .transform(v => (Array.isArray(v) ? v : [v]));

const schemas = {
  environments: z.object({ entityRef }),
  history: z.object({
    entityRef,
    environment: name,
    limit: wholeNumber(1, 100, 20),
  }),
  matrix: z.object({
    owner: list(entityRef).optional(),
    system: list(entityRef).optional(),
    lifecycle: list(name).optional(),
    entityRef: list(entityRef).optional(),
  }),
  preview: z
    .object({
      entityRef,
      source: name.optional(),
      targets: z.array(name).min(1).max(20),
      versions: versions.optional(),
    })
    .strict(),
  promote: z
    .object({
      entityRef,
      source: name.optional(),
      target: name,
      versions: versions.optional(),
      baseCommit: commit.optional(),
      sourceCommit: commit.optional(),
      kind: z.enum(['promote', 'rollback']).default('promote'),
    })
    .strict()
    .refine(b => b.kind === 'rollback' || b.source, {
      message: 'source is required unless kind is rollback',
      path: ['source'],
    })
    .refine(b => b.kind !== 'rollback' || b.versions, {
      message: 'a rollback names the versions to go back to',
      path: ['versions'],
    })
    .refine(b => b.kind !== 'rollback' || !b.source, {
      message: 'a rollback has no source: it goes back to the versions named',
      path: ['source'],
    })
    .refine(b => b.kind !== 'rollback' || !b.sourceCommit, {
      message: 'a rollback has no source commit',
      path: ['sourceCommit'],
    }),
  bulk: z
    .object({
      entityRefs: z.array(entityRef).min(1).max(200),
      source: name,
      target: name,
      allOrNothing: z.boolean().default(false),
      baseCommit: commit.optional(),
      pins: z
        .array(
          z
            .object({
              entityRef,
              versions,
              sourceCommit: commit.optional(),
            })
            .strict(),
        )
        .min(1)
        .max(200)
        .optional(),
    })
    .strict(),
  bulkPreview: z
    .object({
      entityRefs: z.array(entityRef).min(1).max(200),
      source: name,
      target: name,
    })
    .strict(),
  ci: z
    .object({
      entityRef,
      versions,
      environments: z.array(name).min(1).max(20).optional(),
    })
    .strict(),
  listPromotions: z.object({
    entityRef: entityRef.optional(),
    environment: name.optional(),
    limit: wholeNumber(1, 500, 50),
    before: z.string().uuid().optional(),
  }),
  delivery: z.object({
    entityRef: list(entityRef).optional(),
    owner: list(entityRef).optional(),
    days: wholeNumber(1, 365, 30),
  }),
  idempotencyKey: z.string().min(1).max(255).optional(),
};

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      result.error.issues
        .map(i => `${i.path.join('.') || 'request'}: ${i.message}`)
        .join('; '),
    );
  }
  return result.data;
}

/** Control, line-separator and bidirectional-override characters, as `\uXXXX`. */
function escapeControlCharacters(message: string): string {
  return message.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function idempotencyKey(req: Request) {
  return parse(schemas.idempotencyKey, req.header('idempotency-key'));
}

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  config: GitopsPromotionConfig;
  catalog: ServiceCatalog;
  access: EnvironmentAccess;
  environments: EnvironmentsService;
  promotions: PromotionService;
  repositories: (id: string) => GitopsRepository;
  store: PromotionStore;
  registrar: ServiceRegistrar;
}

/** The REST API under /api/gitops-promotion; see the plugin README. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    auditor,
    environments,
    promotions,
    store,
    config,
    catalog,
    access,
  } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  const userOrService = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/environments', async (req, res) => {
    const query = parse(schemas.environments, req.query);
    res.json(
      await environments.forEntity(query.entityRef, await userOrService(req)),
    );
  });

  router.get('/environments/history', async (req, res) => {
    const query = parse(schemas.history, req.query);
    const credentials = await userOrService(req);
    await access.assertReadable([query.environment], credentials);
    const service = await catalog.getService(query.entityRef, credentials);
    const location = resolveServiceLocation(config, {
      service: service.service,
      layout: service.layout,
      environment: query.environment,
    });
    const repository = options.repositories(location.repository.id);
    const snapshot = await repository.snapshot(location.branch);
    res.json({
      entityRef: service.entityRef,
      environment: query.environment,
      path: location.files[0].path,
      key: location.files[0].keys[0],
      history: await readHistory(repository, snapshot, location, query.limit),
    });
  });

  router.get('/matrix', async (req, res) => {
    const query = parse(schemas.matrix, req.query);
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
    const body = parse(schemas.preview, req.body);
    const credentials = await userOrService(req);
    // A preview shows the environments' files: only to those who may read them.
    await access.assertReadable(
      [...body.targets, ...(body.source ? [body.source] : [])],
      credentials,
    );
    res.json(await promotions.preview(body, credentials));
  });

  router.post('/promotions/bulk/preview', async (req, res) => {
    const body = parse(schemas.bulkPreview, req.body);
    const credentials = await userOrService(req);
    await access.assertReadable([body.source, body.target], credentials);
    res.json(await promotions.previewBulk(body, credentials));
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
    const body = parse(schemas.promote, req.body);
    const key = idempotencyKey(req);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { promotion, created } = await audited(
      req,
      {
        action: body.kind,
        entityRef: body.entityRef,
        source: body.source ?? null,
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
    const body = parse(schemas.bulk, req.body);
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

  router.get('/promotions/:id', async (req, res) => {
    const credentials = await userOrService(req);
    const id = parse(z.string().uuid(), req.params.id);
    res.json(await promotions.get(id, credentials));
  });

  router.get('/promotions', async (req, res) => {
    const query = parse(schemas.listPromotions, req.query);
    const credentials = await userOrService(req);
    res.json({ items: await promotions.list(query, credentials) });
  });

  // CI entry point: a build sets the version of a service in its first environment(s).
  router.post('/ci/versions', async (req, res) => {
    const body = parse(schemas.ci, req.body);
    const key = idempotencyKey(req);
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const first = pipelineEnds(config.environments).first;
    const targets = body.environments ?? first;
    const notFirst = targets.filter(t => !first.includes(t));
    if (notFirst.length) {
      throw new InputError(
        `CI may only set first environments (${first.join(
          ', ',
        )}); ${notFirst.join(', ')} must be promoted`,
      );
    }
    const results = await audited(
      req,
      {
        action: 'ci',
        entityRef: body.entityRef,
        targets,
        versions: body.versions,
      },
      async () => {
        const promoted = [];
        for (const target of targets) {
          promoted.push(
            await promotions.promote(
              {
                entityRef: body.entityRef,
                target,
                versions: body.versions,
                kind: 'ci',
                idempotencyKey: key && `${key}#${target}`,
              },
              credentials,
            ),
          );
        }
        return promoted;
      },
      r => ({ promotionIds: r.map(p => p.promotion.id) }),
    );
    res.status(results.some(r => r.created) ? 201 : 200).json({
      items: results.map(r => r.promotion),
    });
  });

  // Onboarding: a new service's files in every (or the chosen) environment,
  // one commit or pull request; idempotent; `dryRun` writes nothing.
  const registration = z
    .object({
      service: z.string().min(1).max(63),
      layout: name.optional(),
      environments: z.array(name).min(1).max(50).optional(),
      imageRepository: z.string().min(1).max(255),
      version,
      dryRun: z.boolean().default(false),
    })
    .strict();
  router.post('/services', async (req, res) => {
    const body = parse(registration, req.body);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const register = () => options.registrar.register(body, credentials);
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
    const query = parse(schemas.delivery, req.query);
    const credentials = await userOrService(req);
    const services = await catalog.findServices(
      { entityRefs: query.entityRef, owner: query.owner },
      credentials,
    );
    const readable = (await access.readable(credentials)).map(e => e.name);
    const since = new Date(Date.now() - query.days * 24 * 3600 * 1000);
    res.json(
      await store.deliveryFigures({
        services: services.map(s => s.service),
        since,
        environments: readable,
        productionEnvironments: pipelineEnds(
          config.environments,
        ).production.filter(e => readable.includes(e)),
      }),
    );
  });

  // A database that went away mid-request (a restart, a failover) is a 503
  // the client may retry; the driver's message, SQL included, is only logged.
  // No message carries control characters from the input into a response.
  router.use(
    (
      error: unknown,
      _req: Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => {
      if (!(error instanceof CustomErrorBase) && isDatabaseUnavailable(error)) {
        options.logger.warn(
          `The promotion ledger's database is unavailable: ${error}`,
        );
        next(
          new ServiceUnavailableError(
            'The promotion ledger is unavailable (its database cannot be reached); try again shortly',
          ),
        );
        return;
      }
      if (error instanceof Error) {
        error.message = escapeControlCharacters(error.message);
      }
      next(error);
    },
  );

  return router;
}
