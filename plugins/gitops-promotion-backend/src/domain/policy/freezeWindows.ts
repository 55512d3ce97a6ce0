import { DateTime, IANAZone } from 'luxon';
import { cronMatches } from './cron';
import { CronFreezeWindow, FreezeWindow } from './types';

/** The longest cron window duration accepted: the matcher scans minute by minute. */
export const MAX_CRON_WINDOW_DAYS = 31;

/** A freeze window that is active at some instant. */
export interface ActiveFreeze {
  window: FreezeWindow;
  /** When this occurrence started; absent for a range without `from`. */
  start?: DateTime;
  /** When it ends; absent for a range without `to` (frozen until further notice). */
  end?: DateTime;
}

/**
 * The windows active at `now`, each with the bounds of its current occurrence
 * in the window's time zone.
 *
 * A range window is active when `from <= now < to` (an absent end is open).
 *
 * A cron window is active when the expression fired, in its time zone, at
 * some minute `t <= now` with `now < t + duration`. Occurrences are found by
 * checking every minute back from `now` over the duration (at most
 * {@link MAX_CRON_WINDOW_DAYS} days, about 45,000 cheap checks), which keeps
 * daylight-saving behaviour obvious:
 *
 * - a wall-clock time that does not exist (spring forward) starts no window;
 * - a wall-clock time that occurs twice (fall back) starts a window twice;
 * - `duration` is added with Luxon's rules: hours and minutes are elapsed
 *   time, days, weeks and months are calendar units. `PT63H` after Friday
 *   18:00 ends at Monday 08:00 when the week end has a 25-hour day, while
 *   `P2DT15H` ends at Monday 09:00 local time either way.
 */
export function activeFreezeWindows(
  windows: FreezeWindow[],
  now: DateTime,
): ActiveFreeze[] {
  const active: ActiveFreeze[] = [];
  for (const window of windows) {
    if (window.type === 'range') {
      const started = !window.from || window.from <= now;
      const notEnded = !window.to || now < window.to;
      if (started && notEnded) {
        active.push({
          window,
          start: window.from?.setZone(window.timeZone),
          end: window.to?.setZone(window.timeZone),
        });
      }
    } else {
      const occurrence = currentOccurrence(window, now);
      if (occurrence) {
        active.push({ window, ...occurrence });
      }
    }
  }
  return active;
}

const MINUTE_MS = 60_000;

function currentOccurrence(
  window: CronFreezeWindow,
  now: DateTime,
): { start: DateTime; end: DateTime } | undefined {
  const zone = IANAZone.create(window.timeZone);
  const offsetAt = cachedOffsets(zone);
  const nowMs = now.toMillis();
  // One hour of margin covers calendar durations that span a DST change.
  const earliestMs =
    now.setZone(zone).minus(window.duration).toMillis() - 60 * MINUTE_MS;
  for (
    let t = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
    t > earliestMs;
    t -= MINUTE_MS
  ) {
    if (cronMatches(window.schedule, wallClock(t, offsetAt(t)))) {
      const start = DateTime.fromMillis(t, { zone });
      const end = start.plus(window.duration);
      if (end.toMillis() > nowMs) {
        return { start, end };
      }
    }
  }
  return undefined;
}

function wallClock(epochMs: number, offsetMinutes: number) {
  const local = new Date(epochMs + offsetMinutes * MINUTE_MS);
  return {
    minute: local.getUTCMinutes(),
    hour: local.getUTCHours(),
    day: local.getUTCDate(),
    month: local.getUTCMonth() + 1,
    weekday: local.getUTCDay(),
  };
}

const BLOCK_MS = 15 * MINUTE_MS;

/**
 * The zone's UTC offset (minutes) at an instant, asking the time zone
 * database once per 15 minutes instead of once per minute: when the offsets
 * at both ends of a 15-minute block agree, the whole block has that offset;
 * a block containing a transition is resolved minute by minute.
 */
function cachedOffsets(zone: IANAZone): (epochMs: number) => number {
  const blocks = new Map<number, number | undefined>();
  return epochMs => {
    const block = Math.floor(epochMs / BLOCK_MS) * BLOCK_MS;
    if (!blocks.has(block)) {
      const first = zone.offset(block);
      blocks.set(
        block,
        first === zone.offset(block + BLOCK_MS - MINUTE_MS) ? first : undefined,
      );
    }
    return blocks.get(block) ?? zone.offset(epochMs);
  };
}
