import { isMap, isScalar, isSeq, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { YamlEditError } from './errors';
import { readValue } from './getYamlValue';
import { KeyPathSegment, parseKeyPath } from './keyPath';
import {
  assertNotAliased,
  keyNotFound,
  locate,
  MissingLocation,
} from './locate';
import { ParsedYaml, parseYamlText, scalarString } from './parse';
import {
  assertValidValue,
  doubleQuote,
  isPlainSafe,
  renderScalar,
  ScalarStyle,
} from './quoting';

/**
 * Options of {@link setYamlValue}.
 *
 * @public
 */
export interface SetYamlValueOptions {
  /**
   * When the LAST mapping key of the path is missing but its parent is an
   * existing block mapping, insert `key: value` as a new line at the
   * mapping's indentation, right after the line where its last entry ends.
   * Missing intermediate mappings or list items are never created.
   */
  createMissing?: boolean;
}

function splice(text: string, start: number, end: number, insert: string) {
  return text.slice(0, start) + insert + text.slice(end);
}

/** Re-parses `next` and checks that `key` reads back as `value`. */
function readsBack(
  next: string,
  key: string,
  value: string,
  documentCount: number,
): boolean {
  try {
    const parsed = parseYamlText(next, key);
    return (
      parsed.documents.length === documentCount &&
      readValue(parsed, key) === value
    );
  } catch {
    return false;
  }
}

function cannotWrite(key: string, value: string): YamlEditError {
  return new YamlEditError(
    'INVALID_VALUE',
    `Cannot set key ${JSON.stringify(key)}: the value ${JSON.stringify(
      value,
    )} cannot be written so that it reads back unchanged`,
  );
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function insertMissingKey(
  parsed: ParsedYaml,
  key: string,
  segments: KeyPathSegment[],
  location: MissingLocation,
  value: string,
): string {
  const { text } = parsed;
  const last = segments[segments.length - 1];
  if (location.depth !== segments.length - 1 || last.type !== 'key') {
    throw keyNotFound(
      key,
      segments,
      location,
      ' (createMissing only adds the last mapping key; it never creates intermediate mappings or list items)',
    );
  }
  const container = location.container;
  if (!isMap(container) || container.flow || container.items.length === 0) {
    throw keyNotFound(
      key,
      segments,
      location,
      ' (createMissing only inserts into an existing, non-empty block mapping)',
    );
  }
  if (location.sameDepthDocuments && location.sameDepthDocuments.length > 0) {
    throw new YamlEditError(
      'AMBIGUOUS',
      `Key ${JSON.stringify(
        key,
      )} is ambiguous for createMissing: its parent exists in documents ${[
        location.documentIndex + 1,
        ...location.sameDepthDocuments,
      ].join(', ')} of this multi-document YAML file`,
    );
  }
  const map: YAMLMap = container;
  assertNotAliased(key, {
    document: parsed.documents[location.documentIndex],
    node: map,
    ancestors: location.ancestors,
    hazard: location.hazard,
  });
  const firstKey = (map.items[0] as Pair).key as Node | null;
  const lastPair = map.items[map.items.length - 1] as Pair;
  const lastNode = (lastPair.value ?? lastPair.key) as Node | null;
  const firstStart = firstKey?.range?.[0];
  const lastEnd = lastNode?.range?.[1];
  if (firstStart === undefined || lastEnd === undefined) {
    throw keyNotFound(
      key,
      segments,
      location,
      ' (cannot find where to insert)',
    );
  }
  const indent = ' '.repeat(columnOf(text, firstStart));
  const renderedKey = isPlainSafe(last.key) ? last.key : doubleQuote(last.key);

  const build = (renderedValue: string): string => {
    const line = `${indent}${renderedKey}: ${renderedValue}`;
    let lineEnd: number;
    if (lastEnd > 0 && text[lastEnd - 1] === '\n') {
      lineEnd = lastEnd - 1;
    } else {
      lineEnd = text.indexOf('\n', lastEnd);
    }
    if (lineEnd < 0) {
      // last entry is on the last line and the file has no final newline
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      return `${text}${eol}${line}`;
    }
    const eol = text[lineEnd - 1] === '\r' ? '\r\n' : '\n';
    return splice(text, lineEnd + 1, lineEnd + 1, `${line}${eol}`);
  };

  const candidates = [
    renderScalar(value, {
      style: 'PLAIN',
      previousWasNumber: false,
      inFlow: false,
    }),
    doubleQuote(value),
  ];
  for (const rendered of candidates) {
    const next = build(rendered);
    if (readsBack(next, key, value, parsed.documents.length)) {
      return next;
    }
  }
  throw cannotWrite(key, value);
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
 * Semantics: duplicate mapping keys resolve to the LAST occurrence (what
 * Helm's loader uses); in multi-document files the path must resolve in
 * exactly one document (else `AMBIGUOUS`).
 *
 * @throws {@link YamlEditError}
 * - `INVALID_KEY` for a malformed key;
 * - `INVALID_VALUE` when `value` contains a newline or a control character;
 * - `PARSE_ERROR` when `text` is not valid YAML;
 * - `KEY_NOT_FOUND` naming the deepest existing prefix (see
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
      return insertMissingKey(parsed, key, segments, location, value);
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
