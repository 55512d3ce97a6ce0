import { isAlias, isScalar, isSeq } from 'yaml';
import { YamlEditError } from './errors';
import { parseKeyPath } from './keyPath';
import { locate } from './locate';
import { ParsedYaml, parseYamlText, scalarString } from './parse';

/** Reads a value from already parsed YAML (internal, see getYamlValue). */
export function readValue(parsed: ParsedYaml, key: string): string | undefined {
  const segments = parseKeyPath(key);
  const location = locate(parsed, segments, key);
  if (!location.found) {
    return undefined;
  }
  const node = isAlias(location.node)
    ? location.node.resolve(location.document)
    : location.node;
  if (node === null || node === undefined) {
    return '';
  }
  if (!isScalar(node)) {
    throw new YamlEditError(
      'NOT_A_SCALAR',
      `Key ${JSON.stringify(key)} is a ${
        isSeq(node) ? 'sequence' : 'mapping'
      }, not a scalar value`,
    );
  }
  return scalarString(parsed.text, node);
}

/**
 * Reads the scalar at `key` (see {@link parseKeyPath} for the syntax) the way
 * a YAML loader would see it, as a string.
 *
 * @remarks
 * - Plain scalars return their source text when they are not strings, so a
 *   numeric tag keeps its trailing zeros (`tag: 1.10` → `"1.10"`); an empty
 *   value (`tag:`) and `tag: ""` both return `""`.
 * - Quoted scalars return their unescaped value; block scalars their content.
 * - Aliases and merge keys (`<<: *base`) are resolved.
 * - Duplicate mapping keys: the LAST occurrence wins (like Helm's loader).
 * - Multi-document files: the path must resolve in exactly one document.
 *
 * @returns the value, or `undefined` when the path does not exist.
 * @throws {@link YamlEditError} `INVALID_KEY`, `PARSE_ERROR`, `AMBIGUOUS`, or
 * `NOT_A_SCALAR` when the path ends at a mapping or a sequence.
 * @public
 */
export function getYamlValue(text: string, key: string): string | undefined {
  parseKeyPath(key);
  return readValue(parseYamlText(text, key), key);
}

/**
 * Reads several keys of one text with one parse: for each key what
 * {@link getYamlValue} would answer, its value or `undefined`, or the
 * {@link YamlEditError} it would throw for that key (`INVALID_KEY`,
 * `AMBIGUOUS`, `NOT_A_SCALAR`).
 *
 * @throws {@link YamlEditError} `PARSE_ERROR` when the text is not valid YAML.
 * @public
 */
export function getYamlValues(
  text: string,
  keys: string[],
): Array<string | undefined | YamlEditError> {
  const parsed = parseYamlText(text, keys[0]);
  return keys.map(key => {
    try {
      return readValue(parsed, key);
    } catch (error) {
      if (error instanceof YamlEditError) return error;
      throw error;
    }
  });
}
