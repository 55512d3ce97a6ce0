/**
 * Machine-readable reason of a {@link YamlEditError}.
 *
 * @remarks
 * - `INVALID_KEY`: the key path is syntactically invalid.
 * - `INVALID_VALUE`: the new value contains a newline or a control character,
 *   or cannot be written back safely.
 * - `KEY_NOT_FOUND`: the key path does not exist in the document.
 * - `NOT_A_SCALAR`: the key path ends at a mapping, a sequence or a block
 *   scalar (`|` / `>`), which cannot be edited as a single value.
 * - `ALIASED_VALUE`: editing the value would also change other places of the
 *   document (anchors, aliases, merge keys).
 * - `PARSE_ERROR`: the text is not valid YAML.
 * - `AMBIGUOUS`: the key path matches more than one node (several documents
 *   of a multi-document file, or several list items for a selector).
 *
 * @public
 */
export type YamlEditErrorCode =
  | 'INVALID_KEY'
  | 'INVALID_VALUE'
  | 'KEY_NOT_FOUND'
  | 'NOT_A_SCALAR'
  | 'ALIASED_VALUE'
  | 'PARSE_ERROR'
  | 'AMBIGUOUS';

/**
 * Error thrown by the YAML editing helpers. The `code` tells callers why the
 * edit was refused; the message names the key and the problem.
 *
 * @public
 */
export class YamlEditError extends Error {
  readonly code: YamlEditErrorCode;

  constructor(code: YamlEditErrorCode, message: string) {
    super(message);
    this.name = 'YamlEditError';
    this.code = code;
  }
}

/**
 * Type guard for {@link YamlEditError}, optionally for one specific code.
 *
 * @public
 */
export function isYamlEditError(
  error: unknown,
  code?: YamlEditErrorCode,
): error is YamlEditError {
  return (
    error instanceof YamlEditError &&
    (code === undefined || error.code === code)
  );
}
