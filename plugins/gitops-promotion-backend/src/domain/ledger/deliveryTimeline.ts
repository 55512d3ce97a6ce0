import { GitVersionChange, PromotionRecord } from './types';
import { promotionIdsIn } from '../../clients/repository/trailers';

/**
 * How far a plugin commit's author date may lie outside its promotion's
 * lifetime (clocks of the backend and the git host differ a little).
 */
const CLOCK_SKEW_MS = 5 * 60_000;

/** A change that went into git for one service in one environment. */
export interface TimelineChange {
  environment: string;
  /** `outside`: a commit the plugin did not make, read from git. */
  source: 'ledger' | 'outside';
  /**
   * When the change went into git (ms): orders the changes of an
   * environment (a ledger record without `committedAt` by its deployment).
   */
  committedAt: number;
  /** When it reached `deployed` (ms); a commit made outside counts when made. */
  deployedAt?: number;
  /** When its promotion ended `failed` after the commit: rollout or verification (ms). */
  failedAt?: number;
  /** The version shown (the bundle's first key) after the change. */
  version?: string;
  record?: PromotionRecord;
  /** The commit that made it, when known. */
  commitSha?: string;
  /** A rollback or revert of an earlier change: which one it undoes. */
  undoes?: { previous: true } | { recordId: string } | { commitSha: string };
}

/**
 * Every change of one service, ledger and git together, per environment in
 * the order they went into git. A commit read from git is the ledger's when
 * a ledger record has its SHA, when its `Promotion-Id:` trailer names one, or
 * (a pull request merged with a merge commit, whose history shows the
 * branch's commit) when a record of the same service and environment set the
 * same version while that commit was made; the others were made outside the
 * plugin. Promotions that failed before their commit, or were rejected, are
 * no changes; in-flight ones with a commit only keep their place in the
 * order.
 */
export function changesOf(
  records: PromotionRecord[],
  commits: GitVersionChange[],
): Map<string, TimelineChange[]> {
  const byEnvironment = new Map<string, TimelineChange[]>();
  const add = (change: TimelineChange) => {
    const list = byEnvironment.get(change.environment) ?? [];
    list.push(change);
    byEnvironment.set(change.environment, list);
  };
  for (const record of records) {
    const change = ledgerChange(record);
    if (change) add(change);
  }
  const pluginShas = new Set(
    records.flatMap(r => (r.commitSha ? [r.commitSha] : [])),
  );
  for (const commit of commits) {
    if (!madeByPlugin(commit, pluginShas, records)) add(outsideChange(commit));
  }
  for (const list of byEnvironment.values()) {
    list.sort((a, b) => a.committedAt - b.committedAt);
  }
  return byEnvironment;
}

function ledgerChange(record: PromotionRecord): TimelineChange | undefined {
  const deployed = record.state === 'deployed' && record.deployedAt;
  if (!deployed && !record.commitSha) return undefined;
  let undoes: TimelineChange['undoes'];
  if (record.rollbackOf) undoes = { recordId: record.rollbackOf };
  else if (record.kind === 'rollback') undoes = { previous: true };
  return {
    environment: record.targetEnv,
    source: 'ledger',
    committedAt: Date.parse(
      record.committedAt ?? record.deployedAt ?? record.updatedAt,
    ),
    deployedAt: deployed ? Date.parse(record.deployedAt!) : undefined,
    failedAt:
      record.state === 'failed' ? Date.parse(record.updatedAt) : undefined,
    version: record.versions[0]?.to,
    record,
    commitSha: record.commitSha,
    undoes,
  };
}

function outsideChange(commit: GitVersionChange): TimelineChange {
  const at = Date.parse(commit.date);
  return {
    environment: commit.environment,
    source: 'outside',
    committedAt: at,
    deployedAt: at,
    version: commit.to,
    commitSha: commit.commitSha,
    undoes: commit.reverts ? { commitSha: commit.reverts } : undefined,
  };
}

function madeByPlugin(
  commit: GitVersionChange,
  pluginShas: Set<string>,
  records: PromotionRecord[],
): boolean {
  if (pluginShas.has(commit.commitSha)) return true;
  // A trailer counts when the ledger has its promotion: a commit whose
  // record is not there (another portal's ledger, a lost database) is still
  // a change, read from git.
  const ids = new Set([
    ...(commit.promotionIds ?? []),
    ...promotionIdsIn(commit.message),
  ]);
  if (records.some(r => ids.has(r.id))) return true;
  const at = Date.parse(commit.date);
  return records.some(
    r =>
      r.targetEnv === commit.environment &&
      r.commitSha !== undefined &&
      r.versions.some(
        v =>
          v.path === commit.path && v.key === commit.key && v.to === commit.to,
      ) &&
      at >= Date.parse(r.createdAt) - CLOCK_SKEW_MS &&
      at <= Date.parse(r.committedAt ?? r.updatedAt) + CLOCK_SKEW_MS,
  );
}

/** The changes of a timeline that `change` undoes, if any (see TimelineChange.undoes). */
export function undoneBy(
  change: TimelineChange,
  timeline: TimelineChange[],
): TimelineChange | undefined {
  const { undoes } = change;
  if (!undoes) return undefined;
  if ('recordId' in undoes) {
    return timeline.find(c => c.record?.id === undoes.recordId);
  }
  if ('commitSha' in undoes) {
    return timeline.find(c => c.commitSha === undoes.commitSha);
  }
  const index = timeline.indexOf(change);
  return index > 0 ? timeline[index - 1] : undefined;
}
