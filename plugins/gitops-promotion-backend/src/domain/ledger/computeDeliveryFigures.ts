import {
  DeliveryFigures,
  EnvironmentDeployments,
  LeadTime,
  PromotionRecord,
} from './types';

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/** Inputs of {@link computeDeliveryFigures}. */
export interface DeliveryFiguresInput {
  /** Ledger records of the services, from some time before `since` on. */
  records: PromotionRecord[];
  services: string[];
  since: Date;
  until: Date;
  /** Environments whose deployments end a lead time (the pipeline's last ones). */
  productionEnvironments: string[];
}

/**
 * DORA-style figures from ledger records:
 *
 * - deployments per service and environment: promotions that reached
 *   `deployed` with `deployedAt` in [since, until], and the rate per week;
 * - lead time per service: for each production deployment in the period
 *   (rollbacks excluded), from the earliest commit of the same versions (the
 *   same `to` values in bundle order) in another environment — typically the
 *   CI set into the first environment — to `deployedAt`. A deployment whose
 *   versions the ledger never saw elsewhere is not measured (its start is
 *   unknown to the ledger). Median and 90th percentile (nearest rank) in
 *   hours, two decimals.
 */
export function computeDeliveryFigures(
  input: DeliveryFiguresInput,
): DeliveryFigures {
  const { since, until } = input;
  const production = new Set(input.productionEnvironments);
  const inPeriod = (iso?: string) => {
    const t = iso ? Date.parse(iso) : NaN;
    return t >= since.getTime() && t <= until.getTime();
  };

  const byService = new Map<string, PromotionRecord[]>(
    input.services.map(s => [s, []]),
  );
  for (const record of input.records) {
    byService.get(record.service)?.push(record);
  }

  const allLeadTimes: number[] = [];
  const allDeployments: PromotionRecord[] = [];
  const services = [...byService].map(([service, records]) => {
    const deployed = records.filter(
      r => r.state === 'deployed' && inPeriod(r.deployedAt),
    );
    allDeployments.push(...deployed);
    const leadTimes = deployed
      .filter(r => production.has(r.targetEnv) && r.kind !== 'rollback')
      .flatMap(r => {
        const start = firstCommit(records, r);
        return start === undefined
          ? []
          : [(Date.parse(r.deployedAt!) - start) / HOUR_MS];
      });
    allLeadTimes.push(...leadTimes);
    return {
      service,
      environments: countByEnvironment(deployed, since, until),
      leadTime: summarize(leadTimes),
    };
  });

  return {
    since: since.toISOString(),
    until: until.toISOString(),
    services,
    total: {
      environments: countByEnvironment(allDeployments, since, until),
      leadTime: summarize(allLeadTimes),
    },
  };
}

function fingerprint(record: PromotionRecord): string {
  return JSON.stringify(record.versions.map(v => v.to));
}

/** The earliest commit time of the deployment's versions in another environment. */
function firstCommit(
  records: PromotionRecord[],
  deployment: PromotionRecord,
): number | undefined {
  const versions = fingerprint(deployment);
  let earliest: number | undefined;
  for (const r of records) {
    if (
      r.targetEnv !== deployment.targetEnv &&
      r.committedAt &&
      fingerprint(r) === versions
    ) {
      const t = Date.parse(r.committedAt);
      if (earliest === undefined || t < earliest) {
        earliest = t;
      }
    }
  }
  return earliest !== undefined &&
    earliest <= Date.parse(deployment.deployedAt!)
    ? earliest
    : undefined;
}

function countByEnvironment(
  deployed: PromotionRecord[],
  since: Date,
  until: Date,
): EnvironmentDeployments[] {
  const period = until.getTime() - since.getTime();
  const weeks = Math.max(period, HOUR_MS * 24) / WEEK_MS;
  const buckets = Math.max(1, Math.ceil(period / WEEK_MS));
  const byEnv = new Map<string, PromotionRecord[]>();
  for (const r of deployed) {
    byEnv.set(r.targetEnv, [...(byEnv.get(r.targetEnv) ?? []), r]);
  }
  return [...byEnv]
    .map(([environment, rows]) => ({
      environment,
      deployments: rows.length,
      perWeek: round(rows.length / weeks),
      lastDeployedAt: rows
        .map(r => r.deployedAt!)
        .sort()
        .at(-1),
      weekly: weeklyCounts(rows, since, buckets),
    }))
    .sort((a, b) => a.environment.localeCompare(b.environment));
}

/** Deployments per 7 days from `since` on, oldest first (the last bucket may be shorter). */
function weeklyCounts(
  rows: PromotionRecord[],
  since: Date,
  buckets: number,
): number[] {
  const counts = new Array<number>(buckets).fill(0);
  for (const r of rows) {
    const bucket = Math.floor(
      (Date.parse(r.deployedAt!) - since.getTime()) / WEEK_MS,
    );
    counts[Math.min(Math.max(bucket, 0), buckets - 1)]++;
  }
  return counts;
}

/** Median and 90th percentile (nearest rank) of hours. */
export function summarize(hours: number[]): LeadTime {
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
