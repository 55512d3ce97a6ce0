import { InputError } from '@backstage/errors';

/**
 * What kind of value a bundle key holds.
 *
 * - `image-tag`: an OCI tag, a digest (`sha256:<64 hex>`) or a tag pinned to a
 *   digest (`<tag>@sha256:<64 hex>`).
 * - `chart-version`: a SemVer 2 version (`1.6.0`, `1.6.0-rc.1+build.5`, an
 *   optional leading `v`).
 * - `any`: either of the above.
 */
export type VersionKind = 'image-tag' | 'chart-version' | 'any';

/** The longest OCI tag (and the longest version accepted of any kind). */
export const MAX_TAG_LENGTH = 128;

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const TAG_CHARACTER = /[A-Za-z0-9._-]/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** What YAML makes of a plain scalar starting with these characters. */
const YAML_INDICATORS: Record<string, string> = {
  '*': 'an alias',
  '&': 'an anchor',
  '!': 'a tag',
  '{': 'a flow mapping',
  '}': 'a flow mapping',
  '[': 'a flow sequence',
  ']': 'a flow sequence',
  ',': 'a flow separator',
  '|': 'a literal block scalar',
  '>': 'a folded block scalar',
  "'": 'a quoted string',
  '"': 'a quoted string',
  '%': 'a directive',
  '@': 'a reserved indicator',
  '`': 'a reserved indicator',
  '#': 'a comment',
  '?': 'a mapping key',
  ':': 'a mapping value',
  '-': 'a sequence entry',
};

/** True for `sha256:<64 hex>` and `<tag>@sha256:<64 hex>`: immutable by construction. */
export function isDigest(value: string): boolean {
  const at = value.indexOf('@');
  if (at < 0) {
    return DIGEST.test(value);
  }
  return TAG.test(value.slice(0, at)) && DIGEST.test(value.slice(at + 1));
}

/**
 * The kind of value a key holds, guessed from its last segment: `…tag` and
 * `…digest` (`image.tag`, `images[…].newTag`) hold image tags, `version` of a
 * chart dependency or a Chart.yaml holds a chart version, anything else is
 * `any`.
 */
export function versionKindOfKey(key: string): VersionKind {
  const last =
    key
      .replace(/\[[^\]]*\]/g, '')
      .split('.')
      .pop() ?? '';
  if (/(tag|digest)$/i.test(last)) {
    return 'image-tag';
  }
  if (
    last === 'version' &&
    (key === 'version' || /^dependencies\[[^\]]*\]\.version$/.test(key))
  ) {
    return 'chart-version';
  }
  return 'any';
}

/**
 * Returns `value` when it is a safe version of the given kind, or throws an
 * InputError (HTTP 400) naming the problem: empty, too long, a line break or
 * control character, whitespace, a start or sequence YAML would read as
 * syntax, characters an OCI tag cannot hold, or not SemVer for a chart.
 */
export function validateVersion(
  value: string,
  options: { kind?: VersionKind; key?: string } = {},
): string {
  const problem = versionProblem(value, options.kind ?? 'any');
  if (problem) {
    const shown =
      typeof value === 'string'
        ? JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value)
        : String(value);
    throw new InputError(
      `Invalid version ${shown}${
        options.key ? ` for ${options.key}` : ''
      }: ${problem}`,
    );
  }
  return value;
}

function versionProblem(value: string, kind: VersionKind): string | undefined {
  if (typeof value !== 'string') {
    return 'must be a string';
  }
  if (value.length === 0) {
    return 'is empty';
  }
  if (/[\r\n\u0085\u2028\u2029]/.test(value)) {
    return 'contains a line break';
  }
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(value);
  if (control) {
    return `contains the control character U+${control[0]
      .charCodeAt(0)
      .toString(16)
      .toUpperCase()
      .padStart(4, '0')}`;
  }
  const indicator = YAML_INDICATORS[value[0]];
  if (indicator) {
    return `starts with '${value[0]}', which YAML reads as ${indicator}`;
  }
  if (value.includes(': ') || value.endsWith(':')) {
    return "contains ':' followed by a space or the end, which YAML reads as a mapping";
  }
  if (value.includes(' #')) {
    return "contains ' #', which YAML reads as a comment";
  }
  if (/\s/.test(value)) {
    return 'contains whitespace';
  }
  const digestLike = value.includes('@') || value.startsWith('sha256:');
  const limit = digestLike ? MAX_TAG_LENGTH + 72 : MAX_TAG_LENGTH;
  if (value.length > limit) {
    return `is ${value.length} characters long; at most ${MAX_TAG_LENGTH} are allowed`;
  }
  if (digestLike) {
    if (kind === 'chart-version') {
      return 'a chart version must be SemVer (like 1.6.0), not a digest';
    }
    return isDigest(value)
      ? undefined
      : 'is not a digest: use sha256:<64 lowercase hex characters> or <tag>@sha256:<64 lowercase hex characters>';
  }
  if (kind === 'chart-version') {
    return SEMVER.test(value)
      ? undefined
      : 'is not a SemVer 2 chart version like 1.6.0 or 1.6.0-rc.1+build.5';
  }
  if (TAG.test(value) || (kind === 'any' && SEMVER.test(value))) {
    return undefined;
  }
  const bad = [...value].find(c => !TAG_CHARACTER.test(c));
  if (bad) {
    return `contains '${bad}'; an image tag may only contain letters, digits, '_', '.' and '-'${
      kind === 'any' ? ' (or be a SemVer version)' : ''
    }`;
  }
  return `starts with '${value[0]}'; an image tag must start with a letter, digit or '_'`;
}
