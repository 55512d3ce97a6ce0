/**
 * What the plugin reads from an Argo CD Application. Every field is optional
 * in real payloads; absent ones are undefined or empty here.
 */
export interface ParsedApplication {
  name?: string;
  namespace?: string;
  /** `metadata.resourceVersion`: which change of the application this is. */
  resourceVersion?: string;
  labels: Record<string, string>;
  project?: string;
  sync: { status?: string; revision?: string; revisions: string[] };
  health: { status?: string; message?: string };
  images: string[];
  operation?: {
    phase?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    /** Revision of the operation (`operation.sync` or `syncResult`). */
    revision?: string;
    revisions: string[];
  };
  reconciledAt?: string;
  /** `status.history` in Argo CD's order (oldest first). */
  history: Array<{
    id?: number;
    revision?: string;
    revisions: string[];
    deployStartedAt?: string;
    deployedAt?: string;
  }>;
}

type JsonObject = Record<string, unknown>;

const objectAt = (value: unknown): JsonObject | undefined =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;

const stringAt = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** A timestamp as ISO 8601; YAML loaders may have turned it into a Date. */
const timeAt = (value: unknown): string | undefined =>
  value instanceof Date && !Number.isNaN(value.getTime())
    ? value.toISOString()
    : stringAt(value);

const stringsAt = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string' && v !== '')
    : [];

const numberAt = (value: unknown): number | undefined => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  // int64 fields may arrive as strings from protobuf JSON encoders
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
};

function labelsAt(value: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, v] of Object.entries(objectAt(value) ?? {})) {
    if (typeof v === 'string') labels[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean')
      labels[key] = String(v);
  }
  return labels;
}

function operationAt(value: unknown): ParsedApplication['operation'] {
  const state = objectAt(value);
  if (!state) return undefined;
  const sync = objectAt(objectAt(state.operation)?.sync);
  const result = objectAt(state.syncResult);
  return {
    phase: stringAt(state.phase),
    message: stringAt(state.message),
    startedAt: timeAt(state.startedAt),
    finishedAt: timeAt(state.finishedAt),
    revision: stringAt(sync?.revision) ?? stringAt(result?.revision),
    revisions: stringsAt(sync?.revisions).length
      ? stringsAt(sync?.revisions)
      : stringsAt(result?.revisions),
  };
}

/**
 * Reads an Argo CD Application from its JSON (REST API) or YAML-loaded
 * (`kubectl -o yaml`) form, tolerating anything missing: no status, no
 * health, `summary: {}`, history entries without id, multi-source
 * `revisions`. Unknown fields are ignored.
 *
 * @returns undefined when the value is not an object or is another kind
 *   of resource (e.g. a Deployment in a multi-document file)
 */
export function parseApplication(json: unknown): ParsedApplication | undefined {
  const app = objectAt(json);
  if (!app) return undefined;
  if (app.kind !== undefined && app.kind !== 'Application') return undefined;
  const metadata = objectAt(app.metadata);
  const spec = objectAt(app.spec);
  const status = objectAt(app.status);
  const sync = objectAt(status?.sync);
  const health = objectAt(status?.health);
  return {
    name: stringAt(metadata?.name),
    namespace: stringAt(metadata?.namespace),
    resourceVersion: stringAt(metadata?.resourceVersion),
    labels: labelsAt(metadata?.labels),
    project: stringAt(spec?.project),
    sync: {
      status: stringAt(sync?.status),
      revision: stringAt(sync?.revision),
      revisions: stringsAt(sync?.revisions),
    },
    health: {
      status: stringAt(health?.status),
      message: stringAt(health?.message),
    },
    images: stringsAt(objectAt(status?.summary)?.images),
    operation: operationAt(status?.operationState),
    reconciledAt: timeAt(status?.reconciledAt),
    history: (Array.isArray(status?.history) ? status!.history : [])
      .map(objectAt)
      .filter((entry): entry is JsonObject => entry !== undefined)
      .map(entry => ({
        id: numberAt(entry.id),
        revision: stringAt(entry.revision),
        revisions: stringsAt(entry.revisions),
        deployStartedAt: timeAt(entry.deployStartedAt),
        deployedAt: timeAt(entry.deployedAt),
      })),
  };
}

/**
 * Reads the applications of an `ApplicationList` response
 * (`{ metadata, items }`, where `items` may be null).
 */
export function parseApplicationList(json: unknown): ParsedApplication[] {
  const items = objectAt(json)?.items;
  return (Array.isArray(items) ? items : [])
    .map(parseApplication)
    .filter((app): app is ParsedApplication => app !== undefined);
}

/**
 * The `metadata.resourceVersion` of an `ApplicationList` response: the
 * version of the applications it shows, from which a watch continues.
 */
export function parseListResourceVersion(json: unknown): string | undefined {
  return stringAt(objectAt(objectAt(json)?.metadata)?.resourceVersion);
}
