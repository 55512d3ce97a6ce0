/** Runs a task when a slot is free. */
export type ConcurrencyLimit = <T>(task: () => Promise<T>) => Promise<T>;

/** At most `max` tasks run at once; the others wait in arrival order. */
export function concurrencyLimit(max: number): ConcurrencyLimit {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return task => {
    if (running >= max) {
      return new Promise<void>(resolve => waiting.push(resolve)).then(() =>
        run(),
      );
    }
    return run();

    function run() {
      running++;
      return task().finally(release);
    }
  };
}
