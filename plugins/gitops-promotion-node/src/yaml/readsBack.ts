import { YamlEditError } from './errors';
import { readValue } from './getYamlValue';
import { parseYamlText } from './parse';

/** Re-parses `next` and checks that `key` reads back as `value`. */
export function readsBack(
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

/** The error for a value no candidate rendering could write back. */
export function cannotWrite(key: string, value: string): YamlEditError {
  return new YamlEditError(
    'INVALID_VALUE',
    `Cannot set key ${JSON.stringify(key)}: the value ${JSON.stringify(
      value,
    )} cannot be written so that it reads back unchanged`,
  );
}
