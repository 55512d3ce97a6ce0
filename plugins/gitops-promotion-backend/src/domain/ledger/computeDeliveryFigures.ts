import { judgeChanges, JudgedChange } from './changeFailures';
import { changesOf, TimelineChange } from './deliveryTimeline';
import {
  DeliveryFigures,
  EnvironmentDeployments,
  GitVersionChange,
  HoursSummary,
  PromotionRecord,
} from './types';

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/** Inputs of {@link computeDeliveryFigures}. */
export interface DeliveryFiguresInput {
  /** Ledger records of the services, from some time before `since` on. */
  records: PromotionRecord[];
  /**
   * Commits that changed the services' versions, from the GitOps
   * repository's history, from some time before `since` on (default none:
   * the ledger alone).
   */
  commits?: GitVersionChange[];
  services: string[];
  since: Date;
  until: Date;
  /** Environments whose deployments end a lead time (the pipeline's last ones). */
  productionEnvironments: string[];
}

/**
 * DORA figures per service and environment, from ledger records and the
 * commits made outside the plugin (see {@link changesOf}):
 *
 * - deployments: promotions that reached `deployed` with `deployedAt` in
 *   [since, until], and commits made outside the plugin that changed the
 *   version in that time (their date counts as the deployment); the rate per
 *   week and per 7 days;
 * - lead time per service: for each production deployment in the period
 *   (rollbacks and reverts excluded), from the earliest commit of the same
 *   versions in another environment — typically the CI set into the first
 *   environment — to the deployment. Ledger records match on the whole
 *   bundle (the same `to` values in bundle order), commits read from git on
 *   the version shown. A deployment whose versions were never seen elsewhere
 *   is not measured;
 * - change failure rate: failed changes / changes, where changes are the
 *   deployments plus promotions that ended `failed` after their commit (in
 *   the period by `updatedAt`), and a change failed when it is such a
 *   promotion or the next change rolled it back or reverted it (see
 *   {@link judgeChanges});
 * - time to restore: from the failure (the failed promotion's `updatedAt`,
 *   the deployment of a change that was rolled back) to the next deployment
 *   into the same service and environment; failures without one are counted
 *   as unrestored.
 *
 * Durations are the median and 90th percentile (nearest rank) in hours, two
 * decimals.
 */
export function computeDeliveryFigures(
  input: DeliveryFiguresInput,
): DeliveryFigures {
  const { since, until } = input;
  const production = new Set(input.productionEnvironments);
  const inPeriod = (t: number) => t >= since.getTime() && t <= until.getTime();

  const records = groupBy(input.services, input.records, r => r.service);
  const commits = groupBy(input.services, input.commits ?? [], c => c.service);

  const allLeadTimes: number[] = [];
  const allJudged: JudgedChange[] = [];
  const services = input.services.map(service => {
    const timelines = changesOf(
      records.get(service) ?? [],
      commits.get(service) ?? [],
    );
    const judged = [...timelines.values()]
      .flatMap(judgeChanges)
      .filter(j => inPeriod(j.at));
    allJudged.push(...judged);
    const starts = leadTimeStarts(timelines);
    const leadTimes = judged
      .filter(
        ({ change }) =>
          change.deployedAt !== undefined &&
          change.undoes === undefined &&
          production.has(change.environment),
      )
      .flatMap(({ change }) => {
        const start = starts(change);
        return start === undefined
          ? []
          : [(change.deployedAt! - start) / HOUR_MS];
      });
    allLeadTimes.push(...leadTimes);
    return {
      service,
      environments: figuresByEnvironment(judged, since, until),
      leadTime: summarize(leadTimes),
    };
  });

  return {
    since: since.toISOString(),
    until: until.toISOString(),
    services,
    total: {
      environments: figuresByEnvironment(allJudged, since, until),
      leadTime: summarize(allLeadTimes),
    },
  };
}

function groupBy<T>(
  keys: string[],
  items: T[],
  keyOf: (item: T) => string,
): Map<string, T[]> {
  const groups = new Map<string, T[]>(keys.map(k => [k, []]));
  for (const item of items) groups.get(keyOf(item))?.push(item);
  return groups;
}

