/**
 * Blob texts by SHA. A blob SHA names its content forever, so entries never go
 * stale; concurrent reads of one blob share one request, and the least
 * recently used entries are dropped past `maxEntries`.
 */
export class BlobCache {
  private readonly entries = new Map<string, Promise<string>>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 20_000) {}

  get(sha: string, read: (sha: string) => Promise<string>): Promise<string> {
    const cached = this.entries.get(sha);
    if (cached) {
      this.hits++;
      // re-insert to mark as most recently used
      this.entries.delete(sha);
      this.entries.set(sha, cached);
      return cached;
    }
    this.misses++;
    const pending = read(sha);
    this.entries.set(sha, pending);
    pending.catch(() => this.entries.delete(sha));
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return pending;
  }
}
