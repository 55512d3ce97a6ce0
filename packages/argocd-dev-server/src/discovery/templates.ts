/** Values of the `{service}` and `{env}` placeholders. */
export interface TemplateValues {
  service: string;
  env: string;
}

/** Substitutes `{service}` and `{env}` in a template. */
export function renderTemplate(template: string, values: TemplateValues) {
  return template
    .replace(/\{service\}/g, values.service)
    .replace(/\{env\}/g, values.env);
}

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Compiles a path template into a matcher: `envs/{env}/{service}/values.yaml`
 * matches `envs/dev/checkout/values.yaml` as `{ env: 'dev', service: 'checkout' }`.
 * `{env}` only matches the known environments, `{service}` one path segment
 * (or the rest of a segment). Returns undefined for paths that do not match.
 */
export function compilePathTemplate(
  template: string,
  environments: string[],
): (path: string) => Partial<TemplateValues> | undefined {
  const placeholders: Array<keyof TemplateValues> = [];
  const envAlternatives = environments.map(escapeRegExp).join('|');
  const source = template
    .split(/(\{service\}|\{env\})/)
    .map(part => {
      if (part === '{service}') {
        placeholders.push('service');
        return '([^/]+?)';
      }
      if (part === '{env}') {
        placeholders.push('env');
        return `(${envAlternatives})`;
      }
      return escapeRegExp(part);
    })
    .join('');
  const pattern = new RegExp(`^${source}$`);
  return path => {
    const match = pattern.exec(path);
    if (!match) return undefined;
    const values: Partial<TemplateValues> = {};
    for (const [index, name] of placeholders.entries()) {
      const value = match[index + 1];
      if (values[name] !== undefined && values[name] !== value) {
        return undefined;
      }
      values[name] = value;
    }
    return values;
  };
}
