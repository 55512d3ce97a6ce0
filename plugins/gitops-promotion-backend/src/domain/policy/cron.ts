import { CronExpressionParser } from 'cron-parser';

/**
 * Classic 5-field cron expressions (`minute hour day-of-month month
 * day-of-week`) for freeze windows such as `0 18 * * FRI`, parsed by
 * `cron-parser`.
 *
 * Supported in every field: `*`, single values, lists (`1,15`), ranges
 * (`MON-FRI`, and `FRI-SUN` across the week end), steps (`*\/15`, `0-30/10`,
 * `5/20` meaning 5 to the maximum by 20), month names `JAN`-`DEC` and weekday
 * names `SUN`-`SAT` (case-insensitive); day-of-week 0 and 7 are both Sunday.
 * As in Vixie cron, when both day-of-month and day-of-week are restricted
 * (neither starts with `*`), a day matches when either matches.
 *
 * cron-parser also reads `?`, `L`, `#`, `H`, a seconds field, missing fields
 * and `@daily`-style macros; those are refused here, as before, so that a
 * configured expression means what it means in a plain crontab.
 *
 * Occurrences are found by {@link cronMatches} on wall-clock minutes (see
 * `freezeWindows.ts`), not by cron-parser's `prev()`/`next()`: in cron-parser
 * 5 a repeated wall-clock time (fall back) fires once, `next()` moves a
 * skipped one (spring forward) past the gap, and `prev()` throws "loop limit
 * exceeded" across Lord Howe Island's half-hour shift.
 */

/** A parsed cron expression. */
export interface CronSchedule {
  minutes: boolean[];
  hours: boolean[];
  daysOfMonth: boolean[];
  months: boolean[];
  /** Index 0 is Sunday. */
  daysOfWeek: boolean[];
  daysOfMonthRestricted: boolean;
  daysOfWeekRestricted: boolean;
}

/** Wall-clock fields of an instant in some time zone. */
export interface WallClock {
  minute: number;
  hour: number;
  /** 1-31 */
  day: number;
  /** 1-12 */
  month: number;
  /** 0 (Sunday) - 6 (Saturday) */
  weekday: number;
}

/** Thrown by {@link parseCron}; the message says which field is wrong and why. */
export class CronSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronSyntaxError';
  }
}

const FIELDS = [
  { name: 'minute', key: 'minute', min: 0, size: 60 },
  { name: 'hour', key: 'hour', min: 0, size: 24 },
  { name: 'day-of-month', key: 'dayOfMonth', min: 1, size: 32 },
  {
    name: 'month',
    key: 'month',
    min: 1,
    size: 13,
    names: 'JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC'.split(' '),
  },
  {
    name: 'day-of-week',
    key: 'dayOfWeek',
    min: 0,
    size: 7, // cron-parser's 7 is stored as 0, Sunday
    names: 'SUN MON TUE WED THU FRI SAT'.split(' '),
  },
] as const;

type Field = (typeof FIELDS)[number];

/** Parses a 5-field cron expression; throws {@link CronSyntaxError}. */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 || parts[0] === '') {
    throw new CronSyntaxError(
      `'${expression}' must have 5 fields (minute hour day-of-month month day-of-week), got ${
        parts[0] === '' ? 0 : parts.length
      }`,
    );
  }
  // Each list item is parsed on its own: errors name the item, and overlapping
  // items (`0,7` for Sunday, `MON-FRI,WED`) stay valid, which cron-parser
  // refuses as duplicate values when it reads the whole list.
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = parts.map(
    (text, i) => {
      const flags = new Array<boolean>(FIELDS[i].size).fill(false);
      for (const item of text.split(',')) {
        itemValues(item, i).forEach(v => (flags[v % flags.length] = true));
      }
      return flags;
    },
  );
  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    daysOfMonthRestricted: !parts[2].startsWith('*'),
    daysOfWeekRestricted: !parts[4].startsWith('*'),
  };
}

/** True when the cron schedule fires at this wall-clock minute. */
export function cronMatches(schedule: CronSchedule, at: WallClock): boolean {
  if (
    !schedule.minutes[at.minute] ||
    !schedule.hours[at.hour] ||
    !schedule.months[at.month]
  ) {
    return false;
  }
  const dom = schedule.daysOfMonth[at.day];
  const dow = schedule.daysOfWeek[at.weekday];
  if (schedule.daysOfMonthRestricted && schedule.daysOfWeekRestricted) {
    return dom || dow;
  }
  return dom && dow;
}

const SUNDAY = /^(0+|SUN)$/i;

/** The values of one list item of field `index`, expanded by cron-parser. */
function itemValues(item: string, index: number): number[] {
  const field: Field = FIELDS[index];
  const names: readonly string[] | undefined =
    'names' in field ? field.names : undefined;
  // Syntax cron-parser reads differently, or with a less precise message.
  const [range, step, ...rest] = item.split('/');
  if (rest.length > 0 || range === '') {
    throw fieldError(field, item, 'is not a value, range or step');
  }
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) {
    throw fieldError(field, item, 'has a step that is not a positive number');
  }
  const bounds = range === '*' ? [] : range.split('-');
  if (bounds.length > 2) {
    throw fieldError(field, item, 'is not a range');
  }
  for (const bound of bounds) {
    if (!/^\d+$/.test(bound) && !names?.includes(bound.toUpperCase())) {
      throw fieldError(
        field,
        item,
        names
          ? `'${bound}' is neither a number nor one of ${names[0]}-${
              names[names.length - 1]
            }`
          : `'${bound}' is not a number`,
      );
    }
  }
  // cron-parser refuses a range ending before it starts; FRI-SUN is FRI-7.
  if (index === 4 && SUNDAY.test(bounds[1] ?? '') && !SUNDAY.test(bounds[0])) {
    bounds[1] = '7';
  }
  const cron = ['*', '*', '*', '*', '*'];
  cron[index] = (bounds.join('-') || '*') + (step ? `/${step}` : '');
  try {
    const values = CronExpressionParser.parse(cron.join(' ')).fields[field.key]
      .values;
    return values as number[]; // no `L`: refused above
  } catch (error) {
    throw fieldError(field, item, problem(error as Error, field, bounds));
  }
}

/** cron-parser's message, in the words of this module's earlier messages. */
function problem({ message }: Error, field: Field, bounds: string[]) {
  const outside =
    /got (?:value|range) ([\d-]+) expected range (\d+)-(\d+)/.exec(message);
  if (outside) {
    const [, got, min, max] = outside;
    const bad = got.split('-').find(v => +v < +min || +v > +max) ?? got;
    return `${bad} is outside ${min}-${max}`;
  }
  // `70/5` reaches cron-parser as the range 70-59.
  const reversed = /min\((\d+)\) > max\((\d+)\)/.exec(message);
  if (reversed && bounds.length === 2) {
    return 'starts after it ends';
  }
  if (reversed) {
    return `${reversed[1]} is outside ${field.min}-${reversed[2]}`;
  }
  return message;
}

function fieldError(field: Field, item: string, problemText: string) {
  return new CronSyntaxError(`${field.name} field '${item}' ${problemText}`);
}
