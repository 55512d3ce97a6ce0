import { Config } from '@backstage/config';
import { GitopsPromotionConfigError } from './GitopsPromotionConfigError';

/** An optional number of `c` at `field`, at least `min`; `key` names it in errors. */
export function readNumber(
  c: Config | undefined,
  field: string,
  key: string,
  fallback: number,
  min: number,
): number {
  const value = c?.getOptionalNumber(field) ?? fallback;
  if (!Number.isFinite(value) || value < min) {
    throw new GitopsPromotionConfigError(
      key,
      `must be a number >= ${min}, got ${value}`,
    );
  }
  return value;
}
