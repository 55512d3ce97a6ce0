import { Config } from '@backstage/config';
import { readDuration } from './readDuration';

const KEY = 'gitopsPromotion.matrix';

/**
 * `gitopsPromotion.matrix.refreshFrequency`: how often each replica brings
 * its prepared matrix up to date (default 30 s).
 */
export function readMatrixPreparationFrequencyMs(rootConfig: Config): number {
  return readDuration(rootConfig.getOptionalConfig(KEY), {
    key: KEY,
    field: 'refreshFrequency',
    defaultMs: 30_000,
    minMs: 1000,
  });
}
