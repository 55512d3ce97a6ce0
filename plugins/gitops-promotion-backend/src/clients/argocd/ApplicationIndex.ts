import { LabelRequirement } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { ParsedApplication } from './parseApplication';

/** An application's identity on an instance: its namespace and name. */
const identity = (app: ParsedApplication) =>
  `${app.namespace ?? ''}/${app.name}`;

const EMPTY: ReadonlySet<ParsedApplication> = new Set();

const labelsOf = (app: ParsedApplication) =>
  Object.entries(app.labels).map(([key, value]) => `${key}=${value}`);

/**
 * An instance's applications, indexed by name and by `key=value` label, so
 * looking up thousands of cells stays linear in the cells. Kept current one
 * application at a time (`upsert`, `remove`) by the watch stream, at a cost
 * proportional to the application's labels, not to the index. Applications
 * without a name cannot be looked up and are left out.
 */
export class ApplicationIndex {
  private readonly byIdentity = new Map<string, ParsedApplication>();
  private readonly byName = new Map<string, Set<ParsedApplication>>();
  private readonly byLabel = new Map<string, Set<ParsedApplication>>();

  constructor(applications: Iterable<ParsedApplication> = []) {
    for (const app of applications) this.upsert(app);
  }

  /** How many applications the index holds. */
  get size(): number {
    return this.byIdentity.size;
  }

  /** Every application. */
  all(): IterableIterator<ParsedApplication> {
    return this.byIdentity.values();
  }

  /** The indexed application with the namespace and name of `app`. */
  get(app: ParsedApplication): ParsedApplication | undefined {
    return app.name === undefined
      ? undefined
      : this.byIdentity.get(identity(app));
  }

  /** Applications with this name (one per namespace at most). */
  named(name: string): ParsedApplication[] {
    return [...(this.byName.get(name) ?? [])];
  }

  /**
   * A superset of the applications matching the selector: the smallest
   * bucket of one of its single-value equalities, else every application.
   */
  candidatesFor(selector: LabelRequirement[]): Iterable<ParsedApplication> {
    let best: ReadonlySet<ParsedApplication> | undefined;
    for (const r of selector) {
      if (r.operator === 'in' && r.values.length === 1) {
        const bucket = this.byLabel.get(`${r.key}=${r.values[0]}`) ?? EMPTY;
        if (!best || bucket.size < best.size) best = bucket;
      }
    }
    return best ?? this.all();
  }

  /**
   * Adds the application, or replaces the one with its namespace and name.
   * @returns the application it replaced
   */
  upsert(app: ParsedApplication): ParsedApplication | undefined {
    if (app.name === undefined) return undefined;
    const replaced = this.remove(app);
    this.byIdentity.set(identity(app), app);
    add(this.byName, app.name, app);
    for (const label of labelsOf(app)) add(this.byLabel, label, app);
    return replaced;
  }

  /**
   * Removes the application with the namespace and name of `app`.
   * @returns the application removed
   */
  remove(app: ParsedApplication): ParsedApplication | undefined {
    const existing = this.get(app);
    if (!existing) return undefined;
    this.byIdentity.delete(identity(existing));
    drop(this.byName, existing.name!, existing);
    for (const label of labelsOf(existing)) {
      drop(this.byLabel, label, existing);
    }
    return existing;
  }
}

function add<V>(map: Map<string, Set<V>>, key: string, value: V) {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function drop<V>(map: Map<string, Set<V>>, key: string, value: V) {
  const set = map.get(key);
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
}
