interface Entry<V> {
  value: Promise<V>;
  /** ms since epoch; Infinity while the value is being loaded. */
  expiresAt: number;
}

/**
 * Caches one value per key for `ttlMs` after it was loaded; callers asking
 * while it loads share the same load. A load that rejects is shared by the
 * callers waiting for it but not kept: the next `get` loads again. Loaders
 * that want a failing upstream asked at most once per TTL return their
 * failure as a value instead (the Argo CD client does).
 */
export class CoalescingTtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly ttlMs: (key: string) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value, or the result of `load` (shared with concurrent callers). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached && this.now() < cached.expiresAt) {
      return cached.value;
    }
    const entry: Entry<V> = { value: load(), expiresAt: Infinity };
    this.entries.set(key, entry);
    entry.value.then(
      () => {
        entry.expiresAt = this.now() + this.ttlMs(key);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  /**
   * Caches `value` for `key` for `ttlMs` from now, in place of whatever was
   * cached or loading (callers already waiting for a load keep its result).
   */
  set(key: string, value: V): void {
    this.entries.set(key, {
      value: Promise.resolve(value),
      expiresAt: this.now() + this.ttlMs(key),
    });
  }

  /** Forgets the value of `key`; the next `get` loads again. */
  invalidate(key: string): void {
    this.entries.delete(key);
  }
}
