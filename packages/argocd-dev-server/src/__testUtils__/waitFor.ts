/**
 * Calls `read` every 50 ms until `done` accepts its value or `timeoutMs`
 * passed; resolves with the last value, for the test's expectations to judge.
 */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}
