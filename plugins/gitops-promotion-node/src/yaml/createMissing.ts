import {
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
import { KeyPathSegment } from './keyPath';
import {
  assertNotAliased,
  findOwnPair,
  keyNotFound,
  MissingLocation,
} from './locate';
import { ParsedYaml } from './parse';
import {
  doubleQuote,
  isPlainSafe,
  renderScalar,
  ScalarStyle,
  singleQuote,
} from './quoting';
import { cannotWrite, readsBack } from './readsBack';

type KeySegment = Extract<KeyPathSegment, { type: 'key' }>;

/** Indentation conventions of a file, detected from its block collections. */
export interface IndentStyle {
  /** Columns from a mapping key to the keys of its nested block mapping. */
  mapStep: number;
  /** Columns from a mapping key to the `-` of its block sequence (0: `key:\n- a`). */
  seqIndent: number;
  /** Columns from a `-` to the first key of its mapping item (2: `- name: a`). */
  itemKeyOffset: number;
}

/** Defaults for files without nesting: 2 spaces, Kustomize-style lists. */
export const DEFAULT_INDENT_STYLE: IndentStyle = {
  mapStep: 2,
  seqIndent: 0,
  itemKeyOffset: 2,
};

/** Column of `offset` in its line (a byte order mark is not a column). */
function columnOf(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const bom = lineStart === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return offset - lineStart - bom;
}

/** Whether a line break separates `from` and `to`. */
function onLaterLine(text: string, from: number, to: number): boolean {
  const newline = text.lastIndexOf('\n', to);
  return newline >= from;
}

function firstKeyStart(map: YAMLMap): number | undefined {
  const pair = map.items[0] as Pair | undefined;
  return (pair?.key as Node | null | undefined)?.range?.[0];
}

/** The most frequent value; ties go to the smaller one. */
function mostCommon(values: number[], fallback: number): number {
  const counts = new Map<number, number>();
  for (const v of values) {
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let best = fallback;
  let bestCount = 0;
  for (const [v, count] of counts) {
    if (count > bestCount || (count === bestCount && v < best)) {
      best = v;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Detects the indentation the file uses (all its documents), from the block
 * mappings nested in block mappings (`mapStep`), the block sequences that
 * are values of mapping keys (`seqIndent`) and the mapping items of block
 * sequences (`itemKeyOffset`); each is the most frequent value in the file,
 * ties going to the smaller one, and {@link DEFAULT_INDENT_STYLE} when the
 * file has no such collection.
 */
export function detectIndentStyle(parsed: ParsedYaml): IndentStyle {
  const { text } = parsed;
  const mapSteps: number[] = [];
  const seqIndents: number[] = [];
  const itemOffsets: number[] = [];
  for (const doc of parsed.documents) {
    visit(doc, {
      Pair(_, pair) {
        const keyStart = (pair.key as Node | null)?.range?.[0];
        const value = pair.value;
        if (keyStart === undefined) {
          return;
        }
        if (isMap(value) && !value.flow) {
          const childStart = firstKeyStart(value);
          if (
            childStart !== undefined &&
            onLaterLine(text, keyStart, childStart)
          ) {
            const step = columnOf(text, childStart) - columnOf(text, keyStart);
            if (step > 0) {
              mapSteps.push(step);
            }
          }
        } else if (isSeq(value) && !value.flow && value.range) {
          const dash = value.range[0];
          if (text[dash] === '-' && onLaterLine(text, keyStart, dash)) {
            const indent = columnOf(text, dash) - columnOf(text, keyStart);
            if (indent >= 0) {
              seqIndents.push(indent);
            }
          }
        }
      },
      Seq(_, seq) {
        if (seq.flow) {
          return;
        }
        for (const item of seq.items) {
          const start = isMap(item) && !item.flow ? firstKeyStart(item) : -1;
          if (start === undefined || start < 0) {
            continue;
          }
          let p = start - 1;
          while (p >= 0 && text[p] === ' ') {
            p--;
          }
          if (p >= 0 && p < start - 1 && text[p] === '-') {
            itemOffsets.push(start - p);
          }
        }
      },
    });
  }
  return {
    mapStep: mostCommon(mapSteps, DEFAULT_INDENT_STYLE.mapStep),
    seqIndent: mostCommon(seqIndents, DEFAULT_INDENT_STYLE.seqIndent),
    itemKeyOffset: mostCommon(itemOffsets, DEFAULT_INDENT_STYLE.itemKeyOffset),
  };
}

/**
 * Quoting style of `field` in the mapping items of `seq` (the last item
 * that has it as a flow scalar, `exclude` skipped), or undefined.
 */
function siblingStyle(
  text: string,
  seq: YAMLSeq | undefined,
  field: string,
  exclude?: unknown,
): ScalarStyle | undefined {
  if (!seq) {
    return undefined;
  }
  for (let i = seq.items.length - 1; i >= 0; i--) {
    const item = seq.items[i];
    if (item === exclude || !isMap(item)) {
      continue;
    }
    const value = findOwnPair(text, item, field)?.value;
    if (isScalar(value)) {
      const type = value.type ?? 'PLAIN';
      if (
        type === 'PLAIN' ||
        type === 'QUOTE_DOUBLE' ||
        type === 'QUOTE_SINGLE'
      ) {
        return type;
      }
    }
  }
  return undefined;
}

function renderKey(key: string): string {
  return isPlainSafe(key) && key !== '<<' ? key : doubleQuote(key);
}

/**
 * Renders a new scalar: in the style of its siblings when they are quoted,
 * else plain when that reads back unchanged, else double-quoted; with
 * `forceDouble`, always double-quoted (the fallback candidate).
 */
function renderNew(
  value: string,
  style: ScalarStyle | undefined,
  forceDouble: boolean,
): string {
  if (forceDouble || style === 'QUOTE_DOUBLE') {
    return doubleQuote(value);
  }
  if (style === 'QUOTE_SINGLE') {
    return singleQuote(value);
  }
  return renderScalar(value, {
    style: 'PLAIN',
    previousWasNumber: false,
    inFlow: false,
  });
}

function splice(text: string, start: number, end: number, insert: string) {
  return text.slice(0, start) + insert + text.slice(end);
}

/** Refuses the shapes of the missing part of a path that are never created. */
function checkMissingSegments(
  rest: KeyPathSegment[],
  refuse: (why: string) => YamlEditError,
): void {
  if (rest.some(segment => segment.type === 'index')) {
    throw refuse(
      'never creates list items by index; address a new item with a selector such as [name=...]',
    );
  }
  const last = rest[rest.length - 1];
  if (last.type !== 'key') {
    throw refuse(
      'creates list items only with a mapping key after the selector, e.g. images[name=x].newTag',
    );
  }
  rest.forEach((segment, i) => {
    const next = rest[i + 1];
    if (segment.type !== 'selector' || !next) {
      return;
    }
    if (next.type !== 'key') {
      throw refuse('never creates a list item directly inside a list item');
    }
    if (next.key === segment.field) {
      throw refuse(
        `cannot set the selector field ${JSON.stringify(
          segment.field,
        )} of the new list item`,
      );
    }
  });
}

/** What the refusal says about a container that cannot take an insertion. */
function unusableContainer(
  container: unknown,
  needed: 'mapping' | 'sequence',
): string | undefined {
  const empty =
    container === null ||
    container === undefined ||
    (isScalar(container) &&
      container.value === null &&
      (!container.range || container.range[0] === container.range[1]));
  if (empty) {
    return 'only inserts into an existing, non-empty block mapping or list; it never fills an empty value or an empty document';
  }
  if (isScalar(container)) {
    return 'never replaces an existing value';
  }
  const fits = needed === 'mapping' ? isMap(container) : isSeq(container);
  if (!fits) {
    return 'never changes the kind of an existing value';
  }
  const collection = container as YAMLMap | YAMLSeq;
  if (collection.flow) {
    return 'does not insert into flow collections ({...} / [...])';
  }
  if (collection.items.length === 0) {
    return 'only inserts into an existing, non-empty block mapping or list';
  }
  if (
    isSeq(collection) &&
    collection.items.some(
      item => !isMap(item) || item.flow || item.items.length === 0,
    )
  ) {
    return 'only appends to a list whose items are all block mappings';
  }
  return undefined;
}

/** The start of a list item line: `-` at `dashCol`, its key at `keyCol`. */
function itemLead(dashCol: number, keyCol: number): string {
  return `${' '.repeat(dashCol)}-${' '.repeat(keyCol - dashCol - 1)}`;
}

/**
 * The new lines for the missing segments `segs`. `segs[0]` is a key of a
 * mapping whose keys are at column `col`, or a selector: a new list item
 * whose keys are at column `col`. `lead` starts the first line (the
 * indentation, or the indentation and `- ` of a new item). `render` gives
 * the scalar of a selector (its value) and of the last key (the new value).
 */
function newLines(
  segs: KeyPathSegment[],
  col: number,
  lead: string,
  style: IndentStyle,
  render: (segment: KeyPathSegment) => string,
): string[] {
  const [head, ...more] = segs;
  if (head.type === 'selector') {
    return [
      `${lead}${renderKey(head.field)}: ${render(head)}`,
      ...newLines(more, col, ' '.repeat(col), style, render),
    ];
  }
  const line = `${lead}${renderKey((head as KeySegment).key)}:`;
  if (more.length === 0) {
    return [`${line} ${render(head)}`];
  }
  if (more[0].type === 'key') {
    const keyCol = col + style.mapStep;
    return [line, ...newLines(more, keyCol, ' '.repeat(keyCol), style, render)];
  }
  const dashCol = col + style.seqIndent;
  const keyCol = dashCol + style.itemKeyOffset;
  return [
    line,
    ...newLines(more, keyCol, itemLead(dashCol, keyCol), style, render),
  ];
}

/**
 * Inserts `lines` after the line where the node ending at `end` ends, with
 * that line's line break; after the last line of a file without final
 * newline, a line break of the file comes first and none is added at the end.
 */
function insertLines(text: string, end: number, lines: string[]): string {
  const lineEnd =
    end > 0 && text[end - 1] === '\n' ? end - 1 : text.indexOf('\n', end);
  if (lineEnd < 0) {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    return `${text}${eol}${lines.join(eol)}`;
  }
  const eol = text[lineEnd - 1] === '\r' ? '\r\n' : '\n';
  return splice(text, lineEnd + 1, lineEnd + 1, `${lines.join(eol)}${eol}`);
}

/**
 * Whether inserting after the node ending at `end` appends to the last line
 * of a file without final newline that ends a block scalar whose content
 * ends with a line break (clip `|` or keep `|+` chomping, `>` too): the line
 * break written before the new lines would become part of its content for a
 * spec-conforming loader (`x` at the end of the file would read as `x\n`).
 */
function blockScalarGainsLineBreak(parsed: ParsedYaml, end: number): boolean {
  const { text } = parsed;
  const atEnd =
    !(end > 0 && text[end - 1] === '\n') && text.indexOf('\n', end) < 0;
  const doc = parsed.documents[parsed.documents.length - 1];
  if (!atEnd || !doc) {
    return false;
  }
  let found = false;
  visit(doc, {
    Scalar(_, node) {
      if (
        (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') &&
        node.range &&
        !text.slice(node.range[1]).includes('\n') &&
        String(node.value).endsWith('\n')
      ) {
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Where and how the new lines go into the deepest existing collection. */
interface InsertionPlan {
  /** End offset of the last entry (or item) of the collection. */
  end: number;
  /** Column of the keys the new lines start with. */
  col: number;
  /** Start of the first new line. */
  lead: string;
  /** List whose items' quoting the new selector value follows. */
  selectorSiblings?: YAMLSeq;
  /** List whose items' quoting the new value follows (`exclude` skipped). */
  valueSiblings?: YAMLSeq;
  valueExclude?: unknown;
}

function planInsertion(
  text: string,
  collection: YAMLMap | YAMLSeq,
  location: MissingLocation,
  rest: KeyPathSegment[],
): InsertionPlan | undefined {
  if (isMap(collection)) {
    const lastPair = collection.items[collection.items.length - 1] as Pair;
    const keyStart = (lastPair.key as Node | null)?.range?.[0];
    const end = ((lastPair.value ?? lastPair.key) as Node | null)?.range?.[1];
    if (keyStart === undefined || end === undefined) {
      return undefined;
    }
    const col = columnOf(text, keyStart);
    const plan: InsertionPlan = { end, col, lead: ' '.repeat(col) };
    // the collection is the last ancestor, the list holding it the one before
    const parent = location.ancestors[location.ancestors.length - 2]?.node;
    if (
      rest.length === 1 &&
      isSeq(parent) &&
      parent.items.includes(collection)
    ) {
      plan.valueSiblings = parent;
      plan.valueExclude = collection;
    }
    return plan;
  }
  const dash = collection.range?.[0];
  const lastItem = collection.items[collection.items.length - 1] as YAMLMap;
  // the column of the item's keys: its last key's (the first one may carry
  // an anchor or a tag on the dash line)
  const lastKey = (lastItem.items[lastItem.items.length - 1] as Pair).key;
  const keyStart = (lastKey as Node | null)?.range?.[0];
  const end = lastItem.range?.[1];
  if (
    dash === undefined ||
    text[dash] !== '-' ||
    keyStart === undefined ||
    end === undefined
  ) {
    return undefined;
  }
  const dashCol = columnOf(text, dash);
  const col = columnOf(text, keyStart);
  if (col <= dashCol + 1) {
    return undefined;
  }
  return {
    end,
    col,
    lead: itemLead(dashCol, col),
    selectorSiblings: collection,
    valueSiblings: rest.length === 2 ? collection : undefined,
  };
}

/**
 * The `createMissing` part of `setYamlValue`: inserts the missing segments
 * `segments.slice(location.depth)` as new lines after the last entry of the
 * deepest existing collection (see `SetYamlValueOptions.createMissing`).
 */
export function insertMissing(
  parsed: ParsedYaml,
  key: string,
  segments: KeyPathSegment[],
  location: MissingLocation,
  value: string,
): string {
  const { text } = parsed;
  const refuse = (why: string) =>
    keyNotFound(key, segments, location, ` (createMissing ${why})`);
  const rest = segments.slice(location.depth);
  checkMissingSegments(rest, refuse);
  const first = rest[0];
  const problem = unusableContainer(
    location.container,
    first.type === 'key' ? 'mapping' : 'sequence',
  );
  if (problem) {
    throw refuse(problem);
  }
  if (/\r(?!\n)/.test(text)) {
    throw refuse('supports LF and CRLF line breaks only');
  }
  if (location.sameDepthDocuments && location.sameDepthDocuments.length > 0) {
    throw new YamlEditError(
      'AMBIGUOUS',
      `Key ${JSON.stringify(
        key,
      )} is ambiguous for createMissing: its parent exists in documents ${[
        location.documentIndex + 1,
        ...location.sameDepthDocuments,
      ].join(', ')} of this multi-document YAML file`,
    );
  }
  // the collection itself is the last ancestor: an anchor on it that an
  // alias uses is reported as "inside &anchor"
  assertNotAliased(key, {
    document: parsed.documents[location.documentIndex],
    node: null,
    ancestors: location.ancestors,
    hazard: location.hazard,
  });
  const collection = location.container as YAMLMap | YAMLSeq;
  const plan = planInsertion(text, collection, location, rest);
  if (!plan) {
    throw refuse('cannot find where to insert');
  }
  if (blockScalarGainsLineBreak(parsed, plan.end)) {
    throw refuse(
      'would add a line break to the block scalar (| or >) that ends the file without final newline',
    );
  }
  const style = detectIndentStyle(parsed);
  const last = rest[rest.length - 1] as KeySegment;
  const valueStyle = siblingStyle(
    text,
    plan.valueSiblings,
    last.key,
    plan.valueExclude,
  );
  const selectorStyle =
    first.type === 'selector'
      ? siblingStyle(text, plan.selectorSiblings, first.field)
      : undefined;
  const tried = new Set<string>();
  for (const forceDouble of [false, true]) {
    const render = (segment: KeyPathSegment) =>
      segment.type === 'selector'
        ? renderNew(
            segment.value,
            segment === first ? selectorStyle : undefined,
            forceDouble,
          )
        : renderNew(value, valueStyle, forceDouble);
    const lines = newLines(rest, plan.col, plan.lead, style, render);
    const next = insertLines(text, plan.end, lines);
    if (!tried.has(next)) {
      tried.add(next);
      if (readsBack(next, key, value, parsed.documents.length)) {
        return next;
      }
    }
  }
  throw cannotWrite(key, value);
}
