import { BackendFeature } from '@backstage/backend-plugin-api';
import { setYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import {
  asService,
  asUser,
  previewUntil,
  startPromotionBackend,
} from '../../__testUtils__/promotionBackend';
import { runGit } from '../../clients/git/runGit';
import { createLedgerTestDatabases } from '../../domain/ledger/__testUtils__/ledgerTestDatabases';
import {
  ApiClient,
  apiClient,
  ApiResponse,
  errorMessage,
} from './__testUtils__/api';
import {
  BadRequest,
  badRequestsFor,
  fuzzStrings,
  IntegrityCase,
  integrityRequestsFor,
  RouteSpec,
} from './__testUtils__/badInputs';
import { createFigures, HEAVY } from './__testUtils__/figures';
import { reliabilityPostgres } from './__testUtils__/postgres';
import { routeKey, routesOfRouter } from './__testUtils__/routes';

jest.setTimeout(HEAVY ? 1_800_000 : 180_000);

const figures = createFigures('bad-input');
const postgres = reliabilityPostgres();
const checkout = 'component:default/checkout';

/** A valid request of every route; the corpus breaks one thing at a time. */
const ROUTES: Record<string, RouteSpec> = {
  // The contract itself (served by backend-openapi-utils): it takes no input.
  'GET /openapi.json': {
    method: 'get',
    path: '/openapi.json',
    auth: 'user',
    in: 'query',
    valid: {},
    fields: {},
    required: [],
  },
  'GET /environments': {
    method: 'get',
    path: '/environments',
    auth: 'user',
    in: 'query',
    valid: { entityRef: checkout },
    fields: { entityRef: 'string' },
    required: ['entityRef'],
  },
  'GET /environments/history': {
    method: 'get',
    path: '/environments/history',
    auth: 'user',
    in: 'query',
    valid: { entityRef: checkout, environment: 'staging', limit: '5' },
    fields: { entityRef: 'string', environment: 'string', limit: 'integer' },
    required: ['entityRef', 'environment'],
  },
  'GET /matrix': {
    method: 'get',
    path: '/matrix',
    auth: 'user',
    in: 'query',
    valid: {},
    fields: {
      owner: 'string|string[]',
      system: 'string|string[]',
      lifecycle: 'string|string[]',
      entityRef: 'string|string[]',
    },
    required: [],
  },
  'POST /promotions/preview': {
    method: 'post',
    path: '/promotions/preview',
    auth: 'user',
    in: 'body',
    valid: { entityRef: checkout, source: 'staging', targets: ['prod-eu'] },
    fields: {
      entityRef: 'string',
      source: 'string',
      targets: 'string[]',
      versions: 'string[]',
    },
    required: ['entityRef', 'targets'],
  },
  'POST /promotions/bulk/preview': {
    method: 'post',
    path: '/promotions/bulk/preview',
    auth: 'user',
    in: 'body',
    valid: { entityRefs: [checkout], source: 'staging', target: 'prod-eu' },
    fields: { entityRefs: 'string[]', source: 'string', target: 'string' },
    required: ['entityRefs', 'source', 'target'],
  },
  'POST /promotions': {
    method: 'post',
    path: '/promotions',
    auth: 'user',
    in: 'body',
    valid: { entityRef: checkout, source: 'staging', target: 'prod-eu' },
    fields: {
      entityRef: 'string',
      source: 'string',
      target: 'string',
      versions: 'string[]',
      baseCommit: 'string',
      sourceCommit: 'string',
      kind: 'string',
    },
    required: ['entityRef', 'target', 'source'],
    headers: ['Idempotency-Key'],
  },
  'POST /promotions/bulk': {
    method: 'post',
    path: '/promotions/bulk',
    auth: 'user',
    in: 'body',
    valid: {
      entityRefs: [checkout, 'component:default/payments'],
      source: 'staging',
      target: 'prod-eu',
      allOrNothing: true,
    },
    fields: {
      entityRefs: 'string[]',
      source: 'string',
      target: 'string',
      allOrNothing: 'boolean',
      baseCommit: 'string',
    },
    required: ['entityRefs', 'source', 'target'],
    headers: ['Idempotency-Key'],
  },
  'GET /promotions/:id': {
    method: 'get',
    path: '/promotions/:id',
    auth: 'user',
    in: 'query',
    valid: {},
    fields: {},
    required: [],
    pathParams: { id: '3f0c6d8e-6a55-4d0b-9a53-1c5f1f7e2a10' },
  },
  'GET /promotions': {
    method: 'get',
    path: '/promotions',
    auth: 'user',
    in: 'query',
    valid: { limit: '10' },
    fields: {
      entityRef: 'string',
      environment: 'string',
      limit: 'integer',
      before: 'string',
    },
    required: [],
  },
  'POST /promotions/:id/approvals': {
    method: 'post',
    path: '/promotions/:id/approvals',
    auth: 'user',
    in: 'body',
    valid: { decision: 'approve', comment: 'Looks good' },
    fields: { decision: 'string', comment: 'string' },
    required: ['decision'],
    pathParams: { id: '3f0c6d8e-6a55-4d0b-9a53-1c5f1f7e2a10' },
  },
  'GET /auto-promotion/pauses': {
    method: 'get',
    path: '/auto-promotion/pauses',
    auth: 'user',
    in: 'query',
    valid: {},
    fields: {},
    required: [],
  },
  'POST /auto-promotion/pauses': {
    method: 'post',
    path: '/auto-promotion/pauses',
    auth: 'user',
    in: 'body',
    // `reason` is free text (any string up to 500 characters is one)
    valid: { entityRef: checkout, environment: 'staging' },
    fields: { entityRef: 'string', environment: 'string' },
    required: [],
  },
  'DELETE /auto-promotion/pauses': {
    method: 'delete',
    path: '/auto-promotion/pauses',
    auth: 'user',
    in: 'query',
    valid: { entityRef: checkout, environment: 'staging' },
    fields: { entityRef: 'string', environment: 'string' },
    required: [],
  },
  'POST /ci/versions': {
    method: 'post',
    path: '/ci/versions',
    auth: 'service',
    in: 'body',
    valid: {
      entityRef: 'component:default/cart',
      versions: ['3.3.0'],
      environments: ['dev'],
    },
    fields: {
      entityRef: 'string',
      versions: 'string[]',
      environments: 'string[]',
    },
    required: ['entityRef', 'versions'],
    headers: ['Idempotency-Key'],
  },
  'GET /delivery': {
    method: 'get',
    path: '/delivery',
    auth: 'user',
    in: 'query',
    valid: { entityRef: checkout, days: '30' },
    fields: {
      entityRef: 'string|string[]',
      owner: 'string|string[]',
      days: 'integer',
    },
    required: [],
  },
  'POST /services': {
    method: 'post',
    path: '/services',
    auth: 'user',
    in: 'body',
    valid: {
      service: 'reliability-new',
      imageRepository: 'ghcr.io/acme/reliability-new',
      version: '1.0.0',
      dryRun: true,
    },
    fields: {
      service: 'string',
      layout: 'string',
      environments: 'string[]',
      imageRepository: 'string',
      version: 'string',
      dryRun: 'boolean',
    },
    required: ['service', 'imageRepository', 'version'],
  },
};

/** C0 controls and DEL: a message carrying them can forge log lines or terminal output. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why a response to bad input is not acceptable, or undefined when it is. */
function problemWith(
  response: ApiResponse,
  expected?: BadRequest['expect'],
): string | undefined {
  if (response.status < 400 || response.status >= 500) {
    return `answered ${response.status}`;
  }
  const message = errorMessage(response);
  if (!message?.trim()) return 'no error message';
  if (message.length > 1_000) return `a ${message.length}-character message`;
  if (CONTROL.test(message))
    return `control characters in "${JSON.stringify(message)}"`;
  if (/\n\s+at /.test(message)) return 'a stack trace in the message';
  if (expected && response.status !== expected.status) {
    return `answered ${response.status}, expected ${expected.status} ("${message}")`;
  }
  if (
    expected &&
    !(typeof expected.message === 'string'
      ? message.includes(expected.message)
      : expected.message.test(message))
  ) {
    return `"${message}" does not say "${expected.message}"`;
  }
  return undefined;
}

function send(api: ApiClient, request: BadRequest) {
  return api.call(request.method, `${request.path}${request.query ?? ''}`, {
    auth: request.auth === 'service' ? asService() : asUser(),
    body: request.body,
    raw: request.raw,
    headers: request.headers,
  });
}

const databases = createLedgerTestDatabases().ids.map(id =>
  id === 'POSTGRES_15' ? 'PostgreSQL' : 'SQLite',
);

const CART = 'component:default/cart';
const PAYMENTS = 'component:default/payments';
/** Keys the setup used once each; the integrity cases send them again with another body. */
const KEYS = {
  promotion: 'reliability-rollback-key',
  ci: 'reliability-ci-key',
  train: 'reliability-train-key',
};
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Side Branch',
  GIT_AUTHOR_EMAIL: 'side@example.com',
  GIT_COMMITTER_NAME: 'Side Branch',
  GIT_COMMITTER_EMAIL: 'side@example.com',
};

