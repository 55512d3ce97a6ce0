import { LabelRequirement } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { ParsedApplication } from './parseApplication';

/**
 * An instance's listed applications, indexed by name and by `key=value`
 * label, so looking up thousands of cells stays linear in the cells.
 */
export class ApplicationIndex {
  private readonly byName = new Map<string, ParsedApplication[]>();
  private readonly byLabel = new Map<string, ParsedApplication[]>();

  constructor(readonly applications: ParsedApplication[]) {
    for (const app of applications) {
      if (app.name !== undefined) push(this.byName, app.name, app);
      for (const [key, value] of Object.entries(app.labels)) {
        push(this.byLabel, `${key}=${value}`, app);
      }
    }
  }

  /** Applications with this name (one per namespace at most). */
  named(name: string): ParsedApplication[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * A superset of the applications matching the selector: the smallest
   * bucket of one of its single-value equalities, else every application.
   */
  candidatesFor(selector: LabelRequirement[]): ParsedApplication[] {
    let best: ParsedApplication[] | undefined;
    for (const r of selector) {
      if (r.operator === 'in' && r.values.length === 1) {
        const bucket = this.byLabel.get(`${r.key}=${r.values[0]}`) ?? [];
        if (!best || bucket.length < best.length) best = bucket;
      }
    }
    return best ?? this.applications;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
