import { upstreamsOf } from '../pipeline';
import { PolicyInput, PolicyVerdict } from '../types';

const verdict = (passed: boolean, message: string): PolicyVerdict => ({
  rule: 'pipeline-order',
  passed,
  message: `Pipeline order: ${message}`,
});

/**
 * The target must list the source in `promotesFrom`, or have it as a
 * transitive upstream when the target allows skipping.
 */
export function checkPipelineOrder(
  input: Pick<
    PolicyInput,
    'kind' | 'source' | 'target' | 'pipeline' | 'targetPolicy'
  >,
): PolicyVerdict {
  const { source, target, pipeline } = input;
  if (input.kind === 'rollback') {
    return verdict(
      true,
      `does not apply to a rollback: ${target} goes back to versions it ran before.`,
    );
  }
  if (source === undefined) {
    return verdict(
      true,
      `does not apply: the version is set directly in ${target}, not promoted from another environment.`,
    );
  }
  const known = pipeline.map(e => e.name);
  const unknown = [source, target].find(name => !known.includes(name));
  if (unknown !== undefined) {
    return verdict(
      false,
      `unknown environment '${unknown}'; choose one of ${known.join(', ')}.`,
    );
  }
  const targetEnv = pipeline.find(e => e.name === target)!;
  const direct = targetEnv.promotesFrom;
  const directText = direct.join(' or ');
  if (source === target) {
    return verdict(
      false,
      `cannot promote ${target} into itself; promote into ${target} from ${
        directText || 'CI (it has no upstream)'
      }.`,
    );
  }
  if (direct.includes(source)) {
    return verdict(true, `${target} is promoted from ${source}.`);
  }
  if (direct.length === 0) {
    return verdict(
      false,
      `${target} is a first environment with no upstream, so nothing is promoted into it; set its version directly (from CI) or roll it back instead.`,
    );
  }
  const upstreams = upstreamsOf(pipeline, target);
  if (upstreams.has(source)) {
    // Nearest to the source first.
    const skipped = [...upstreams]
      .filter(e => upstreamsOf(pipeline, e).has(source))
      .reverse();
    if (input.targetPolicy.allowSkip) {
      return verdict(
        true,
        `${target} allows skipping environments; promoting from ${source} skips ${skipped.join(
          ', ',
        )}.`,
      );
    }
    return verdict(
      false,
      `${target} is promoted from ${directText}, not ${source}. Promote through ${skipped.join(
        ', ',
      )} first, or ask an administrator to set allowSkip: true on ${target}.`,
    );
  }
  return verdict(
    false,
    `${target} is not downstream of ${source}. Promote into ${target} from ${directText}.`,
  );
}
