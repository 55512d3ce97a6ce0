import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { normalizeEntityRef } from '../clients/catalog/ServiceCatalog';
import { routesOfRouter } from '../tests/reliability/__testUtils__/routes';
import {
  asService,
  asUser,
  previewUntil,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(180_000);

/*
 * The contract of the REST API is src/schema/openapi.yaml. This test checks
 * that it is a valid OpenAPI 3.1 document, that it names exactly the routes
 * the router registers, and that every answer of the real backend, over a
 * journey through every route, matches the spec's schema for its operation
 * and status (and that the requests the backend accepts, the spec accepts
 * too, and the bad inputs it refuses, the spec refuses too).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SPEC_FILE = path.join(__dirname, 'openapi.yaml');
const spec = parseYaml(fs.readFileSync(SPEC_FILE, 'utf8')) as JsonObject;
const SPEC_ID = 'https://backstage.io/gitops-promotion/openapi.json';
const API = '/api/gitops-promotion';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const LEAD = 'user:default/guest';
const VIEWER = 'user:default/viewer';
const NO_PROD = 'user:default/no-prod';
/** A member of group:default/platform (examples/org.yaml). */
const PLATFORM = 'user:default/priya.raman';

const checkout = 'component:default/checkout';

// ----- The spec, as ajv schemas ----------------------------------------------

/** The value at a local `$ref` (`#/a/b`) of the spec. */
function resolve(ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`Not a local $ref: ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<Json>((node, key) => (node as JsonObject)[key], spec);
}

/** Follows `$ref`s until an object without one (responses, parameters). */
function deref(node: Json): JsonObject {
  let current = node as JsonObject;
  while (typeof current.$ref === 'string') {
    current = resolve(current.$ref) as JsonObject;
  }
  return current;
}

/** A schema of the spec with its component `$ref`s pointed at the `$defs` ajv holds. */
function toAjv(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(toAjv);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema).map(([key, value]) => [
        key,
        key === '$ref' && typeof value === 'string'
          ? value.replace('#/components/schemas/', `${SPEC_ID}#/$defs/`)
          : toAjv(value),
      ]),
    );
  }
  return schema;
}

function createAjv() {
  // strict: unknown keywords, `required` names not among `properties`, and
  // ambiguous types are errors in the spec, not silently ignored.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const components = spec.components as JsonObject;
  ajv.addSchema({ $id: SPEC_ID, $defs: toAjv(components.schemas) } as object);
  return ajv;
}

const ajv = createAjv();

/** `/x/{id}` of the spec → a regex of request paths. */
const templateRegex = (template: string) =>
  new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);

interface SpecOperation {
  method: string;
  template: string;
  operationId: string;
  operation: JsonObject;
}

const operations: SpecOperation[] = Object.entries(
  spec.paths as JsonObject,
).flatMap(([template, item]) =>
  METHODS.filter(m => (item as JsonObject)[m]).map(method => {
    const operation = (item as JsonObject)[method] as JsonObject;
    return {
      method,
      template,
      operationId: operation.operationId as string,
      operation,
    };
  }),
);

/** The operation of a request: literal paths before templated ones. */
function operationOf(method: string, requestPath: string): SpecOperation {
  const candidates = operations
    .filter(
      o => o.method === method && templateRegex(o.template).test(requestPath),
    )
    .sort(
      (a, b) =>
        Number(a.template.includes('{')) - Number(b.template.includes('{')),
    );
  if (!candidates.length) {
    throw new Error(
      `The spec has no operation ${method.toUpperCase()} ${requestPath}`,
    );
  }
  return candidates[0];
}

const validators = new Map<string, ValidateFunction>();
function validatorOf(key: string, schema: Json): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(toAjv(schema) as object);
    validators.set(key, validate);
  }
  return validate;
}

/** Each mismatch as `<JSON pointer>: <message> (<schema path>)`. */
function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map(
      e =>
        `${e.instancePath || '/'}: ${e.message}${
          e.params && Object.keys(e.params).length
            ? ` ${JSON.stringify(e.params)}`
            : ''
        } (${e.schemaPath})`,
    )
    .join('\n  ');
}

/** The mismatches of a response with the spec, or undefined when it matches. */
function responseMismatch(
  op: SpecOperation,
  status: number,
  contentType: string | undefined,
  body: unknown,
): string | undefined {
  const responses = op.operation.responses as JsonObject;
  if (!responses[String(status)]) {
    return `status ${status} is not a response of ${
      op.operationId
    } (documented: ${Object.keys(responses).join(', ')})`;
  }
  const response = deref(responses[String(status)]);
  const media = (response.content as JsonObject | undefined)?.[
    'application/json'
  ] as JsonObject | undefined;
  if (!media) return undefined;
  if (!contentType?.startsWith('application/json')) {
    return `${op.operationId} ${status} is application/json, the backend answered ${contentType}`;
  }
  const validate = validatorOf(
    `response ${op.operationId} ${status}`,
    media.schema,
  );
  if (!validate(body)) {
    return `${
      op.operationId
    } ${status} does not match the spec:\n  ${describeErrors(validate.errors)}`;
  }
  return undefined;
}

/** A query string's values as the spec's parameter types (form, explode). */
function coerceParameter(schema: JsonObject, values: string[]): unknown {
  const resolved = deref(schema);
  const scalar = (value: string, type: Json) =>
    type === 'integer' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (resolved.type === 'array') {
    const items = deref(resolved.items as JsonObject);
    return values.map(v => scalar(v, items.type));
  }
  return values.length === 1 ? scalar(values[0], resolved.type) : values;
}

