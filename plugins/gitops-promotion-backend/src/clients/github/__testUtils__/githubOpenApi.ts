// ajv is what the brief asks the fake to validate with; it is installed (hoisted)
// but not yet declared in this package's devDependencies.
import Ajv, { ValidateFunction } from 'ajv';
import fs from 'node:fs';
import path from 'node:path';

/** A JSON value from the description. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One operation of GitHub's REST API description. */
export interface Operation {
  operationId: string;
  method: string;
  pathTemplate: string;
  /** path and query parameters, `$ref`s resolved */
  parameters: { name: string; in: string; required: boolean; schema: Json }[];
  requestBody?: { required: boolean; schema: Json };
  /** status → the JSON schema of the body, null when the response has no JSON body */
  responses: Map<string, Json | null>;
}

/** An HTTP exchange to check against an operation. */
export interface Exchange {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  /** undefined when the request had no body */
  body: unknown;
  conditional: boolean;
}

/**
 * Statuses any GitHub REST endpoint may answer with although the description
 * does not list them for each operation: bad or missing credentials, primary
 * and secondary rate limits, and server failures. Their body is GitHub's
 * `basic-error`.
 */
const GENERIC_FAILURES = new Set([401, 403, 429, 500, 502, 503, 504]);

/**
 * Failures GitHub answers for particular operations whose description omits
 * them, with a `basic-error` body: a tarball of a ref that does not exist is
 * a 404 although only the 302 is documented.
 */
const UNDOCUMENTED_FAILURES: Record<string, number[]> = {
  'repos/download-tarball-archive': [404],
};

let loaded: GithubOpenApi | undefined;

/**
 * GitHub's OpenAPI 3.0 description from @octokit/openapi, with ajv validators
 * for the parameters, request bodies and responses of operations. `$ref`s
 * resolve against the description's `components`; ajv understands
 * OpenAPI's `nullable`.
 */
export class GithubOpenApi {
  private readonly ajv: Ajv;
  private readonly operations = new Map<string, Operation>();
  private readonly locations = new Map<
    string,
    { method: string; pathTemplate: string; op: JsonObject }
  >();
  private readonly validators = new Map<string, ValidateFunction>();

  /** Parses the description once per test module (it is 13 MB). */
  static load(): GithubOpenApi {
    if (!loaded) {
      const dir = path.dirname(
        require.resolve('@octokit/openapi/package.json'),
      );
      const file = path.join(dir, 'generated', 'api.github.com.json');
      const spec = JSON.parse(fs.readFileSync(file, 'utf8'), nullableReviver);
      loaded = new GithubOpenApi(spec);
    }
    return loaded;
  }

