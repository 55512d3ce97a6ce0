import {
  MatrixCell,
  MatrixEnvironment,
  MatrixService,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { autoFromSentence, plural, titleOf } from '../shared';
import { csvField } from '../shared/csv';

/** What the matrix shows: `owner` is `mine`, `all` or an owner's entity ref. */
export interface MatrixFilter {
  owner: string;
  system?: string;
  lifecycle?: string;
  text: string;
}

export type MatrixSort = 'name' | 'lag' | 'last-change';

export const MATRIX_SORTS: Array<{ value: MatrixSort; label: string }> = [
  { value: 'name', label: 'Name' },
  { value: 'lag', label: 'Most behind first' },
  { value: 'last-change', label: 'Last change first' },
];

const DAY_MS = 86_400_000;
const UNHEALTHY = ['Degraded', 'Missing'];

/** Services matching every part of the filter; `ownership` is the user's own entity refs. */
export function filterServices(
  services: MatrixService[],
  filter: MatrixFilter,
  ownership: string[],
): MatrixService[] {
  const text = filter.text.trim().toLocaleLowerCase('en-US');
  const owners = ownersOf(filter.owner, ownership);
  return services.filter(
    s =>
      (!owners || s.owners.some(o => owners.has(o))) &&
      (!filter.system || s.systems.includes(filter.system)) &&
      (!filter.lifecycle || s.lifecycle === filter.lifecycle) &&
      (!text ||
        [s.title, s.service, s.entityRef, s.owner, s.system]
          .filter(Boolean)
          .some(v => v!.toLocaleLowerCase('en-US').includes(text))),
  );
}

function ownersOf(owner: string, ownership: string[]) {
  if (owner === 'all') return undefined;
  return new Set(owner === 'mine' ? ownership : [owner]);
}

/** How far the service's furthest-behind environment is: versions, then days. */
export function lagOf(service: MatrixService): {
  versions: number;
  since?: string;
} {
  let versions = 0;
  let since: string | undefined;
  for (const cell of service.cells) {
    if (!cell.behind) continue;
    // Behind by a count not known (yet) ranks as 1, to sort only.
    const behind = cell.lag?.versionsBehind ?? 1;
    const cellSince = cell.lag?.behindSince;
    if (
      behind > versions ||
      (behind === versions && cellSince && (!since || cellSince < since))
    ) {
      versions = behind;
      since = cellSince;
    }
  }
  return { versions, since };
}

export function sortServices(
  services: MatrixService[],
  sort: MatrixSort,
): MatrixService[] {
  const byName = (a: MatrixService, b: MatrixService) =>
    a.title.localeCompare(b.title, 'en-US');
  const sorted = [...services];
  if (sort === 'lag') {
    const lags = new Map(services.map(s => [s, lagOf(s)]));
    return sorted.sort((a, b) => {
      const la = lags.get(a)!;
      const lb = lags.get(b)!;
      return (
        lb.versions - la.versions ||
        (la.since ?? '\uffff').localeCompare(lb.since ?? '\uffff') ||
        byName(a, b)
      );
    });
  }
  if (sort === 'last-change') {
    // ISO 8601 dates sort as text; never deployed goes last
    const changeOf = (s: MatrixService) => s.lastDeployedAt ?? '';
    return sorted.sort(
      (a, b) => changeOf(b).localeCompare(changeOf(a)) || byName(a, b),
    );
  }
  return sorted.sort(byName);
}

export function isUnhealthy(cell: MatrixCell) {
  return (
    cell.status.state === 'known' &&
    UNHEALTHY.includes(cell.status.health.status)
  );
}

export function isOutOfSync(cell: MatrixCell) {
  return (
    cell.status.state === 'known' && cell.status.syncStatus === 'OutOfSync'
  );
}

/** Up to date, behind and failing services of one environment column. */
export function columnSummary(services: MatrixService[], column: number) {
  const summary = { upToDate: 0, behind: 0, failing: 0 };
  for (const service of services) {
    const cell = service.cells[column];
    if (!cell) continue;
    if (isUnhealthy(cell)) summary.failing++;
    if (cell.behind) summary.behind++;
    else if (cell.version !== undefined && !isUnhealthy(cell))
      summary.upToDate++;
  }
  return summary;
}

export type HighlightKind =
  | 'behind'
  | 'drift'
  | 'out-of-sync'
  | 'unhealthy'
  | 'pull-request'
  | 'awaiting-approval'
  | 'in-flight'
  | 'verifying'
  | 'auto-paused'
  | 'unknown';

export interface Highlight {
  kind: HighlightKind;
  /** Short text shown in the cell. */
  label: string;
  /** The full sentence for tooltips and screen readers. */
  description: string;
  tone: 'warning' | 'error' | 'info' | 'neutral';
}

/** Where a cell is: cells carry no environment, they are aligned with `environments`. */
export interface CellContext {
  /** The cell's environment: the one at its position. */
  environment: MatrixEnvironment;
  environments: MatrixEnvironment[];
  /** The backend is still counting the lag: a behind cell may have none yet. */
  lagPending: boolean;
}

/** One context per column, for the cells of every row. */
export function cellContexts(
  environments: MatrixEnvironment[],
  lagPending: boolean,
): CellContext[] {
  return environments.map(environment => ({
    environment,
    environments,
    lagPending,
  }));
}

/** How far behind its first upstream; without a count while it is being counted. */
function behindHighlight(
  cell: MatrixCell,
  context: CellContext,
  now: number,
): Highlight {
  const { lag } = cell;
  const upstreamName = lag?.upstream ?? context.environment.promotesFrom[0];
  const upstream = upstreamName
    ? titleOf(context.environments, upstreamName)
    : 'its upstream';
  const versions = lag?.versionsBehind;
  const days = lag?.behindSince
    ? Math.max(0, Math.floor((now - Date.parse(lag.behindSince)) / DAY_MS))
    : undefined;
  const count =
    versions === undefined ? 'behind' : `${plural(versions, 'version')} behind`;
  let description = `${count} ${upstream}`;
  if (lag?.upstreamVersion) description += ` (${lag.upstreamVersion})`;
  if (days !== undefined) description += ` for ${plural(days, 'day')}`;
  if (!lag && context.lagPending) description += ', counting how far…';
  return {
    kind: 'behind',
    label: [versions === undefined ? 'behind' : `${versions} behind`]
      .concat(days === undefined ? [] : [`${days}d`])
      .join(' · '),
    description,
    tone: 'warning',
  };
}

type CellPromotion = NonNullable<MatrixCell['inFlight']>[number];

/** Who started a promotion under way, as the subject of a sentence. */
function promotionSubject(promotion: CellPromotion) {
  if (promotion.trigger === 'auto-promotion') return 'An automatic promotion';
  if (promotion.trigger === 'auto-rollback') return 'An automatic rollback';
  return 'A promotion';
}

function awaitingApprovalHighlight(
  promotion: CellPromotion,
  context: CellContext,
): Highlight {
  const source = promotion.sourceEnv
    ? ` from ${titleOf(context.environments, promotion.sourceEnv)}`
    : '';
  return {
    kind: 'awaiting-approval',
    label: 'Awaiting approval',
    description: `A promotion${source} awaits approval${
      promotion.mayDecide ? '; you may approve or reject it' : ''
    }`,
    tone: promotion.mayDecide ? 'warning' : 'info',
  };
}

function underWayHighlight(promotion: CellPromotion): Highlight {
  const subject = promotionSubject(promotion);
  if (promotion.state === 'verifying') {
    return {
      kind: 'verifying',
      label: 'verifying',
      description: `${subject} into this environment is being verified`,
      tone: 'info',
    };
  }
  return {
    kind: 'in-flight',
    label: promotion.state,
    description: `${subject} into this environment is ${promotion.state}`,
    tone: 'info',
  };
}

/**
 * The mark of a column promoted into automatically: "auto", or "auto paused"
 * while paused for every service, with the sentence for its tooltip.
 */
export function autoPromotionMark(
  environment: MatrixEnvironment,
  environments: MatrixEnvironment[],
): { label: string; description: string } | undefined {
  const edges = environment.gates?.autoPromotesFrom ?? [];
  if (edges.length === 0) return undefined;
  const paused = Boolean(environment.gates?.autoPromotionPaused);
  const sentence = edges
    .map(e => autoFromSentence(titleOf(environments, e.environment), e.after))
    .join('; ');
  return {
    label: paused ? 'auto paused' : 'auto',
    description: `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${
      paused ? '; paused for every service' : ''
    }`,
  };
}

/**
 * What a user who may (`mayPausePromotion`) can do about automatic promotion
 * into a column for every service: pause it, or resume it while paused, with
 * the label of the column header's button. None elsewhere.
 */
export function autoPromotionAction(
  environment: MatrixEnvironment,
): { action: 'pause' | 'resume'; label: string } | undefined {
  const { gates } = environment;
  if (!gates?.autoPromotesFrom?.length || !environment.mayPausePromotion) {
    return undefined;
  }
  return gates.autoPromotionPaused
    ? {
        action: 'resume',
        label: `Resume auto-promotion into ${environment.title}`,
      }
    : {
        action: 'pause',
        label: `Pause auto-promotion into ${environment.title} for every service`,
      };
}

/** What stands out in a cell, most serious first. */
export function highlightsOf(
  cell: MatrixCell,
  context: CellContext,
  now: number = Date.now(),
): Highlight[] {
  const highlights: Highlight[] = [];
  if (isUnhealthy(cell) && cell.status.state === 'known') {
    highlights.push({
      kind: 'unhealthy',
      label: cell.status.health.status,
      description: `Argo CD reports ${cell.status.health.status}${
        cell.status.health.message ? `: ${cell.status.health.message}` : ''
      }`,
      tone: 'error',
    });
  }
  if (cell.behind) highlights.push(behindHighlight(cell, context, now));
  if (cell.drift) {
    highlights.push({
      kind: 'drift',
      label: 'drift',
      description: `Git says ${
        cell.drift.desired
      }; running ${cell.drift.live.join(', ')}`,
      tone: 'warning',
    });
  }
  if (isOutOfSync(cell)) {
    highlights.push({
      kind: 'out-of-sync',
      label: 'out of sync',
      description: 'Argo CD has not applied the latest commit yet',
      tone: 'warning',
    });
  }
  for (const pr of cell.openPullRequests ?? []) {
    highlights.push({
      kind: 'pull-request',
      label: `PR #${pr.number}`,
      description: `Promotion pull request #${pr.number} is open`,
      tone: 'info',
    });
  }
  const inFlight = cell.inFlight ?? [];
  const awaiting = inFlight.find(p => p.state === 'awaiting-approval');
  if (awaiting) highlights.push(awaitingApprovalHighlight(awaiting, context));
  const underWay = inFlight.find(
    p => p.state !== 'pr-open' && p.state !== 'awaiting-approval',
  );
  if (underWay) highlights.push(underWayHighlight(underWay));
  // A pause of the whole environment is marked once, on its column.
  if (
    cell.autoPromotionPaused &&
    !context.environment.gates?.autoPromotionPaused
  ) {
    highlights.push({
      kind: 'auto-paused',
      label: 'auto-promotion paused',
      description: `Automatic promotion into ${context.environment.title} is paused for this service`,
      tone: 'neutral',
    });
  }
  if (cell.status.state === 'unknown') {
    highlights.push({
      kind: 'unknown',
      label: 'status unknown',
      description: cell.status.message,
      tone: 'neutral',
    });
  }
  return highlights;
}

/** Pairs (from → to) a release train can take, in pipeline order. */
export function promotionPaths(environments: MatrixEnvironment[]) {
  return environments.flatMap(target =>
    target.promotesFrom
      .filter(source => environments.some(e => e.name === source))
      .map(source => ({ source, target: target.name })),
  );
}

/** The path most of the services are behind on (the first one when none are). */
export function bestPathIndex(
  environments: MatrixEnvironment[],
  services: MatrixService[],
): number {
  const paths = promotionPaths(environments);
  let best = 0;
  let bestCount = -1;
  paths.forEach((path, i) => {
    const column = environments.findIndex(e => e.name === path.target);
    const count = services.filter(s => s.cells[column]?.behind).length;
    if (count > bestCount) {
      best = i;
      bestCount = count;
    }
  });
  return best;
}

function versionsBehindField(cell: MatrixCell) {
  // Behind by an unknown count (or one still being counted): no number made up.
  if (cell.behind === undefined) return undefined;
  if (!cell.behind) return 0;
  return cell.lag?.versionsBehind ?? 'yes';
}

/** Version, sync, health and versions behind; empty without a cell. */
function cellFields(cell: MatrixCell | undefined) {
  if (!cell) return [undefined, undefined, undefined, undefined];
  const known = cell.status.state === 'known' ? cell.status : undefined;
  return [
    cell.version,
    known?.syncStatus ?? 'Unknown',
    known?.health.status ?? 'Unknown',
    versionsBehindField(cell),
  ];
}

/** The rows shown, as CSV: one line per service, four columns per environment. */
export function toCsv(
  environments: MatrixEnvironment[],
  services: MatrixService[],
): string {
  const header = [
    'service',
    'entityRef',
    'owner',
    'system',
    'lifecycle',
    ...environments.flatMap(e => [
      `${e.name} version`,
      `${e.name} sync`,
      `${e.name} health`,
      `${e.name} versions behind`,
    ]),
  ];
  const rows = services.map(s => [
    s.service,
    s.entityRef,
    s.owner,
    s.system,
    s.lifecycle,
    ...environments.flatMap((_, column) => cellFields(s.cells[column])),
  ]);
  return `${[header, ...rows]
    .map(r => r.map(csvField).join(','))
    .join('\r\n')}\r\n`;
}
