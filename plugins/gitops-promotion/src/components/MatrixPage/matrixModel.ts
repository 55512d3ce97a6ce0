import {
  MatrixCell,
  MatrixEnvironment,
  MatrixService,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/** What the matrix shows: `owner` is `mine`, `all` or an owner's entity ref. */
export interface MatrixFilter {
  owner: string;
  system?: string;
  lifecycle?: string;
  text: string;
}

export type MatrixSort = 'name' | 'lag' | 'last-change';

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

/** When Argo CD last deployed the service anywhere (ISO 8601). */
export function lastChangeOf(service: MatrixService): string | undefined {
  return service.cells
    .map(c =>
      c.status.state === 'known' ? c.status.lastDeployedAt : undefined,
    )
    .filter((d): d is string => Boolean(d))
    .sort()
    .at(-1);
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
    const changes = new Map(services.map(s => [s, lastChangeOf(s) ?? '']));
    return sorted.sort(
      (a, b) => changes.get(b)!.localeCompare(changes.get(a)!) || byName(a, b),
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
  | 'in-flight'
  | 'unknown';

export interface Highlight {
  kind: HighlightKind;
  /** Short text shown in the cell. */
  label: string;
  /** The full sentence for tooltips and screen readers. */
  description: string;
  tone: 'warning' | 'error' | 'info' | 'neutral';
}

/** What stands out in a cell, most serious first. */
export function highlightsOf(
  cell: MatrixCell,
  environments: MatrixEnvironment[],
  now: number = Date.now(),
): Highlight[] {
  const highlights: Highlight[] = [];
  const titleOf = (name: string) =>
    environments.find(e => e.name === name)?.title ?? name;
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
  if (cell.behind && cell.lag) {
    const versions = cell.lag.versionsBehind;
    const days = cell.lag.behindSince
      ? Math.max(
          0,
          Math.floor((now - Date.parse(cell.lag.behindSince)) / DAY_MS),
        )
      : undefined;
    const upstream = titleOf(cell.lag.upstream);
    const count =
      versions === undefined
        ? 'behind'
        : `${versions} version${versions === 1 ? '' : 's'} behind`;
    highlights.push({
      kind: 'behind',
      label: [versions === undefined ? 'behind' : `${versions} behind`]
        .concat(days === undefined ? [] : [`${days}d`])
        .join(' · '),
      description: `${count} ${upstream} (${cell.lag.upstreamVersion})${
        days === undefined ? '' : ` for ${days} day${days === 1 ? '' : 's'}`
      }`,
      tone: 'warning',
    });
  }
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
  for (const pr of cell.openPullRequests) {
    highlights.push({
      kind: 'pull-request',
      label: `PR #${pr.number}`,
      description: `Promotion pull request #${pr.number} is open`,
      tone: 'info',
    });
  }
  const pending = cell.inFlight.filter(p => p.state !== 'pr-open');
  if (pending.length > 0) {
    highlights.push({
      kind: 'in-flight',
      label: pending[0].state,
      description: `A promotion into this environment is ${pending[0].state}`,
      tone: 'info',
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
  if (cell.behind === undefined) return undefined;
  if (!cell.behind) return 0;
  return cell.lag?.versionsBehind ?? 'yes';
}

function csvField(value: string | number | undefined) {
  const text = value === undefined ? '' : String(value);
  // A leading = + - @ would run as a formula in spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
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
    ...s.cells.flatMap(c => [
      c.version,
      c.status.state === 'known' ? c.status.syncStatus : 'Unknown',
      c.status.state === 'known' ? c.status.health.status : 'Unknown',
      versionsBehindField(c),
    ]),
  ]);
  return `${[header, ...rows]
    .map(r => r.map(csvField).join(','))
    .join('\r\n')}\r\n`;
}
