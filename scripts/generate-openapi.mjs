#!/usr/bin/env node
// Generates the code that follows from the REST API's contract,
// plugins/gitops-promotion-backend/src/schema/openapi.yaml:
//  - the -common types (openapi-typescript): every request, response and
//    schema of the spec, used by the frontend client and the backend alike;
//  - the backend's router module: the spec as an object, the endpoint map
//    typing every handler, and createOpenApiRouter validating every request.
// `--check` writes nothing and fails when a generated file is not up to date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import prettier from 'prettier';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const specFile = path.join(
  root,
  'plugins/gitops-promotion-backend/src/schema/openapi.yaml',
);
const typesFile = path.join(
  root,
  'plugins/gitops-promotion-common/src/schema/openapi.generated.ts',
);
const routerFile = path.join(
  root,
  'plugins/gitops-promotion-backend/src/schema/openapi.generated.ts',
);
const HEADER =
  '// Generated from plugins/gitops-promotion-backend/src/schema/openapi.yaml\n' +
  '// by `yarn generate:openapi`. Do not edit: change the spec and run it again.\n';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const spec = parse(fs.readFileSync(specFile, 'utf8'));

async function typesModule() {
  const ast = await openapiTS(spec, {
    // A field the spec does not list is not in the type either.
    additionalProperties: false,
    alphabetize: false,
    // A request field with a default may be left out by the client.
    defaultNonNullable: false,
  });
  // Release tags for the API reports: these are the package's public types.
  const types = astToString(ast).replace(
    /^export (interface|type) (paths|webhooks|components|\$defs|operations)\b/gm,
    '/** @public */\nexport $1 $2',
  );
  return `${HEADER}/* eslint-disable */\n\n${types}`;
}

/** `#get|/promotions/{id}` entries: what each handler receives and answers. */
function endpointMap() {
  const entries = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of METHODS.filter(m => item[m])) {
      const operation = item[method];
      const op = `operations['${operation.operationId}']`;
      const parameters = (operation.parameters ?? []).map(p =>
        p.$ref ? resolve(p.$ref) : p,
      );
      const has = where => parameters.some(p => p.in === where);
      const fields = [];
      if (has('query'))
        fields.push(`query: NonNullable<${op}['parameters']['query']>;`);
      if (has('path')) fields.push(`path: ${op}['parameters']['path'];`);
      if (operation.requestBody) {
        fields.push(
          `body: NonNullable<${op}['requestBody']>['content']['application/json'];`,
        );
      }
      const success = Object.keys(operation.responses).filter(s =>
        /^2/.test(s),
      );
      fields.push(
        `response: ${success
          .map(s => `${op}['responses'][${s}]['content']['application/json']`)
          .join(' | ')};`,
      );
      // Backstage's typed router names DELETE `_delete` (a reserved word).
      const key = method === 'delete' ? '_delete' : method;
      entries.push(
        `  '#${key}|${template}': {\n    ${fields.join('\n    ')}\n  };`,
      );
    }
  }
  return `{\n${entries.join('\n')}\n}`;
}

function resolve(ref) {
  return ref
    .slice(2)
    .split('/')
    .reduce((node, key) => node[key], spec);
}

function routerModule() {
  return `${HEADER}
import {
  createValidatedOpenApiRouterFromGeneratedEndpointMap,
  TypedRouter,
} from '@backstage/backend-openapi-utils';
import type { OpenApiOperations as operations } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import type { RequestHandler } from 'express';

/** The REST API's contract, as the router validates requests with it. */
export const spec = ${JSON.stringify(spec)} as const;

/** What each operation's handler receives and answers, by \`#method|path\`. */
export type EndpointMap = ${endpointMap()};

/** An express router whose routes are typed and whose requests are validated by {@link spec}. */
export function createOpenApiRouter(options?: {
  middleware?: RequestHandler[];
  validatorOptions?: Parameters<
    typeof createValidatedOpenApiRouterFromGeneratedEndpointMap
  >[1] extends infer O
    ? O extends { validatorOptions?: infer V }
      ? V
      : never
    : never;
}): TypedRouter<EndpointMap> {
  return createValidatedOpenApiRouterFromGeneratedEndpointMap<EndpointMap>(
    spec as never,
    options,
  );
}
`;
}

async function format(file, source) {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(source, { ...config, filepath: file });
}

const outputs = [
  [typesFile, await format(typesFile, await typesModule())],
  [routerFile, await format(routerFile, routerModule())],
];

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, content] of outputs) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current === content) continue;
  const relative = path.relative(root, file);
  if (check) {
    stale++;
    console.error(
      `${relative} is not up to date with the spec: run yarn generate:openapi`,
    );
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    console.log(`wrote ${relative}`);
  }
}
if (stale) process.exit(1);
if (check)
  console.log('the generated OpenAPI code is up to date with the spec');
