import { Config } from '@backstage/config';
import { readDuration } from './readDuration';

/** The scheduled check of Argo CD behind status signals and drift notifications. */
export interface StatusWatcherConfig {
  frequencyMs: number;
  /** How long a drift lasts before the owners are notified. */
  driftGraceMs: number;
}

const KEY = 'gitopsPromotion.statusWatcher';

/** Reads `gitopsPromotion.statusWatcher`, every setting optional. */
export function readStatusWatcherConfig(
  rootConfig: Config,
): StatusWatcherConfig {
  const c = rootConfig.getOptionalConfig(KEY);
  return {
    frequencyMs: readDuration(c, {
      key: KEY,
      field: 'frequency',
      defaultMs: 15_000,
      minMs: 1000,
    }),
    driftGraceMs: readDuration(c, {
      key: KEY,
      field: 'driftGracePeriod',
      defaultMs: 5 * 60_000,
      minMs: 0,
    }),
  };
}
