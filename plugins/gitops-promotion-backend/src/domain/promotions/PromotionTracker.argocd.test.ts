import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { GITOPS_PROMOTION_ARGOCD_APP_ANNOTATION } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import path from 'node:path';
import { ArgoCdClient } from '../../clients/argocd';
import { readReferenceDocuments } from '../../clients/argocd/__testUtils__/referenceApplications';
import { startHttpServer } from '../../clients/argocd/__testUtils__/startHttpServer';
import { EntityAnnotations } from '../../clients/catalog/EntityAnnotations';
import { readPluginConfig } from '../../config/readPluginConfig';
import { PromotionStore } from '../ledger';
import {
  createLedgerTestDatabases,
  newPromotion,
  storeOn,
} from '../ledger/__testUtils__/ledgerTestDatabases';
import { createRepositories } from '../../clients/repository/createRepositories';
import {
  createDemoRepository,
  DemoRepository,
} from '../../__testUtils__/demoRepository';
import { testConfig } from '../../__testUtils__/promotionBackend';
import { PromotionTracker } from './PromotionTracker';

jest.setTimeout(60_000);

const databases = createLedgerTestDatabases();
const TIMEOUT_SECONDS = 60;
/** A commit of another repository, from the real payload below. */
const FOREIGN_COMMIT = 'a0c7298faead28f7f60a5106afbb18882ad220a7';

type Json = Record<string, any>;

/** A real Application (Kustomize, Synced and Healthy), renamed, at `revision`. */
function application(name: string, revision: string): Json {
  const [app] = readReferenceDocuments(
    'gitops-backend__pkg__httpapi__testdata__application3.yaml',
  ) as Json[];
  app.metadata.name = name;
  app.metadata.namespace = 'argocd';
  app.status.sync.revision = revision;
  app.status.operationState.operation.sync.revision = revision;
  app.status.operationState.syncResult.revision = revision;
  app.status.history[app.status.history.length - 1].revision = revision;
  return app;
}

/**
 * The same application made multi-source as Argo CD reports one (field names
 * of its swagger: spec.sources, status.sync.revisions, comparedTo.sources,
 * history[].revisions, operation.sync.revisions, syncResult.revisions): the
 * platform's Helm chart at `chartVersion` from a chart repository, plus the
 * GitOps repository's values at `revision`.
 */
function multiSourceApplication(
  name: string,
  chartVersion: string,
  revision: string,
): Json {
  const app = application(name, revision);
  const sources = [
    {
      repoURL: 'https://charts.example.com',
      chart: 'service-base',
      targetRevision: chartVersion,
    },
    { ...app.spec.source, targetRevision: 'main', ref: 'values' },
  ];
  const revisions = [chartVersion, revision];
  delete app.spec.source;
  app.spec.sources = sources;
  const { status } = app;
  status.sync = {
    status: 'Synced',
    comparedTo: { destination: status.sync.comparedTo.destination, sources },
    revisions,
  };
  status.history = status.history.map(
    ({ revision: single, source, ...entry }: Json) => ({
      ...entry,
      revisions: [chartVersion, single],
      sources,
    }),
  );
  const { sync } = status.operationState.operation;
  delete sync.revision;
  sync.revisions = revisions;
  const result = status.operationState.syncResult;
  delete result.revision;
  delete result.source;
  result.revisions = revisions;
  result.sources = sources;
  delete status.sourceType;
  status.sourceTypes = ['Helm', 'Kustomize'];
  return app;
}

