interface Entry<V> {
  value: Promise<V>;
  /** ms since epoch; Infinity while the value is being loaded. */
  expiresAt: number;
}

/**
 * Caches one value per key for `ttlMs` after it was loaded; callers asking
 * while it loads share the same load. Loaders must not reject: they return
 * their failure as a value, so a failing upstream is also asked at most
 * once per TTL.
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
    const settle = () => {
      entry.expiresAt = this.now() + this.ttlMs(key);
    };
    entry.value.then(settle, settle);
    return entry.value;
  }

  /** Forgets the value of `key`; the next `get` loads again. */
  invalidate(key: string): void {
    this.entries.delete(key);
  }
}
