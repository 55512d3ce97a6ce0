import type {
  EnvironmentLag,
  GitopsArgoCdStatus,
  MatrixCell,
  MatrixCellStatus,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { PromotionRecord } from '../ledger';
import { driftOf, LiveChartVersions } from './drift';
import { CellVersion } from './VersionReader';

/**
 * One cell as the matrix answers it: what the environment and the service
 * already say is not repeated, and empty fields are left out (see the
 * spec's MatrixCell), so 10,000 cells stay under 2 MB.
 */
export function toMatrixCell(
  cell: CellVersion,
  status: GitopsArgoCdStatus,
  lag: EnvironmentLag | undefined,
  promotions: PromotionRecord[],
  liveCharts?: LiveChartVersions,
  caller: {
    /** Ids of the promotions the caller may approve or reject now. */
    decidable?: Set<string>;
    autoPromotionPaused?: boolean;
  } = {},
): MatrixCell {
  const behind =
    lag?.upstreamVersion !== undefined && cell.version !== undefined
      ? lag.upstreamVersion !== cell.version
      : undefined;
  const drift = driftOf(cell, status, liveCharts);
  const openPullRequests = promotions.flatMap(p =>
    p.state === 'pr-open' && p.pullRequest
      ? [{ id: p.id, ...p.pullRequest }]
      : [],
  );
  return {
    ...(cell.version !== undefined && { version: cell.version }),
    ...(hasMoreThanTheVersion(cell) && { values: cell.values }),
    status: matrixCellStatus(status),
    ...(drift && { drift }),
    ...(behind !== undefined && { behind }),
    ...(behind && lag && { lag }),
    ...(openPullRequests.length > 0 && { openPullRequests }),
    ...(promotions.length > 0 && {
      inFlight: promotions.map(p => ({
        id: p.id,
        state: p.state,
        sourceEnv: p.sourceEnv,
        ...(p.trigger && { trigger: p.trigger }),
        ...(caller.decidable?.has(p.id) && { mayDecide: true }),
      })),
    }),
    ...(caller.autoPromotionPaused && { autoPromotionPaused: true }),
  };
}

/** Several keys, or a key that could not be read. */
function hasMoreThanTheVersion(cell: CellVersion) {
  return cell.values.length > 1 || cell.values.some(v => v.problem);
}

/** Sync and health, or why there is no status; the rest is the Environments tab's. */
function matrixCellStatus(status: GitopsArgoCdStatus): MatrixCellStatus {
  if (status.state === 'unknown') {
    return { state: 'unknown', reason: status.reason, message: status.message };
  }
  return {
    state: 'known',
    syncStatus: status.syncStatus,
    health: status.health,
  };
}