describe.each(databases.ids)('PromotionTracker and Argo CD on %s', id => {
  let demo: DemoRepository;
  let argocdServer: Awaited<ReturnType<typeof startHttpServer>>;
  let applications: Json[] = [];
  let raw: ReturnType<typeof testConfig>;
  const clients: ArgoCdClient[] = [];

  beforeAll(async () => {
    demo = await createDemoRepository();
    argocdServer = await startHttpServer((request, res) => {
      const json = (status: number, body: unknown) =>
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify(body));
      const { pathname } = request.url;
      if (pathname === '/api/v1/applications') {
        json(200, { metadata: { resourceVersion: '1' }, items: applications });
        return;
      }
      const name = decodeURIComponent(
        pathname.replace('/api/v1/applications/', ''),
      );
      const app = applications.find(a => a.metadata.name === name);
      if (app) json(200, app);
      else {
        const message = `applications.argoproj.io "${name}" not found`;
        json(404, { error: message, code: 5, message });
      }
    });
    raw = testConfig({
      repository: demo.bare,
      argocdUrl: argocdServer.url,
      workingDirectory: path.join(demo.dir, 'tracker-cache'),
      mutate: section => {
        section.argocd.instances[0].token = 't';
        section.argocd.instances[0].cacheTtlSeconds = 0;
        section.argocd.tracking = {
          settleSeconds: 0,
          timeoutSeconds: TIMEOUT_SECONDS,
        };
      },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
    await argocdServer.close();
    await demo.cleanup();
  });

  /** A tracker over the demo repository; `clock` is the ledger's. */
  async function tracker(
    options: { clock?: () => Date; entities?: Entity[] } = {},
  ) {
    const config = readPluginConfig(new ConfigReader(raw))!;
    const argocd = ArgoCdClient.fromConfig(new ConfigReader(raw))!;
    clients.push(argocd);
    const store = await storeOn(await databases.init(id), options.clock);
    const catalog = catalogServiceMock({ entities: options.entities ?? [] });
    const lookups = jest.spyOn(catalog, 'getEntityByRef');
    const logger = mockServices.logger.mock();
    const promotionTracker = new PromotionTracker({
      store,
      repositories: createRepositories({
        config,
        rootConfig: new ConfigReader({}),
        logger,
      }),
      argocd,
      logger,
      owner: 'replica-0',
      annotations: new EntityAnnotations({
        catalog,
        auth: mockServices.auth(),
      }),
    });
    return { tracker: promotionTracker, store, lookups, logger };
  }

  /** A committed promotion of checkout to staging at `commitSha`. */
  async function committed(store: PromotionStore, commitSha: string) {
    const { record } = await store.insert({
      ...newPromotion({
        entityRef: 'component:default/checkout',
        service: 'checkout',
        sourceEnv: 'dev',
        targetEnv: 'staging',
        versions: [
          {
            path: 'envs/staging/checkout/values.yaml',
            key: 'image.tag',
            from: '1.0.0',
            to: commitSha.slice(0, 8),
          },
        ],
      }),
      state: 'committed',
      commitSha,
    });
    return record;
  }

  /** A commit of the promotion to staging, as the plugin would have written it. */
  const promotionCommit = async (tag: string) =>
    demo.commit(`Promote checkout ${tag} to staging`, [
      {
        file: 'envs/staging/checkout/values.yaml',
        key: 'image.tag',
        value: tag,
      },
    ]);

  it('deploys a multi-source application whose revisions are a chart version and a commit after the promotion', async () => {
    const commitSha = await promotionCommit('3.1.0');
    // Someone else's commit lands after it; Argo CD syncs the branch head.
    const head = await demo.commit('Unrelated change of dev', [
      { file: 'envs/dev/cart/values.yaml', key: 'image.tag', value: '9.9.9' },
    ]);
    applications = [multiSourceApplication('checkout-staging', '1.2.3', head)];
    const { tracker: t, store } = await tracker();
    const promotion = await committed(store, commitSha);

    expect(await t.run()).toBe(1);

    expect(await store.get(promotion.id)).toMatchObject({
      state: 'deployed',
      stateReason: `Synced and Healthy at ${commitSha.slice(0, 7)}`,
    });
  });

  it('takes a revision the repository does not have for "does not contain", and still times out', async () => {
    const commitSha = await promotionCommit('3.2.0');
    // Argo CD reports another repository's commit (e.g. a second git source).
    applications = [application('checkout-staging', FOREIGN_COMMIT)];
    // The promotion was committed an hour ago.
    const { tracker: t, store } = await tracker({
      clock: () => new Date(Date.now() - 3_600_000),
    });
    const promotion = await committed(store, commitSha);

    await t.run();

    const failed = await store.get(promotion.id);
    expect(failed).toMatchObject({ state: 'failed' });
    expect(failed?.stateReason).toBe(
      `Not deployed ${TIMEOUT_SECONDS}s after the commit: Synced and Healthy at ${FOREIGN_COMMIT.slice(
        0,
        7,
      )}`,
    );
  });

  it('keeps waiting, without errors, while Argo CD is on a revision the repository does not have', async () => {
    const commitSha = await promotionCommit('3.3.0');
    applications = [
      multiSourceApplication('checkout-staging', '1.2.3', FOREIGN_COMMIT),
    ];
    const { tracker: t, store, logger } = await tracker();
    const promotion = await committed(store, commitSha);

    await t.run();
    await t.run();

    expect(await store.get(promotion.id)).toMatchObject({
      state: 'committed',
    });
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it("tracks the application the entity's argocd-app annotation names, looked up with the plugin's own credentials", async () => {
    const before = await demo.head();
    const commitSha = await promotionCommit('3.4.0');
    applications = [
      // What the environment's name template gives: still before the promotion.
      application('checkout-staging', before),
      application('checkout-eu-live', commitSha),
    ];
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout',
        annotations: {
          'gitops-promotion/service': 'checkout',
          [GITOPS_PROMOTION_ARGOCD_APP_ANNOTATION]: 'checkout-eu-live',
        },
      },
      spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
    };
    const {
      tracker: t,
      store,
      lookups,
    } = await tracker({
      entities: [entity],
    });
    const promotion = await committed(store, commitSha);

    await t.run();

    expect(await store.get(promotion.id)).toMatchObject({ state: 'deployed' });
    expect(lookups).toHaveBeenCalledWith('component:default/checkout', {
      credentials: expect.objectContaining({
        principal: expect.objectContaining({ type: 'service' }),
      }),
    });
  });

  it('falls back to the environment mapping when the entity is gone', async () => {
    const commitSha = await promotionCommit('3.5.0');
    applications = [application('checkout-staging', commitSha)];
    const { tracker: t, store } = await tracker({ entities: [] });
    const promotion = await committed(store, commitSha);

    await t.run();

    expect(await store.get(promotion.id)).toMatchObject({ state: 'deployed' });
  });
});
