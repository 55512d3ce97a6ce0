import { GitopsPromotionConfig } from '../../config/types';
import { resolveServiceLocation } from '../locations/resolveServiceLocation';
import { LRUCache } from 'lru-cache';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { toVersionChanges, VersionChange } from './readHistory';
import { EnvironmentLag } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/** An environment's version and its upstream's, as read at `upstreamCommitSha`. */
export interface LagRequest {
  service: string;
  layout?: string;
  upstream: string;
  upstreamVersion?: string;
  /** The commit the upstream's version was read at. */
  upstreamCommitSha: string;
  version?: string;
  /**
   * How many times the upstream file's content changed while this process
   * watched it: a file that goes back to earlier content (a rollback) has
   * that blob again, with a longer history.
   */
  upstreamFileGeneration?: number;
}

/** The upstream file whose history tells a cell's lag. */
interface HistorySource {
  repository: GitopsRepository;
  commitSha: string;
  path: string;
  key: string;
  /** Cache key: the file's history only changes when the file does. */
  cacheKey: string;
}

const HISTORY_FOR_LAG = 30;
const MAX_CACHED_HISTORIES = 20_000;

/**
 * Lag from the upstream file's git history. The histories of all files a
 * call needs are read together (one `git log` on the git CLI), each at most
 * once per version of the file (keyed by its blob), so a refresh only reads
 * the histories of files that changed. Snapshots are the ones the versions
 * were read at: no extra read of the branch head.
 */
export class LagReader {
  private readonly histories = new LRUCache<string, Promise<VersionChange[]>>({
    max: MAX_CACHED_HISTORIES,
  });

  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      repositories: (id: string) => GitopsRepository;
    },
  ) {}

  /** The lag of each request. */
  async lags(requests: LagRequest[]): Promise<EnvironmentLag[]> {
    const sources = await Promise.all(
      requests.map(r =>
        r.version !== undefined &&
        r.upstreamVersion !== undefined &&
        r.version !== r.upstreamVersion
          ? this.historySource(r)
          : undefined,
      ),
    );
    const histories = this.historiesOf(sources.filter(s => s !== undefined));
    return Promise.all(
      requests.map(async (request, i) => {
        const source = sources[i];
        const { upstream, upstreamVersion, version } = request;
        if (!source) {
          return version !== undefined && version === upstreamVersion
            ? { upstream, upstreamVersion, versionsBehind: 0 }
            : { upstream, upstreamVersion };
        }
        const history = await histories.get(source.cacheKey)!;
        return lagFrom(history, request);
      }),
    );
  }

  private async historySource(request: LagRequest): Promise<HistorySource> {
    const location = resolveServiceLocation(this.deps.config, {
      service: request.service,
      layout: request.layout,
      environment: request.upstream,
    });
    const repository = this.deps.repositories(location.repository.id);
    const snapshot = await repository.snapshotAt(
      location.branch,
      request.upstreamCommitSha,
    );
    const [file] = location.files;
    const [key] = file.keys;
    return {
      repository,
      commitSha: snapshot.commitSha,
      path: file.path,
      key,
      cacheKey: [
        repository.id,
        file.path,
        key,
        snapshot.files.get(file.path) ?? 'missing',
        request.upstreamFileGeneration ?? 0,
      ].join('\0'),
    };
  }

  /**
   * The history of every source by cache key: cached ones as they are, the
   * others from one bulk read per repository commit.
   */
  private historiesOf(sources: HistorySource[]) {
    const found = new Map<string, Promise<VersionChange[]>>();
    const missing = new Map<string, Map<string, HistorySource>>();
    for (const source of sources) {
      const cached = this.histories.get(source.cacheKey);
      if (cached) {
        found.set(source.cacheKey, cached);
        continue;
      }
      const group = `${source.repository.id}\0${source.commitSha}`;
      const byKey = missing.get(group) ?? new Map<string, HistorySource>();
      byKey.set(source.cacheKey, source);
      missing.set(group, byKey);
    }
    for (const byKey of missing.values()) {
      const group = [...byKey.values()];
      const { repository, commitSha } = group[0];
      const read = repository.fileHistories(
        commitSha,
        [...new Set(group.map(s => s.path))],
        HISTORY_FOR_LAG,
      );
      for (const source of group) {
        const history = read.then(entries =>
          toVersionChanges(repository, entries.get(source.path)!, source.key),
        );
        history.catch(() => this.histories.delete(source.cacheKey));
        this.histories.set(source.cacheKey, history);
        found.set(source.cacheKey, history);
      }
    }
    return found;
  }
}

function lagFrom(
  history: VersionChange[],
  request: LagRequest,
): EnvironmentLag {
  const { upstream, upstreamVersion, version } = request;
  const index = history.findIndex(h => h.to === version);
  if (index < 0) return { upstream, upstreamVersion };
  const newer = history.slice(0, index).filter(h => h.to !== h.from);
  return {
    upstream,
    upstreamVersion,
    versionsBehind: new Set(newer.map(h => h.to)).size,
    behindSince: newer[newer.length - 1]?.date,
  };
}
