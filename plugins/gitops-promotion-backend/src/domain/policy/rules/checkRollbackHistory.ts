import { PolicyInput, PolicyVerdict } from '../types';

/**
 * A rollback goes only to versions the target environment ran before: a
 * commit of its file history set exactly them, or the ledger recorded them
 * deployed there.
 */
export function checkRollbackHistory(
  input: Pick<PolicyInput, 'target' | 'versions' | 'ranBefore'>,
): PolicyVerdict {
  const { target, versions, ranBefore } = input;
  const shown = versions.map(v => `${v.key} ${v.version}`).join(', ');
  if (!ranBefore) {
    return {
      rule: 'rollback-history',
      passed: false,
      message: `Rollback: ${target} never ran ${shown} (not in its file history nor deployed there by a recorded promotion); roll back only to a version from its history.`,
    };
  }
  const where = ranBefore.commitSha
    ? `commit ${ranBefore.commitSha.slice(0, 12)}`
    : `promotion ${ranBefore.promotionId}`;
  return {
    rule: 'rollback-history',
    passed: true,
    message: `Rollback: ${target} ran ${shown} before (${where}${
      ranBefore.date ? `, ${ranBefore.date}` : ''
    }).`,
  };
}
