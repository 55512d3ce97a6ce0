import { createTwoFilesPatch } from 'diff';

/**
 * The unified diff of one file, as a reviewer reads it in a preview and in a
 * pull request: `a/<path>` to `b/<path>`, or from `/dev/null` for a new file.
 */
export function fileDiff(
  path: string,
  before: string | undefined,
  after: string,
): string {
  return createTwoFilesPatch(
    before === undefined ? '/dev/null' : `a/${path}`,
    `b/${path}`,
    before ?? '',
    after,
    '',
    '',
    { context: 3 },
  ).replace(/^={67}\n/, '');
}
