import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  createArgoCdDevServer,
  ArgoCdDevServer,
  ArgoCdDevServerOptions,
  RunningArgoCdDevServer,
} from '@internal/argocd-dev-server';
import { JsonObject } from '@backstage/types';
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { createDemoRepository, DemoRepository } from './demoRepository';
import {
  createGitopsPromotionEnvironmentConditionalDecision,
  gitopsPromotionEnvironmentConditions,
} from '../domain/permissions';
import {
  asUser,
  startGitopsPromotionTestBackend,
} from './gitopsPromotionTestBackend';

export { asService, asUser } from './gitopsPromotionTestBackend';

const root = path.resolve(__dirname, '../../../..');

/**
 * The example catalog: the services of examples/entities.yaml and the people
 * of examples/org.yaml, with the ownedBy and partOf relations the catalog's
 * processing would add.
 */
export function exampleEntities(): Entity[] {
  return ['examples/entities.yaml', 'examples/org.yaml'].flatMap(file =>
    parseAllDocuments(fs.readFileSync(path.join(root, file), 'utf8'))
      .map(d => d.toJS() as Entity)
      .filter(Boolean)
      .map(withRelations),
  );
}

/** The entity with the ownedBy and partOf relations the catalog's processing would add. */
export function withRelations(entity: Entity): Entity {
  const spec = (entity.spec ?? {}) as { owner?: string; system?: string };
  const relations = [
    spec.owner && { type: 'ownedBy', targetRef: spec.owner },
    spec.system && {
      type: 'partOf',
      targetRef: `system:default/${spec.system}`,
    },
  ].filter(Boolean) as Entity['relations'];
  return { ...entity, relations };
}

/**
 * Decides a permission like a policy would: `deny` lists, by permission name,
 * the environments a given user may not use (all others are allowed).
 */
export type PermissionRules = Record<string, Record<string, string[]>>;

/** The embedded default's plugin configuration pointed at a test repository and stand-in. */
export function testConfig(options: {
  repository: string;
  argocdUrl: string;
  workingDirectory: string;
  mutate?: (section: any) => void;
}) {
  const appConfig = parseYaml(
    fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
  );
  const section = JSON.parse(JSON.stringify(appConfig.gitopsPromotion));
  section.repositories[0].url = options.repository;
  section.argocd.instances[0].url = options.argocdUrl;
  section.argocd.tracking = { settleSeconds: 0 };
  section.workingDirectory = options.workingDirectory;
  delete section.development;
  // The demo's weekend freeze would make the tests depend on the day they run.
  // The demo's freeze windows, approvals, verification and automatic edges
  // are left out: a test opts in to those it is about with `mutate`.
  for (const env of section.environments) {
    delete env.freezeWindows;
    delete env.approvals;
    delete env.verification;
    delete env.rollbackOnFailure;
    env.promotesFrom = env.promotesFrom?.map((upstream: unknown) =>
      typeof upstream === 'string'
        ? upstream
        : (upstream as { environment: string }).environment,
    );
  }
  options.mutate?.(section);
  return { gitopsPromotion: section };
}

/**
 * The plugin on a test backend over a fresh demo repository, with the Argo CD
 * stand-in reconciling from it, the example catalog, and permission decisions
 * from `rules`. `runTracker()` runs one pass of the scheduled tracker.
 */
