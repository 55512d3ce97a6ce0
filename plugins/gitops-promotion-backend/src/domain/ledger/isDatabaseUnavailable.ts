/** Socket errors and PostgreSQL's connection exception (08) and shutdown (57P0x) codes. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  'SQLITE_BUSY',
]);

/** How node-postgres and knex report a connection that went away. */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|Connection ended unexpectedly|connection error|Timeout acquiring a connection/i;

/**
 * Whether a failed query failed because the database could not be reached
 * (restarting, failing over, out of connections), rather than because of the
 * query: such a request may simply be retried.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, name, message } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
  };
  return (
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    name === 'KnexTimeoutError' ||
    (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message))
  );
}