/** What the integrity cases name: made in the repository and the ledger before they run. */
interface IntegrityState {
  /** `main` once the setup is done. */
  head: string;
  /** The tree of `main`: 40 hex digits of an object that is not a commit. */
  tree: string;
  /** A commit on branch `side` (it changes checkout in prod-eu), not on `main`. */
  side: string;
  /** The preview of cart dev -> staging, before dev moved to 9.1.0. */
  cart: { versions: string[]; baseCommit: string; sourceCommit: string };
  /** The preview of the train cart + payments dev -> staging, before dev moved. */
  train: {
    baseCommit: string;
    pins: Array<{
      entityRef: string;
      versions: string[];
      sourceCommit: string;
    }>;
  };
  /** A version prod-eu ran before (a valid rollback target). */
  checkoutRanInProdEu: string[];
  /** A version of cart dev ran and staging never did. */
  cartRanInDevOnly: string;
  /** A chart and image version ledger's staging ran, never together. */
  ledgerMixed: string[];
}

/**
 * Makes what the integrity cases refer to: a promotion, a CI set and a
 * release train sent with an Idempotency-Key; previews of cart and of a train
 * from dev, then a CI commit to dev that makes them stale; a commit on
 * another branch. Every case is then sent on the head this leaves.
 */
async function prepareIntegrity(
  api: ApiClient,
  demo: Awaited<ReturnType<typeof createDemoRepository>>,
): Promise<IntegrityState> {
  const ok = (res: ApiResponse, status: number, what: string) => {
    if (res.status !== status) {
      throw new Error(`${what} answered ${res.status}: ${res.text}`);
    }
    return res.body;
  };
  const history = async (entity: string, environment: string) =>
    ok(
      await api.get(
        `/environments/history?entityRef=component:default/${entity}&environment=${environment}&limit=100`,
      ),
      200,
      `the history of ${entity} in ${environment}`,
    ).history.map((h: { versions: string[] }) => h.versions) as string[][];

  const cartInDev = await history('cart', 'dev');
  ok(
    await api.post(
      '/promotions',
      {
        kind: 'rollback',
        entityRef: CART,
        target: 'dev',
        versions: cartInDev.find(v => v[0] !== cartInDev[0][0]),
      },
      { headers: { 'Idempotency-Key': KEYS.promotion } },
    ),
    201,
    'the keyed rollback',
  );
  ok(
    await api.post(
      '/ci/versions',
      { entityRef: PAYMENTS, versions: ['v1.15.0'], environments: ['dev'] },
      { auth: asService(), headers: { 'Idempotency-Key': KEYS.ci } },
    ),
    201,
    'the keyed CI set',
  );
  const keyedTrain = {
    entityRefs: ['component:default/storefront', 'component:default/search'],
    source: 'dev',
    target: 'staging',
  };
  await previewUntil(
    () => api.post('/promotions/bulk/preview', keyedTrain),
    (b: any) => b.services.every((s: any) => s.preview?.allowed),
  );
  ok(
    await api.post('/promotions/bulk', keyedTrain, {
      headers: { 'Idempotency-Key': KEYS.train },
    }),
    201,
    'the keyed release train',
  );

  const [cart] = ok(
    await api.post('/promotions/preview', {
      entityRef: CART,
      source: 'dev',
      targets: ['staging'],
    }),
    200,
    'the preview of cart',
  ).targets;
  const train = ok(
    await api.post('/promotions/bulk/preview', {
      entityRefs: [CART, PAYMENTS],
      source: 'dev',
      target: 'staging',
    }),
    200,
    'the preview of the train',
  );
  // CI releases to dev after the previews: confirming them is stale.
  await demo.commit('Release cart 9.1.0 and payments v1.16.0 to dev', [
    { file: 'envs/dev/cart/values.yaml', key: 'image.tag', value: '9.1.0' },
    {
      file: 'envs/dev/payments/values.yaml',
      key: 'image.tag',
      value: 'v1.16.0',
    },
  ]);

  // A real commit on another branch, changing a file a promotion would write.
  const head = await demo.head();
  const git = async (
    args: string[],
    options: { input?: string; env?: Record<string, string> } = {},
  ) => (await runGit(args, { cwd: demo.bare, ...options })).trim();
  const env = {
    ...IDENTITY,
    GIT_INDEX_FILE: `${demo.dir}/side-branch-index`,
  };
  const file = 'envs/prod-eu/checkout/values.yaml';
  const blob = await git(['hash-object', '-w', '--stdin'], {
    input: setYamlValue(await demo.show(file), 'image.tag', '6.6.6-side'),
  });
  await git(['read-tree', head], { env });
  await git(['update-index', '--cacheinfo', `100644,${blob},${file}`], {
    env,
  });
  const side = await git(
    [
      'commit-tree',
      await git(['write-tree'], { env }),
      '-p',
      head,
      '-m',
      'Hotfix checkout on a side branch',
    ],
    { env },
  );
  await git(['update-ref', 'refs/heads/side', side]);

  const inStaging = new Set((await history('cart', 'staging')).map(v => v[0]));
  const cartRanInDevOnly = (await history('cart', 'dev'))
    .map(v => v[0])
    .find(v => !inStaging.has(v));
  const ledger = await history('ledger', 'staging');
  const ranTogether = new Set(ledger.map(v => JSON.stringify(v)));
  const ledgerMixed = ledger
    .flatMap(a => ledger.map(b => [a[0], b[1]]))
    .find(v => !ranTogether.has(JSON.stringify(v)));
  const checkoutInProdEu = await history('checkout', 'prod-eu');
  if (!cartRanInDevOnly || !ledgerMixed || checkoutInProdEu.length < 2) {
    throw new Error('The demo history has no version for a rollback case');
  }
  return {
    head,
    tree: await git(['rev-parse', `${head}^{tree}`]),
    side,
    cart: {
      versions: cart.versions,
      baseCommit: cart.baseCommit,
      sourceCommit: cart.sourceCommit,
    },
    train: {
      baseCommit: train.baseCommit,
      pins: train.services.map((s: any) => ({
        entityRef: s.entityRef,
        versions: s.preview.versions,
        sourceCommit: s.preview.sourceCommit,
      })),
    },
    checkoutRanInProdEu: checkoutInProdEu[1],
    cartRanInDevOnly,
    ledgerMixed,
  };
}

