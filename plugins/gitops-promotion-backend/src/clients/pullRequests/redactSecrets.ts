import { isError } from '@backstage/errors';

/** What, beyond the generic credential shapes, to keep out of a message. */
export interface RedactOptions {
  /** Literal values (the token in use) to blank out wherever they appear. */
  secrets?: string[];
  /** Secrets shorter than this are left alone (default 1: any non-empty one). */
  minSecretLength?: number;
  /** The host's own token formats, removed before the generic shapes. */
  patterns?: Array<[RegExp, string]>;
  /** Query parameters whose value is a credential (default `token`, `access_token`). */
  queryParams?: string[];
}

/**
 * Removes the known secrets and anything that looks like a credential from a
 * message: `token|bearer|basic <value>`, user info in URLs and credential
 * query parameters.
 */
export function redactSecrets(
  message: string,
  options: RedactOptions = {},
): string {
  const {
    secrets = [],
    minSecretLength = 1,
    patterns = [],
    queryParams = ['token', 'access_token'],
  } = options;
  let result = message;
  for (const secret of secrets) {
    if (secret && secret.length >= minSecretLength) {
      result = result.split(secret).join('***');
    }
  }
  for (const [pattern, replacement] of patterns) {
    result = result.replace(pattern, replacement);
  }
  return result
    .replace(/\b(token|bearer|basic)\s+[^\s,;"']+/gi, '$1 ***')
    .replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@')
    .replace(
      new RegExp(`([?&](?:${queryParams.join('|')})=)[^&\\s]+`, 'gi'),
      '$1***',
    );
}

/** How a failure without an answer (fetch failed, timeout) reads. */
export interface NetworkErrorStyle {
  /**
   * How the `cause` of the error (undici's reason for `fetch failed`) is
   * appended: its code, else its message (default); its code and message;
   * or its message only.
   */
  cause?: 'codeOrMessage' | 'codeAndMessage' | 'message';
  /** Append the cause only to `fetch failed` (default: to any error). */
  causeOfFetchFailedOnly?: boolean;
  /** The host's words for a timeout; undefined for errors that are not one. */
  timeout?: (error: Error) => string | undefined;
}

/** Describes a failure that got no answer, e.g. `fetch failed (ECONNREFUSED)`. */
export function describeNetworkError(
  error: unknown,
  style: NetworkErrorStyle = {},
): string {
  if (!isError(error)) return String(error);
  const timedOut = style.timeout?.(error);
  if (timedOut !== undefined) return timedOut;
  const cause = (error as { cause?: unknown }).cause;
  if (
    !isError(cause) ||
    (style.causeOfFetchFailedOnly && error.message !== 'fetch failed')
  ) {
    return error.message;
  }
  const rawCode = (cause as { code?: unknown }).code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  switch (style.cause ?? 'codeOrMessage') {
    case 'codeAndMessage':
      return `${error.message} (${code ? `${code} ` : ''}${cause.message})`;
    case 'message':
      return `${error.message} (${cause.message})`;
    default:
      return `${error.message} (${code ?? cause.message})`;
  }
}
