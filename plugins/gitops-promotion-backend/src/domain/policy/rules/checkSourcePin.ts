import { PolicyInput, PolicyVerdict } from '../types';

/**
 * A confirmed preview writes what it showed: the source must still run
 * exactly the versions the preview read from it.
 */
export function checkSourcePin(
  input: Pick<PolicyInput, 'source' | 'sourcePin'>,
): PolicyVerdict {
  const moved = input.sourcePin?.moved ?? [];
  if (moved.length === 0) {
    return {
      rule: 'source-pin',
      passed: true,
      message: `Source pin: ${input.source} still runs the versions your preview showed.`,
    };
  }
  const what = moved
    .map(
      v =>
        `${input.source} has ${v.key} ${v.now ?? '(unset)'} now in ${
          v.path
        }, the preview showed ${v.reviewed}`,
    )
    .join('; ');
  return {
    rule: 'source-pin',
    passed: false,
    message: `Source pin: the source moved since your preview: ${what}. Nothing was written; refresh the preview and confirm again.`,
  };
}
