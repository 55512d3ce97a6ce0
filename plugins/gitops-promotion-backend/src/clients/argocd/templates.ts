const PLACEHOLDER = /\{([^}]*)\}/g;

/** Substitutes `{service}` and `{env}`. */
export function renderTemplate(
  template: string,
  values: { service: string; env: string },
): string {
  return template
    .replace(/\{service\}/g, values.service)
    .replace(/\{env\}/g, values.env);
}

/** Placeholders other than `{service}` and `{env}` in a template. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map(([, name]) => name)
    .filter(name => name !== 'service' && name !== 'env');
}
