import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';

/** Argo CD's REST contract, shared with the other checkouts of the repository. */
export const SWAGGER_PATH = path.resolve(
  __dirname,
  '../../../../../shared/reference/argocd/swagger.json',
);

type Schema = Record<string, unknown>;

/**
 * Makes every object definition closed (`additionalProperties: false`) so a
 * field the contract does not have fails validation instead of passing.
 */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!schema || typeof schema !== 'object') return schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] =
      key === 'properties'
        ? Object.fromEntries(
            Object.entries(value as Schema).map(([k, v]) => [
              k,
              closeObjects(v),
            ]),
          )
        : closeObjects(value);
  }
  if (copy.properties && copy.additionalProperties === undefined) {
    copy.additionalProperties = false;
  }
  return copy;
}

/**
 * Validates JSON against a definition of swagger.json (Swagger 2.0, whose
 * schemas are JSON Schema draft-04), with closed objects. A name starting
 * with `#/` is a JSON pointer into swagger.json instead, for the schemas
 * written inline, e.g. a streaming route's response.
 */
export function createSwaggerValidator(): (
  definition: string,
  body: unknown,
) => string[] {
  const swagger = JSON.parse(fs.readFileSync(SWAGGER_PATH, 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv, ['date-time']);
  // numeric widths and base64 are not checked beyond the schema's type
  for (const format of [
    'int32',
    'int64',
    'uint32',
    'uint64',
    'double',
    'float',
    'byte',
  ]) {
    ajv.addFormat(format, true);
  }
  ajv.addSchema({
    id: 'argocd',
    definitions: closeObjects(swagger.definitions),
    paths: closeObjects(swagger.paths),
  });
  return (definition, body) => {
    const validate = ajv.getSchema(
      definition.startsWith('#/')
        ? `argocd${definition}`
        : `argocd#/definitions/${definition}`,
    );
    if (!validate)
      throw new Error(`swagger.json has no definition ${definition}`);
    return validate(body)
      ? []
      : (validate.errors ?? []).map(
          e =>
            `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
        );
  };
}
