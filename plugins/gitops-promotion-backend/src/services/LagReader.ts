import { GitopsPromotionConfig } from '../config/types';
import { resolveServiceLocation } from '../locations/resolveServiceLocation';
import { BoundedCache } from '../repository/github/BoundedCache';
import { concurrencyLimit } from '../repository/concurrencyLimit';
import { GitopsRepository, Snapshot } from '../repository/GitopsRepository';
import { readHistory, VersionChange } from './readHistory';

/** How far an environment is behind its (first) upstream. */
export interface Lag {
  upstream: string;
  upstreamVersion?: string;
  /** Versions the upstream went through since this environment's version; undefined when unknown. */
  versionsBehind?: number;
  /** When the upstream first moved past this environment's version (ISO 8601). */
  behindSince?: string;
}

/** An environment's version and its upstream's. */
export interface LagRequest {
  service: string;
  layout?: string;
  upstream: string;
  upstreamVersion?: string;
  version?: string;
}

const HISTORY_FOR_LAG = 30;
const MAX_CONCURRENT_HISTORY_READS = 8;
const MAX_CACHED_HISTORIES = 20_000;

/**
 * Lag from the upstream file's git history. A history is read once per
 * version of the file (keyed by its blob), so a refresh only reads the
 * histories of files that changed, and at most a few at a time.
 */
export class LagReader {
  private readonly histories = new BoundedCache<
    string,
    Promise<VersionChange[]>
  >(MAX_CACHED_HISTORIES);
  private readonly slots = concurrencyLimit(MAX_CONCURRENT_HISTORY_READS);

  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      repositories: (id: string) => GitopsRepository;
    },
  ) {}

  /** The lag of each request; each repository branch is read at one snapshot. */
  lags(requests: LagRequest[]): Promise<Lag[]> {
    const snapshots = new Map<string, Promise<Snapshot>>();
    const snapshotOf = (repository: GitopsRepository, branch: string) => {
      const key = `${repository.id}\0${branch}`;
      let snapshot = snapshots.get(key);
      if (!snapshot) {
        snapshot = repository.snapshot(branch);
        snapshots.set(key, snapshot);
      }
      return snapshot;
    };
    return Promise.all(requests.map(r => this.lag(r, snapshotOf)));
  }

  private async lag(
    request: LagRequest,
    snapshotOf: (
      repository: GitopsRepository,
      branch: string,
    ) => Promise<Snapshot>,
  ): Promise<Lag> {
    const { upstream, upstreamVersion, version } = request;
    if (version === undefined || upstreamVersion === undefined) {
      return { upstream, upstreamVersion };
    }
    if (version === upstreamVersion) {
      return { upstream, upstreamVersion, versionsBehind: 0 };
    }
    const history = await this.upstreamHistory(request, snapshotOf);
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

  private async upstreamHistory(
    request: LagRequest,
    snapshotOf: (
      repository: GitopsRepository,
      branch: string,
    ) => Promise<Snapshot>,
  ): Promise<VersionChange[]> {
    const location = resolveServiceLocation(this.deps.config, {
      service: request.service,
      layout: request.layout,
      environment: request.upstream,
    });
    const repository = this.deps.repositories(location.repository.id);
    const snapshot = await snapshotOf(repository, location.branch);
    const path = location.files[0].path;
    const key = [
      repository.id,
      path,
      location.files[0].keys[0],
      snapshot.files.get(path) ?? 'missing',
    ].join('\0');
    let history = this.histories.get(key);
    if (!history) {
      history = this.slots(() =>
        readHistory(repository, snapshot, location, HISTORY_FOR_LAG),
      );
      history.catch(() => this.histories.delete(key));
      this.histories.set(key, history);
    }
    return history;
  }
}
