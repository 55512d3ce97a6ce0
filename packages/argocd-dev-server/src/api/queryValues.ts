/** A query parameter's values, whether repeated or comma-separated. */
export const asList = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value])
    .filter(v => typeof v === 'string' && v !== '')
    .flatMap(v => (v as string).split(','));

/** A query parameter's single value, or `''`. */
export const asString = (value: unknown): string =>
  typeof value === 'string' ? value : '';
