import {
  getYamlValue,
  isYamlEditError,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { ServiceLocation } from '../locations/resolveServiceLocation';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { FileHistoryEntry, GitIdentity } from '../../clients/repository/types';
import { valuesAfter } from './environmentStates';

/** A commit that touched the file holding a service's version in an environment. */
export interface VersionChange {
  commitSha: string;
  author: GitIdentity;
  date: string;
  message: string;
  /** The version before and after the commit; equal when the commit changed something else. */
  from?: string;
  to?: string;
}

/** A commit of the history shown for an environment, with the whole bundle after it. */
export interface EnvironmentHistoryChange extends VersionChange {
  /** Every bundle value after the commit; absent when one was unset. */
  versions?: string[];
}

/**
 * The git log of the file that holds the version (the bundle's first key),
 * newest first, with the version before and after each commit and every
 * bundle value after it (what a rollback to it sends).
 */
export async function readHistory(
  repository: GitopsRepository,
  commitSha: string,
  location: ServiceLocation,
  limit: number,
): Promise<EnvironmentHistoryChange[]> {
  const [file] = location.files;
  const entries = await repository.fileHistory(commitSha, file.path, limit);
  const [changes, bundles] = await Promise.all([
    toVersionChanges(repository, entries, file.keys[0]),
    Promise.all(entries.map(e => valuesAfter(repository, location, e))),
  ]);
  return changes.map((change, i) => withBundle(change, bundles[i]));
}

/**
 * The newest of the last `limit` commits of the file that changed the
 * version, as {@link readHistory} shows it; only its bundle is read.
 */
export async function readLastVersionChange(
  repository: GitopsRepository,
  commitSha: string,
  location: ServiceLocation,
  limit: number,
): Promise<EnvironmentHistoryChange | undefined> {
  const [file] = location.files;
  const entries = await repository.fileHistory(commitSha, file.path, limit);
  const changes = await toVersionChanges(repository, entries, file.keys[0]);
  const last = lastVersionChange(changes);
  if (!last) return undefined;
  const entry = entries[changes.indexOf(last)];
  return withBundle(last, await valuesAfter(repository, location, entry));
}

/** The change with every bundle value after it, when none was unset. */
function withBundle(
  change: VersionChange,
  values: Array<string | undefined>,
): EnvironmentHistoryChange {
  return values.every(v => v !== undefined)
    ? { ...change, versions: values as string[] }
    : change;
}

/** The newest commit of a history that changed the version, if any. */
export function lastVersionChange<T extends VersionChange>(
  history: T[] | undefined,
): T | undefined {
  return history?.find(
    entry => entry.to !== undefined && entry.to !== entry.from,
  );
}

/** Each commit of a file's history with the version at `key` before and after it. */
export function toVersionChanges(
  repository: GitopsRepository,
  entries: FileHistoryEntry[],
  key: string,
): Promise<VersionChange[]> {
  const versionIn = async (blobSha?: string) =>
    blobSha === undefined
      ? undefined
      : readVersion(await repository.readBlob(blobSha), key);
  return Promise.all(
    entries.map(async entry => ({
      commitSha: entry.commitSha,
      author: entry.author,
      date: entry.date,
      message: entry.message,
      from: await versionIn(entry.previousBlobSha),
      to: await versionIn(entry.blobSha),
    })),
  );
}

function readVersion(text: string, key: string) {
  try {
    return getYamlValue(text, key);
  } catch (error) {
    if (isYamlEditError(error)) return undefined;
    throw error;
  }
}
