import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Node,
  Pair,
  visit,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import { YamlEditError } from './errors';
import { formatKeyPath, KeyPathSegment } from './keyPath';
import { keyString, ParsedYaml, scalarString } from './parse';

/** Why a path is only reachable in a way that must not be edited. */
export type PathHazard =
  | { kind: 'alias'; alias: string; at: string }
  | { kind: 'merge'; at: string };

/** A collection walked on the way to the target (never through an alias). */
export interface PathAncestor {
  node: YAMLMap | YAMLSeq;
  prefix: string;
}

/** The path resolved to a node (internal). */
export interface FoundLocation {
  found: true;
  document: Document.Parsed;
  documentIndex: number;
  /** Final node as written in the file; `null` when the pair has no value node. */
  node: Node | null;
  ancestors: PathAncestor[];
  hazard?: PathHazard;
}

/** The path did not resolve (internal). */
export interface MissingLocation {
  found: false;
  documentIndex: number;
  /** Number of leading segments that resolved. */
  depth: number;
  reason: string;
  /** The node reached after `depth` segments (dereferenced). */
  container: unknown;
  ancestors: PathAncestor[];
  hazard?: PathHazard;
  /**
   * Other documents (1-based) where the path got equally deep and stopped
   * at a collection that could take the missing segment too (a sequence for
   * a selector, else a mapping); makes createMissing ambiguous.
   */
  sameDepthDocuments?: number[];
}

export type Location = FoundLocation | MissingLocation;

const MAX_MERGE_DEPTH = 32;

function isMergeKey(text: string, key: unknown): boolean {
  return (
    isScalar(key) &&
    (key.type === 'PLAIN' || key.type === undefined) &&
    key.range !== undefined &&
    key.range !== null &&
    text.slice(key.range[0], key.range[1]) === '<<'
  );
}

/** The LAST pair of `map` whose key is `key` (duplicate keys: last wins). */
export function findOwnPair(
  text: string,
  map: YAMLMap,
  key: string,
): Pair | undefined {
  for (let i = map.items.length - 1; i >= 0; i--) {
    const pair = map.items[i] as Pair;
    if (!isMergeKey(text, pair.key) && keyString(text, pair.key) === key) {
      return pair;
    }
  }
  return undefined;
}

