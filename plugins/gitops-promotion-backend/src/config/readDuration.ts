import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { GitopsPromotionConfigError } from './GitopsPromotionConfigError';
import { readNumber } from './readNumber';

/**
 * An optional duration in milliseconds: at `field` as a Backstage duration
 * (`'30s'`, `'PT30S'`, `{ seconds: 30 }`), else at `legacy.field` (when
 * given) as a plain number in its unit (the keys of earlier versions, still
 * read), else the default. `key` is the section's key in error messages.
 */
export function readDuration(
  c: Config | undefined,
  options: {
    key: string;
    field: string;
    defaultMs: number;
    minMs: number;
    legacy?: { field: string; unitMs: number };
  },
): number {
  const { key, field, defaultMs, minMs, legacy } = options;
  if (!c?.has(field)) {
    if (!legacy) return defaultMs;
    return (
      readNumber(
        c,
        legacy.field,
        `${key}.${legacy.field}`,
        defaultMs / legacy.unitMs,
        minMs / legacy.unitMs,
      ) * legacy.unitMs
    );
  }
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(c, { key: field }));
  } catch (error) {
    throw new GitopsPromotionConfigError(
      `${key}.${field}`,
      `must be a duration like '30s', 'PT30S' or { seconds: 30 }: ${
        (error as Error).message
      }`,
    );
  }
  if (!Number.isFinite(ms) || ms < minMs) {
    throw new GitopsPromotionConfigError(
      `${key}.${field}`,
      `must be at least ${minMs} ms, got ${ms} ms`,
    );
  }
  return ms;
}