function fingerprint(record: PromotionRecord): string {
  return JSON.stringify(record.versions.map(v => v.to));
}

/**
 * For a production deployment, the earliest time the same versions went
 * into git in another environment, if that was before the deployment.
 */
function leadTimeStarts(timelines: Map<string, TimelineChange[]>) {
  const changes = [...timelines.values()].flat();
  return (deployment: TimelineChange): number | undefined => {
    const bundle = deployment.record && fingerprint(deployment.record);
    const sameVersions = (c: TimelineChange) =>
      bundle !== undefined && c.record
        ? fingerprint(c.record) === bundle
        : c.version !== undefined && c.version === deployment.version;
    let earliest: number | undefined;
    for (const c of changes) {
      const committed = !c.record || c.record.committedAt !== undefined;
      if (
        committed &&
        c.environment !== deployment.environment &&
        sameVersions(c)
      ) {
        if (earliest === undefined || c.committedAt < earliest) {
          earliest = c.committedAt;
        }
      }
    }
    return earliest !== undefined && earliest <= deployment.deployedAt!
      ? earliest
      : undefined;
  };
}

function figuresByEnvironment(
  judged: JudgedChange[],
  since: Date,
  until: Date,
): EnvironmentDeployments[] {
  const byEnv = new Map<string, JudgedChange[]>();
  for (const j of judged) {
    const env = j.change.environment;
    byEnv.set(env, [...(byEnv.get(env) ?? []), j]);
  }
  return [...byEnv]
    .map(([environment, changes]) =>
      environmentFigures(environment, changes, since, until),
    )
    .sort((a, b) => a.environment.localeCompare(b.environment));
}

function environmentFigures(
  environment: string,
  changes: JudgedChange[],
  since: Date,
  until: Date,
): EnvironmentDeployments {
  const period = until.getTime() - since.getTime();
  const weeks = Math.max(period, HOUR_MS * 24) / WEEK_MS;
  const buckets = Math.max(1, Math.ceil(period / WEEK_MS));
  const deployed = changes.flatMap(({ change }) =>
    change.deployedAt === undefined ? [] : [change],
  );
  const failed = changes.filter(j => j.failedAt !== undefined);
  const restored = failed.filter(j => j.restoredAt !== undefined);
  const lastDeployedAt = Math.max(...deployed.map(c => c.deployedAt!));
  return {
    environment,
    deployments: deployed.length,
    outsideDeployments: deployed.filter(c => c.source === 'outside').length,
    perWeek: round(deployed.length / weeks),
    ...(deployed.length
      ? { lastDeployedAt: new Date(lastDeployedAt).toISOString() }
      : {}),
    weekly: weeklyCounts(
      deployed.map(c => c.deployedAt!),
      since,
      buckets,
    ),
    changes: changes.length,
    failures: failed.length,
    ...(changes.length
      ? {
          changeFailureRate:
            Math.round((failed.length / changes.length) * 10_000) / 10_000,
        }
      : {}),
    timeToRestore: {
      ...summarize(restored.map(j => (j.restoredAt! - j.failedAt!) / HOUR_MS)),
      unrestored: failed.length - restored.length,
    },
  };
}

/** Deployments per 7 days from `since` on, oldest first (the last bucket may be shorter). */
function weeklyCounts(times: number[], since: Date, buckets: number): number[] {
  const counts = new Array<number>(buckets).fill(0);
  for (const t of times) {
    const bucket = Math.floor((t - since.getTime()) / WEEK_MS);
    counts[Math.min(Math.max(bucket, 0), buckets - 1)]++;
  }
  return counts;
}

/** Median and 90th percentile (nearest rank) of hours. */
export function summarize(hours: number[]): HoursSummary {
  if (hours.length === 0) {
    return { samples: 0 };
  }
  const sorted = [...hours].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1];
  return {
    samples: sorted.length,
    medianHours: round(median),
    p90Hours: round(p90),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