export async function startPromotionBackend(
  options: {
    deny?: PermissionRules;
    mutateConfig?: (section: any) => void;
    demo?: DemoRepository;
    /** The catalog's entities; default: {@link exampleEntities}. */
    entities?: Entity[];
    /** Entity refs the catalog does not show to a user (by user entity ref). */
    hiddenEntities?: Record<string, string[]>;
    /** Root configuration next to `gitopsPromotion`, e.g. `integrations`. */
    rootConfig?: JsonObject;
    /** More features, e.g. a database or root logger factory. */
    features?: BackendFeature[];
    /** Options of the Argo CD stand-in over the defaults below. */
    argocd?: Partial<ArgoCdDevServerOptions>;
  } = {},
) {
  const demo = options.demo ?? (await createDemoRepository());
  const standIn: ArgoCdDevServer = createArgoCdDevServer({
    repositoryPath: demo.bare,
    environments: ['dev', 'staging', 'prod-eu', 'prod-us'],
    layouts: parseYaml(
      fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
    ).gitopsPromotion.layouts,
    token: 'test-argocd-token',
    syncDelayMs: 200,
    pollIntervalMs: 100,
    ...options.argocd,
  });
  const argocd: RunningArgoCdDevServer = await standIn.start();
  const config = testConfig({
    repository: demo.bare,
    argocdUrl: argocd.url,
    workingDirectory: path.join(demo.dir, 'work-cache'),
    mutate: section => {
      section.argocd.instances[0].token = 'test-argocd-token';
      // Tests commit behind the backend's back and read at once; the
      // head cache is tested on its own (router.headCache.test.ts).
      for (const repository of section.repositories) {
        repository.branchHeadCacheSeconds = 0;
      }
      options.mutateConfig?.(section);
    },
  });
  const deny = options.deny ?? {};
  const backend = await startGitopsPromotionTestBackend({
    config: config.gitopsPromotion,
    rootConfig: options.rootConfig,
    catalog: withHiddenEntities(
      catalogServiceMock({ entities: options.entities ?? exampleEntities() }),
      options.hiddenEntities ?? {},
    ),
    features: [
      mockServices.permissions.mock({
        authorize: async (requests, { credentials }) => {
          const principal = credentials.principal as { userEntityRef?: string };
          const denied = deny[principal.userEntityRef ?? ''] ?? {};
          return requests.map(request => {
            const ref = (request as { resourceRef?: string }).resourceRef ?? '';
            const envs = denied[request.permission.name] ?? [];
            const matches = envs.some(e =>
              new RegExp(`^${e.replace(/\*/g, '.*')}$`).test(ref),
            );
            return {
              result: matches ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
            } as PolicyDecision as never;
          });
        },
        // The same denials as a policy would return them for a promotion of
        // a known service: conditions on the environment's name.
        authorizeConditional: async (requests, { credentials }) => {
          const principal = credentials.principal as { userEntityRef?: string };
          const denied = deny[principal.userEntityRef ?? ''] ?? {};
          return requests.map(({ permission }) => {
            const envs = denied[permission.name] ?? [];
            return (
              envs.length
                ? createGitopsPromotionEnvironmentConditionalDecision(
                    permission as ResourcePermission<
                      typeof GITOPS_PROMOTION_ENVIRONMENT_RESOURCE_TYPE
                    >,
                    {
                      not: gitopsPromotionEnvironmentConditions.isEnvironment({
                        names: envs,
                      }),
                    },
                  )
                : { result: AuthorizeResult.ALLOW }
            ) as never;
          });
        },
      }).factory,
      exampleUserInfo(options.entities ?? exampleEntities()),
      ...(options.features ?? []),
    ],
  });
  return {
    server: backend.server,
    demo,
    standIn,
    argocdUrl: argocd.url,
    runTracker: () =>
      backend.runScheduledTask('gitops-promotion-track-promotions'),
    runStatusWatcher: () =>
      backend.runScheduledTask('gitops-promotion-watch-status'),
    runAutoPromotion: () =>
      backend.runScheduledTask('gitops-promotion-auto-promote'),
    async stop() {
      await backend.stop();
      await argocd.close();
      if (!options.demo) await demo.cleanup();
    },
  };
}

/**
 * Backstage's user info as the catalog's users resolve: a user's own ref and
 * the groups of their `memberOf`.
 */
function exampleUserInfo(entities: Entity[]) {
  return mockServices.userInfo.mock({
    getUserInfo: async credentials => {
      const userEntityRef = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      const user = entities.find(e => stringifyEntityRef(e) === userEntityRef);
      const groups = ((user?.spec?.memberOf ?? []) as string[]).map(group =>
        stringifyEntityRef(parseEntityRef(group, { defaultKind: 'group' })),
      );
      return { userEntityRef, ownershipEntityRefs: [userEntityRef, ...groups] };
    },
  }).factory;
}

