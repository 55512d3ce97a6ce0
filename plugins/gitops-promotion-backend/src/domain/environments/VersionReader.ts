import {
  getYamlValues,
  isYamlEditError,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { versionKindOfKey } from '../policy';
import { imageReferenceOf, imageSiblingKeys } from './imageReference';
import { isError } from '@backstage/errors';
import pLimit from 'p-limit';
import { GitopsPromotionConfig } from '../../config/types';

/** Repositories whose heads are read at once (each one git process or request). */
const REPOSITORY_READS = 16;
import {
  resolveServiceLocation,
  ServiceLocation,
} from '../locations/resolveServiceLocation';
import {
  GitopsRepository,
  Snapshot,
} from '../../clients/repository/GitopsRepository';
import { GitopsKeyValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/** A service in an environment, as the catalog names it. */
export interface CellRequest {
  service: string;
  layout?: string;
  environment: string;
}

/** What git says a service runs in an environment. */
export interface CellVersion {
  service: string;
  environment: string;
  /** The id of the repository the values are in. */
  repositoryId: string;
  /** The commit the values were read at; absent when the repository could not be read. */
  commitSha?: string;
  /** The first key's value: the version shown. */
  version?: string;
  values: GitopsKeyValue[];
}

/**
 * Reads the version of many services in many environments at a cost that does
 * not grow with cells: per repository branch one head request and one tree
 * listing, then only blobs not already cached (by SHA), and those in one bulk
 * read when there are many and the provider has one (see
 * {@link GitopsRepository.prefetch}).
 */
export class VersionReader {
  private readonly parsedValues: ParsedValueCache = new Map();
  private readonly repositoryReads = pLimit(REPOSITORY_READS);

  constructor(
    private readonly config: GitopsPromotionConfig,
    private readonly repositories: (id: string) => GitopsRepository,
  ) {}

  async readVersions(cells: CellRequest[]): Promise<CellVersion[]> {
    const locations = cells.map(c => resolveServiceLocation(this.config, c));
    return this.readAt(locations, await this.snapshotsFor(locations));
  }

  /**
   * The versions at `locations` in snapshots read before (see
   * {@link VersionReader.snapshotsFor}).
   */
  async readAt(
    locations: ServiceLocation[],
    snapshots: Map<string, Snapshot | Error>,
  ): Promise<CellVersion[]> {
    const failed = [...snapshots.values()].filter(
      (s): s is Error => s instanceof Error,
    );
    if (failed.length && failed.length === snapshots.size) {
      // Nothing could be read: the answer is the failure (503), not a view.
      throw failed[0];
    }
    await this.prefetch(locations, snapshots);
    return Promise.all(
      locations.map(async location => {
        const repository = this.repositories(location.repository.id);
        const snapshot = snapshots.get(branchKey(location))!;
        if (snapshot instanceof Error) {
          // One unreadable repository (of a service, say) leaves its cells
          // without values; every other cell is still read.
          return unreadable(location, snapshot);
        }
        const values = await readValues(
          repository,
          snapshot,
          location,
          this.parsedValues,
        );
        return {
          service: location.service,
          environment: location.environment.name,
          repositoryId: location.repository.id,
          commitSha: snapshot.commitSha,
          version: values[0]?.value,
          values,
        };
      }),
    );
  }

  /**
   * One prefetch per snapshot, with the files whose values are not parsed
   * yet: the ones {@link readValues} will read.
   */
  private async prefetch(
    locations: ServiceLocation[],
    snapshots: Map<string, Snapshot | Error>,
  ) {
    const wanted = new Map<
      string,
      { repository: GitopsRepository; snapshot: Snapshot; paths: Set<string> }
    >();
    for (const location of locations) {
      const key = branchKey(location);
      const snapshot = snapshots.get(key)!;
      if (snapshot instanceof Error) continue;
      let entry = wanted.get(key);
      if (!entry) {
        entry = {
          repository: this.repositories(location.repository.id),
          snapshot,
          paths: new Set(),
        };
        wanted.set(key, entry);
      }
      for (const file of location.files) {
        const blobSha = entry.snapshot.files.get(file.path);
        if (
          blobSha &&
          file.keys.some(
            k => !this.parsedValues.has(parsedValueKey(blobSha, file.path, k)),
          )
        ) {
          entry.paths.add(file.path);
        }
      }
    }
    await Promise.all(
      [...wanted.values()].map(({ repository, snapshot, paths }) =>
        repository.prefetch(snapshot, paths),
      ),
    );
  }

  /**
   * One snapshot per repository branch (by {@link branchKey}), shared by
   * every cell on it, or the error that kept it from being read. At most
   * REPOSITORY_READS repositories are asked at once (with a repository per
   * service, there are many).
   */
  async snapshotsFor(locations: ServiceLocation[]) {
    const pending = new Map<string, Promise<Snapshot | Error>>();
    for (const location of locations) {
      const key = branchKey(location);
      if (!pending.has(key)) {
        const repository = this.repositories(location.repository.id);
        pending.set(
          key,
          this.repositoryReads(() =>
            repository.snapshot(location.branch),
          ).catch((error: unknown) =>
            isError(error) ? error : new Error(String(error)),
          ),
        );
      }
    }
    const snapshots = new Map<string, Snapshot | Error>();
    for (const [key, snapshot] of pending) {
      snapshots.set(key, await snapshot);
    }
    return snapshots;
  }
}

/** The cells of a repository that could not be read: every key says why. */
export function unreadable(
  location: ServiceLocation,
  error: Error,
): CellVersion {
  const problem = `Could not read ${location.repository.id}@${location.branch}: ${error.message}`;
  return {
    service: location.service,
    environment: location.environment.name,
    repositoryId: location.repository.id,
    values: location.files.flatMap(file =>
      file.keys.map(key => ({ path: file.path, key, problem })),
    ),
  };
}

/** Parsed values by blob SHA, path and key: a blob never changes, so neither does its value. */
export type ParsedValueCache = Map<
  string,
  Omit<GitopsKeyValue, 'path' | 'key'>
>;
const PARSED_VALUES_LIMIT = 100_000;

/** Reads every key of the location's files from the snapshot. */
export async function readValues(
  repository: GitopsRepository,
  snapshot: Snapshot,
  location: ServiceLocation,
  parsedValues: ParsedValueCache = new Map(),
): Promise<GitopsKeyValue[]> {
  const values: GitopsKeyValue[] = [];
  for (const file of location.files) {
    const blobSha = snapshot.files.get(file.path);
    for (const key of file.keys) {
      const cacheKey = parsedValueKey(blobSha, file.path, key);
      let parsed = blobSha ? parsedValues.get(cacheKey) : undefined;
      if (!parsed) {
        const text = await repository.readFile(snapshot, file.path);
        parsed = readKey(text, file.path, key);
        if (blobSha) {
          parsedValues.set(cacheKey, parsed);
          if (parsedValues.size > PARSED_VALUES_LIMIT) {
            parsedValues.delete(parsedValues.keys().next().value!);
          }
        }
      }
      values.push({ path: file.path, key, ...parsed });
    }
  }
  return values;
}

function readKey(text: string | undefined, path: string, key: string) {
  if (text === undefined) {
    return { problem: `${path} does not exist` };
  }
  try {
    // an image tag is read with the keys that say which image it tags
    const siblings =
      versionKindOfKey(key) === 'image-tag' ? imageSiblingKeys(key) : [];
    const [value, ...others] = getYamlValues(text, [key, ...siblings]);
    if (isYamlEditError(value)) {
      return { problem: `${path}: ${value.message}` };
    }
    if (value === undefined) {
      return { problem: `${path} has no key ${key}` };
    }
    const image = imageReferenceOf(key, value, sibling => {
      const found = others[siblings.indexOf(sibling)];
      return typeof found === 'string' ? found : undefined;
    });
    return image ? { value, image } : { value };
  } catch (error) {
    if (isYamlEditError(error)) {
      return { problem: `${path}: ${error.message}` };
    }
    throw error;
  }
}

function parsedValueKey(
  blobSha: string | undefined,
  path: string,
  key: string,
) {
  return `${blobSha}\0${path}\0${key}`;
}

/** A location's repository branch: the key of its snapshot. */
export function branchKey(location: ServiceLocation) {
  return `${location.repository.id}\0${location.branch}`;
}
