import { checkFreezeWindows } from './rules/checkFreezeWindows';
import { checkImmutableVersion } from './rules/checkImmutableVersion';
import { checkPermission } from './rules/checkPermission';
import { checkPipelineOrder } from './rules/checkPipelineOrder';
import { checkRollbackHistory } from './rules/checkRollbackHistory';
import { checkSourcePin } from './rules/checkSourcePin';
import { checkUpstreamGate } from './rules/checkUpstreamGate';
import { PolicyEvaluation, PolicyInput } from './types';

/**
 * Checks a promotion against every rule and returns one verdict per rule, in
 * a fixed order: permission, (for a rollback: rollback history; for a
 * pinned promotion: source pin), pipeline order, upstream gate, immutable
 * versions, freeze windows. Every rule is evaluated (no short-circuit), so a
 * refusal lists everything the requester has to fix. Pure: the caller
 * gathers permissions, Argo CD status, git versions and the time.
 *
 * Version syntax is not a rule here: validate input with `validateVersion`
 * first (a bad version is a 400 before any policy applies).
 */
export function evaluatePolicy(input: PolicyInput): PolicyEvaluation {
  const verdicts = [
    checkPermission(input),
    ...(input.kind === 'rollback' ? [checkRollbackHistory(input)] : []),
    ...(input.sourcePin ? [checkSourcePin(input)] : []),
    checkPipelineOrder(input),
    checkUpstreamGate(input),
    checkImmutableVersion(input),
    checkFreezeWindows(input),
  ];
  return { allowed: verdicts.every(v => v.passed), verdicts };
}