const FULL_SHA = 'must be a full 40-character commit SHA';
const notOnMain = (field: string, sha: string) =>
  `${field} ${sha} is not a commit of branch 'main'`;

/** Commit names git would resolve, and near misses, none a full commit SHA. */
function malformedShas(head: string): Record<string, string> {
  return {
    'a 7-digit short SHA of the head': head.slice(0, 7),
    'a 12-digit short SHA of the head': head.slice(0, 12),
    '39 hex digits': head.slice(0, 39),
    '41 hex digits': `${head}0`,
    'the head in upper case': head.toUpperCase(),
    '40 characters, one not hex': `${head.slice(0, 39)}g`,
    HEAD: 'HEAD',
    'HEAD~1': 'HEAD~1',
    'the branch name': 'main',
    'refs/heads/main': 'refs/heads/main',
    'the head with ^': `${head}^`,
  };
}

/** A 40-hex SHA of no object in the repository. */
const UNRELATED = '0123456789abcdef0123456789abcdef01234567';

/**
 * Inputs each promotion-integrity rule refuses though the schema accepts
 * them, per route, with the status and message the rule owes them.
 */
const INTEGRITY: Record<string, (s: IntegrityState) => IntegrityCase[]> = {
  'POST /promotions': s => {
    const promote = {
      entityRef: checkout,
      source: 'staging',
      target: 'prod-eu',
    };
    const offMain = {
      'a commit of another branch': s.side,
      'the SHA of a tree': s.tree,
      'a 40-hex SHA of no object': UNRELATED,
    };
    const moved = `the source moved since your preview: dev has image.tag 9.1.0 now in envs/dev/cart/values.yaml, the preview showed ${s.cart.versions[0]}`;
    const fromDev = { entityRef: CART, source: 'dev', target: 'staging' };
    return [
      {
        label: 'rollback to a version prod-eu never ran',
        body: {
          kind: 'rollback',
          entityRef: checkout,
          target: 'prod-eu',
          versions: ['9.9.9-never-deployed'],
        },
        status: 400,
        message: 'Rollback: prod-eu never ran image.tag 9.9.9-never-deployed',
      },
      {
        label: `rollback of cart in staging to ${s.cartRanInDevOnly}, which only dev ran`,
        body: {
          kind: 'rollback',
          entityRef: CART,
          target: 'staging',
          versions: [s.cartRanInDevOnly],
        },
        status: 400,
        message: `Rollback: staging never ran image.tag ${s.cartRanInDevOnly}`,
      },
      {
        label: `rollback of ledger in staging to ${s.ledgerMixed.join(
          ' + ',
        )}, never run together`,
        body: {
          kind: 'rollback',
          entityRef: 'component:default/ledger',
          target: 'staging',
          versions: s.ledgerMixed,
        },
        status: 400,
        message: `Rollback: staging never ran dependencies[name=service-base].version ${s.ledgerMixed[0]}, service-base.image.tag ${s.ledgerMixed[1]}`,
      },
      {
        label: 'rollback to history on a baseCommit of another branch',
        body: {
          kind: 'rollback',
          entityRef: checkout,
          target: 'prod-eu',
          versions: s.checkoutRanInProdEu,
          baseCommit: s.side,
        },
        status: 400,
        message: notOnMain('baseCommit', s.side),
      },
      ...(['baseCommit', 'sourceCommit'] as const).flatMap(field => [
        ...Object.entries(offMain).map(([what, sha]) => ({
          label: `${field}: ${what}`,
          body: { ...promote, [field]: sha },
          status: 400,
          message: notOnMain(field, sha),
        })),
        ...Object.entries(malformedShas(s.head)).map(([what, sha]) => ({
          label: `${field}: ${what}`,
          body: { ...promote, [field]: sha },
          status: 400,
          message: `${field} ${FULL_SHA}`,
        })),
      ]),
      ...Object.entries({
        baseCommit: { baseCommit: s.cart.baseCommit },
        'baseCommit and versions': {
          baseCommit: s.cart.baseCommit,
          versions: s.cart.versions,
        },
        sourceCommit: { sourceCommit: s.cart.sourceCommit },
        versions: { versions: s.cart.versions },
      }).map(([pin, fields]) => ({
        label: `confirm pinned by its preview's ${pin}, the source moved since`,
        body: { ...fromDev, ...fields },
        status: 409,
        message: moved,
      })),
      ...[
        {
          kind: 'rollback',
          entityRef: CART,
          target: 'dev',
          versions: [s.cartRanInDevOnly],
        },
        fromDev,
      ].map((body, i) => ({
        label: `Idempotency-Key reused with another body (${i + 1})`,
        body,
        headers: { 'Idempotency-Key': KEYS.promotion },
        status: 422,
        message: `Idempotency key '${KEYS.promotion}' was already used for another request`,
      })),
    ];
  },
  'POST /promotions/bulk': s => {
    const train = {
      entityRefs: [CART, PAYMENTS],
      source: 'dev',
      target: 'staging',
    };
    const pins = (sourceCommit: string) =>
      s.train.pins.map(pin => ({ ...pin, sourceCommit }));
    return [
      ...Object.entries({
        'a commit of another branch': s.side,
        'a 40-hex SHA of no object': UNRELATED,
      }).map(([what, sha]) => ({
        label: `baseCommit: ${what}`,
        body: { ...train, allOrNothing: true, baseCommit: sha },
        status: 400,
        message: notOnMain('baseCommit', sha),
      })),
      {
        label: 'baseCommit: a commit of another branch, without allOrNothing',
        body: { ...train, baseCommit: s.side },
        status: 400,
        message: notOnMain('baseCommit', s.side),
      },
      {
        label: 'baseCommit: a 7-digit short SHA of the head',
        body: { ...train, allOrNothing: true, baseCommit: s.head.slice(0, 7) },
        status: 400,
        message: `baseCommit ${FULL_SHA}`,
      },
      {
        label: "pins' sourceCommit: a commit of another branch",
        body: { ...train, allOrNothing: true, pins: pins(s.side) },
        status: 400,
        message: notOnMain('sourceCommit', s.side),
      },
      {
        label: "pins' sourceCommit: HEAD",
        body: { ...train, allOrNothing: true, pins: pins('HEAD') },
        status: 400,
        message: `sourceCommit ${FULL_SHA}`,
      },
      {
        label:
          "confirm pinned by its preview's baseCommit and pins, the source moved since",
        body: { ...train, baseCommit: s.train.baseCommit, pins: s.train.pins },
        status: 409,
        message: `the source moved since your preview: dev has image.tag 9.1.0 now in envs/dev/cart/values.yaml, the preview showed ${s.train.pins[0].versions[0]}`,
      },
      {
        label: 'Idempotency-Key of another release train',
        body: train,
        headers: { 'Idempotency-Key': KEYS.train },
        status: 422,
        message: `Idempotency key '${KEYS.train}' was already used for another release train`,
      },
    ];
  },
  'POST /ci/versions': () => [
    {
      label: 'Idempotency-Key reused with other versions',
      body: {
        entityRef: PAYMENTS,
        versions: ['v1.15.1'],
        environments: ['dev'],
      },
      headers: { 'Idempotency-Key': KEYS.ci },
      status: 422,
      message: `Idempotency key '${KEYS.ci}#dev' was already used for another request`,
    },
  ],
};