function deref(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** Looks `key` up in the maps merged into `map` through `<<` keys. */
function findMergedPair(
  text: string,
  doc: Document.Parsed,
  map: YAMLMap,
  key: string,
  depth = 0,
): Pair | undefined {
  if (depth > MAX_MERGE_DEPTH) {
    return undefined;
  }
  let mergePair: Pair | undefined;
  for (let i = map.items.length - 1; i >= 0 && !mergePair; i--) {
    const pair = map.items[i] as Pair;
    if (isMergeKey(text, pair.key)) {
      mergePair = pair;
    }
  }
  if (!mergePair) {
    return undefined;
  }
  const value = deref(doc, mergePair.value);
  const sources = isSeq(value)
    ? value.items.map(item => deref(doc, item))
    : [value];
  for (const source of sources) {
    if (isMap(source)) {
      const pair =
        findOwnPair(text, source, key) ??
        findMergedPair(text, doc, source, key, depth + 1);
      if (pair) {
        return pair;
      }
    }
  }
  return undefined;
}

/** Looks a key up in a map, own keys first, then merge keys. */
export function lookupKey(
  text: string,
  doc: Document.Parsed,
  map: YAMLMap,
  key: string,
): { pair: Pair; merged: boolean } | undefined {
  const own = findOwnPair(text, map, key);
  if (own) {
    return { pair: own, merged: false };
  }
  const merged = findMergedPair(text, doc, map, key);
  return merged ? { pair: merged, merged: true } : undefined;
}

function describe(node: unknown): string {
  if (node === null || node === undefined) {
    return 'empty';
  }
  if (isScalar(node)) {
    return 'a scalar';
  }
  if (isSeq(node)) {
    return 'a sequence';
  }
  if (isMap(node)) {
    return 'a mapping';
  }
  return 'not a collection';
}

function walkDocument(
  parsed: ParsedYaml,
  documentIndex: number,
  segments: KeyPathSegment[],
  key: string,
): Location {
  const { text } = parsed;
  const doc = parsed.documents[documentIndex];
  const ancestors: PathAncestor[] = [];
  let hazard: PathHazard | undefined;
  let current: unknown = doc.contents;

  const missing = (depth: number, reason: string): MissingLocation => ({
    found: false,
    documentIndex,
    depth,
    reason,
    container: current,
    ancestors,
    hazard,
  });

  for (let i = 0; i < segments.length; i++) {
    const prefix = formatKeyPath(segments.slice(0, i));
    const where = i === 0 ? 'the document root' : JSON.stringify(prefix);
    if (isAlias(current)) {
      hazard ??= { kind: 'alias', alias: current.source, at: prefix };
      current = current.resolve(doc);
      if (!current) {
        return missing(i, `${where} is an alias of an undefined anchor`);
      }
    }
    const segment = segments[i];
    if (segment.type === 'key') {
      if (!isMap(current)) {
        return missing(
          i,
          `${where} is ${describe(
            current,
          )}, not a mapping with key ${JSON.stringify(segment.key)}`,
        );
      }
      if (!hazard) {
        ancestors.push({ node: current, prefix });
      }
      const hit = lookupKey(text, doc, current, segment.key);
      if (!hit) {
        return missing(i, `${where} has no key ${JSON.stringify(segment.key)}`);
      }
      if (hit.merged) {
        hazard ??= {
          kind: 'merge',
          at: prefix,
        };
      }
      current = hit.pair.value ?? null;
      continue;
    }
    if (!isSeq(current)) {
      return missing(i, `${where} is ${describe(current)}, not a sequence`);
    }
    if (!hazard) {
      ancestors.push({ node: current, prefix });
    }
    if (segment.type === 'index') {
      if (segment.index >= current.items.length) {
        return missing(
          i,
          `${where} has ${current.items.length} item(s), no index ${segment.index}`,
        );
      }
      current = current.items[segment.index] ?? null;
      continue;
    }
    const matches: number[] = [];
    current.items.forEach((item, index) => {
      const map = deref(doc, item);
      if (!isMap(map)) {
        return;
      }
      const hit = lookupKey(text, doc, map, segment.field);
      const value = hit ? deref(doc, hit.pair.value) : undefined;
      if (isScalar(value) && scalarString(text, value) === segment.value) {
        matches.push(index);
      }
    });
    if (matches.length > 1) {
      throw new YamlEditError(
        'AMBIGUOUS',
        `Key ${JSON.stringify(key)} is ambiguous: the selector [${
          segment.field
        }=${segment.value}] matches ${
          matches.length
        } items of ${where} (indexes ${matches.join(
          ', ',
        )}); use an index instead, e.g. ${JSON.stringify(
          formatKeyPath([
            ...segments.slice(0, i),
            { type: 'index', index: matches[0] },
            ...segments.slice(i + 1),
          ]),
        )}`,
      );
    }
    if (matches.length === 0) {
      return missing(
        i,
        `${where} has no item with ${segment.field}=${JSON.stringify(
          segment.value,
        )}`,
      );
    }
    current = current.items[matches[0]] ?? null;
  }
  return {
    found: true,
    document: doc,
    documentIndex,
    node: (current as Node | null) ?? null,
    ancestors,
    hazard,
  };
}

/**
 * Resolves a key path in a parsed (multi-document) YAML text.
 *
 * Documents are searched in order; when the path resolves in more than one
 * document an `AMBIGUOUS` error is thrown. When it resolves nowhere, the
 * missing location of the document where it got deepest is returned.
 */
export function locate(
  parsed: ParsedYaml,
  segments: KeyPathSegment[],
  key: string,
): Location {
  const results = parsed.documents.map((_, index) =>
    walkDocument(parsed, index, segments, key),
  );
  const found = results.filter((r): r is FoundLocation => r.found);
  if (found.length > 1) {
    throw new YamlEditError(
      'AMBIGUOUS',
      `Key ${JSON.stringify(key)} is ambiguous: it exists in documents ${found
        .map(f => f.documentIndex + 1)
        .join(', ')} of this multi-document YAML file`,
    );
  }
  if (found.length === 1) {
    return found[0];
  }
  let best: MissingLocation | undefined;
  for (const result of results as MissingLocation[]) {
    if (!best || result.depth > best.depth) {
      best = result;
    }
  }
  if (best) {
    const depth = best.depth;
    // a selector is created in a sequence, anything else in a mapping
    const fits =
      segments[depth]?.type === 'selector'
        ? isSeq
        : (node: unknown) => isMap(node);
    best.sameDepthDocuments = results
      .filter(
        r => r !== best && !r.found && r.depth === depth && fits(r.container),
      )
      .map(r => r.documentIndex + 1);
  }
  return (
    best ?? {
      found: false,
      documentIndex: 0,
      depth: 0,
      reason: 'the file contains no YAML document',
      container: null,
      ancestors: [],
    }
  );
}

/** Builds the KEY_NOT_FOUND error for a missing location. */
export function keyNotFound(
  key: string,
  segments: KeyPathSegment[],
  location: MissingLocation,
  extra = '',
): YamlEditError {
  const prefix =
    location.depth === 0
      ? 'none (not even the first segment exists)'
      : JSON.stringify(formatKeyPath(segments.slice(0, location.depth)));
  return new YamlEditError(
    'KEY_NOT_FOUND',
    `Key ${JSON.stringify(key)} not found: ${
      location.reason
    }; deepest existing prefix: ${prefix}${extra}`,
  );
}

/** Names of all anchors that are used by at least one alias in `doc`. */
export function referencedAnchors(doc: Document.Parsed): Set<string> {
  const names = new Set<string>();
  visit(doc, {
    Alias(_, node) {
      names.add(node.source);
    },
  });
  return names;
}

/**
 * Throws `ALIASED_VALUE` when editing the located node would also change
 * other parts of the document: the node is an alias, the path walks through
 * an alias or a merge key, or the node or one of its ancestor collections
 * carries an anchor that some alias references.
 */
export function assertNotAliased(
  key: string,
  location: {
    document: Document.Parsed;
    node: Node | null;
    ancestors: PathAncestor[];
    hazard?: PathHazard;
  },
): void {
  const { node, hazard } = location;
  if (isAlias(node)) {
    throw new YamlEditError(
      'ALIASED_VALUE',
      `Key ${JSON.stringify(key)} is an alias of &${
        node.source
      }; editing it would change every user of the anchor`,
    );
  }
  if (hazard?.kind === 'alias') {
    throw new YamlEditError(
      'ALIASED_VALUE',
      `Key ${JSON.stringify(key)} goes through the alias *${
        hazard.alias
      } at ${JSON.stringify(hazard.at)}; editing it would change the anchor &${
        hazard.alias
      } and every user of it`,
    );
  }
  if (hazard?.kind === 'merge') {
    throw new YamlEditError(
      'ALIASED_VALUE',
      `Key ${JSON.stringify(
        key,
      )} is only defined through a merge key (<<) at ${JSON.stringify(
        hazard.at,
      )}; editing it would change the merged anchor and every user of it`,
    );
  }
  const used = referencedAnchors(location.document);
  if (used.size === 0) {
    return;
  }
  const anchor = (node as { anchor?: string } | null)?.anchor;
  if (anchor && used.has(anchor)) {
    throw new YamlEditError(
      'ALIASED_VALUE',
      `The value of key ${JSON.stringify(
        key,
      )} carries the anchor &${anchor}, which is referenced by an alias; editing it would change every user of the anchor`,
    );
  }
  for (const ancestor of location.ancestors) {
    const name = ancestor.node.anchor;
    if (name && used.has(name)) {
      const at =
        ancestor.prefix === ''
          ? 'the document root'
          : JSON.stringify(ancestor.prefix);
      throw new YamlEditError(
        'ALIASED_VALUE',
        `Key ${JSON.stringify(
          key,
        )} is inside &${name} (at ${at}), which is referenced by an alias; editing it would change every user of the anchor`,
      );
    }
  }
}
