import { runGit } from '../../../clients/git/runGit';

const FIELD = '\x1f';
const RECORD = '\x1e';

/** A commit of the final history and the promotion its trailer names. */
export interface HistoryCommit {
  sha: string;
  subject: string;
  promotionId?: string;
}

/** The commits after `since` on `branch` of a local repository, oldest first. */
export async function commitsSince(
  repository: string,
  since: string,
  branch = 'main',
): Promise<HistoryCommit[]> {
  const out = await runGit(
    [
      'log',
      '--reverse',
      `--format=${RECORD}%H${FIELD}%s${FIELD}%B`,
      `${since}..${branch}`,
    ],
    { cwd: repository },
  );
  return out
    .split(RECORD)
    .filter(Boolean)
    .map(record => {
      const [sha, subject, body] = record.split(FIELD);
      return {
        sha,
        subject,
        promotionId: /^Promotion-Id: (\S+)$/m.exec(body)?.[1],
      };
    });
}

/** An accepted promotion as the API answered it. */
export interface AcceptedPromotion {
  id: string;
  commitSha: string;
}

/**
 * Compares what the API accepted with the final history: an accepted
 * promotion is lost when its commit is not in the history (or carries another
 * promotion's trailer), duplicated when more than one commit names it.
 * Commits naming promotions that were not accepted are `unexpected`.
 */
export function reconcile(
  history: HistoryCommit[],
  accepted: AcceptedPromotion[],
) {
  const byId = new Map<string, HistoryCommit[]>();
  for (const commit of history) {
    if (!commit.promotionId) continue;
    byId.set(commit.promotionId, [
      ...(byId.get(commit.promotionId) ?? []),
      commit,
    ]);
  }
  const acceptedIds = new Set(accepted.map(a => a.id));
  const lost = accepted.filter(
    a => !byId.get(a.id)?.some(c => c.sha === a.commitSha),
  );
  const duplicated = [...byId].filter(([, commits]) => commits.length > 1);
  const unexpected = history.filter(
    c => c.promotionId && !acceptedIds.has(c.promotionId),
  );
  return {
    lost: lost.map(a => a.id),
    duplicated: duplicated.map(([id]) => id),
    unexpected: unexpected.map(c => `${c.sha.slice(0, 12)} ${c.subject}`),
    /** The accepted promotions in history order (the last one wrote last). */
    order: history
      .filter(c => c.promotionId && acceptedIds.has(c.promotionId))
      .map(c => c.promotionId!),
  };
}
