import { BackendFeature } from '@backstage/backend-plugin-api';
import { createDemoRepository } from '../__testUtils__/demoRepository';
import {
  asService,
  asUser,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';
import { createLedgerTestDatabases } from '../ledger/__testUtils__/ledgerTestDatabases';
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
function problemWith(response: ApiResponse): string | undefined {
  if (response.status < 400 || response.status >= 500) {
    return `answered ${response.status}`;
  }
  const message = errorMessage(response);
  if (!message?.trim()) return 'no error message';
  if (message.length > 1_000) return `a ${message.length}-character message`;
  if (CONTROL.test(message))
    return `control characters in "${JSON.stringify(message)}"`;
  if (/\n\s+at /.test(message)) return 'a stack trace in the message';
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

describe('every route refuses the generated corpus of bad input', () => {
  it('covers every route of the router', async () => {
    const routes = (await routesOfRouter()).map(routeKey).sort();
    expect(routes).toEqual(Object.keys(ROUTES).sort());
  });

  describe.each(databases)('on %s', database => {
    let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
    let api: ApiClient;
    let demo: Awaited<ReturnType<typeof createDemoRepository>>;

    beforeAll(async () => {
      demo = await createDemoRepository();
      const features: BackendFeature[] =
        database === 'PostgreSQL' ? [(await postgres.create()).factory()] : [];
      backend = await startPromotionBackend({ demo, features });
      api = apiClient(backend.server);
    });

    afterAll(async () => {
      await backend?.stop();
      await postgres.close();
      await demo?.cleanup();
    });

    it.each(Object.keys(ROUTES))(
      '%s: every bad input is a clear 4xx, nothing is written',
      async route => {
        const requests = badRequestsFor(route, ROUTES[route], {
          fuzz: HEAVY ? fuzzStrings(300, route.length) : [],
        });
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
            const problem = problemWith(response);
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
        figures.record(`${route} (${database})`, {
          badInputsTried: requests.length,
          badInputsRejected: requests.length - problems.length,
        });
        expect(problems).toEqual([]);
        expect(await demo.head()).toBe(head);
      },
    );
  });
});
