import { DiscoveredApplication } from '../discovery/discoverApplications';
import { GitRepositoryReader } from '../git/GitRepositoryReader';
import { versionValuesDiffer } from './applicationState';
import { HistoryEntry } from './types';

const LOG_DEPTH = 200;
const SYNC_STARTS_AFTER_MS = 20_000;
const SYNC_TAKES_MS = 25_000;

/**
 * Reconstructs a believable `status.history` for applications that exist
 * when the stand-in starts: every commit that changed an application's files
 * (for a shared file: its version values) is taken as deployed a little after
 * it was committed, the way auto-sync would have done it. Newest `limit`
 * entries, oldest first, ids counting up.
 */
export async function buildInitialHistory(
  repository: GitRepositoryReader,
  head: string,
  applications: DiscoveredApplication[],
  now: number,
  limit = 10,
): Promise<Map<string, HistoryEntry[]>> {
  const log = await repository.log(head, LOG_DEPTH);
  const byPath = new Map<string, DiscoveredApplication[]>();
  for (const app of applications) {
    for (const file of app.files) {
      byPath.set(file.path, [...(byPath.get(file.path) ?? []), app]);
    }
  }
  const sharedPaths = new Set(
    applications.flatMap(a => a.files.filter(f => f.shared).map(f => f.path)),
  );
  const versions = await repository.readObjects(
    log.flatMap(commit =>
      commit.paths
        .filter(p => sharedPaths.has(p))
        .flatMap(p => [`${commit.sha}:${p}`, `${commit.sha}^:${p}`]),
    ),
  );

  const deployments = new Map<string, Array<{ sha: string; at: number }>>();
  for (const commit of log) {
    const changed = new Set<DiscoveredApplication>();
    for (const path of commit.paths) {
      for (const app of byPath.get(path) ?? []) {
        const file = app.files.find(f => f.path === path)!;
        if (
          !file.shared ||
          versionValuesDiffer(
            file.keys,
            versions.get(`${commit.sha}^:${path}`),
            versions.get(`${commit.sha}:${path}`),
          )
        ) {
          changed.add(app);
        }
      }
    }
    for (const app of changed) {
      const list = deployments.get(app.name) ?? [];
      if (list.length < limit) {
        list.push({ sha: commit.sha, at: commit.committedAt.getTime() });
        deployments.set(app.name, list);
      }
    }
  }

  const history = new Map<string, HistoryEntry[]>();
  for (const app of applications) {
    const list = (
      deployments.get(app.name) ?? [{ sha: head, at: now - SYNC_TAKES_MS * 2 }]
    ).reverse();
    history.set(
      app.name,
      list.map(({ sha, at }, id) => ({
        id,
        revision: sha,
        deployStartedAt: new Date(
          Math.min(at + SYNC_STARTS_AFTER_MS, now),
        ).toISOString(),
        deployedAt: new Date(
          Math.min(at + SYNC_STARTS_AFTER_MS + SYNC_TAKES_MS, now),
        ).toISOString(),
      })),
    );
  }
  return history;
}
