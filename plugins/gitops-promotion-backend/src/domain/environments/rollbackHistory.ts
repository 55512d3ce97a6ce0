import { ServiceLocation } from '../locations/resolveServiceLocation';
import { PromotionRecord } from '../ledger';
import { RanBefore } from '../policy/types';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { readEnvironmentStates } from './environmentStates';

/** How many commits of the target's files a rollback looks through. */
export const ROLLBACK_HISTORY_LIMIT = 200;

/**
 * Where the target environment ran exactly `values` (the whole bundle, in
 * bundle order) before: a commit of its files' history on the branch, or a
 * promotion the ledger recorded as deployed there that set every key of the
 * bundle. Null when it never did.
 */
export async function findRanBefore(options: {
  repository: GitopsRepository;
  headSha: string;
  location: ServiceLocation;
  values: string[];
  /** The ledger's deployed promotions of the service into the target. */
  deployed: PromotionRecord[];
}): Promise<RanBefore | null> {
  const { repository, headSha, location, values } = options;
  const states = await readEnvironmentStates(
    repository,
    headSha,
    location,
    ROLLBACK_HISTORY_LIMIT,
  );
  const state = states.find(s => s.values.every((v, i) => v === values[i]));
  if (state) return { commitSha: state.commitSha, date: state.date };

  const keys = location.files.flatMap(f =>
    f.keys.map(key => ({ path: f.path, key })),
  );
  const promotion = options.deployed.find(record =>
    keys.every((k, i) =>
      record.versions.some(
        v => v.path === k.path && v.key === k.key && v.to === values[i],
      ),
    ),
  );
  return promotion
    ? { promotionId: promotion.id, date: promotion.deployedAt }
    : null;
}