describe('every route refuses the generated corpus of bad input', () => {
  it('covers every route of the router', async () => {
    const routes = (await routesOfRouter()).map(routeKey).sort();
    expect(routes).toEqual(Object.keys(ROUTES).sort());
    expect(Object.keys(INTEGRITY).filter(r => !ROUTES[r])).toEqual([]);
  });

  describe.each(databases)('on %s', database => {
    let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
    let api: ApiClient;
    let demo: Awaited<ReturnType<typeof createDemoRepository>>;
    let integrity: IntegrityState;

    beforeAll(async () => {
      demo = await createDemoRepository();
      const features: BackendFeature[] =
        database === 'PostgreSQL' ? [(await postgres.create()).factory()] : [];
      backend = await startPromotionBackend({ demo, features });
      api = apiClient(backend.server);
      integrity = await prepareIntegrity(api, demo);
    });

    afterAll(async () => {
      await backend?.stop();
      await postgres.close();
      await demo?.cleanup();
    });

    /**
     * Sends the requests 8 at a time; the problems: an answer that is not a
     * clear 4xx (or not the one a request expects), a head that moved, a
     * ledger that grew.
     */
    async function refuseAll(requests: BadRequest[]) {
      const head = await demo.head();
      const ledgerBefore = (await api.get('/promotions?limit=500')).body.items
        .length;
      const problems: string[] = [];
      const BATCH = 8;
      const client = api;
      for (let i = 0; i < requests.length; i += BATCH) {
        const batch = requests.slice(i, i + BATCH);
        const responses = await Promise.all(batch.map(r => send(client, r)));
        responses.forEach((response, j) => {
          const problem = problemWith(response, batch[j].expect);
          if (problem) problems.push(`${batch[j].label}: ${problem}`);
        });
        if (batch[0].method === 'post' && (await demo.head()) !== head) {
          problems.push(
            `the repository moved during ${batch
              .map(b => b.label)
              .join(' | ')}`,
          );
          break;
        }
      }
      const ledgerAfter = (await api.get('/promotions?limit=500')).body.items
        .length;
      if (ledgerAfter !== ledgerBefore) {
        problems.push(`${ledgerAfter - ledgerBefore} promotion(s) recorded`);
      }
      return { problems, head };
    }

    it.each(Object.keys(ROUTES))(
      '%s: every bad input is a clear 4xx, nothing is written',
      async route => {
        const requests = badRequestsFor(route, ROUTES[route], {
          fuzz: HEAVY ? fuzzStrings(300, route.length) : [],
        });
        const { problems, head } = await refuseAll(requests);
        figures.record(`${route} (${database})`, {
          badInputsTried: requests.length,
          badInputsRejected: requests.length - problems.length,
        });
        expect(problems).toEqual([]);
        expect(await demo.head()).toBe(head);
      },
    );

    it.each(Object.keys(INTEGRITY))(
      '%s: every input a promotion-integrity rule refuses gets its status and message, nothing is written',
      async route => {
        const requests = integrityRequestsFor(
          route,
          ROUTES[route],
          INTEGRITY[route](integrity),
        );
        const { problems, head } = await refuseAll(requests);
        figures.record(`${route}, integrity rules (${database})`, {
          badInputsTried: requests.length,
          badInputsRejected: requests.length - problems.length,
        });
        expect(problems).toEqual([]);
        expect(head).toBe(integrity.head);
        expect(await demo.head()).toBe(head);
      },
    );
  });
});
