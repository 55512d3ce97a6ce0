import {
  formatKeyPath,
  getYamlValue,
  KeyPathSegment,
  parseKeyPath,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';

function read(text: string, segments: KeyPathSegment[]): string | undefined {
  try {
    return getYamlValue(text, formatKeyPath(segments)) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The container image a version key deploys, as Argo CD would list it in
 * `status.summary.images`:
 *
 * - `….tag`: the sibling `repository` in the same file, else `fallbackRepository`;
 * - `images[name=X].newTag` (Kustomize): the entry's `newName`, else X;
 * - anything else (a chart `version`) is not an image: undefined.
 *
 * A value that is a digest (`sha256:…`) is joined with `@`, a tag with `:`.
 */
export function imageForKey(
  text: string,
  key: string,
  fallbackRepository: string,
): string | undefined {
  let segments: KeyPathSegment[];
  try {
    segments = parseKeyPath(key);
  } catch {
    return undefined;
  }
  const last = segments[segments.length - 1];
  if (last.type !== 'key' || (last.key !== 'tag' && last.key !== 'newTag')) {
    return undefined;
  }
  const version = read(text, segments);
  if (!version) return undefined;
  const parent = segments.slice(0, -1);
  const sibling = (name: string) =>
    read(text, [...parent, { type: 'key', key: name }]);
  let repository: string | undefined;
  if (last.key === 'tag') {
    repository = sibling('repository');
  } else {
    const selector = parent[parent.length - 1];
    repository =
      sibling('newName') ??
      (selector?.type === 'selector' && selector.field === 'name'
        ? selector.value
        : undefined);
  }
  const separator = version.startsWith('sha256:') ? '@' : ':';
  return `${repository ?? fallbackRepository}${separator}${version}`;
}
