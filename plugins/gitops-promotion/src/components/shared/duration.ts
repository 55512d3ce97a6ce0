import { Duration } from 'luxon';

const UNITS = [
  { unit: 'days', short: 'd', long: 'day' },
  { unit: 'hours', short: 'h', long: 'hour' },
  { unit: 'minutes', short: 'min', long: 'minute' },
  { unit: 'seconds', short: 's', long: 'second' },
] as const;

/**
 * An ISO 8601 duration for people: "1 h 30 min" (`short`) or "1 hour 30
 * minutes" (`long`); undefined when absent, invalid or zero.
 */
export function durationText(
  iso: string | undefined,
  style: 'short' | 'long',
): string | undefined {
  if (!iso) return undefined;
  const duration = Duration.fromISO(iso);
  if (!duration.isValid) return undefined;
  const parts = duration.shiftTo(...UNITS.map(u => u.unit)).toObject();
  const text = UNITS.filter(u => (parts[u.unit] ?? 0) > 0)
    .map(u => {
      const n = Math.round(parts[u.unit]!);
      if (style === 'short') return `${n} ${u.short}`;
      return `${n} ${u.long}${n === 1 ? '' : 's'}`;
    })
    .join(' ');
  return text || undefined;
}
