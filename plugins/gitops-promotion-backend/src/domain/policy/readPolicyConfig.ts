import { Config } from '@backstage/config';
import { DateTime, Duration, IANAZone } from 'luxon';
import { GitopsPromotionConfigError } from '../../config/GitopsPromotionConfigError';
import { CronSyntaxError, parseCron } from './cron';
import { MAX_CRON_WINDOW_DAYS } from './freezeWindows';
import { EnvironmentPolicy, FreezeWindow, PromotionMode } from './types';

const MODES: PromotionMode[] = ['commit', 'pull-request'];

/**
 * Reads and validates the promotion policy of one
 * `gitopsPromotion.environments[i]` entry at startup. `key` is that entry's
 * path, e.g. `gitopsPromotion.environments[2]`; every error names the full
 * key of the bad value.
 */
export function readPolicyConfig(
  envConfig: Config,
  key: string,
): EnvironmentPolicy {
  const mode = (envConfig.getOptionalString('mode') ?? 'commit') as
    | PromotionMode
    | string;
  if (!MODES.includes(mode as PromotionMode)) {
    throw new GitopsPromotionConfigError(
      `${key}.mode`,
      `must be 'commit' or 'pull-request', got '${mode}'`,
    );
  }
  const isProtected = envConfig.getOptionalBoolean('protected') ?? false;
  const immutable = envConfig.getOptionalConfig('immutableVersions');
  if (immutable && !isProtected) {
    throw new GitopsPromotionConfigError(
      `${key}.immutableVersions`,
      'only applies to protected environments; set protected: true or remove it',
    );
  }
  const rejectPattern = immutable?.getOptionalString('rejectPattern');
  return {
    mode: mode as PromotionMode,
    allowSkip: envConfig.getOptionalBoolean('allowSkip') ?? false,
    gate: {
      requireSynced: envConfig.getOptionalBoolean('gate.requireSynced') ?? true,
      requireHealthy:
        envConfig.getOptionalBoolean('gate.requireHealthy') ?? true,
      requireSourceVersion:
        envConfig.getOptionalBoolean('gate.requireSourceVersion') ?? true,
    },
    protected: isProtected,
    immutableVersions: {
      rejectPattern:
        rejectPattern === undefined
          ? undefined
          : compilePattern(
              rejectPattern,
              `${key}.immutableVersions.rejectPattern`,
            ),
    },
    freezeWindows: readFreezeWindows(envConfig, `${key}.freezeWindows`),
  };
}

function compilePattern(pattern: string, key: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new GitopsPromotionConfigError(
      key,
      `'${pattern}' is not a valid regular expression: ${
        (error as Error).message
      }`,
    );
  }
}

function readFreezeWindows(envConfig: Config, key: string): FreezeWindow[] {
  const windows = (envConfig.getOptionalConfigArray('freezeWindows') ?? []).map(
    (c, i) => readFreezeWindow(c, `${key}[${i}]`),
  );
  const seen = new Set<string>();
  windows.forEach((w, i) => {
    if (seen.has(w.name)) {
      throw new GitopsPromotionConfigError(
        `${key}[${i}].name`,
        `duplicate freeze window name '${w.name}'`,
      );
    }
    seen.add(w.name);
  });
  return windows;
}

function readFreezeWindow(c: Config, key: string): FreezeWindow {
  const name = c.getString('name').trim();
  if (!name) {
    throw new GitopsPromotionConfigError(`${key}.name`, 'must not be empty');
  }
  const timeZone = c.getString('timeZone');
  if (!IANAZone.isValidZone(timeZone)) {
    throw new GitopsPromotionConfigError(
      `${key}.timeZone`,
      `'${timeZone}' is not an IANA time zone such as Europe/Berlin or UTC`,
    );
  }
  const cron = c.getOptionalString('cron');
  const from = c.getOptionalString('from');
  const to = c.getOptionalString('to');
  if (cron !== undefined) {
    if (from !== undefined || to !== undefined) {
      throw new GitopsPromotionConfigError(
        key,
        'use either cron with duration, or from/to, not both',
      );
    }
    return {
      type: 'cron',
      name,
      timeZone,
      cron,
      schedule: readCron(cron, `${key}.cron`),
      duration: readDuration(c.getOptionalString('duration'), key),
    };
  }
  if (c.has('duration')) {
    throw new GitopsPromotionConfigError(
      `${key}.duration`,
      'only applies to cron windows; add cron or remove duration',
    );
  }
  if (from === undefined && to === undefined) {
    throw new GitopsPromotionConfigError(
      key,
      'needs cron and duration, or from and/or to',
    );
  }
  const start =
    from === undefined ? undefined : readDate(from, timeZone, key, 'from');
  const end = to === undefined ? undefined : readDate(to, timeZone, key, 'to');
  if (start && end && start >= end) {
    throw new GitopsPromotionConfigError(
      `${key}.to`,
      `'${to}' must be after from '${from}'`,
    );
  }
  return { type: 'range', name, timeZone, from: start, to: end };
}

function readCron(cron: string, key: string) {
  try {
    return parseCron(cron);
  } catch (error) {
    if (error instanceof CronSyntaxError) {
      throw new GitopsPromotionConfigError(
        key,
        `invalid cron expression: ${error.message}`,
      );
    }
    throw error;
  }
}

function readDuration(value: string | undefined, key: string): Duration {
  if (value === undefined) {
    throw new GitopsPromotionConfigError(
      `${key}.duration`,
      "a cron window needs an ISO 8601 duration such as 'PT63H' or 'P2DT15H'",
    );
  }
  const duration = Duration.fromISO(value);
  if (!duration.isValid) {
    throw new GitopsPromotionConfigError(
      `${key}.duration`,
      `'${value}' is not an ISO 8601 duration such as 'PT63H' or 'P2DT15H'`,
    );
  }
  const minutes = duration.as('minutes');
  if (!(minutes >= 1) || minutes > MAX_CRON_WINDOW_DAYS * 24 * 60) {
    throw new GitopsPromotionConfigError(
      `${key}.duration`,
      `'${value}' must be between one minute and ${MAX_CRON_WINDOW_DAYS} days`,
    );
  }
  return duration;
}

function readDate(
  value: string,
  timeZone: string,
  key: string,
  field: string,
): DateTime {
  const date = DateTime.fromISO(value, { zone: timeZone });
  if (!date.isValid) {
    throw new GitopsPromotionConfigError(
      `${key}.${field}`,
      `'${value}' is not an ISO 8601 date-time such as '2026-12-23T18:00' (read in ${timeZone} unless it has an offset)`,
    );
  }
  return date;
}
