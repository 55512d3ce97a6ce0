import { Document, isScalar, parseAllDocuments, Scalar } from 'yaml';
import { YamlEditError } from './errors';

/** The text together with its parsed documents (internal). */
export interface ParsedYaml {
  text: string;
  documents: Document.Parsed[];
}

/**
 * Parses every document of a (multi-document) YAML text without ever
 * re-stringifying it. Duplicate mapping keys are accepted (`uniqueKeys:
 * false`), merge keys are kept as ordinary `<<` pairs (`merge: false`, they
 * are resolved by the locator).
 *
 * @throws YamlEditError `PARSE_ERROR` when any document has a syntax error.
 */
export function parseYamlText(text: string, key?: string): ParsedYaml {
  if (typeof text !== 'string') {
    throw new YamlEditError('PARSE_ERROR', 'The YAML text must be a string');
  }
  const documents = parseAllDocuments(text, {
    uniqueKeys: false,
    merge: false,
    prettyErrors: true,
  });
  if (!Array.isArray(documents)) {
    // EmptyStream: a text with no document at all (only comments or blank)
    return { text, documents: [] };
  }
  for (const doc of documents) {
    if (doc.errors.length > 0) {
      const first = doc.errors[0];
      const where = key ? ` while looking up ${JSON.stringify(key)}` : '';
      throw new YamlEditError(
        'PARSE_ERROR',
        `The file is not valid YAML${where}: ${first.message.split('\n')[0]}`,
      );
    }
  }
  return { text, documents: documents as Document.Parsed[] };
}

/** The source text of a scalar node (without anchor, tag or comment). */
export function scalarSource(text: string, node: Scalar): string {
  const range = node.range;
  return range ? text.slice(range[0], range[1]) : String(node.value ?? '');
}

/**
 * The string a YAML loader would see for a scalar, converted to string:
 * - plain scalars that resolve to a string return that string;
 * - plain scalars that resolve to something else (number, boolean, null)
 *   return their source text, so `1.10` stays `"1.10"` and an empty value
 *   (`tag:`) is `""`;
 * - quoted and block scalars return their (unescaped) value.
 */
export function scalarString(text: string, node: Scalar): string {
  if (node.type === Scalar.PLAIN || node.type === undefined) {
    if (typeof node.value === 'string') {
      return node.value;
    }
    return scalarSource(text, node).trim();
  }
  return typeof node.value === 'string' ? node.value : String(node.value);
}

/** Mapping key as a string, or undefined for complex (collection) keys. */
export function keyString(text: string, key: unknown): string | undefined {
  if (isScalar(key)) {
    return scalarString(text, key);
  }
  return undefined;
}
