import {
  DeliveryFiguresResponse,
  EnvironmentDeploymentFigures,
  LeadTimeFigures,
  MatrixEnvironment,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { csvField } from '../shared/csv';

/** The service column of the rows that add up every service. */
export const ALL_SERVICES = 'All services';

/** An environment's figures, zero when it had no change in the period. */
export function environmentFigures(
  figures: EnvironmentDeploymentFigures[],
  name: string,
  weeks: number,
): EnvironmentDeploymentFigures {
  return (
    figures.find(f => f.environment === name) ?? {
      environment: name,
      deployments: 0,
      outsideDeployments: 0,
      perWeek: 0,
      weekly: new Array(weeks).fill(0),
      changes: 0,
      failures: 0,
      timeToRestore: { samples: 0, unrestored: 0 },
    }
  );
}

/**
 * Every figure as CSV: one line per service and environment (every
 * environment shown, zero where nothing changed), then the lines of all
 * services together. Lead time is the service's (to production), repeated
 * on each of its lines; empty where nothing was measured.
 */
export function toDeliveryCsv(
  figures: DeliveryFiguresResponse,
  environments: MatrixEnvironment[],
): string {
  const weeks = Math.max(
    1,
    ...[...figures.services, figures.total].flatMap(s =>
      s.environments.map(e => e.weekly.length),
    ),
  );
  const header = [
    'service',
    'environment',
    'deployments',
    'outside deployments',
    'deployments per week',
    ...Array.from({ length: weeks }, (_, i) => `week ${i + 1}`),
    'last deployed at',
    'changes',
    'failures',
    'change failure rate',
    'time to restore samples',
    'time to restore median hours',
    'time to restore p90 hours',
    'unrestored failures',
    'lead time samples',
    'lead time median hours',
    'lead time p90 hours',
  ];
  const rows = (
    service: string,
    perEnvironment: EnvironmentDeploymentFigures[],
    leadTime: LeadTimeFigures,
  ) =>
    environments.map(({ name }) => {
      const f = environmentFigures(perEnvironment, name, weeks);
      return [
        service,
        name,
        f.deployments,
        f.outsideDeployments,
        f.perWeek,
        ...Array.from({ length: weeks }, (_, i) => f.weekly[i] ?? 0),
        f.lastDeployedAt,
        f.changes,
        f.failures,
        f.changeFailureRate,
        f.timeToRestore.samples,
        f.timeToRestore.medianHours,
        f.timeToRestore.p90Hours,
        f.timeToRestore.unrestored,
        leadTime.samples,
        leadTime.medianHours,
        leadTime.p90Hours,
      ];
    });
  const lines = [
    header,
    ...figures.services.flatMap(s =>
      rows(s.service, s.environments, s.leadTime),
    ),
    ...rows(ALL_SERVICES, figures.total.environments, figures.total.leadTime),
  ];
  return `${lines.map(r => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
