/** Whole lines inserted at one place of a text (test helper). */
export interface LineInsertion {
  /** Offset in the new text where the inserted text starts. */
  offset: number;
  /**
   * The inserted text: whole lines, each followed by its line break; at the
   * end of a file without final newline, the line break comes first.
   */
  text: string;
  /** The inserted lines, without line breaks. */
  lines: string[];
}

/**
 * How `after` was made from `before`, when it was made by inserting whole
 * lines at one place and nothing else: removing `text` from `after` at
 * `offset` gives back `before` byte for byte. Returns undefined otherwise.
 *
 * At the end of a text without final newline the insertion is a line break
 * followed by the new lines, and `after` has no final newline either.
 */
export function findLineInsertion(
  before: string,
  after: string,
): LineInsertion | undefined {
  const toLines = (text: string) => text.split(/\r?\n/);
  if (
    before.length > 0 &&
    !before.endsWith('\n') &&
    after.startsWith(before) &&
    /^\r?\n[^]/.test(after.slice(before.length)) &&
    !after.endsWith('\n')
  ) {
    const text = after.slice(before.length);
    return {
      offset: before.length,
      text,
      lines: toLines(text.replace(/^\r?\n/, '')),
    };
  }
  const a = before.split(/(?<=\n)/);
  const b = after.split(/(?<=\n)/);
  if (b.length <= a.length) {
    return undefined;
  }
  let prefix = 0;
  while (prefix < a.length && a[prefix] === b[prefix]) {
    prefix++;
  }
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix++;
  }
  if (prefix + suffix !== a.length) {
    return undefined;
  }
  const kept = [...b.slice(0, prefix), ...b.slice(b.length - suffix)];
  const text = b.slice(prefix, b.length - suffix).join('');
  if (kept.join('') !== before || !text.endsWith('\n')) {
    return undefined;
  }
  const offset = b.slice(0, prefix).join('').length;
  if (after.slice(0, offset) + after.slice(offset + text.length) !== before) {
    return undefined;
  }
  return { offset, text, lines: toLines(text.replace(/\r?\n$/, '')) };
}
