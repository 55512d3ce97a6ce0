import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import { insertMissing } from './createMissing';
import { YamlEditError } from './errors';
import { parseKeyPath } from './keyPath';
import { assertNotAliased, keyNotFound, locate } from './locate';
import { parseYamlText, scalarString } from './parse';
import {
  assertValidValue,
  doubleQuote,
  renderScalar,
  ScalarStyle,
} from './quoting';
import { cannotWrite, readsBack } from './readsBack';

/**
 * Options of {@link setYamlValue}.
 *
 * @public
 */
export interface SetYamlValueOptions {
  /**
   * Creates the missing part of the path as new lines, changing no byte of
   * the existing text, when the deepest existing part of the path is a
   * non-empty block mapping (or, for a selector, a non-empty block list):
   *
   * - the missing mapping keys, intermediate ones included: with `image:`
   *   present, `image.tag` adds `  tag: v`; with `app` missing,
   *   `app.image.tag` adds `app:`, `  image:`, `    tag: v`, nested with
   *   the file's own step (the most frequent step of its nested block
   *   mappings, e.g. 2 or 4; 2 when it has none);
   * - a missing list item for a selector segment: `images[name=b].newTag`
   *   appends `- name: b` and `  newTag: v` after the last item, with the
   *   dash and key columns of the existing items;
   * - a missing list for a selector segment: without any `images:` key,
   *   `images:`, `- name: b`, `  newTag: v` are added to the mapping; the
   *   dash is indented like the file's other block lists, at the column of
   *   its key (as Kustomize writes it) when the file has none.
   *
   * The new lines go right after the line where the last entry of the
   * deepest existing mapping (or the last item of the list) ends, so
   * comments and blank lines following that entry stay below them. They use
   * the file's line break (CRLF stays CRLF); at the end of a file without
   * final newline they follow a new line break and the file still ends
   * without one. New keys and values are plain when they read back
   * unchanged, else double-quoted; in a list item they are quoted like the
   * same key of the sibling items (`newTag: "1"` → `newTag: "2"`, single
   * quotes stay single).
   *
   * Still refused with `KEY_NOT_FOUND` (the reason in parentheses): list
   * items by index (`[0]`), flow collections (`{}`, `[]`), empty values and
   * empty documents, a scalar in the way, a list whose items are not all
   * block mappings, a path that ends at a selector or sets the selector's
   * own field, an insertion after a block scalar (`|`, `>`) that ends a
   * file without final newline (the new line break would join its
   * content); with `ALIASED_VALUE` when the insertion point is reached
   * through an alias or a merge key, or lies in an anchored collection an
   * alias uses; with `AMBIGUOUS` when several documents could take it.
   */
  createMissing?: boolean;
}

function splice(text: string, start: number, end: number, insert: string) {
  return text.slice(0, start) + insert + text.slice(end);
}

/**
 * Sets the scalar at `key` (see {@link parseKeyPath}) to `value`, changing
 * ONLY the bytes of that scalar: comments, key order, indentation, blank
 * lines, line endings, a missing final newline, document separators and
 * anchors stay byte-for-byte identical. The document is never re-stringified.
 *
 * @remarks
 * Quoting: a double-quoted scalar stays double-quoted, a single-quoted one
 * stays single-quoted. A plain scalar stays plain when the new value reads
 * back as the same string under YAML 1.2 core and YAML 1.1 rules (otherwise
 * it is double-quoted: `0.10`, `1e3`, `true`, `yes`, `null`, `~`, `012`,
 * `1_000`, `""`, `a: b`, `#x`, ...). Exception: when the old plain value was
 * a number (`tag: 1.2`) and the new value is a number that a loader prints
 * back identically (`1.3`), it stays plain, as the file author chose a number.
 *
 * Setting the value it already has returns `text` unchanged.
 *
 * A missing path is an error unless
 * {@link SetYamlValueOptions.createMissing} is set: then the missing mapping
 * keys (intermediate ones included), a selector's missing list item or its
 * missing list are inserted as new lines in the file's indentation and
 * style, and no byte of the existing text changes.
 *
 * Semantics: duplicate mapping keys resolve to the LAST occurrence (what
 * Helm's loader uses); in multi-document files the path must resolve in
 * exactly one document (else `AMBIGUOUS`).
 *
 * @throws {@link YamlEditError}
 * - `INVALID_KEY` for a malformed key;
 * - `INVALID_VALUE` when `value` contains a newline or a control character;
 * - `PARSE_ERROR` when `text` is not valid YAML;
 * - `KEY_NOT_FOUND` naming the deepest existing prefix, also for the paths
 *   createMissing does not create (the reason in parentheses, see
 *   {@link SetYamlValueOptions.createMissing});
 * - `NOT_A_SCALAR` for mappings, sequences and block scalars (`|`, `>`);
 * - `ALIASED_VALUE` when the target is an alias, the path goes through an
 *   alias or a merge key (`<<`), or the target or one of its parent
 *   collections carries an anchor that an alias references (an anchor no
 *   alias uses is fine and is kept);
 * - `AMBIGUOUS` as described above.
 * @public
 */
export function setYamlValue(
  text: string,
  key: string,
  value: string,
  options?: SetYamlValueOptions,
): string {
  const segments = parseKeyPath(key);
  assertValidValue(key, value);
  const parsed = parseYamlText(text, key);
  const location = locate(parsed, segments, key);
  if (!location.found) {
    if (options?.createMissing) {
      return insertMissing(parsed, key, segments, location, value);
    }
    throw keyNotFound(key, segments, location);
  }
  assertNotAliased(key, location);
  const node = location.node;
  if (!isScalar(node)) {
    let what = 'an entry without a value node';
    if (isSeq(node)) {
      what = 'a sequence';
    } else if (isMap(node)) {
      what = 'a mapping';
    }
    throw new YamlEditError(
      'NOT_A_SCALAR',
      `Key ${JSON.stringify(key)} is ${what}, not a scalar value`,
    );
  }
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    throw new YamlEditError(
      'NOT_A_SCALAR',
      `Key ${JSON.stringify(
        key,
      )} is a block scalar (| or >); only single-line values can be edited`,
    );
  }
  const range = node.range;
  if (!range) {
    throw new YamlEditError(
      'PARSE_ERROR',
      `Key ${JSON.stringify(key)}: the value has no source position`,
    );
  }
  if (scalarString(text, node) === value) {
    return text;
  }
  const style: ScalarStyle = (node.type as ScalarStyle | undefined) ?? 'PLAIN';
  const parent = location.ancestors[location.ancestors.length - 1]?.node;
  const rendered = renderScalar(value, {
    style,
    previousWasNumber: style === 'PLAIN' && typeof node.value === 'number',
    inFlow: parent?.flow === true,
  });
  const candidates = [rendered];
  if (style === 'PLAIN' && rendered !== doubleQuote(value)) {
    candidates.push(doubleQuote(value));
  }
  const [start, end] = range;
  for (const candidate of candidates) {
    let insert = candidate;
    if (start === end) {
      // empty plain value (`tag:` / `tag: # comment`): keep it separated
      if (start > 0 && !/\s/.test(text[start - 1])) {
        insert = ` ${insert}`;
      }
      if (text[start] === '#') {
        insert = `${insert} `;
      }
    }
    const next = splice(text, start, end, insert);
    if (readsBack(next, key, value, parsed.documents.length)) {
      return next;
    }
  }
  throw cannotWrite(key, value);
}
