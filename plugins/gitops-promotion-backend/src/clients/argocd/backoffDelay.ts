/** Bounds of {@link backoffDelay}. */
export interface BackoffBounds {
  initialMs: number;
  maxMs: number;
}

/**
 * How long to wait before the next attempt after `failures` failed ones (0
 * after a success): doubling from `initialMs` up to `maxMs`, of which a
 * random half is waited, so that replicas that lost the same server do not
 * come back at the same moment ("equal jitter").
 */
export function backoffDelay(
  failures: number,
  bounds: BackoffBounds,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(bounds.maxMs, bounds.initialMs * 2 ** failures);
  return ceiling / 2 + (random() * ceiling) / 2;
}
