import { createHash } from 'node:crypto';

/**
 * SHA-256 of a request as the server understood it (after validation and
 * defaults), with object keys sorted and undefined fields left out: the same
 * request always has the same fingerprint, whatever the JSON's key order.
 */
export function requestFingerprint(operation: string, body: object): string {
  return createHash('sha256')
    .update(JSON.stringify([operation, canonical(body)]))
    .digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
