/**
 * A small, dependency-free matcher for classic 5-field cron expressions
 * (`minute hour day-of-month month day-of-week`), enough to describe freeze
 * windows such as `0 18 * * FRI`.
 *
 * Supported in every field: `*`, single values, lists (`1,15`), ranges
 * (`MON-FRI`, and `FRI-SUN` across the week end), steps (`*\/15`, `0-30/10`, `5/20` meaning 5 to the maximum by
 * 20), month names `JAN`-`DEC` and weekday names `SUN`-`SAT` (case-insensitive);
 * day-of-week 0 and 7 are both Sunday. As in Vixie cron, when both
 * day-of-month and day-of-week are restricted (neither starts with `*`), a
 * day matches when either matches. Not supported: `?`, `L`, `W`, `#` and
 * `@daily`-style macros.
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

const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Value of the first name (1 for months, 0 for weekdays). */
  namesStart?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesStart: 1 },
  {
    name: 'day-of-week',
    min: 0,
    max: 7,
    names: WEEKDAY_NAMES,
    namesStart: 0,
  },
];

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
  const [minutes, hours, daysOfMonth, months, weekdays] = parts.map((p, i) =>
    parseField(p, FIELDS[i]),
  );
  // 7 is another name for Sunday.
  const daysOfWeek = weekdays.slice(0, 7);
  daysOfWeek[0] = weekdays[0] || weekdays[7];
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

function parseField(text: string, spec: FieldSpec): boolean[] {
  const values = new Array<boolean>(spec.max + 1).fill(false);
  for (const item of text.split(',')) {
    const [range, stepText, ...rest] = item.split('/');
    if (rest.length > 0 || range === '') {
      throw fieldError(spec, item, 'is not a value, range or step');
    }
    const step = stepText === undefined ? 1 : parseStep(stepText, spec, item);
    let from: number;
    let to: number;
    if (range === '*') {
      from = spec.min;
      to = spec.max;
    } else if (range.includes('-')) {
      const [a, b, ...more] = range.split('-');
      if (more.length > 0) {
        throw fieldError(spec, item, 'is not a range');
      }
      from = parseValue(a, spec, item);
      to = parseValue(b, spec, item);
      if (spec.name === 'day-of-week' && to === 0 && from > 0) {
        to = 7; // FRI-SUN
      }
      if (from > to) {
        throw fieldError(spec, item, `starts after it ends`);
      }
    } else {
      from = parseValue(range, spec, item);
      to = stepText === undefined ? from : spec.max;
    }
    for (let v = from; v <= to; v += step) {
      values[v] = true;
    }
  }
  return values;
}

function parseStep(text: string, spec: FieldSpec, item: string): number {
  if (!/^\d+$/.test(text) || Number(text) === 0) {
    throw fieldError(spec, item, 'has a step that is not a positive number');
  }
  return Number(text);
}

function parseValue(text: string, spec: FieldSpec, item: string): number {
  const upper = text.toUpperCase();
  const nameIndex = spec.names?.indexOf(upper) ?? -1;
  if (nameIndex >= 0) {
    return nameIndex + (spec.namesStart ?? 0);
  }
  if (!/^\d+$/.test(text)) {
    throw fieldError(
      spec,
      item,
      spec.names
        ? `'${text}' is neither a number nor one of ${spec.names[0]}-${
            spec.names[spec.names.length - 1]
          }`
        : `'${text}' is not a number`,
    );
  }
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw fieldError(spec, item, `${value} is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

function fieldError(spec: FieldSpec, item: string, problem: string) {
  return new CronSyntaxError(`${spec.name} field '${item}' ${problem}`);
}
