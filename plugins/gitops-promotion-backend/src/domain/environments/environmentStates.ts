import { ServiceLocation } from '../locations/resolveServiceLocation';
import {
  GitopsRepository,
  Snapshot,
} from '../../clients/repository/GitopsRepository';
import { FileHistoryEntry } from '../../clients/repository/types';
import { readValues } from './VersionReader';

/** The bundle of a service in an environment after one commit of its files' history. */
export interface EnvironmentState {
  commitSha: string;
  author: FileHistoryEntry['author'];
  date: string;
  message: string;
  /** Every bundle value after the commit, in bundle order; undefined where unset. */
  values: Array<string | undefined>;
}

/**
 * What an environment ran, newest first: for each of the last `limit`
 * commits that touched one of the location's files, every bundle value after
 * it. A single-file bundle is read from the file's history blobs alone; a
 * bundle over several files reads each commit's tree, so the values are the
 * ones that were on the branch together.
 */
export async function readEnvironmentStates(
  repository: GitopsRepository,
  headSha: string,
  location: ServiceLocation,
  limit: number,
): Promise<EnvironmentState[]> {
  const paths = location.files.map(f => f.path);
  const histories = await repository.fileHistories(headSha, paths, limit);
  const commits = newestFirst(paths.flatMap(p => histories.get(p) ?? []));
  return Promise.all(
    commits.slice(0, limit).map(async entry => ({
      commitSha: entry.commitSha,
      author: entry.author,
      date: entry.date,
      message: entry.message,
      values: await valuesAfter(repository, location, entry),
    })),
  );
}

/**
 * Every bundle value after a commit of the history of one of the location's
 * files: from the entry's blob for a single-file bundle, from the commit's
 * tree otherwise.
 */
export async function valuesAfter(
  repository: GitopsRepository,
  location: ServiceLocation,
  entry: FileHistoryEntry,
): Promise<Array<string | undefined>> {
  const paths = location.files.map(f => f.path);
  const snapshot: Snapshot =
    paths.length === 1
      ? {
          branch: location.branch,
          commitSha: entry.commitSha,
          files: new Map(entry.blobSha ? [[paths[0], entry.blobSha]] : []),
        }
      : await repository.snapshotAt(location.branch, entry.commitSha);
  const values = await readValues(repository, snapshot, location);
  return values.map(v => v.value);
}

/** One entry per commit, newest first (a commit touching several files once). */
function newestFirst(entries: FileHistoryEntry[]): FileHistoryEntry[] {
  const byCommit = new Map<string, FileHistoryEntry>();
  for (const entry of entries) {
    if (!byCommit.has(entry.commitSha)) byCommit.set(entry.commitSha, entry);
  }
  return [...byCommit.values()].sort(
    (a, b) => Date.parse(b.date) - Date.parse(a.date),
  );
}
