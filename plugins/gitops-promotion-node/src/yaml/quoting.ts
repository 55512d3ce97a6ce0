import { isScalar, parseDocument } from 'yaml';
import { YamlEditError } from './errors';

/** Quoting style of a flow scalar as written in the file. */
export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

/**
 * C0 controls (incl. tab, CR, LF), DEL, C1 controls (incl. NEL), the Unicode
 * line/paragraph separators and the BOM.
 */
function isForbiddenChar(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0xfeff
  );
}

/**
 * Refuses values with newlines or control characters: versions never contain
 * them, and refusing them also rules out YAML injection.
 */
export function assertValidValue(key: string, value: string): void {
  if (typeof value !== 'string') {
    throw new YamlEditError(
      'INVALID_VALUE',
      `Invalid value for key ${JSON.stringify(
        key,
      )}: the value must be a string`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isForbiddenChar(code)) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      throw new YamlEditError(
        'INVALID_VALUE',
        `Invalid value for key ${JSON.stringify(
          key,
        )}: it contains a newline or control character (U+${hex}) at position ${i}`,
      );
    }
  }
}

// Characters that may not start a plain scalar (or that we do not want to
// start one, to stay far from indicator edge cases).
const LEADING_INDICATORS = '-?:,[]{}#&*!|>\'"%@`';

/** Resolves `value` as a standalone plain scalar with the given YAML version. */
function resolvePlain(value: string, version: '1.1' | '1.2'): unknown {
  const doc = parseDocument(value, { version, uniqueKeys: false });
  if (doc.errors.length > 0 || !isScalar(doc.contents)) {
    return undefined;
  }
  return doc.contents.value;
}

/**
 * Whether `value` can be written as a plain scalar and still be read back as
 * the same string, by a YAML 1.2 core-schema loader AND by a YAML 1.1 loader
 * (booleans `yes`/`no`/`on`/`off`/`y`/`n`, octal `012`, sexagesimal `1:20`,
 * `1_000`, timestamps ...). Helm's loader is YAML 1.1-ish, so both must agree.
 */
export function isPlainSafe(value: string, inFlow = false): boolean {
  if (value.length === 0 || value.trim() !== value) {
    return false;
  }
  if (LEADING_INDICATORS.includes(value[0])) {
    return false;
  }
  if (
    value.includes(': ') ||
    value.includes(' #') ||
    value.endsWith(':') ||
    value.startsWith('---') ||
    value.startsWith('...')
  ) {
    return false;
  }
  if (inFlow && /[,[\]{}]/.test(value)) {
    return false;
  }
  return (
    resolvePlain(value, '1.2') === value && resolvePlain(value, '1.1') === value
  );
}

/**
 * Whether `value` is a number (YAML 1.2 core and 1.1 agree) that a loader
 * prints back identically: `1.3` and `12` yes; `0.10`, `1.0`, `1e3`, `012`
 * no (the loader would see 0.1, 1, 1000 and 12 / 10).
 */
export function isRoundTrippingNumber(value: string): boolean {
  if (value.trim() !== value || value.length === 0) {
    return false;
  }
  const core = resolvePlain(value, '1.2');
  const yaml11 = resolvePlain(value, '1.1');
  return (
    typeof core === 'number' &&
    Number.isFinite(core) &&
    core === yaml11 &&
    String(core) === value
  );
}

/** `value` as a double-quoted YAML scalar. */
export function doubleQuote(value: string): string {
  return `"${value.replace(/["\\]/g, m => `\\${m}`)}"`;
}

/** `value` as a single-quoted YAML scalar. */
export function singleQuote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Information about the scalar being replaced. */
export interface RenderContext {
  style: ScalarStyle;
  /** The old plain value resolved to a number (`tag: 1.2`). */
  previousWasNumber: boolean;
  /** The scalar is inside a flow collection (`{ ... }` / `[ ... ]`). */
  inFlow: boolean;
}

/**
 * Renders the new value in the style of the scalar it replaces:
 * - double-quoted stays double-quoted, single-quoted stays single-quoted;
 * - plain stays plain when {@link isPlainSafe}, or when the old plain value
 *   was a number and the new value is a number that prints back identically
 *   (`tag: 1.2` → `tag: 1.3`; the file author chose a number, keep it);
 * - otherwise the value is double-quoted.
 */
export function renderScalar(value: string, context: RenderContext): string {
  switch (context.style) {
    case 'QUOTE_DOUBLE':
      return doubleQuote(value);
    case 'QUOTE_SINGLE':
      return singleQuote(value);
    default:
      if (isPlainSafe(value, context.inFlow)) {
        return value;
      }
      if (context.previousWasNumber && isRoundTrippingNumber(value)) {
        return value;
      }
      return doubleQuote(value);
  }
}
