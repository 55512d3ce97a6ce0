import { LoggerService } from '@backstage/backend-plugin-api';
import { EnvironmentLag } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { Snapshot } from '../../clients/repository/GitopsRepository';
import { ServiceEntity } from '../../clients/catalog/ServiceCatalog';
import { EnvironmentConfig, GitopsPromotionConfig } from '../../config/types';
import {
  resolveServiceLocation,
  ServiceLocation,
} from '../locations/resolveServiceLocation';
import { LagReader, LagRequest } from './LagReader';
import {
  branchKey,
  CellVersion,
  unreadable,
  VersionReader,
} from './VersionReader';

/** The git side of a matrix: per cell (row by row) its version and lag. */
export interface PreparedMatrix {
  cells: CellVersion[];
  lags: Array<EnvironmentLag | undefined>;
  /** Some behind cells have no lag yet: their histories are read in the background. */
  lagPending: boolean;
}

interface Prepared<T> {
  /** The blob SHAs (and versions) it was computed from. */
  signature: string;
  value: T;
}

/** A lag to compute: the cell, what it is computed from, and the request. */
interface StaleLag {
  location: ServiceLocation;
  signature: string;
  request: LagRequest;
}

/** A lag whose history could not be read is asked for again after this long. */
const FAILED_LAG_RETRY_MS = 60_000;
/**
 * Beyond this many cells whose lag needs a history not read yet, a read
 * answers without them and reads the histories in the background: a fresh
 * backend shows versions and status first, and the lag a few seconds later.
 */
const DEFAULT_BACKGROUND_LAGS = 200;

/**
 * The git side of the matrix, prepared and kept per cell with the blob SHAs
 * it was read from: a read costs one head lookup per repository branch, and
 * only cells whose files (or whose upstream's file) changed since are read
 * again (through {@link VersionReader} and {@link LagReader}, which read
 * only changed blobs and histories). Many histories at once (a fresh
 * backend) are read in the background, so that the first answer does not
 * wait for them.
 */