/** The mismatches of a request with the spec, or undefined when the spec accepts it. */
function requestMismatch(
  op: SpecOperation,
  query: URLSearchParams,
  headers: Record<string, string>,
  body: unknown,
): string | undefined {
  const problems: string[] = [];
  const parameters = ((op.operation.parameters ?? []) as Json[]).map(deref);
  for (const parameter of parameters) {
    const name = parameter.name as string;
    let value: unknown;
    if (parameter.in === 'query') {
      const values = query.getAll(name);
      value = values.length
        ? coerceParameter(parameter.schema as JsonObject, values)
        : undefined;
    } else if (parameter.in === 'header') {
      value = Object.entries(headers).find(
        ([k]) => k.toLowerCase() === name.toLowerCase(),
      )?.[1];
    } else {
      continue; // path parameters: checked by the caller
    }
    if (value === undefined) {
      if (parameter.required) problems.push(`${name}: required`);
      continue;
    }
    const validate = validatorOf(
      `parameter ${op.operationId} ${name}`,
      parameter.schema,
    );
    if (!validate(value)) {
      problems.push(`${name}: ${describeErrors(validate.errors)}`);
    }
  }
  const requestBody = op.operation.requestBody
    ? deref(op.operation.requestBody)
    : undefined;
  if (requestBody) {
    const schema = (
      (requestBody.content as JsonObject)['application/json'] as JsonObject
    ).schema;
    const validate = validatorOf(`request ${op.operationId}`, schema);
    if (!validate(body ?? {})) {
      problems.push(`body: ${describeErrors(validate.errors)}`);
    }
  }
  return problems.length ? problems.join('\n  ') : undefined;
}

/** The `id` path parameter of `/promotions/{id}`, checked against its schema. */
function pathParameterMismatch(op: SpecOperation, requestPath: string) {
  const names = [...op.template.matchAll(/\{([^}]+)\}/g)].map(m => m[1]);
  if (!names.length) return undefined;
  const values = requestPath.match(
    new RegExp(`^${op.template.replace(/\{[^}]+\}/g, '([^/]+)')}$`),
  )!;
  const parameters = ((op.operation.parameters ?? []) as Json[]).map(deref);
  const problems = names.flatMap((name, i) => {
    const parameter = parameters.find(p => p.in === 'path' && p.name === name);
    if (!parameter) return [`path parameter ${name} is not described`];
    const validate = validatorOf(
      `parameter ${op.operationId} ${name}`,
      parameter.schema,
    );
    return validate(decodeURIComponent(values[i + 1]))
      ? []
      : [`${name}: ${describeErrors(validate.errors)}`];
  });
  return problems.length ? problems.join('\n  ') : undefined;
}

