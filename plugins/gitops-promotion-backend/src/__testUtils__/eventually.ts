/**
 * Reads `read()` every `intervalMs` until `accept` holds for its value, and
 * resolves with that value; rejects with the last value after `timeoutMs`.
 * For waiting on something that happens soon, never for timing it.
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 20 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Still not there after ${timeoutMs} ms: ${JSON.stringify(value)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
