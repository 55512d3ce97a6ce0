import { ConfigReader } from '@backstage/config';
import { DateTime } from 'luxon';
import { GitopsPromotionConfigError } from '../../config/GitopsPromotionConfigError';
import { readPolicyConfig } from './readPolicyConfig';

const KEY = 'gitopsPromotion.environments[2]';
const read = (data: object) => readPolicyConfig(new ConfigReader(data), KEY);

describe('readPolicyConfig', () => {
  it('defaults: direct commits, no skipping, full gate, unprotected, never frozen', () => {
    expect(read({ name: 'prod-eu' })).toEqual({
      mode: 'commit',
      allowSkip: false,
      gate: {
        requireSynced: true,
        requireHealthy: true,
        requireSourceVersion: true,
      },
      protected: false,
      immutableVersions: { rejectPattern: undefined },
      freezeWindows: [],
    });
  });

  it('reads a full policy', () => {
    const policy = read({
      mode: 'pull-request',
      allowSkip: true,
      gate: { requireHealthy: false },
      protected: true,
      immutableVersions: { rejectPattern: '-SNAPSHOT$' },
      freezeWindows: [
        {
          name: 'weekend',
          timeZone: 'Europe/Berlin',
          cron: '0 18 * * FRI',
          duration: 'P2DT15H',
        },
        {
          name: 'holidays',
          timeZone: 'Europe/Berlin',
          from: '2026-12-21',
          to: '2027-01-04T00:00:00+01:00',
        },
        { name: 'until-migration', timeZone: 'UTC', to: '2026-12-01T00:00' },
      ],
    });
    expect(policy.mode).toBe('pull-request');
    expect(policy.allowSkip).toBe(true);
    expect(policy.gate).toEqual({
      requireSynced: true,
      requireHealthy: false,
      requireSourceVersion: true,
    });
    expect(policy.immutableVersions.rejectPattern?.test('1.0-SNAPSHOT')).toBe(
      true,
    );
    const [weekend, holidays, migration] = policy.freezeWindows;
    expect(weekend).toMatchObject({
      type: 'cron',
      cron: '0 18 * * FRI',
      timeZone: 'Europe/Berlin',
    });
    expect(weekend.type === 'cron' && weekend.duration.toISO()).toBe('P2DT15H');
    expect(holidays.type === 'range' && holidays.from?.toISO()).toBe(
      '2026-12-21T00:00:00.000+01:00',
    );
    expect(holidays.type === 'range' && holidays.to?.toMillis()).toBe(
      DateTime.fromISO('2027-01-03T23:00:00Z').toMillis(),
    );
    expect(migration).toMatchObject({ type: 'range', from: undefined });
  });

  it.each<[string, object, string]>([
    [
      'unknown mode',
      { mode: 'push' },
      `${KEY}.mode: must be 'commit' or 'pull-request', got 'push'`,
    ],
    [
      'immutableVersions without protected',
      { immutableVersions: { rejectPattern: 'x' } },
      `${KEY}.immutableVersions: only applies to protected environments`,
    ],
    [
      'invalid regex',
      { protected: true, immutableVersions: { rejectPattern: '(' } },
      `${KEY}.immutableVersions.rejectPattern: '(' is not a valid regular expression`,
    ],
    [
      'unknown time zone',
      {
        freezeWindows: [
          {
            name: 'w',
            timeZone: 'Mars/Olympus',
            cron: '* * * * *',
            duration: 'PT1H',
          },
        ],
      },
      `${KEY}.freezeWindows[0].timeZone: 'Mars/Olympus' is not an IANA time zone`,
    ],
    [
      'bad cron',
      {
        freezeWindows: [
          { name: 'w', timeZone: 'UTC', cron: '0 25 * * *', duration: 'PT1H' },
        ],
      },
      `${KEY}.freezeWindows[0].cron: invalid cron expression: hour field '25' 25 is outside 0-23`,
    ],
    [
      'cron without duration',
      { freezeWindows: [{ name: 'w', timeZone: 'UTC', cron: '0 18 * * FRI' }] },
      `${KEY}.freezeWindows[0].duration: a cron window needs an ISO 8601 duration`,
    ],
    [
      'bad duration',
      {
        freezeWindows: [
          { name: 'w', timeZone: 'UTC', cron: '0 18 * * FRI', duration: '63h' },
        ],
      },
      `${KEY}.freezeWindows[0].duration: '63h' is not an ISO 8601 duration`,
    ],
    [
      'negative duration',
      {
        freezeWindows: [
          {
            name: 'w',
            timeZone: 'UTC',
            cron: '0 18 * * FRI',
            duration: 'PT-5H',
          },
        ],
      },
      `${KEY}.freezeWindows[0].duration: 'PT-5H' must be between one minute and 31 days`,
    ],
    [
      'too long a duration',
      {
        freezeWindows: [
          { name: 'w', timeZone: 'UTC', cron: '0 18 * * FRI', duration: 'P6W' },
        ],
      },
      `${KEY}.freezeWindows[0].duration: 'P6W' must be between one minute and 31 days`,
    ],
    [
      'cron and range',
      {
        freezeWindows: [
          {
            name: 'w',
            timeZone: 'UTC',
            cron: '0 18 * * FRI',
            duration: 'PT1H',
            from: '2026-01-01',
          },
        ],
      },
      `${KEY}.freezeWindows[0]: use either cron with duration, or from/to`,
    ],
    [
      'duration without cron',
      {
        freezeWindows: [
          { name: 'w', timeZone: 'UTC', from: '2026-01-01', duration: 'PT1H' },
        ],
      },
      `${KEY}.freezeWindows[0].duration: only applies to cron windows`,
    ],
    [
      'neither',
      { freezeWindows: [{ name: 'w', timeZone: 'UTC' }] },
      `${KEY}.freezeWindows[0]: needs cron and duration, or from and/or to`,
    ],
    [
      'bad date',
      { freezeWindows: [{ name: 'w', timeZone: 'UTC', from: '24/12/2026' }] },
      `${KEY}.freezeWindows[0].from: '24/12/2026' is not an ISO 8601 date-time`,
    ],
    [
      'from after to',
      {
        freezeWindows: [
          { name: 'w', timeZone: 'UTC', from: '2027-01-04', to: '2026-12-21' },
        ],
      },
      `${KEY}.freezeWindows[0].to: '2026-12-21' must be after from '2027-01-04'`,
    ],
    [
      'from equal to to',
      {
        freezeWindows: [
          {
            name: 'w',
            timeZone: 'UTC',
            from: '2026-12-21',
            to: '2026-12-21T00:00',
          },
        ],
      },
      `${KEY}.freezeWindows[0].to: '2026-12-21T00:00' must be after from`,
    ],
    [
      'empty name',
      { freezeWindows: [{ name: ' ', timeZone: 'UTC', from: '2026-12-21' }] },
      `${KEY}.freezeWindows[0].name: must not be empty`,
    ],
    [
      'duplicate name',
      {
        freezeWindows: [
          { name: 'w', timeZone: 'UTC', from: '2026-12-21' },
          { name: 'w', timeZone: 'UTC', to: '2026-12-21' },
        ],
      },
      `${KEY}.freezeWindows[1].name: duplicate freeze window name 'w'`,
    ],
  ])('rejects %s', (_name, data, message) => {
    expect(() => read(data)).toThrow(GitopsPromotionConfigError);
    expect(() => read(data)).toThrow(`Invalid configuration at ${message}`);
  });
});