/**
 * The catalog as a permission policy would make it look to each user: the
 * entities `hidden` names for a user are not found when that user asks.
 */
function withHiddenEntities(
  catalog: CatalogService,
  hidden: Record<string, string[]>,
): CatalogService {
  const hiddenFor = (options: { credentials: unknown }) => {
    const principal = (options.credentials as { principal?: object })
      ?.principal as { userEntityRef?: string } | undefined;
    return new Set(hidden[principal?.userEntityRef ?? ''] ?? []);
  };
  const shown = (entity: Entity | undefined, refs: Set<string>) =>
    entity && !refs.has(stringifyEntityRef(entity)) ? entity : undefined;
  return Object.assign(Object.create(catalog), {
    getEntityByRef: async (ref: never, options: never) =>
      shown(await catalog.getEntityByRef(ref, options), hiddenFor(options)),
    getEntitiesByRefs: async (request: never, options: never) => {
      const refs = hiddenFor(options);
      const { items } = await catalog.getEntitiesByRefs(request, options);
      return { items: items.map(e => shown(e, refs)) };
    },
    getEntities: async (request: never, options: never) => {
      const refs = hiddenFor(options);
      const response = await catalog.getEntities(request, options);
      return { ...response, items: response.items.filter(e => shown(e, refs)) };
    },
  }) as CatalogService;
}

/**
 * Asks `preview` until `ready` holds of its answer (Argo CD's stand-in has
 * synced what the preview gates on), at most 60 times 250 ms; returns the
 * last answer's body.
 */
export async function previewUntil<T>(
  preview: () => PromiseLike<{ status: number; body: T }>,
  ready: (body: T) => boolean,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const res = await preview();
    if (res.status !== 200) {
      throw new Error(
        `preview answered ${res.status}: ${JSON.stringify(res.body)}`,
      );
    }
    if (ready(res.body) || attempt > 60) return res.body;
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * Promotes as `user` once the preview allows it (the stand-in runs the
 * source version, which the upstream gate waits for); resolves with the
 * created promotion, and throws unless the answer is 201.
 */
export async function promoteWhenAllowed(
  server: Parameters<typeof supertest>[0],
  user: string,
  promotion: { entityRef: string; source: string; target: string },
): Promise<{ id: string; pullRequest?: { number: number; url: string } }> {
  const post = (route: string, body: object) =>
    supertest(server)
      .post(`/api/gitops-promotion${route}`)
      .set('Authorization', asUser(user))
      .send(body);
  await previewUntil(
    () =>
      post('/promotions/preview', {
        entityRef: promotion.entityRef,
        source: promotion.source,
        targets: [promotion.target],
      }),
    (body: any) => body.targets[0].allowed,
  );
  const res = await post('/promotions', promotion);
  if (res.status !== 201) {
    throw new Error(
      `POST /promotions answered ${res.status}: ${JSON.stringify(res.body)}`,
    );
  }
  return res.body;
}

/**
 * The example catalog with the memberOf and hasMember relations the catalog
 * would add from the users' `spec.memberOf`: the notifications backend finds
 * the members of an owner group through them.
 */
export function withMemberships(entities: Entity[]): Entity[] {
  const groupsOf = (user: Entity) =>
    ((user.spec?.memberOf as string[] | undefined) ?? []).map(group =>
      stringifyEntityRef(
        parseEntityRef(group, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      ),
    );
  const users = entities.filter(e => e.kind === 'User');
  return entities.map(entity => {
    const relations = entity.relations ?? [];
    if (entity.kind === 'User') {
      return {
        ...entity,
        relations: [
          ...relations,
          ...groupsOf(entity).map(targetRef => ({
            type: 'memberOf',
            targetRef,
          })),
        ],
      };
    }
    if (entity.kind === 'Group') {
      const ref = stringifyEntityRef(entity);
      return {
        ...entity,
        relations: [
          ...relations,
          ...users
            .filter(user => groupsOf(user).includes(ref))
            .map(user => ({
              type: 'hasMember',
              targetRef: stringifyEntityRef(user),
            })),
        ],
      };
    }
    return entity;
  });
}
