import { DateTime, Duration } from 'luxon';
import { parseCron } from './cron';
import { activeFreezeWindows } from './freezeWindows';
import { FreezeWindow } from './types';

const cronWindow = (
  cron: string,
  duration: string,
  timeZone = 'Europe/Berlin',
): FreezeWindow => ({
  type: 'cron',
  name: 'weekend',
  timeZone,
  cron,
  schedule: parseCron(cron),
  duration: Duration.fromISO(duration),
});

const rangeWindow = (from?: string, to?: string): FreezeWindow => ({
  type: 'range',
  name: 'holidays',
  timeZone: 'Europe/Berlin',
  from: from ? DateTime.fromISO(from, { zone: 'Europe/Berlin' }) : undefined,
  to: to ? DateTime.fromISO(to, { zone: 'Europe/Berlin' }) : undefined,
});

/** An instant: ISO with offset, or wall-clock time in Berlin without one. */
const t = (iso: string) =>
  DateTime.fromISO(iso, { zone: 'Europe/Berlin' }).toUTC();

const friday = cronWindow('0 18 * * FRI', 'PT63H');
const fridayCalendar = cronWindow('0 18 * * FRI', 'P2DT15H');

describe('activeFreezeWindows', () => {
  // Berlin leaves summer time on Sunday 2026-10-25 (03:00 CEST → 02:00 CET)
  // and enters it on Sunday 2026-03-29 (02:00 CET → 03:00 CEST).
  it.each<[string, FreezeWindow, string, string | undefined]>([
    // An ordinary week end: 63 hours after Friday 18:00 is Monday 09:00.
    ['ordinary, before', friday, '2026-10-16T17:59', undefined],
    ['ordinary, start', friday, '2026-10-16T18:00', '2026-10-19T09:00+02:00'],
    ['ordinary, Monday', friday, '2026-10-19T08:59', '2026-10-19T09:00+02:00'],
    ['ordinary, end', friday, '2026-10-19T09:00', undefined],
    // October: the Sunday has 25 hours, so 63 elapsed hours end at 08:00 CET…
    ['October, start', friday, '2026-10-23T18:00', '2026-10-26T08:00+01:00'],
    ['October, Sunday', friday, '2026-10-25T12:00', '2026-10-26T08:00+01:00'],
    ['October, 07:59', friday, '2026-10-26T07:59', '2026-10-26T08:00+01:00'],
    ['October, 08:00', friday, '2026-10-26T08:00', undefined],
    // …while a calendar duration keeps Monday 09:00 local time.
    [
      'October, calendar, 08:30',
      fridayCalendar,
      '2026-10-26T08:30',
      '2026-10-26T09:00+01:00',
    ],
    ['October, calendar, 09:00', fridayCalendar, '2026-10-26T09:00', undefined],
    // March: the Sunday has 23 hours.
    ['March, 09:30', friday, '2026-03-30T09:30', '2026-03-30T10:00+02:00'],
    ['March, 10:00', friday, '2026-03-30T10:00', undefined],
    ['March, calendar, 09:00', fridayCalendar, '2026-03-30T09:00', undefined],
    // The window follows Berlin time, not UTC: 16:30Z is 18:30 CEST.
    ['UTC instant', friday, '2026-10-23T16:30:00Z', '2026-10-26T08:00+01:00'],
    ['UTC instant, before', friday, '2026-10-23T15:59:00Z', undefined],
  ])('%s (%s at %s) → end %s', (_name, window, now, end) => {
    const active = activeFreezeWindows([window], t(now));
    expect(
      active.map(a =>
        a.end?.toISO({ suppressMilliseconds: true, suppressSeconds: true }),
      ),
    ).toEqual(end ? [end] : []);
  });

  it('reports the start of the occurrence in the window time zone', () => {
    const [active] = activeFreezeWindows([friday], t('2026-10-25T12:00'));
    expect(active.start!.toISO()).toBe('2026-10-23T18:00:00.000+02:00');
    expect(active.end!.zoneName).toBe('Europe/Berlin');
  });

  it('starts no window at a wall-clock time skipped by spring forward', () => {
    const window = cronWindow('30 2 * * SUN', 'PT1H');
    // 2026-03-22 02:30 CET exists; 2026-03-29 02:30 does not.
    expect(activeFreezeWindows([window], t('2026-03-22T03:10'))).toHaveLength(
      1,
    );
    expect(
      activeFreezeWindows([window], t('2026-03-29T01:10:00Z')),
    ).toHaveLength(0);
  });

  it('starts a window twice at a wall-clock time repeated by fall back', () => {
    const window = cronWindow('30 2 * * SUN', 'PT30M');
    const startAt = (iso: string) =>
      activeFreezeWindows([window], t(iso)).map(a => a.start!.toISO());
    // 02:30 CEST = 00:30Z, and 02:30 CET = 01:30Z.
    expect(startAt('2026-10-25T00:45:00Z')).toEqual([
      '2026-10-25T02:30:00.000+02:00',
    ]);
    expect(startAt('2026-10-25T01:15:00Z')).toEqual([]);
    expect(startAt('2026-10-25T01:45:00Z')).toEqual([
      '2026-10-25T02:30:00.000+01:00',
    ]);
  });

  it('handles a half-hour DST shift (Lord Howe Island)', () => {
    // 2026-10-04 02:00 (+10:30) jumps to 02:30 (+11:00).
    const now = DateTime.fromISO('2026-10-04T03:00:00+11:00');
    const skipped = cronWindow('15 2 * * SUN', 'PT2H', 'Australia/Lord_Howe');
    const kept = cronWindow('45 2 * * SUN', 'PT2H', 'Australia/Lord_Howe');
    expect(activeFreezeWindows([skipped], now)).toEqual([]);
    expect(activeFreezeWindows([kept], now).map(a => a.start!.toISO())).toEqual(
      ['2026-10-04T02:45:00.000+11:00'],
    );
  });

  it('evaluates cron in the window time zone', () => {
    const newYork = cronWindow('0 18 * * FRI', 'PT1H', 'America/New_York');
    expect(activeFreezeWindows([newYork], t('2026-10-23T18:30'))).toEqual([]);
    expect(
      activeFreezeWindows([newYork], t('2026-10-23T22:30:00Z')),
    ).toHaveLength(1);
  });

  it.each<[string, FreezeWindow, string, boolean]>([
    [
      'before',
      rangeWindow('2026-12-21', '2027-01-04'),
      '2026-12-20T23:59',
      false,
    ],
    [
      'from is inclusive',
      rangeWindow('2026-12-21', '2027-01-04'),
      '2026-12-21T00:00',
      true,
    ],
    [
      'inside',
      rangeWindow('2026-12-21', '2027-01-04'),
      '2026-12-31T12:00',
      true,
    ],
    [
      'to is exclusive',
      rangeWindow('2026-12-21', '2027-01-04'),
      '2027-01-04T00:00',
      false,
    ],
    // Across the October change, in Berlin time.
    [
      'DST, inside',
      rangeWindow('2026-10-24T00:00', '2026-10-26T00:00'),
      '2026-10-25T23:30',
      true,
    ],
    [
      'DST, after',
      rangeWindow('2026-10-24T00:00', '2026-10-26T00:00'),
      '2026-10-25T23:00:00Z',
      false,
    ],
    ['open end', rangeWindow('2026-12-21'), '2030-01-01T00:00', true],
    [
      'open start',
      rangeWindow(undefined, '2026-12-21'),
      '2000-01-01T00:00',
      true,
    ],
    [
      'open start, after',
      rangeWindow(undefined, '2026-12-21'),
      '2026-12-21T00:00',
      false,
    ],
  ])('range %s', (_name, window, now, active) => {
    expect(activeFreezeWindows([window], t(now)).length > 0).toBe(active);
  });

  it('returns every active window', () => {
    const active = activeFreezeWindows(
      [
        friday,
        rangeWindow('2026-10-01', '2026-11-01'),
        cronWindow('0 9 * * MON', 'PT1H'),
      ],
      t('2026-10-24T10:00'),
    );
    expect(active.map(a => a.window.name)).toEqual(['weekend', 'holidays']);
  });

  it('scans a 31-day window quickly', () => {
    const monthly = cronWindow('0 0 1 1 *', 'P31D');
    const started = Date.now();
    expect(activeFreezeWindows([monthly], t('2026-06-15T12:00'))).toEqual([]);
    expect(activeFreezeWindows([monthly], t('2026-01-31T23:59'))).toHaveLength(
      1,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