// ----- (a) the document --------------------------------------------------------

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const api = await new SwaggerParser().validate(
      JSON.parse(JSON.stringify(spec)),
    );
    expect((api as { openapi: string }).openapi).toBe('3.1.0');
    expect(spec.info).toMatchObject({ title: 'gitops-promotion' });
    expect(spec.servers).toEqual([{ url: '/' }]);
  });

  it('compiles every schema in strict JSON Schema 2020-12', () => {
    const schemas: Array<[string, Json]> = [
      ...Object.keys((spec.components as JsonObject).schemas as JsonObject).map(
        name =>
          [name, { $ref: `#/components/schemas/${name}` }] as [string, Json],
      ),
      ...operations.flatMap(op => [
        ...((op.operation.parameters ?? []) as Json[]).map(
          p =>
            [`${op.operationId} ${deref(p).name}`, deref(p).schema] as [
              string,
              Json,
            ],
        ),
        ...Object.entries(op.operation.responses as JsonObject).flatMap(
          ([status, r]) => {
            // 304 Not Modified has no body
            const content = deref(r).content as JsonObject | undefined;
            return content
              ? [
                  [
                    `${op.operationId} ${status}`,
                    (content['application/json'] as JsonObject).schema,
                  ] as [string, Json],
                ]
              : [];
          },
        ),
      ]),
    ];
    const failures = schemas.flatMap(([name, schema]) => {
      try {
        ajv.compile(toAjv(schema) as object);
        return [];
      } catch (error) {
        return [`${name}: ${(error as Error).message}`];
      }
    });
    expect(failures).toEqual([]);
    expect(schemas.length).toBeGreaterThan(80);
  });

  it('describes each operation: operationId, summary, description, a 2xx answer, 400 and 401', () => {
    const ids = operations.map(o => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of operations) {
      expect(op.operation).toEqual(
        expect.objectContaining({
          operationId: expect.any(String),
          summary: expect.any(String),
          description: expect.any(String),
        }),
      );
      const statuses = Object.keys(op.operation.responses as JsonObject);
      expect([op.operationId, statuses.some(s => /^2/.test(s))]).toEqual([
        op.operationId,
        true,
      ]);
      expect(statuses).toEqual(expect.arrayContaining(['400', '401']));
    }
  });

  it("names the entity refs and environment names the router accepts (the catalog's rules)", () => {
    const entityRef = validatorOf('EntityRef', {
      $ref: '#/components/schemas/EntityRef',
    });
    const accepts = (ref: string) => {
      try {
        normalizeEntityRef(ref);
        return true;
      } catch {
        return false;
      }
    };
    for (const ref of [
      'checkout',
      'default/checkout',
      'component:checkout',
      'component:default/checkout',
      'Component:my-ns/My_Service.v2',
      'group:default/team-checkout',
      `component:default/${'a'.repeat(63)}`,
      `component:default/${'a'.repeat(64)}`,
      `component:${'n'.repeat(64)}/x`,
      `${'K'.repeat(64)}:default/x`,
      'component:Default/checkout',
      'component:default/check out',
      'component:default/-checkout',
      'component:default/checkout-',
      'component:default/../checkout',
      'component:/checkout',
      ':default/checkout',
      'a:b:c',
      'component:default/x/y',
      'compo-nent:default/x',
      '1component:default/x',
      'component:default/chéckout',
      'component:default/checkout\n',
      '',
    ]) {
      expect([ref, entityRef(ref)]).toEqual([ref, accepts(ref)]);
    }
    const environment = validatorOf('EnvironmentName', {
      $ref: '#/components/schemas/EnvironmentName',
    });
    for (const [name, ok] of [
      ['dev', true],
      ['prod-eu', true],
      ['a', true],
      ['x'.repeat(63), true],
      ['x'.repeat(64), false],
      ['Prod', false],
      ['-dev', false],
      ['dev-', false],
      ['', false],
      ['dev\n', false],
    ] as const) {
      expect([name, environment(name)]).toEqual([name, ok]);
    }
  });

  it('fails a mismatching answer with the JSON pointer of the mismatch', () => {
    const op = operationOf(
      'get',
      '/promotions/00000000-0000-4000-8000-000000000000',
    );
    const record = {
      id: '5d6c1e7e-6a3f-4f0e-9d55-2f8c4d2b1a10',
      service: 'checkout',
      targetEnv: 'prod-eu',
      kind: 'promote',
      versions: [
        { path: 'envs/prod-eu/checkout/values.yaml', key: 'image.tag', to: 1 },
      ],
      requester: 'user:default/guest',
      mode: 'commit',
      repositoryId: 'acme-gitops',
      branch: 'main',
      state: 'committed',
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: 'yesterday',
      idempotencyKey: 'click-1',
    };
    const mismatch = responseMismatch(op, 200, 'application/json', record);
    expect(mismatch).toContain('/versions/0/to: must be string');
    expect(mismatch).toContain('/updatedAt: must match format "date-time"');
    expect(mismatch).toContain(
      '/: must NOT have additional properties {"additionalProperty":"idempotencyKey"}',
    );
    expect(responseMismatch(op, 409, 'application/json', {})).toMatch(
      /status 409 is not a response of getPromotion/,
    );
    expect(
      responseMismatch(op, 404, 'application/json', {
        error: { name: 'NotFoundError', message: 'No promotion x' },
        request: { method: 'GET', url: '/promotions/x' },
        response: { statusCode: 404 },
      }),
    ).toBeUndefined();
  });
});

// ----- (b) the routes ----------------------------------------------------------

