import { ConfigReader } from '@backstage/config';
import { readStatusWatcherConfig } from './readStatusWatcherConfig';

const read = (statusWatcher?: object) =>
  readStatusWatcherConfig(
    new ConfigReader({ gitopsPromotion: { statusWatcher } }),
  );

describe('readStatusWatcherConfig', () => {
  it('checks every 15 seconds and waits 5 minutes before notifying a drift by default', () => {
    expect(readStatusWatcherConfig(new ConfigReader({}))).toEqual({
      frequencyMs: 15_000,
      driftGraceMs: 300_000,
    });
  });

  it.each([
    [{ frequency: '30s', driftGracePeriod: '0s' }, 30_000, 0],
    [{ frequency: { minutes: 1 }, driftGracePeriod: 'PT10M' }, 60_000, 600_000],
  ])('reads %j', (settings, frequencyMs, driftGraceMs) => {
    expect(read(settings)).toEqual({ frequencyMs, driftGraceMs });
  });

  it.each([
    [
      { frequency: '100ms' },
      'gitopsPromotion.statusWatcher.frequency: must be at least 1000 ms',
    ],
    [
      { driftGracePeriod: 'soon' },
      'gitopsPromotion.statusWatcher.driftGracePeriod: must be a duration',
    ],
  ])('refuses %j, naming the key', (settings, message) => {
    expect(() => read(settings)).toThrow(message);
  });
});
