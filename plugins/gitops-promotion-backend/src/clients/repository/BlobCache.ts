import { LRUCache } from 'lru-cache';

type Read = (sha: string) => Promise<string>;

/** The texts a cache keeps by default, in characters: 128 Mi. */
const DEFAULT_MAX_CHARACTERS = 128 * 1024 * 1024;

/**
 * Blob texts by SHA. A blob SHA names its content forever, so entries never go
 * stale; concurrent reads of one blob share one request, a failed read is not
 * kept, and the least recently used texts are dropped past `maxCharacters`.
 */
export class BlobCache {
  private readonly texts: LRUCache<string, string, Read>;
  hits = 0;
  misses = 0;

  constructor(maxCharacters = DEFAULT_MAX_CHARACTERS) {
    this.texts = new LRUCache<string, string, Read>({
      maxSize: maxCharacters,
      sizeCalculation: text => Math.max(1, text.length),
      fetchMethod: (sha, _stale, { context }) => context(sha),
    });
  }

  /** Whether the text of the blob is kept (not counting a read in flight). */
  has(sha: string): boolean {
    return this.texts.has(sha);
  }

  /**
   * Keeps a text read some other way (with a file history) under its blob's
   * SHA, unless the blob is kept or being read already.
   */
  add(sha: string, text: string) {
    void this.texts.fetch(sha, { context: async () => text });
  }

  get(sha: string, read: Read): Promise<string> {
    const status: LRUCache.Status<string, string, Read> = {};
    const text = this.texts.fetch(sha, { context: read, status });
    if (status.fetch === 'miss') this.misses++;
    else this.hits++;
    return text as Promise<string>;
  }
}