describe('the routes', () => {
  it('are exactly the operations of the spec', async () => {
    // The real router: createRouter registers its routes without touching
    // its dependencies, which are only used when a request comes in.
    const routes = (await routesOfRouter()).map(
      r => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`,
    );
    // backend-openapi-utils serves the spec itself at /openapi.json.
    expect([...routes].sort()).toEqual(
      [
        'GET /openapi.json',
        ...operations.map(o => `${o.method.toUpperCase()} ${o.template}`),
      ].sort(),
    );
    expect(routes).toHaveLength(17);
  });

  it('serves the spec at /openapi.json', async () => {
    const backend = await startPromotionBackend({});
    try {
      const res = await request(backend.server)
        .get(`${API}/openapi.json`)
        .set('Authorization', asUser(LEAD));
      expect(res.status).toBe(200);
      expect(res.body.info).toMatchObject({ title: 'gitops-promotion' });
      expect(Object.keys(res.body.paths)).toContain(`${API}/promotions/{id}`);
    } finally {
      await backend.stop();
    }
  });
});

// ----- (c) the backend's answers --------------------------------------------

interface Call {
  method: 'get' | 'post' | 'delete';
  /** Below /api/gitops-promotion, without the query. */
  path: string;
  query?: Record<string, string | string[] | number>;
  body?: unknown;
  /** The Authorization header; `null`: none. Default: the lead's user token. */
  auth?: string | null;
  key?: string;
  /** The status the journey expects. */
  expect: number;
  /** Refused by the request validation (zod): the spec must refuse it too. */
  badInput?: boolean;
  /** Sent as is (e.g. an oversized body), not checked against the request schema. */
  raw?: string;
}

describe('every answer of the backend matches the spec', () => {
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  const seen: Array<{ operationId: string; status: number }> = [];

  beforeAll(async () => {
    backend = await startPromotionBackend({
      deny: {
        [VIEWER]: { 'gitops-promotion.environment.promote': ['*'] },
        [NO_PROD]: {
          'gitops-promotion.environment.read': ['prod-*'],
          'gitops-promotion.environment.promote': ['prod-*'],
        },
      },
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
        const prodUs = section.environments[3];
        prodUs.approvals = { from: ['group:default/platform'] };
        prodUs.promotesFrom = [
          { environment: 'staging', auto: true, after: 'P1D' },
        ];
      },
    });
  });
  afterAll(() => backend?.stop());

  /** Sends the request, checks the status and validates request and answer against the spec. */
  async function call(c: Call): Promise<any> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(c.query ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) {
        query.append(name, String(v));
      }
    }
    const url = `${API}${c.path}${query.toString() ? `?${query}` : ''}`;
    const headers: Record<string, string> = {};
    const auth = c.auth === undefined ? asUser(LEAD) : c.auth;
    if (auth) headers.Authorization = auth;
    if (c.key) headers['Idempotency-Key'] = c.key;
    let req = request(backend.server)[c.method](url).set(headers);
    if (c.raw !== undefined) {
      req = req.set('Content-Type', 'application/json').send(c.raw);
    } else if (c.body !== undefined) {
      req = req.send(c.body as object);
    }
    const res = await req;

    const op = operationOf(c.method, c.path);
    const where = `${c.method.toUpperCase()} ${url} → ${res.status}`;
    const mismatch = responseMismatch(
      op,
      res.status,
      res.headers['content-type'],
      res.body,
    );
    if (mismatch) {
      throw new Error(
        `${where}: ${mismatch}\nbody: ${JSON.stringify(res.body).slice(
          0,
          2000,
        )}`,
      );
    }
    if (res.status >= 400) {
      expect([where, res.body.response.statusCode]).toEqual([
        where,
        res.status,
      ]);
    }
    if (res.status !== c.expect) {
      throw new Error(
        `${where}, the journey expected ${c.expect}: ${JSON.stringify(
          res.body,
        ).slice(0, 2000)}`,
      );
    }
    seen.push({ operationId: op.operationId, status: res.status });

    if (c.raw === undefined) {
      const refused =
        requestMismatch(op, query, headers, c.body) ??
        pathParameterMismatch(op, c.path);
      if (res.status < 300 && refused) {
        throw new Error(
          `${where}: the backend accepted a request the spec refuses:\n  ${refused}`,
        );
      }
      if (c.badInput && !refused) {
        throw new Error(
          `${where}: the backend refused as bad input (${res.body.error?.message}) a request the spec accepts`,
        );
      }
    }
    return res.body;
  }

  const get = (
    p: string,
    query: Call['query'],
    expectStatus: number,
    more: Partial<Call> = {},
  ) => call({ method: 'get', path: p, query, expect: expectStatus, ...more });
  const post = (
    p: string,
    body: unknown,
    expectStatus: number,
    more: Partial<Call> = {},
  ) => call({ method: 'post', path: p, body, expect: expectStatus, ...more });

  /** Previews until Argo CD's stand-in has synced what every target gates on. */
  const allowedPreview = (body: object) =>
    previewUntil(
      () =>
        request(backend.server)
          .post(`${API}/promotions/preview`)
          .set('Authorization', asUser(LEAD))
          .send(body),
      (b: any) => b.targets.every((t: any) => t.allowed),
    ).then(() => post('/promotions/preview', body, 200));

  let promoted: any;
  let rollback: any;

  it('answers without credentials with 401', async () => {
    await get('/environments', { entityRef: checkout }, 401, { auth: null });
    await get('/matrix', {}, 401, { auth: null });
    await post(
      '/promotions',
      { entityRef: checkout, source: 'staging', target: 'prod-eu' },
      401,
      { auth: null },
    );
    await post(
      '/ci/versions',
      { entityRef: checkout, versions: ['1.0.0'] },
      401,
      { auth: null },
    );
  });

  it('GET /environments', async () => {
    for (const entityRef of [
      checkout,
      'component:default/ledger',
      'component:default/notifications',
      'component:default/storefront',
      'cart',
    ]) {
      await get('/environments', { entityRef }, 200);
    }
    const viewed = await get('/environments', { entityRef: checkout }, 200, {
      auth: asUser(VIEWER),
    });
    expect(
      viewed.environments.flatMap((e: any) =>
        e.promote.map((p: any) => p.allowed),
      ),
    ).not.toContain(true);
    const noProd = await get('/environments', { entityRef: checkout }, 200, {
      auth: asUser(NO_PROD),
    });
    expect(noProd.environments.map((e: any) => e.name)).toEqual([
      'dev',
      'staging',
    ]);
    await get('/environments', { entityRef: checkout }, 200, {
      auth: asService(),
    });

    await get('/environments', {}, 400, { badInput: true });
    await get(
      '/environments',
      { entityRef: 'component:default/Check Out' },
      400,
      {
        badInput: true,
      },
    );
    await get('/environments', { entityRef: 'x'.repeat(600) }, 400, {
      badInput: true,
    });
    // Valid refs the backend refuses: no annotation (400), no entity (404).
    await get('/environments', { entityRef: 'system:default/commerce' }, 400);
    await get('/environments', { entityRef: 'component:default/nope' }, 404);
  });

  it('GET /environments/history', async () => {
    const history = await get(
      '/environments/history',
      { entityRef: checkout, environment: 'staging' },
      200,
    );
    expect(history.history.length).toBeGreaterThan(0);
    await get(
      '/environments/history',
      {
        entityRef: 'component:default/notifications',
        environment: 'staging',
        limit: 5,
      },
      200,
    );
    await get(
      '/environments/history',
      {
        entityRef: 'component:default/ledger',
        environment: 'prod-eu',
        limit: 100,
      },
      200,
      { auth: asService() },
    );
    await get(
      '/environments/history',
      { entityRef: checkout, environment: 'prod-eu' },
      403,
      { auth: asUser(NO_PROD) },
    );
    await get(
      '/environments/history',
      { entityRef: checkout, environment: 'staging', limit: 0 },
      400,
      { badInput: true },
    );
    await get(
      '/environments/history',
      { entityRef: checkout, environment: 'staging', limit: '1e3' },
      400,
      { badInput: true },
    );
    await get(
      '/environments/history',
      { entityRef: checkout, environment: 'Staging' },
      400,
      { badInput: true },
    );
    await get(
      '/environments/history',
      { entityRef: checkout, environment: 'nowhere' },
      404,
    );
    await get(
      '/environments/history',
      { entityRef: 'component:default/nope', environment: 'dev' },
      404,
    );
  });

  it('GET /matrix', async () => {
    const all = await get('/matrix', {}, 200);
    expect(all.services.length).toBeGreaterThan(5);
    await get('/matrix', { owner: 'group:default/team-checkout' }, 200);
    await get(
      '/matrix',
      {
        owner: ['team-checkout', 'group:default/team-fulfilment'],
        lifecycle: 'production',
      },
      200,
    );
    await get('/matrix', { system: 'commerce' }, 200, { auth: asService() });
    await get(
      '/matrix',
      { entityRef: [checkout, 'component:default/ledger'] },
      200,
      {
        auth: asUser(NO_PROD),
      },
    );
    await get('/matrix', { lifecycle: 'Production!' }, 400, { badInput: true });
    await get('/matrix', { owner: 'group:default/team checkout' }, 400, {
      badInput: true,
    });
  });

  it('POST /promotions/preview', async () => {
    const preview = await allowedPreview({
      entityRef: checkout,
      source: 'staging',
      targets: ['prod-eu', 'prod-us'],
    });
    expect(preview.targets).toHaveLength(2);
    await post(
      '/promotions/preview',
      {
        entityRef: 'component:default/ledger',
        source: 'staging',
        targets: ['prod-eu'],
      },
      200,
      { auth: asUser(VIEWER) },
    );
    await post(
      '/promotions/preview',
      {
        entityRef: 'component:default/cart',
        source: 'dev',
        targets: ['staging'],
      },
      200,
      { auth: asService() },
    );
    // The preview of a rollback: no source, the versions to go back to.
    const history = await get(
      '/environments/history',
      { entityRef: 'component:default/notifications', environment: 'staging' },
      200,
    );
    const earlier = history.history.find(
      (h: any) => h.versions && h.to !== history.history[0].to,
    );
    expect(earlier).toBeDefined();
    rollback = {
      entityRef: 'component:default/notifications',
      versions: earlier.versions,
    };
    await post(
      '/promotions/preview',
      { ...rollback, targets: ['staging'] },
      200,
    );

    await post(
      '/promotions/preview',
      {
        entityRef: checkout,
        source: 'staging',
        targets: ['prod-eu'],
        dryRun: true,
      },
      400,
      { badInput: true },
    );
    await post(
      '/promotions/preview',
      { entityRef: checkout, targets: [] },
      400,
      {
        badInput: true,
      },
    );
    await post(
      '/promotions/preview',
      {
        entityRef: checkout,
        source: 'staging',
        targets: ['prod-eu'],
        versions: [''],
      },
      400,
      { badInput: true },
    );
    await post('/promotions/preview', undefined, 400, { badInput: true });
    await post(
      '/promotions/preview',
      { entityRef: checkout, source: 'staging', targets: ['prod-eu'] },
      403,
      { auth: asUser(NO_PROD) },
    );
    await post(
      '/promotions/preview',
      {
        entityRef: 'component:default/nope',
        source: 'staging',
        targets: ['prod-eu'],
      },
      404,
    );
    await post('/promotions/preview', '', 413, {
      raw: JSON.stringify({ entityRef: checkout, padding: 'x'.repeat(70_000) }),
    });
  });

  it('POST /promotions: promote, replay, reuse of the key, refusals and a rollback', async () => {
    const [target] = (
      await allowedPreview({
        entityRef: checkout,
        source: 'staging',
        targets: ['prod-eu'],
      })
    ).targets;
    const body = {
      entityRef: checkout,
      source: 'staging',
      target: 'prod-eu',
      versions: target.versions,
      baseCommit: target.baseCommit,
      sourceCommit: target.sourceCommit,
    };
    promoted = await post('/promotions', body, 201, { key: 'contract-1' });
    expect(promoted.state).toBe('committed');
    const again = await post('/promotions', body, 200, { key: 'contract-1' });
    expect(again.id).toBe(promoted.id);
    await post('/promotions', { ...body, target: 'prod-us' }, 422, {
      key: 'contract-1',
    });
    // The target runs the versions now.
    await post(
      '/promotions',
      { entityRef: checkout, source: 'staging', target: 'prod-eu' },
      409,
    );
    // Not allowed: a viewer, a service principal.
    await post(
      '/promotions',
      { entityRef: checkout, source: 'staging', target: 'prod-us' },
      403,
      { auth: asUser(VIEWER) },
    );
    await post(
      '/promotions',
      { entityRef: checkout, source: 'staging', target: 'prod-us' },
      403,
      { auth: asService() },
    );
    // Rules: pipeline order, a pin not on the branch (400); unknown entity (404).
    await post(
      '/promotions',
      { entityRef: 'component:default/cart', source: 'dev', target: 'prod-eu' },
      400,
    );
    await post(
      '/promotions',
      { ...body, target: 'prod-us', baseCommit: '0'.repeat(40) },
      400,
    );
    await post(
      '/promotions',
      {
        entityRef: 'component:default/nope',
        source: 'staging',
        target: 'prod-eu',
      },
      404,
    );
    // Bad input the spec refuses too.
    for (const bad of [
      { entityRef: checkout, target: 'prod-us' },
      { entityRef: checkout, source: 'staging', target: 'prod-us', kind: 'ci' },
      { entityRef: checkout, source: 'staging', target: 'prod-us', extra: 1 },
      { ...rollback, target: 'staging', kind: 'rollback', source: 'dev' },
      { entityRef: checkout, target: 'staging', kind: 'rollback' },
      { ...rollback, target: 'staging', kind: 'rollback', sourceCommit: 'abc' },
      {
        entityRef: checkout,
        source: 'staging',
        target: 'prod-us',
        baseCommit: 'a'.repeat(65),
      },
    ]) {
      await post('/promotions', bad, 400, { badInput: true });
    }
    await post(
      '/promotions',
      { entityRef: checkout, source: 'staging', target: 'prod-us' },
      400,
      { key: 'k'.repeat(256), badInput: true },
    );

    const rolledBack = await post(
      '/promotions',
      { ...rollback, target: 'staging', kind: 'rollback' },
      201,
    );
    expect(rolledBack.kind).toBe('rollback');
    // A rollback to versions the environment never ran is bad input, by the rules.
    await post(
      '/promotions',
      {
        ...rollback,
        target: 'staging',
        kind: 'rollback',
        versions: ['0.0.0-never'],
      },
      400,
    );
  });

  it('POST /promotions: 409 when the target file changed since the preview', async () => {
    const [target] = (
      await allowedPreview({
        entityRef: 'component:default/search',
        source: 'staging',
        targets: ['prod-us'],
      })
    ).targets;
    await backend.demo.commit('Hotfix search in prod-us', [
      {
        file: 'charts/search/values-prod-us.yaml',
        key: 'image.tag',
        value: '0.9.5',
      },
    ]);
    await post(
      '/promotions',
      {
        entityRef: 'component:default/search',
        source: 'staging',
        target: 'prod-us',
        baseCommit: target.baseCommit,
      },
      409,
    );
  });

  it('GET /promotions/{id} and GET /promotions', async () => {
    for (let i = 0; i < 50; i++) {
      await backend.runTracker();
      const state = (await get(`/promotions/${promoted.id}`, {}, 200)).state;
      if (state === 'deployed') break;
      await new Promise(r => setTimeout(r, 200));
    }
    const done = await get(`/promotions/${promoted.id}`, {}, 200, {
      auth: asService(),
    });
    expect(done.state).toBe('deployed');
    await get(`/promotions/${promoted.id}`, {}, 404, { auth: asUser(NO_PROD) });
    await get('/promotions/5d6c1e7e-6a3f-4f0e-9d55-2f8c4d2b1a10', {}, 404);
    await get('/promotions/not-a-uuid', {}, 400, { badInput: true });

    const page = await get('/promotions', { limit: 2 }, 200);
    expect(page.items).toHaveLength(2);
    await get('/promotions', { limit: 2, before: page.items[1].id }, 200);
    await get(
      '/promotions',
      { entityRef: 'checkout', environment: 'prod-eu' },
      200,
    );
    await get('/promotions', {}, 200, { auth: asService() });
    await get('/promotions', {}, 200, { auth: asUser(NO_PROD) });
    await get('/promotions', { limit: 501 }, 400, { badInput: true });
    await get('/promotions', { limit: 'ten' }, 400, { badInput: true });
    await get('/promotions', { before: 'yesterday' }, 400, { badInput: true });
    await get('/promotions', { environment: 'PROD' }, 400, { badInput: true });
  });

  it('POST /promotions/bulk/preview and POST /promotions/bulk', async () => {
    // New versions in dev for a train of two services sharing one overlay
    // file, and a third service for a train that lists a refusal.
    await backend.demo.commit(
      'Release notifications, inventory and cart to dev',
      [
        {
          file: 'overlays/dev/kustomization.yaml',
          key: 'images[name=ghcr.io/acme/notifications].newTag',
          value: '1.5.0',
        },
        {
          file: 'overlays/dev/kustomization.yaml',
          key: 'images[name=ghcr.io/acme/inventory].newTag',
          value: '2.9.0',
        },
        { file: 'envs/dev/cart/values.yaml', key: 'image.tag', value: '3.1.9' },
      ],
    );
    const train = {
      entityRefs: [
        'component:default/notifications',
        'component:default/inventory',
      ],
      source: 'dev',
      target: 'staging',
    };
    const preview = await previewUntil(
      () =>
        request(backend.server)
          .post(`${API}/promotions/bulk/preview`)
          .set('Authorization', asUser(LEAD))
          .send(train),
      (b: any) => b.services.every((s: any) => s.preview?.allowed),
    ).then(() => post('/promotions/bulk/preview', train, 200));
    expect(preview.baseCommit).toBeDefined();
    const withRefusal = await post(
      '/promotions/bulk/preview',
      { ...train, entityRefs: [...train.entityRefs, 'component:default/nope'] },
      200,
      { auth: asService() },
    );
    expect(withRefusal.services.some((s: any) => s.refusal)).toBe(true);
    await post(
      '/promotions/bulk/preview',
      {
        entityRefs: ['component:default/nope'],
        source: 'dev',
        target: 'staging',
      },
      200,
    );
    await post(
      '/promotions/bulk/preview',
      { ...train, source: 'staging', target: 'prod-eu' },
      403,
      { auth: asUser(NO_PROD) },
    );
    await post(
      '/promotions/bulk/preview',
      { ...train, target: undefined },
      400,
      {
        badInput: true,
      },
    );
    await post('/promotions/bulk/preview', { ...train, entityRefs: [] }, 400, {
      badInput: true,
    });
    await post(
      '/promotions/bulk/preview',
      { ...train, allOrNothing: true },
      400,
      {
        badInput: true,
      },
    );

    const pins = preview.services.map((s: any) => ({
      entityRef: s.entityRef,
      versions: s.preview.versions,
      sourceCommit: s.preview.sourceCommit,
    }));
    const body = { ...train, baseCommit: preview.baseCommit, pins };
    const result = await post('/promotions/bulk', body, 201, {
      key: 'train-1',
    });
    expect(result.promotions).toHaveLength(2);
    const replay = await post('/promotions/bulk', body, 201, {
      key: 'train-1',
    });
    expect(replay.bulkId).toBe(result.bulkId);
    await post('/promotions/bulk', { ...body, allOrNothing: true }, 422, {
      key: 'train-1',
    });
    // Nothing left to promote: the train is refused as a whole.
    await post('/promotions/bulk', train, 409);
    // One service promoted, the other listed with why it was refused.
    const second = {
      entityRefs: ['component:default/cart', 'component:default/notifications'],
      source: 'dev',
      target: 'staging',
    };
    await previewUntil(
      () =>
        request(backend.server)
          .post(`${API}/promotions/bulk/preview`)
          .set('Authorization', asUser(LEAD))
          .send(second),
      (b: any) =>
        b.services.every(
          (s: any) => !s.entityRef.endsWith('/cart') || s.preview?.allowed,
        ),
    );
    const partial = await post('/promotions/bulk', second, 201);
    expect(partial.promotions.map((p: any) => p.service)).toEqual(['cart']);
    expect(partial.refused.map((r: any) => r.entityRef)).toEqual([
      'component:default/notifications',
    ]);
    await post(
      '/promotions/bulk',
      { ...train, source: 'staging', target: 'prod-eu' },
      403,
      { auth: asUser(VIEWER) },
    );
    await post('/promotions/bulk', train, 403, { auth: asService() });
    await post(
      '/promotions/bulk',
      {
        ...train,
        entityRefs: ['component:default/nope', 'component:default/cart'],
        allOrNothing: true,
      },
      404,
    );
    await post('/promotions/bulk', { ...train, pins: [pins[0]] }, 400);
    await post('/promotions/bulk', { ...train, pins: [] }, 400, {
      badInput: true,
    });
    await post(
      '/promotions/bulk',
      { ...train, pins: [{ ...pins[0], versions: undefined }] },
      400,
      { badInput: true },
    );
    await post('/promotions/bulk', { ...train, allOrNothing: 'yes' }, 400, {
      badInput: true,
    });
  });

  it('POST /ci/versions', async () => {
    const body = { entityRef: 'component:default/cart', versions: ['3.2.0'] };
    const first = await post('/ci/versions', body, 201, {
      auth: asService(),
      key: 'build-1',
    });
    expect(first.items[0]).toMatchObject({ kind: 'ci', targetEnv: 'dev' });
    await post('/ci/versions', body, 200, {
      auth: asService(),
      key: 'build-1',
    });
    await post('/ci/versions', { ...body, versions: ['3.2.1'] }, 422, {
      auth: asService(),
      key: 'build-1',
    });
    await post(
      '/ci/versions',
      { ...body, versions: ['3.2.1'], environments: ['dev'] },
      201,
      { auth: asService() },
    );
    // Already there, without a key: a conflict.
    await post('/ci/versions', { ...body, versions: ['3.2.1'] }, 409, {
      auth: asService(),
    });
    await post('/ci/versions', body, 403);
    await post('/ci/versions', { ...body, environments: ['prod-eu'] }, 400, {
      auth: asService(),
    });
    await post(
      '/ci/versions',
      { ...body, versions: ['latest\nevil: true'] },
      400,
      {
        auth: asService(),
      },
    );
    await post(
      '/ci/versions',
      { ...body, entityRef: 'component:default/nope' },
      404,
      { auth: asService() },
    );
    await post('/ci/versions', { ...body, versions: [] }, 400, {
      auth: asService(),
      badInput: true,
    });
    await post('/ci/versions', { ...body, environments: [] }, 400, {
      auth: asService(),
      badInput: true,
    });
    await post('/ci/versions', { ...body, source: 'dev' }, 400, {
      auth: asService(),
      badInput: true,
    });
  });

  it('POST /services', async () => {
    const body = {
      service: 'billing',
      imageRepository: 'ghcr.io/acme/billing',
      version: '0.1.0',
    };
    const dry = await post('/services', { ...body, dryRun: true }, 200);
    expect(dry.dryRun).toBe(true);
    const created = await post('/services', body, 201);
    expect(created.commit.sha).toBeDefined();
    await post('/services', body, 200);
    await post(
      '/services',
      {
        ...body,
        service: 'billing-eu',
        layout: 'helm-values-per-env',
        environments: ['dev', 'staging'],
      },
      201,
    );
    // Some of its files exist otherwise.
    await post('/services', { ...body, service: 'checkout' }, 409);
    await post('/services', body, 403, { auth: asService() });
    await post('/services', { ...body, service: 'billing-us' }, 403, {
      auth: asUser(NO_PROD),
    });
    // Accepted by the request schema, refused by the registrar's rules.
    await post('/services', { ...body, service: 'Billing' }, 400);
    await post(
      '/services',
      { ...body, imageRepository: 'ghcr.io/acme/billing:1.0' },
      400,
    );
    await post('/services', { ...body, layout: 'kustomize-overlay' }, 400);
    await post('/services', { ...body, environments: ['nowhere'] }, 400);
    await post('/services', { ...body, path: 'envs/dev/x.yaml' }, 400, {
      badInput: true,
    });
    await post('/services', { ...body, version: undefined }, 400, {
      badInput: true,
    });
    await post('/services', { ...body, service: 'x'.repeat(64) }, 400, {
      badInput: true,
    });
    await post('/services', { ...body, layout: 'Helm' }, 400, {
      badInput: true,
    });
  });

  it('GET /delivery', async () => {
    const figures = await get(
      '/delivery',
      { entityRef: checkout, days: 30 },
      200,
    );
    expect(
      figures.services
        .find((s: any) => s.service === 'checkout')
        .environments.some(
          (e: any) =>
            e.environment === 'prod-eu' &&
            e.deployments - e.outsideDeployments === 1,
        ),
    ).toBe(true);
    await get('/delivery', { owner: 'team-checkout' }, 200);
    await get('/delivery', {}, 200, { auth: asService() });
    await get('/delivery', { entityRef: [checkout, 'cart'], days: 7 }, 200, {
      auth: asUser(NO_PROD),
    });
    await get('/delivery', { entityRef: checkout, days: 1000 }, 400, {
      badInput: true,
    });
    await get('/delivery', { owner: 'group:default/a b' }, 400, {
      badInput: true,
    });
  });

  it('POST /promotions/{id}/approvals', async () => {
    const cart = 'component:default/cart';
    await backend.demo.commit('Release cart 3.1.0 to staging', [
      {
        file: 'envs/staging/cart/values.yaml',
        key: 'image.tag',
        value: '3.1.0',
      },
    ]);
    await allowedPreview({
      entityRef: cart,
      source: 'staging',
      targets: ['prod-us'],
    });
    const awaiting = await post(
      '/promotions',
      { entityRef: cart, source: 'staging', target: 'prod-us' },
      201,
    );
    expect(awaiting.state).toBe('awaiting-approval');
    const approvals = `/promotions/${awaiting.id}/approvals`;
    await post(approvals, { decision: 'approve' }, 403);
    await post(approvals, { decision: 'approve' }, 404, {
      auth: asUser(NO_PROD),
    });
    await post(approvals, { decision: 'maybe' }, 400, {
      auth: asUser(PLATFORM),
      badInput: true,
    });
    await post(approvals, { decision: 'reject' }, 400, {
      auth: asUser(PLATFORM),
    });
    await post(approvals, { decision: 'approve' }, 403, { auth: asService() });
    const approved = await post(
      approvals,
      { decision: 'approve', comment: 'Go' },
      200,
      { auth: asUser(PLATFORM) },
    );
    expect(approved.state).toBe('committed');
    await post(approvals, { decision: 'approve' }, 409, {
      auth: asUser(PLATFORM),
    });
  });

  it('GET, POST and DELETE /auto-promotion/pauses', async () => {
    const pause = {
      entityRef: checkout,
      environment: 'prod-us',
      reason: 'Sale',
    };
    expect(await post('/auto-promotion/pauses', pause, 201)).toMatchObject({
      entityRef: checkout,
      environment: 'prod-us',
      pausedBy: LEAD,
    });
    await post('/auto-promotion/pauses', pause, 200);
    await post('/auto-promotion/pauses', { environment: 'prod-us' }, 403, {
      auth: asService(),
    });
    await post('/auto-promotion/pauses', {}, 400, { badInput: true });
    await post('/auto-promotion/pauses', { environment: 'qa' }, 400);
    expect((await get('/auto-promotion/pauses', {}, 200)).items).toHaveLength(
      1,
    );
    const query = { entityRef: checkout, environment: 'prod-us' };
    const resume = (status: number) =>
      call({
        method: 'delete',
        path: '/auto-promotion/pauses',
        query,
        expect: status,
      });
    await resume(200);
    await resume(404);
    const matrix = await get('/matrix', {}, 200);
    expect(
      matrix.environments.find((e: any) => e.name === 'prod-us')
        .mayPausePromotion,
    ).toBe(true);
    expect(
      matrix.environments.find((e: any) => e.name === 'prod-us').gates,
    ).toEqual({
      autoPromotesFrom: [{ environment: 'staging', after: 'P1D' }],
      approvals: { required: 1, from: ['group:default/platform'] },
    });
  });

  it('went through every operation, with success and the main error answers', () => {
    const answered = (operationId: string) =>
      seen.filter(s => s.operationId === operationId).map(s => s.status);
    for (const op of operations) {
      expect([
        op.operationId,
        answered(op.operationId).some(s => s < 300),
      ]).toEqual([op.operationId, true]);
    }
    const statuses = new Set(seen.map(s => s.status));
    for (const status of [200, 201, 400, 401, 403, 404, 409, 413, 422]) {
      expect([status, statuses.has(status)]).toEqual([status, true]);
    }
    // Every documented success status was answered at least once.
    const unanswered = operations.flatMap(op =>
      Object.keys(op.operation.responses as JsonObject)
        .filter(status => status.startsWith('2'))
        .filter(status => !answered(op.operationId).includes(Number(status)))
        .map(status => `${op.operationId} ${status}`),
    );
    expect(unanswered).toEqual([]);
    expect(seen.length).toBeGreaterThan(120);
  });
});
