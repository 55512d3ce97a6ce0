import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { GitopsPromotionConfig } from './config/types';
import { PromotionStore } from './ledger';
import { pipelineEnds } from './policy';
import { ServiceCatalog } from './catalog/ServiceCatalog';
import { EnvironmentsService } from './services/EnvironmentsService';
import { PromotionService } from './services/PromotionService';
import { readHistory } from './services/readHistory';
import { resolveServiceLocation } from './locations/resolveServiceLocation';
import { GitopsRepository } from './repository/GitopsRepository';

const name = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be an environment name');
const entityRef = z.string().min(1).max(512);
const version = z.string().min(1).max(256);
const list = (value: z.ZodString) =>
  z
    .union([value, z.array(value).max(500)])
    .transform(v => (Array.isArray(v) ? v : [v]));

const schemas = {
  environments: z.object({ entityRef }),
  history: z.object({
    entityRef,
    environment: name,
    limit: z.coerce.number().int().min(1).max(100).default(20),
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
      versions: z.array(version).min(1).max(20).optional(),
    })
    .strict(),
  promote: z
    .object({
      entityRef,
      source: name.optional(),
      target: name,
      versions: z.array(version).min(1).max(20).optional(),
      baseCommit: z.string().max(64).optional(),
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
    }),
  bulk: z
    .object({
      entityRefs: z.array(entityRef).min(1).max(200),
      source: name,
      target: name,
      allOrNothing: z.boolean().default(false),
    })
    .strict(),
  ci: z
    .object({
      entityRef,
      versions: z.array(version).min(1).max(20),
      environments: z.array(name).min(1).max(20).optional(),
    })
    .strict(),
  listPromotions: z.object({
    entityRef: entityRef.optional(),
    environment: name.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    before: z.string().max(64).optional(),
  }),
  delivery: z.object({
    entityRef: list(entityRef).optional(),
    owner: list(entityRef).optional(),
    days: z.coerce.number().int().min(1).max(365).default(30),
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

function idempotencyKey(req: Request) {
  return parse(schemas.idempotencyKey, req.header('idempotency-key'));
}

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  config: GitopsPromotionConfig;
  catalog: ServiceCatalog;
  environments: EnvironmentsService;
  promotions: PromotionService;
  repositories: (id: string) => GitopsRepository;
  store: PromotionStore;
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
    await environments.assertReadable(query.environment, credentials);
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
    res.json(await promotions.preview(body, await userOrService(req)));
  });

  /** Runs a write inside an auditor event: success with `meta` of the result, or the failure. */
  async function audited<T>(
    req: Request,
    meta: JsonObject,
    write: () => Promise<T>,
    resultMeta: (result: T) => JsonObject,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId: 'promotion',
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
    await userOrService(req);
    const id = parse(z.string().uuid(), req.params.id);
    res.json(await promotions.get(id));
  });

  router.get('/promotions', async (req, res) => {
    const query = parse(schemas.listPromotions, req.query);
    await userOrService(req);
    res.json({ items: await promotions.list(query) });
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

  router.get('/delivery', async (req, res) => {
    const query = parse(schemas.delivery, req.query);
    const credentials = await userOrService(req);
    const services = await catalog.findServices(
      { entityRefs: query.entityRef, owner: query.owner },
      credentials,
    );
    const since = new Date(Date.now() - query.days * 24 * 3600 * 1000);
    res.json(
      await store.deliveryFigures({
        services: services.map(s => s.service),
        since,
        productionEnvironments: pipelineEnds(config.environments).production,
      }),
    );
  });

  return router;
}
