/**
 * `run`, however often it is asked for: one run at a time, and every ask made
 * during a run is answered by one more run after it, so a burst of asks costs
 * at most two runs. The promise of an ask settles when a run started after it
 * is done. `run` must not reject.
 */
export function coalesce(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = () => {
    running = run().finally(() => {
      running = undefined;
    });
    return running;
  };
  return () => {
    if (queued) return queued;
    if (!running) return start();
    queued = running.then(() => {
      queued = undefined;
      return start();
    });
    return queued;
  };
}