export class MatrixSnapshot {
  /** Each cell's location, resolved once: the key of what is prepared for it. */
  private readonly locations = new Map<string, ServiceLocation>();
  private readonly versions = new Map<ServiceLocation, Prepared<CellVersion>>();
  private readonly lags = new Map<
    ServiceLocation,
    Prepared<EnvironmentLag> & { retryAt?: number }
  >();
  /** Per repository branch and path: the blob last seen, and how often it changed. */
  private readonly fileGenerations = new Map<
    string,
    { blob?: string; generation: number }
  >();
  /** The lag computation in flight per cell, with its signature. */
  private readonly lagsInFlight = new Map<
    ServiceLocation,
    { signature: string; done: Promise<void> }
  >();
  private readonly backgroundLags: number;

  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      reader: VersionReader;
      lags: LagReader;
      logger?: LoggerService;
      /** See DEFAULT_BACKGROUND_LAGS. */
      backgroundLags?: number;
    },
  ) {
    this.backgroundLags = deps.backgroundLags ?? DEFAULT_BACKGROUND_LAGS;
  }

  /** Every service in every environment given, row by row. */
  async read(
    services: ServiceEntity[],
    environments: EnvironmentConfig[],
  ): Promise<PreparedMatrix> {
    const locations = services.flatMap(s =>
      environments.map(e => this.location(s, e)),
    );
    const snapshots = await this.deps.reader.snapshotsFor(locations);
    const failed = [...snapshots.values()].filter(s => s instanceof Error);
    if (failed.length > 0 && failed.length === snapshots.size) {
      // Nothing could be read: the answer is the failure (503), not a view.
      throw failed[0];
    }
    const cells = await this.readCells(locations, snapshots);
    const { lags, lagPending } = await this.readLags(
      locations,
      snapshots,
      cells,
      environments,
    );
    return { cells, lags, lagPending };
  }

  private location(service: ServiceEntity, environment: EnvironmentConfig) {
    const key = cellKey(service, environment.name);
    let location = this.locations.get(key);
    if (!location) {
      location = resolveServiceLocation(this.deps.config, {
        service: service.service,
        layout: service.layout,
        environment: environment.name,
      });
      this.locations.set(key, location);
    }
    return location;
  }

  /** Prepared cells whose files did not change; the others read again. */
  private async readCells(
    locations: ServiceLocation[],
    snapshots: Map<string, Snapshot | Error>,
  ): Promise<CellVersion[]> {
    const cells: CellVersion[] = new Array(locations.length);
    const stale: Array<{ index: number; signature: string }> = [];
    locations.forEach((location, i) => {
      const snapshot = snapshots.get(branchKey(location))!;
      if (snapshot instanceof Error) {
        cells[i] = unreadable(location, snapshot);
        return;
      }
      const prepared = this.versions.get(location);
      const signature = filesSignature(location, snapshot);
      if (prepared?.signature === signature) {
        if (prepared.value.commitSha !== snapshot.commitSha) {
          // Same blobs, so the same values, read at the newer commit.
          prepared.value = { ...prepared.value, commitSha: snapshot.commitSha };
        }
        cells[i] = prepared.value;
      } else {
        stale.push({ index: i, signature });
      }
    });
    if (stale.length === 0) return cells;
    const read = await this.deps.reader.readAt(
      stale.map(({ index }) => locations[index]),
      snapshots,
    );
    stale.forEach(({ index, signature }, n) => {
      cells[index] = read[n];
      this.versions.set(locations[index], { signature, value: read[n] });
    });
    return cells;
  }

  /**
   * The lag of every cell behind its environment's first upstream (when that
   * is among `environments`): equal versions need no history; prepared lags
   * whose upstream file and versions did not change are kept; the others are
   * computed, in the background when there are many.
   */
  private async readLags(
    locations: ServiceLocation[],
    snapshots: Map<string, Snapshot | Error>,
    cells: CellVersion[],
    environments: EnvironmentConfig[],
  ) {
    const width = environments.length;
    const upstreams = environments.map(env =>
      environments.findIndex(e => e.name === env.promotesFrom[0]),
    );
    const lags: Array<EnvironmentLag | undefined> = new Array(cells.length);
    const stale: Array<{ index: number } & StaleLag> = [];
    const now = Date.now();
    cells.forEach((cell, i) => {
      const upstream = upstreams[i % width];
      if (upstream < 0) return;
      const upstreamIndex = i - (i % width) + upstream;
      const upstreamCell = cells[upstreamIndex];
      const upstreamLocation = locations[upstreamIndex];
      const snapshot = snapshots.get(branchKey(upstreamLocation));
      // the upstream's repository could not be read
      if (!(snapshot && !(snapshot instanceof Error))) return;
      const { version } = cell;
      const upstreamVersion = upstreamCell.version;
      const upstreamName = environments[upstream].name;
      if (version === undefined || upstreamVersion === undefined) {
        lags[i] = { upstream: upstreamName, upstreamVersion };
        return;
      }
      if (version === upstreamVersion) {
        lags[i] = {
          upstream: upstreamName,
          upstreamVersion,
          versionsBehind: 0,
        };
        return;
      }
      const location = locations[i];
      const upstreamFileGeneration = this.generationOf(
        upstreamLocation,
        snapshot,
      );
      const signature = [
        filesSignature(upstreamLocation, snapshot),
        upstreamFileGeneration,
        version,
        upstreamVersion,
      ].join('\0');
      const prepared = this.lags.get(location);
      if (
        prepared?.signature === signature &&
        !(prepared.retryAt !== undefined && prepared.retryAt < now)
      ) {
        lags[i] = prepared.value;
        return;
      }
      stale.push({
        index: i,
        location,
        signature,
        request: {
          service: upstreamLocation.service,
          layout: upstreamLocation.layout.id,
          upstream: upstreamName,
          upstreamVersion,
          upstreamCommitSha: snapshot.commitSha,
          version,
          upstreamFileGeneration,
        },
      });
    });
    if (stale.length === 0) return { lags, lagPending: false };
    const computing = this.computeLags(stale);
    if (stale.length > this.backgroundLags) {
      return { lags, lagPending: true };
    }
    await computing;
    for (const { index, location } of stale) {
      lags[index] = this.lags.get(location)?.value;
    }
    return { lags, lagPending: false };
  }

  /**
   * Counts the changes of the location's first file seen by this snapshot:
   * its history is only known to be unchanged while its blob stays the same
   * from one read to the next (going back to an earlier blob makes it
   * longer).
   */
  private generationOf(location: ServiceLocation, snapshot: Snapshot) {
    const path = location.files[0].path;
    const key = `${branchKey(location)}\0${path}`;
    const blob = snapshot.files.get(path);
    const seen = this.fileGenerations.get(key);
    if (!seen) {
      this.fileGenerations.set(key, { blob, generation: 0 });
      return 0;
    }
    if (seen.blob !== blob) {
      seen.blob = blob;
      seen.generation += 1;
    }
    return seen.generation;
  }

  /**
   * Computes and prepares the lags not already in flight; settles when all
   * of `stale` are prepared (a failure prepares "unknown" for a while).
   */
  private computeLags(stale: StaleLag[]): Promise<unknown> {
    const waiting: Array<Promise<void>> = [];
    const todo = stale.filter(s => {
      const pending = this.lagsInFlight.get(s.location);
      if (pending?.signature !== s.signature) return true;
      waiting.push(pending.done);
      return false;
    });
    if (todo.length > 0) {
      const done = this.deps.lags.lags(todo.map(s => s.request)).then(
        found =>
          todo.forEach((s, n) =>
            this.lags.set(s.location, {
              signature: s.signature,
              value: found[n],
            }),
          ),
        error => {
          this.deps.logger?.warn(
            `Could not read the history of ${todo.length} upstream files for the matrix's lag: ${error}`,
          );
          const retryAt = Date.now() + FAILED_LAG_RETRY_MS;
          todo.forEach(({ location, signature, request }) =>
            this.lags.set(location, {
              signature,
              retryAt,
              value: {
                upstream: request.upstream,
                upstreamVersion: request.upstreamVersion,
              },
            }),
          );
        },
      );
      for (const { location, signature } of todo) {
        const entry = { signature, done };
        this.lagsInFlight.set(location, entry);
        done.then(() => {
          if (this.lagsInFlight.get(location) === entry) {
            this.lagsInFlight.delete(location);
          }
        });
      }
      waiting.push(done);
    }
    return Promise.all(waiting);
  }
}

function cellKey(service: ServiceEntity, environment: string) {
  return `${service.service}\0${service.layout ?? ''}\0${environment}`;
}

/** The blob SHAs of the location's files in the snapshot: equal, same values. */
function filesSignature(location: ServiceLocation, snapshot: Snapshot) {
  const { files } = location;
  if (files.length === 1) return snapshot.files.get(files[0].path) ?? '';
  return files.map(f => snapshot.files.get(f.path) ?? '').join(',');
}
