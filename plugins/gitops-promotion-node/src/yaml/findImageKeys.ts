import { Document, isAlias, isMap, isScalar, isSeq, Pair } from 'yaml';
import { formatKeyPath, KeyPathSegment } from './keyPath';
import { findOwnPair } from './locate';
import { keyString, parseYamlText, scalarString } from './parse';

/** Mapping keys whose scalar value is an image tag, wherever they are. */
const TAG_KEYS = new Set(['tag', 'newTag', 'digest']);

function isValueLike(doc: Document.Parsed, node: unknown): boolean {
  const target = isAlias(node) ? node.resolve(doc) : node;
  return target === null || target === undefined || isScalar(target);
}

/**
 * Finds the key paths of every scalar that looks like an image tag or a
 * chart version, in the key syntax of {@link parseKeyPath}:
 *
 * - any mapping key named `tag`, `newTag` or `digest` whose value is a scalar
 *   (or an alias of one, or empty), e.g. `image.tag`,
 *   `images[name=ghcr.io/acme/app].newTag` (Kustomize);
 * - `version` directly inside an item of a `dependencies` list
 *   (`dependencies[name=my-chart].version`, Helm `Chart.yaml` /
 *   `requirements.yaml`).
 *
 * List items are addressed as `[name=X]` when they are mappings with a
 * scalar `name` that is unique in the list, otherwise by index (`[2]`).
 * Duplicate mapping keys are only followed on their last occurrence, paths
 * are not followed through aliases, and a path that occurs in several
 * documents of a multi-document file is listed once (setting it then fails
 * with `AMBIGUOUS`). The result is in document order, without duplicates.
 *
 * @throws {@link YamlEditError} `PARSE_ERROR` when `text` is not valid YAML.
 * @public
 */
export function findImageKeys(text: string): string[] {
  const parsed = parseYamlText(text);
  const found = new Set<string>();

  const walk = (
    doc: Document.Parsed,
    node: unknown,
    path: KeyPathSegment[],
    inDependencies: boolean,
  ): void => {
    if (isMap(node)) {
      // walk in document order, last occurrence of each key only
      for (const pair of node.items as Pair[]) {
        const name = keyString(text, pair.key);
        if (name === undefined || findOwnPair(text, node, name) !== pair) {
          continue;
        }
        const childPath: KeyPathSegment[] = [
          ...path,
          { type: 'key', key: name },
        ];
        const isTagKey =
          TAG_KEYS.has(name) || (name === 'version' && inDependencies);
        if (isTagKey && isValueLike(doc, pair.value)) {
          found.add(formatKeyPath(childPath));
        } else {
          walk(doc, pair.value, childPath, false);
        }
      }
      return;
    }
    if (isSeq(node)) {
      const last = path[path.length - 1];
      const dependencies = last?.type === 'key' && last.key === 'dependencies';
      const names = node.items.map(item => {
        if (!isMap(item)) {
          return undefined;
        }
        const namePair = findOwnPair(text, item, 'name');
        return isScalar(namePair?.value)
          ? scalarString(text, namePair.value)
          : undefined;
      });
      node.items.forEach((item, index) => {
        const name = names[index];
        const unique =
          name !== undefined && names.filter(n => n === name).length === 1;
        const segment: KeyPathSegment = unique
          ? { type: 'selector', field: 'name', value: name }
          : { type: 'index', index };
        walk(doc, item, [...path, segment], dependencies);
      });
    }
  };

  for (const doc of parsed.documents) {
    walk(doc, doc.contents, [], false);
  }
  return [...found];
}
