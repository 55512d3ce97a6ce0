import { YamlEditError } from './errors';

/**
 * One step of a parsed key path, see {@link parseKeyPath}.
 *
 * - `key`: a mapping key (`image`, or `["example.com/x"]`).
 * - `index`: a zero-based sequence index (`[0]`).
 * - `selector`: the single sequence item that is a mapping whose `field` key
 *   holds the scalar `value` (`[name=my-app]`).
 *
 * @public
 */
export type KeyPathSegment =
  | { type: 'key'; key: string }
  | { type: 'index'; index: number }
  | { type: 'selector'; field: string; value: string };

function invalid(key: string, problem: string): YamlEditError {
  return new YamlEditError(
    'INVALID_KEY',
    `Invalid key ${JSON.stringify(key)}: ${problem}`,
  );
}

/**
 * Parses a key path such as `image.tag`, `images[name=my-app].newTag`,
 * `containers[0].image` or `annotations["example.com/x"]`.
 *
 * @remarks
 * Syntax:
 * - dotted mapping keys: `spec.values.image.tag`, `service-base.image.tag`;
 * - `[N]`: sequence index;
 * - `[field=value]`: the sequence item whose `field` equals `value`; the value
 *   runs up to the closing `]` and may contain `/`, `.`, `:`, `-` and `=`
 *   (`images[name=ghcr.io/acme/inventory].newTag`); it can be written as
 *   `[field="value"]` to contain `[`, `]` or `"`;
 * - `["key"]`: a mapping key that contains dots or brackets.
 *
 * Inside double quotes, `\"` and `\\` are the only escapes.
 *
 * @throws {@link YamlEditError} with code `INVALID_KEY` for an empty key, an
 * empty segment (`a..b`, `.a`, `a.`), an unbalanced bracket, an empty
 * selector or a segment with leading/trailing whitespace.
 *
 * @public
 */
export function parseKeyPath(key: string): KeyPathSegment[] {
  if (typeof key !== 'string' || key.length === 0) {
    throw invalid(String(key), 'the key is empty');
  }
  const segments: KeyPathSegment[] = [];
  let pos = 0;

  const readPlain = (): void => {
    const start = pos;
    while (pos < key.length && !'.[]'.includes(key[pos])) {
      pos++;
    }
    const segment = key.slice(start, pos);
    if (segment.length === 0) {
      throw invalid(key, `empty segment at position ${start}`);
    }
    if (segment.trim() !== segment) {
      throw invalid(
        key,
        `segment ${JSON.stringify(
          segment,
        )} has leading or trailing whitespace (quote it as ["..."])`,
      );
    }
    segments.push({ type: 'key', key: segment });
  };

  const readQuoted = (): string => {
    // pos is on the opening quote
    const start = pos;
    pos++;
    let out = '';
    while (pos < key.length) {
      const c = key[pos];
      if (c === '"') {
        pos++;
        return out;
      }
      if (c === '\\') {
        const next = key[pos + 1];
        if (next !== '"' && next !== '\\') {
          throw invalid(
            key,
            `unsupported escape in quoted segment at position ${pos} (only \\" and \\\\ are allowed)`,
          );
        }
        out += next;
        pos += 2;
        continue;
      }
      out += c;
      pos++;
    }
    throw invalid(key, `unterminated quote starting at position ${start}`);
  };

  const expectClose = (open: number): void => {
    if (key[pos] !== ']') {
      throw invalid(key, `unbalanced bracket opened at position ${open}`);
    }
    pos++;
  };

  const readBracket = (): void => {
    // pos is on '['
    const open = pos;
    pos++;
    if (pos >= key.length) {
      throw invalid(key, `unbalanced bracket opened at position ${open}`);
    }
    if (key[pos] === '"') {
      const quotedKey = readQuoted();
      expectClose(open);
      segments.push({ type: 'key', key: quotedKey });
      return;
    }
    const close = key.indexOf(']', pos);
    if (close < 0) {
      throw invalid(key, `unbalanced bracket opened at position ${open}`);
    }
    const inner = key.slice(pos, close);
    if (inner.length === 0) {
      throw invalid(key, `empty brackets at position ${open}`);
    }
    if (/^\d+$/.test(inner)) {
      segments.push({ type: 'index', index: Number(inner) });
      pos = close + 1;
      return;
    }
    const eq = inner.indexOf('=');
    if (eq < 0) {
      throw invalid(
        key,
        `bracket at position ${open} must hold an index ([0]), a selector ([name=value]) or a quoted key (["a.b"])`,
      );
    }
    const field = inner.slice(0, eq);
    if (field.length === 0 || field.trim() !== field || /[[\]"]/.test(field)) {
      throw invalid(key, `invalid selector field at position ${open}`);
    }
    pos += eq + 1;
    let value: string;
    if (key[pos] === '"') {
      value = readQuoted();
      expectClose(open);
    } else {
      value = key.slice(pos, close);
      if (value.length === 0) {
        throw invalid(
          key,
          `empty selector value at position ${open} (use [${field}=""] for an empty value)`,
        );
      }
      if (value.includes('[')) {
        throw invalid(key, `unbalanced bracket opened at position ${open}`);
      }
      pos = close + 1;
    }
    segments.push({ type: 'selector', field, value });
  };

  if (key[0] === '[') {
    readBracket();
  } else {
    readPlain();
  }
  while (pos < key.length) {
    const c = key[pos];
    if (c === '.') {
      pos++;
      readPlain();
    } else if (c === '[') {
      readBracket();
    } else if (c === ']') {
      throw invalid(key, `unbalanced "]" at position ${pos}`);
    } else {
      throw invalid(key, `unexpected ${JSON.stringify(c)} at position ${pos}`);
    }
  }
  return segments;
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, m => `\\${m}`)}"`;
}

/**
 * Formats segments back into the key syntax of {@link parseKeyPath}, quoting
 * mapping keys and selector values only where needed.
 *
 * @public
 */
export function formatKeyPath(segments: readonly KeyPathSegment[]): string {
  let out = '';
  segments.forEach((segment, i) => {
    if (segment.type === 'index') {
      out += `[${segment.index}]`;
    } else if (segment.type === 'selector') {
      const plainValue =
        segment.value.length > 0 &&
        !/[[\]]/.test(segment.value) &&
        segment.value[0] !== '"';
      out += `[${segment.field}=${
        plainValue ? segment.value : quote(segment.value)
      }]`;
    } else if (
      segment.key.length > 0 &&
      !/[.[\]]/.test(segment.key) &&
      segment.key.trim() === segment.key
    ) {
      out += i === 0 ? segment.key : `.${segment.key}`;
    } else {
      out += `[${quote(segment.key)}]`;
    }
  });
  return out;
}
