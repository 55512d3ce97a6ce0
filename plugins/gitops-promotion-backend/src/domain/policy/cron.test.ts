import { cronMatches, CronSyntaxError, parseCron, WallClock } from './cron';

// 2026-10-23 is a Friday.
const at = (overrides: Partial<WallClock>): WallClock => ({
  minute: 0,
  hour: 18,
  day: 23,
  month: 10,
  weekday: 5,
  ...overrides,
});

describe('parseCron / cronMatches', () => {
  it.each<[string, Partial<WallClock>, boolean]>([
    ['* * * * *', {}, true],
    ['0 18 * * FRI', {}, true],
    ['0 18 * * fri', {}, true],
    ['0 18 * * 5', {}, true],
    ['0 18 * * FRI', { minute: 1 }, false],
    ['0 18 * * FRI', { weekday: 4 }, false],
    ['0 18 * * MON-FRI', { weekday: 3 }, true],
    ['0 18 * * MON-FRI', { weekday: 6 }, false],
    ['0 18 * * FRI-SUN', { weekday: 0 }, true],
    ['0 18 * * FRI-SUN', { weekday: 6 }, true],
    ['0 18 * * FRI-SUN', { weekday: 1 }, false],
    ['0 18 * * 7', { weekday: 0 }, true],
    ['0 18 * * 0', { weekday: 0 }, true],
    ['*/15 * * * *', { minute: 45 }, true],
    ['*/15 * * * *', { minute: 50 }, false],
    ['5/20 * * * *', { minute: 45 }, true],
    ['5/20 * * * *', { minute: 5 }, true],
    ['5/20 * * * *', { minute: 15 }, false],
    ['0-30/10 * * * *', { minute: 30 }, true],
    ['0-30/10 * * * *', { minute: 40 }, false],
    ['0 9,18 * * *', { hour: 9 }, true],
    ['0 9,18 * * *', { hour: 12 }, false],
    ['0 18 * DEC *', { month: 12 }, true],
    ['0 18 * NOV-DEC *', { month: 10 }, false],
    ['0 18 24-26 12 *', { month: 12, day: 25, weekday: 5 }, true],
    // Both day fields restricted: either matches (Vixie cron).
    ['0 18 1 * FRI', {}, true],
    ['0 18 23 * MON', {}, true],
    ['0 18 1 * MON', {}, false],
    // Only one restricted: both must match.
    ['0 18 */2 * FRI', { day: 24 }, false],
    ['0 18 */2 * FRI', { day: 23 }, true],
  ])('%s at %j → %s', (expression, overrides, expected) => {
    expect(cronMatches(parseCron(expression), at(overrides))).toBe(expected);
  });

  it.each([
    ['0 18 * *', 'must have 5 fields'],
    ['', 'must have 5 fields'],
    ['0 18 * * * *', 'must have 5 fields'],
    ['60 18 * * *', "minute field '60' 60 is outside 0-59"],
    ['0 24 * * *', "hour field '24' 24 is outside 0-23"],
    ['0 18 0 * *', 'day-of-month field'],
    ['0 18 * 13 *', 'month field'],
    ['0 18 * * 8', 'day-of-week field'],
    ['0 18 * * FRY', "'FRY' is neither a number nor one of SUN-SAT"],
    ['0 18 * FOO *', 'neither a number nor one of JAN-DEC'],
    ['*/0 * * * *', 'step that is not a positive number'],
    ['*/x * * * *', 'step that is not a positive number'],
    ['30-10 * * * *', 'starts after it ends'],
    ['1-2-3 * * * *', 'is not a range'],
    ['1//2 * * * *', 'is not a value, range or step'],
    ['1,,2 * * * *', 'is not a value, range or step'],
    ['? * * * *', "'?' is not a number"],
    ['0 18 L * *', "'L' is not a number"],
  ])('rejects %j: %s', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CronSyntaxError);
    expect(() => parseCron(expression)).toThrow(message);
  });
});
