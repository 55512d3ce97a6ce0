import { ApplicationIndex } from './ApplicationIndex';
import { ParsedApplication } from './parseApplication';
import { toArgoCdStatus } from './toArgoCdStatus';

/**
 * What cells show of an application, and the labels that decide which
 * cells it belongs to; `reconciledAt` is left out, as it moves at every
 * reconciliation (every few minutes for every application) without
 * anything else changing.
 */
function fingerprint(app: ParsedApplication): string {
  const { reconciledAt: _, ...status } = toArgoCdStatus(app, {
    instance: '',
    name: '',
  });
  return JSON.stringify([status, app.labels]);
}

/** Whether an application appeared, disappeared or shows another status. */
export function statusChanged(
  before: ParsedApplication | undefined,
  after: ParsedApplication | undefined,
): boolean {
  if (!before || !after) return before !== after;
  return fingerprint(before) !== fingerprint(after);
}

/** The names of applications added, removed or changed from `before` to `after`. */
export function changedApplicationNames(
  before: ApplicationIndex,
  after: ApplicationIndex,
): Set<string> {
  const names = new Set<string>();
  for (const app of after.all()) {
    if (statusChanged(before.get(app), app)) names.add(app.name!);
  }
  for (const app of before.all()) {
    if (!after.get(app)) names.add(app.name!);
  }
  return names;
}