  private constructor(private readonly spec: JsonObject) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'github', components: spec.components });
    const paths = spec.paths as Record<string, JsonObject>;
    for (const [pathTemplate, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        const o = op as JsonObject;
        if (typeof o?.operationId === 'string') {
          this.locations.set(o.operationId, { method, pathTemplate, op: o });
        }
      }
    }
  }

  operation(operationId: string): Operation {
    let operation = this.operations.get(operationId);
    if (!operation) {
      const location = this.locations.get(operationId);
      if (!location) {
        throw new Error(`No operation ${operationId} in the description`);
      }
      operation = this.toOperation(
        location.method,
        location.pathTemplate,
        location.op,
      );
      this.operations.set(operationId, operation);
    }
    return operation;
  }

  /** Which of `operationIds` a request is for, with its decoded path parameters. */
  match(
    method: string,
    pathname: string,
    operationIds: string[],
  ): { operation: Operation; pathParams: Record<string, string> } | undefined {
    const raw = pathname.split('/').slice(1);
    for (const id of operationIds) {
      const operation = this.operation(id);
      if (operation.method !== method.toLowerCase()) continue;
      const template = operation.pathTemplate.split('/').slice(1);
      const pathParams = matchSegments(template, raw);
      if (pathParams) return { operation, pathParams };
    }
    return undefined;
  }

  /** What is wrong with a request, per the description; empty when it is allowed. */
  checkRequest(operation: Operation, exchange: Exchange): string[] {
    const problems: string[] = [];
    for (const p of operation.parameters) {
      if (p.in === 'path') {
        problems.push(
          ...this.check(
            `${operation.operationId}:path:${p.name}`,
            p.schema,
            coerce(exchange.pathParams[p.name] ?? '', p.schema),
            `path parameter ${p.name}`,
          ),
        );
      }
    }
    const declared = operation.parameters.filter(p => p.in === 'query');
    for (const name of new Set(exchange.query.keys())) {
      const param = declared.find(p => p.name === name);
      const values = exchange.query.getAll(name);
      if (!param) {
        problems.push(`query parameter ${name} is not defined`);
      } else if (values.length > 1) {
        problems.push(`query parameter ${name} is repeated`);
      } else {
        problems.push(
          ...this.check(
            `${operation.operationId}:query:${name}`,
            param.schema,
            coerce(values[0], param.schema),
            `query parameter ${name}`,
          ),
        );
      }
    }
    for (const p of declared) {
      if (p.required && !exchange.query.has(p.name)) {
        problems.push(`required query parameter ${p.name} is missing`);
      }
    }
    const { requestBody } = operation;
    if (exchange.body === undefined) {
      if (requestBody?.required) problems.push('the request body is missing');
    } else if (!requestBody) {
      problems.push('the operation takes no request body');
    } else {
      problems.push(
        ...this.check(
          `${operation.operationId}:body`,
          requestBody.schema,
          exchange.body,
          'request body',
        ),
      );
    }
    return problems;
  }

  /** What is wrong with a response, per the description; empty when it is allowed. */
  checkResponse(
    operation: Operation,
    status: number,
    body: unknown,
    exchange: Pick<Exchange, 'conditional'>,
  ): string[] {
    const key = String(status);
    if (operation.responses.has(key)) {
      const schema = operation.responses.get(key)!;
      if (schema === null) {
        return body === undefined
          ? []
          : [`response ${status} must not have a body`];
      }
      return this.check(
        `${operation.operationId}:response:${key}`,
        schema,
        body,
        `response ${status}`,
      );
    }
    if (status === 304) {
      // GitHub answers any GET with an ETag conditionally (docs: "conditional requests")
      if (!exchange.conditional) return ['304 without a conditional request'];
      return body === undefined ? [] : ['response 304 must not have a body'];
    }
    if (
      GENERIC_FAILURES.has(status) ||
      UNDOCUMENTED_FAILURES[operation.operationId]?.includes(status)
    ) {
      return this.check(
        'basic-error',
        { $ref: '#/components/schemas/basic-error' },
        body,
        `response ${status}`,
      );
    }
    return [
      `status ${status} is not a documented response of ${operation.operationId}`,
    ];
  }

  /** Validates any value against a schema of the description (`#/components/...` refs). */
  check(key: string, schema: Json, value: unknown, what: string): string[] {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema) as object);
      this.validators.set(key, validate);
    }
    if (validate(value)) return [];
    return [
      `${what}: ${this.ajv.errorsText(validate.errors, {
        dataVar: 'value',
        separator: '; ',
      })}`,
    ];
  }

  private toOperation(
    method: string,
    pathTemplate: string,
    op: JsonObject,
  ): Operation {
    const parameters = ((op.parameters ?? []) as JsonObject[]).map(p => {
      const r = this.resolve(p);
      return {
        name: r.name as string,
        in: r.in as string,
        required: r.required === true,
        schema: r.schema ?? {},
      };
    });
    const body = op.requestBody
      ? this.resolve(op.requestBody as JsonObject)
      : undefined;
    const bodyContent = body?.content as JsonObject | undefined;
    const bodyJson = bodyContent?.['application/json'] as
      | JsonObject
      | undefined;
    const responses = new Map<string, Json | null>();
    for (const [status, response] of Object.entries(
      op.responses as JsonObject,
    )) {
      const r = this.resolve(response as JsonObject);
      const content = r.content as JsonObject | undefined;
      const json = content?.['application/json'] as JsonObject | undefined;
      responses.set(status, json?.schema ?? null);
    }
    return {
      operationId: op.operationId as string,
      method,
      pathTemplate,
      parameters,
      requestBody: body
        ? { required: body.required === true, schema: bodyJson?.schema ?? {} }
        : undefined,
      responses,
    };
  }

  private resolve(node: JsonObject): JsonObject {
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    let target: Json = this.spec;
    for (const part of ref.slice(2).split('/')) {
      target = (target as JsonObject)[
        part.replace(/~1/g, '/').replace(/~0/g, '~')
      ];
    }
    return this.resolve(target as JsonObject);
  }
}

/**
 * OpenAPI 3.0's `nullable: true` next to `oneOf`/`allOf`/`$ref` and no `type`
 * is not JSON Schema; ajv only supports it beside `type`. Such schemas become
 * `anyOf: [schema, { type: 'null' }]` while the description is parsed.
 */
function nullableReviver(_key: string, value: Json): Json {
  if (
    value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    value.nullable === true &&
    value.type === undefined
  ) {
    const { nullable, ...rest } = value;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return value;
}

/** Points `#/components/...` references of an operation's schema at the registered description. */
function rebase(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#/')
          ? `github${v}`
          : rebase(v),
      ]),
    );
  }
  return schema;
}

/** Template segments against raw ones; the last parameter may span several (refs, paths). */
function matchSegments(
  template: string[],
  raw: string[],
): Record<string, string> | undefined {
  if (raw.length < template.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of template.entries()) {
    const last = i === template.length - 1;
    const value = last ? raw.slice(i).join('/') : raw[i];
    const param = /^\{(.+)\}$/.exec(segment)?.[1];
    if (param) {
      if (!value) return undefined;
      params[param] = decodeURIComponent(value);
    } else if (segment !== value) {
      return undefined;
    }
  }
  return params;
}

function coerce(value: string, schema: Json): unknown {
  const type = (schema as JsonObject | null)?.type;
  if (
    (type === 'integer' || type === 'number') &&
    /^-?\d+(\.\d+)?$/.test(value)
  ) {
    return Number(value);
  }
  if (type === 'boolean' && (value === 'true' || value === 'false')) {
    return value === 'true';
  }
  return value;
}

function addFormats(ajv: Ajv) {
  ajv.addFormat('uri', value => {
    try {
      return Boolean(new URL(value));
    } catch {
      return false;
    }
  });
  ajv.addFormat(
    'date-time',
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  );
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  for (const name of ['uri-template', 'repo.nwo', 'binary', 'timestamp']) {
    ajv.addFormat(name, true);
  }
  for (const name of ['int64', 'int32', 'double']) {
    ajv.addFormat(name, { type: 'number', validate: () => true });
  }
}
