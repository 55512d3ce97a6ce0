/**
 * One requirement of a Kubernetes label selector; equality is `in` with one
 * value, inequality `notIn` with one value.
 *
 * @public
 */
export type LabelRequirement =
  | { key: string; operator: 'exists' | 'notExists' }
  | { key: string; operator: 'in' | 'notIn'; values: string[] };

const KEY = String.raw`[A-Za-z0-9](?:[-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);
const VALUE_ONLY = new RegExp(`^${VALUE}$`);

/** Splits a selector into its requirements' text, at commas outside parentheses.
 *
 * @public
 */
export function splitLabelSelector(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    if (selector[i] === '(') depth++;
    if (selector[i] === ')') depth--;
    if (selector[i] === ',' && depth === 0) {
      parts.push(selector.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(selector.slice(start).trim());
  return parts.length === 1 && parts[0] === '' ? [] : parts;
}

/** Parses one requirement, e.g. `acme.io/env in (dev,staging)`.
 *
 * @public
 */
export function parseLabelRequirement(text: string): LabelRequirement {
  let m = EQUALITY.exec(text);
  if (m) {
    return {
      key: m[1],
      operator: m[2] === '!=' ? 'notIn' : 'in',
      values: [m[3]],
    };
  }
  m = SET.exec(text);
  if (m) {
    const values = m[3].split(',').map(v => v.trim());
    if (values.every(v => VALUE_ONLY.test(v))) {
      return { key: m[1], operator: m[2] === 'in' ? 'in' : 'notIn', values };
    }
  }
  m = EXISTS.exec(text);
  if (m) {
    return { key: m[2], operator: m[1] ? 'notExists' : 'exists' };
  }
  throw new Error(`'${text}' is not a label selector requirement`);
}

/**
 * Parses a Kubernetes label selector such as
 * `acme.io/service=checkout,acme.io/env in (dev,staging),!legacy`.
 *
 * @throws Error naming the requirement that does not parse
 *
 * @public
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitLabelSelector(selector).map(parseLabelRequirement);
}

/** Formats requirements back into a selector string.
 *
 * @public
 */
export function formatLabelSelector(requirements: LabelRequirement[]): string {
  return requirements
    .map(r => {
      switch (r.operator) {
        case 'exists':
          return r.key;
        case 'notExists':
          return `!${r.key}`;
        case 'in':
          return r.values.length === 1
            ? `${r.key}=${r.values[0]}`
            : `${r.key} in (${r.values.join(',')})`;
        default:
          return r.values.length === 1
            ? `${r.key}!=${r.values[0]}`
            : `${r.key} notin (${r.values.join(',')})`;
      }
    })
    .join(',');
}

/** Whether labels satisfy every requirement.
 *
 * @public
 */
export function matchesLabelSelector(
  requirements: LabelRequirement[],
  labels: Record<string, string>,
): boolean {
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'exists':
        return has;
      case 'notExists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      default:
        return !has || !r.values.includes(labels[r.key]);
    }
  });
}
