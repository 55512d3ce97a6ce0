import {
  getYamlValue,
  isYamlEditError,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { GitopsPromotionConfig } from '../../config/types';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { FileHistoryEntry } from '../../clients/repository/types';
import { GitVersionChange } from '../ledger/types';
import { resolveServiceLocation } from '../locations/resolveServiceLocation';

/** Commits per file the first read asks for; a longer period reads on. */
const FIRST_READ = 30;
/** Each further read asks for this many times more. */
const READ_GROWTH = 4;
/** Commits per file read at most. */
const MAX_COMMITS_PER_FILE = 1_000;

/** The file and key holding one service's version in one environment. */
interface VersionSource {
  service: string;
  environment: string;
  path: string;
  key: string;
}

/** The sources kept on one branch of one repository. */
interface BranchSources {
  repository: GitopsRepository;
  branch: string;
  sources: VersionSource[];
}

/** What {@link readVersionChanges} found, and what it could not read. */
export interface VersionChanges {
  commits: GitVersionChange[];
  warnings: string[];
}

/**
 * The commits since `from` that changed each service's version (the
 * bundle's first key) in each environment, oldest first, each marked when it
 * reverts the change before it (see {@link markReverts}). Per repository
 * branch: one head lookup and the files' histories read together (one
 * `git log` on the git CLI, batched GraphQL queries on GitHub), first their
 * last 30 commits, then further back only for files whose history reaches
 * past that into the period. A branch that cannot be read is left out with
 * a warning: the ledger's figures are still answered.
 */
export async function readVersionChanges(
  deps: {
    config: GitopsPromotionConfig;
    repositories: (id: string) => GitopsRepository;
  },
  request: {
    services: Array<{ service: string; layout?: string }>;
    environments: string[];
    from: Date;
  },
): Promise<VersionChanges> {
  const results = await Promise.all(
    sourcesByBranch(deps, request).map(b => readBranch(b, request.from)),
  );
  return {
    commits: results.flatMap(r => r.commits),
    warnings: results.flatMap(r => r.warnings),
  };
}

/** Where each service's version lives in each environment, by repository branch. */
function sourcesByBranch(
  deps: Parameters<typeof readVersionChanges>[0],
  request: Parameters<typeof readVersionChanges>[1],
): BranchSources[] {
  const branches = new Map<string, BranchSources>();
  const services = new Map(request.services.map(s => [s.service, s.layout]));
  for (const [service, layout] of services) {
    for (const environment of request.environments) {
      let location;
      try {
        location = resolveServiceLocation(deps.config, {
          service,
          layout,
          environment,
        });
      } catch {
        // A service the matrix shows as misconfigured has no history to read.
        continue;
      }
      const group = `${location.repository.id}\0${location.branch}`;
      const entry = branches.get(group) ?? {
        repository: deps.repositories(location.repository.id),
        branch: location.branch,
        sources: [],
      };
      const [file] = location.files;
      entry.sources.push({
        service,
        environment,
        path: file.path,
        key: file.keys[0],
      });
      branches.set(group, entry);
    }
  }
  return [...branches.values()];
}

async function readBranch(
  { repository, branch, sources }: BranchSources,
  from: Date,
): Promise<VersionChanges> {
  try {
    const snapshot = await repository.snapshot(branch);
    const present = sources.filter(s => snapshot.files.has(s.path));
    const { histories, truncated } = await historiesSince(
      repository,
      snapshot.commitSha,
      [...new Set(present.map(s => s.path))],
      from,
    );
    const versionAt = versionsOf(repository);
    const changes = await Promise.all(
      present.map(source =>
        versionChangesOf(
          source,
          histories.get(source.path) ?? [],
          from,
          versionAt,
        ),
      ),
    );
    const warnings = truncated.length
      ? [
          `Only the last ${MAX_COMMITS_PER_FILE} commits of ${truncated.length} file(s) on '${branch}' of repository '${repository.id}' were read (e.g. ${truncated[0]}): their older changes made outside the plugin are not counted`,
        ]
      : [];
    return { commits: changes.flat(), warnings };
  } catch (error) {
    return {
      commits: [],
      warnings: [
        `Changes made outside the plugin on '${branch}' of repository '${
          repository.id
        }' are not counted: ${(error as Error).message}`,
      ],
    };
  }
}

/**
 * The histories of `paths` back to `from` at least (or to their first
 * commit), in as few reads as the history's length allows.
 */
async function historiesSince(
  repository: GitopsRepository,
  ref: string,
  paths: string[],
  from: Date,
): Promise<{
  histories: Map<string, FileHistoryEntry[]>;
  truncated: string[];
}> {
  const histories = new Map<string, FileHistoryEntry[]>();
  const since = from.getTime();
  let pending = paths;
  let limit = FIRST_READ;
  while (pending.length > 0) {
    const read = await repository.fileHistories(ref, pending, limit);
    const longer: string[] = [];
    for (const path of pending) {
      const entries = read.get(path) ?? [];
      histories.set(path, entries);
      // A full read whose oldest commit is still in the period may miss some.
      const oldest = entries[entries.length - 1];
      if (entries.length === limit && Date.parse(oldest.date) >= since) {
        longer.push(path);
      }
    }
    if (limit === MAX_COMMITS_PER_FILE) {
      return { histories, truncated: longer };
    }
    pending = longer;
    limit = Math.min(limit * READ_GROWTH, MAX_COMMITS_PER_FILE);
  }
  return { histories, truncated: [] };
}

/**
 * The version at `key` in a blob, each blob read and parsed once however
 * many histories name it (a commit's blob is the next commit's previous one).
 */
function versionsOf(repository: GitopsRepository) {
  const versions = new Map<string, Promise<string | undefined>>();
  return (key: string, blobSha?: string) => {
    if (blobSha === undefined) return Promise.resolve(undefined);
    const id = `${blobSha}\0${key}`;
    let version = versions.get(id);
    if (!version) {
      version = repository
        .readBlob(blobSha)
        .then(text => parseVersion(text, key));
      versions.set(id, version);
    }
    return version;
  };
}

function parseVersion(text: string, key: string): string | undefined {
  try {
    return getYamlValue(text, key);
  } catch (error) {
    if (isYamlEditError(error)) return undefined;
    throw error;
  }
}

/** The version changes of one file's history (newest first) made since `from`, oldest first. */
async function versionChangesOf(
  source: VersionSource,
  history: FileHistoryEntry[],
  from: Date,
  versionAt: ReturnType<typeof versionsOf>,
): Promise<GitVersionChange[]> {
  const recent = history.filter(e => Date.parse(e.date) >= from.getTime());
  const changes = await Promise.all(
    recent.map(async entry => ({
      service: source.service,
      environment: source.environment,
      commitSha: entry.commitSha,
      date: entry.date,
      message: entry.message,
      promotionIds: entry.promotionIds ?? [],
      path: source.path,
      key: source.key,
      from: await versionAt(source.key, entry.previousBlobSha),
      to: await versionAt(source.key, entry.blobSha),
    })),
  );
  const changed = changes.filter(
    (c): c is typeof c & { to: string } =>
      c.to !== undefined && c.to !== c.from,
  );
  return markReverts(changed.reverse());
}

/**
 * Marks each change (oldest first) that sets the version back to a value
 * the environment had before the change it follows — that change's `from`
 * or any older value of the changes read — as reverting it. Setting again
 * the version a revert took away is no revert of the revert.
 */
export function markReverts(changes: GitVersionChange[]): GitVersionChange[] {
  const marked: GitVersionChange[] = [];
  const earlier = new Set<string>();
  for (const change of changes) {
    const previous = marked[marked.length - 1];
    if (!previous) {
      marked.push(change);
      continue;
    }
    const before = new Set(earlier);
    if (previous.from !== undefined) before.add(previous.from);
    for (const value of [previous.from, previous.to]) {
      if (value !== undefined) earlier.add(value);
    }
    const redo = previous.reverts !== undefined && change.to === previous.from;
    marked.push(
      before.has(change.to) && !redo
        ? { ...change, reverts: previous.commitSha }
        : change,
    );
  }
  return marked;
}
