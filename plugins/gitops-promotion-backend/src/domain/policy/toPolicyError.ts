import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { PolicyEvaluation, PolicyRule } from './types';

const ERROR_BY_RULE: Record<
  PolicyRule,
  typeof NotAllowedError | typeof InputError | typeof ConflictError
> = {
  // The caller lacks a permission: 403.
  permission: NotAllowedError,
  // The request itself can never succeed as sent: 400.
  'pipeline-order': InputError,
  'rollback-history': InputError,
  'immutable-version': InputError,
  // The state of the environments forbids it now; retrying later may work: 409.
  'upstream-gate': ConflictError,
  'freeze-window': ConflictError,
  // The source moved since the preview: preview again.
  'source-pin': ConflictError,
};

const PRECEDENCE = [NotAllowedError, InputError, ConflictError];

/**
 * The error to throw for a refused evaluation, or undefined when it is
 * allowed. The message joins every failed verdict (each names its rule and
 * how to satisfy it); the class is that of the most fundamental failure:
 * NotAllowedError (403) over InputError (400) over ConflictError (409).
 */
export function toPolicyError(evaluation: PolicyEvaluation): Error | undefined {
  const failed = evaluation.verdicts.filter(v => !v.passed);
  if (failed.length === 0) {
    return undefined;
  }
  const classes = new Set(failed.map(v => ERROR_BY_RULE[v.rule]));
  const ErrorClass = PRECEDENCE.find(c => classes.has(c))!;
  return new ErrorClass(
    `Promotion refused. ${failed.map(v => v.message).join(' ')}`,
  );
}
