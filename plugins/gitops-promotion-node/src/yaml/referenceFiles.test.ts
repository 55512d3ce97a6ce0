import * as fs from 'fs';
import * as path from 'path';
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
  YAMLMap,
} from 'yaml';
import { findLineInsertion } from './__testUtils__/findLineInsertion';
import { YamlEditErrorCode } from './errors';
import { findImageKeys } from './findImageKeys';
import { getYamlValue, getYamlValues, readValue } from './getYamlValue';
import { formatKeyPath, KeyPathSegment } from './keyPath';
import { parseYamlText } from './parse';
import { setYamlValue } from './setYamlValue';

/**
 * Table-driven tests over the real GitOps files of the shared reference
 * folder (/work/shared/reference next to the repository). The folder is
 * required: when it is missing these tests fail, they never skip.
 */
const REFERENCE_DIR = path.resolve(
  __dirname,
  '../../../../../shared/reference',
);

const NEW_VALUES = ['9.9.9-test', 'v2.0.0'];

/**
 * Files the `yaml` package cannot parse; they must yield PARSE_ERROR.
 * None of the reference files fails today: every `{{ }}` Helm template in
 * them sits in a comment or inside a quoted string.
 */
const EXPECTED_PARSE_ERRORS: string[] = [];

const KSERVE =
  'gitops-layouts/kserve__kserve/charts__kserve-resources__values.yaml';

/**
 * Keys found by findImageKeys that setYamlValue must refuse, by reason.
 * kserve: `tag: *defaultVersion` aliases of `version: &defaultVersion v0.16.0`.
 */
const EXPECTED_REFUSALS: Record<string, Record<string, YamlEditErrorCode>> = {
  [KSERVE]: Object.fromEntries(
    [
      'kserve.agent.tag',
      'kserve.router.tag',
      'kserve.storage.tag',
      'kserve.controller.tag',
      'kserve.servingruntime.sklearnserver.tag',
      'kserve.servingruntime.xgbserver.tag',
      'kserve.servingruntime.huggingfaceserver.tag',
      'kserve.servingruntime.pmmlserver.tag',
      'kserve.servingruntime.paddleserver.tag',
      'kserve.servingruntime.lgbserver.tag',
      'kserve.localmodel.controller.tag',
      'kserve.localmodel.agent.tag',
    ].map(key => [key, 'ALIASED_VALUE' as YamlEditErrorCode]),
  ),
};

/** Extra keys (not tag keys) that must be refused, by reason. */
const EXTRA_REFUSALS: Record<string, Record<string, YamlEditErrorCode>> = {
  // the anchor &defaultVersion is referenced by aliases
  [KSERVE]: { 'kserve.version': 'ALIASED_VALUE' },
};

function listYamlFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (/\.ya?ml$/.test(entry.name)) {
        out.push(path.relative(REFERENCE_DIR, full).split(path.sep).join('/'));
      }
    }
  };
  for (const sub of ['gitops-layouts', 'repo-layouts']) {
    const dir = path.join(REFERENCE_DIR, sub);
    if (fs.existsSync(dir)) {
      walk(dir);
    }
  }
  return out
    .filter(f => f.startsWith('gitops-layouts/') || f.includes('/files/'))
    .sort();
}

/**
 * Independent, line-based count of tag-like keys: lines `tag:`, `newTag:`,
 * `digest:` and, in files with `dependencies:`, indented `version:` lines.
 */
function naiveTagLineCount(text: string): number {
  const hasDependencies = /^dependencies:/m.test(text);
  return text
    .split(/\r?\n/)
    .filter(
      line =>
        /^\s*(- )?(tag|newTag|digest)\s*:/.test(line) ||
        (hasDependencies && /^\s+(- )?version\s*:/.test(line)),
    ).length;
}

/**
 * Test-only discovery of `image: repo:tag` strings (not part of
 * findImageKeys), addressed by index, to exercise `[N]` paths and
 * multi-document files of the reference set.
 */
function findImageStringKeys(text: string): string[] {
  const keys = new Set<string>();
  for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
    visit(doc, {
      Pair(_, pair, ancestors) {
        if (
          !isScalar(pair.key) ||
          pair.key.value !== 'image' ||
          !isScalar(pair.value) ||
          typeof pair.value.value !== 'string' ||
          !pair.value.value.includes(':')
        ) {
          return;
        }
        const parent = ancestors[ancestors.length - 1];
        if (isMap(parent)) {
          const last = [...parent.items]
            .reverse()
            .find(p => isScalar(p.key) && p.key.value === 'image');
          if (last !== pair) {
            return; // shadowed duplicate
          }
        }
        const chain = [...ancestors, pair];
        const segments: KeyPathSegment[] = [];
        chain.forEach((node, i) => {
          if (isPair(node) && isScalar(node.key)) {
            segments.push({ type: 'key', key: String(node.key.value) });
          } else if (isSeq(node)) {
            const index = node.items.indexOf(chain[i + 1] as never);
            segments.push({ type: 'index', index });
          }
        });
        keys.add(formatKeyPath(segments));
      },
    });
  }
  return [...keys];
}

function expectExactlyOneLineChanged(before: string, after: string) {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  expect(b.length).toBe(a.length);
  const changed = a
    .map((line, i) => (line === b[i] ? -1 : i))
    .filter(i => i >= 0);
  expect(changed).toHaveLength(1);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

const summary = {
  files: 0,
  filesWithKeys: 0,
  tagKeys: 0,
  tagKeysEdited: 0,
  imageStringKeysEdited: 0,
  edits: 0,
  refused: {} as Record<string, number>,
  parseErrors: [] as string[],
};

/**
 * Checks every key of `keys` in `text`: read, no-op write, two real writes
 * that change exactly one line, all other keys unchanged. Returns the number
 * of keys edited.
 */
function checkKeys(
  text: string,
  keys: string[],
  refusals: Record<string, YamlEditErrorCode>,
): number {
  const before = new Map(keys.map(key => [key, getYamlValue(text, key)]));
  // read together with one parse: the same values
  expect(getYamlValues(text, keys)).toEqual([...before.values()]);
  let edited = 0;
  for (const key of keys) {
    const current = before.get(key);
    expect({ key, current: typeof current }).toEqual({
      key,
      current: 'string',
    });
    const refusal = refusals[key];
    if (refusal) {
      expect({
        key,
        code: codeOf(() => setYamlValue(text, key, current!)),
      }).toEqual({ key, code: refusal });
      expect({
        key,
        code: codeOf(() => setYamlValue(text, key, NEW_VALUES[0])),
      }).toEqual({ key, code: refusal });
      summary.refused[refusal] = (summary.refused[refusal] ?? 0) + 1;
      continue;
    }
    expect(setYamlValue(text, key, current!)).toBe(text);
    for (const value of NEW_VALUES) {
      const next = setYamlValue(text, key, value);
      expectExactlyOneLineChanged(text, next);
      const parsedNext = parseYamlText(next);
      expect({ key, value: readValue(parsedNext, key) }).toEqual({
        key,
        value,
      });
      for (const other of keys) {
        if (other !== key) {
          expect({ other, value: readValue(parsedNext, other) }).toEqual({
            other,
            value: before.get(other),
          });
        }
      }
      summary.edits++;
    }
    edited++;
  }
  return edited;
}

const files = listYamlFiles();

describe('reference files', () => {
  it('has the shared reference folder', () => {
    expect(fs.existsSync(path.join(REFERENCE_DIR, 'gitops-layouts'))).toBe(
      true,
    );
    expect(fs.existsSync(path.join(REFERENCE_DIR, 'repo-layouts'))).toBe(true);
    expect(files.length).toBeGreaterThan(0);
  });

  it('only lists expectations for files that exist', () => {
    for (const file of [
      ...EXPECTED_PARSE_ERRORS,
      ...Object.keys(EXPECTED_REFUSALS),
      ...Object.keys(EXTRA_REFUSALS),
    ]) {
      expect(files).toContain(file);
    }
  });

  describe.each(files)('%s', file => {
    const text = fs.readFileSync(path.join(REFERENCE_DIR, file), 'utf8');

    if (EXPECTED_PARSE_ERRORS.includes(file)) {
      it('is refused with PARSE_ERROR', () => {
        summary.files++;
        summary.parseErrors.push(file);
        expect(codeOf(() => findImageKeys(text))).toBe('PARSE_ERROR');
        expect(codeOf(() => getYamlValue(text, 'image.tag'))).toBe(
          'PARSE_ERROR',
        );
        expect(codeOf(() => setYamlValue(text, 'image.tag', '1.0.0'))).toBe(
          'PARSE_ERROR',
        );
      });
      return;
    }

    it('finds, reads and edits every tag key byte-exactly', () => {
      summary.files++;
      const keys = findImageKeys(text);
      expect(keys.length).toBe(naiveTagLineCount(text));
      expect(new Set(keys).size).toBe(keys.length);
      for (const key of keys) {
        expect(key).toMatch(/(^|\.)(tag|newTag|digest|version)$/);
      }
      const refusals = EXPECTED_REFUSALS[file] ?? {};
      for (const key of Object.keys(refusals)) {
        expect(keys).toContain(key);
      }
      summary.tagKeys += keys.length;
      if (keys.length > 0) {
        summary.filesWithKeys++;
      }
      summary.tagKeysEdited += checkKeys(text, keys, refusals);
    });

    it('edits `image: repo:tag` strings byte-exactly', () => {
      const keys = findImageStringKeys(text);
      for (const key of keys) {
        expect(key).toMatch(/(^|\.)image$/);
      }
      summary.imageStringKeysEdited += checkKeys(text, keys, {});
    });

    if (EXTRA_REFUSALS[file]) {
      it('refuses the expected extra keys', () => {
        for (const [key, code] of Object.entries(EXTRA_REFUSALS[file])) {
          expect(typeof getYamlValue(text, key)).toBe('string');
          expect({
            key,
            code: codeOf(() => setYamlValue(text, key, '1.2.3')),
          }).toEqual({ key, code });
          summary.refused[code] = (summary.refused[code] ?? 0) + 1;
        }
      });
    }
  });

  it('covers a meaningful number of files and keys', () => {
    // eslint-disable-next-line no-console
    console.log(
      [
        'YAML editing over shared/reference:',
        `  files: ${summary.files} (${summary.filesWithKeys} with tag keys)`,
        `  tag keys found: ${summary.tagKeys}, edited: ${summary.tagKeysEdited}`,
        `  image string keys edited: ${summary.imageStringKeysEdited}`,
        `  successful edits (2 values per key): ${summary.edits}`,
        `  refused by reason: ${JSON.stringify(summary.refused)}`,
        `  parse errors: ${summary.parseErrors.length}${summary.parseErrors
          .map(f => `\n    ${f}`)
          .join('')}`,
      ].join('\n'),
    );
    expect(summary.files).toBe(files.length);
    expect(summary.files).toBeGreaterThan(130);
    expect(summary.filesWithKeys).toBeGreaterThan(30);
    expect(summary.tagKeysEdited).toBeGreaterThan(85);
    expect(
      summary.tagKeysEdited + summary.imageStringKeysEdited,
    ).toBeGreaterThan(100);
    expect(summary.refused).toEqual({ ALIASED_VALUE: 13 });
    expect(summary.parseErrors).toEqual(EXPECTED_PARSE_ERRORS);
  });
});

/** Helm values files (`values.yaml`, `values-prod.yaml`, `podinfo-values.yaml`, ...). */
const HELM_VALUES_FILE = /(^|[/_-])values([.-][^/]*)?\.ya?ml$/;
/** Kustomize files (`kustomization.yaml` / `.yml`). */
const KUSTOMIZATION_FILE = /(^|[/_])kustomization\.ya?ml$/;
const NEW_TOP_LEVEL_KEY = 'gitopsPromotionTest.image.tag';
const NEW_IMAGE_KEY = 'images[name=example.com/new-service].newTag';

const createSummary = {
  helmValues: 0,
  kustomizations: 0,
  others: 0,
  inserted: 0,
  quotedLikeSiblings: 0,
  ambiguous: [] as string[],
  steps: {} as Record<string, number>,
};

type JsDocs = Array<Record<string, any> | null>;

function toJs(text: string): JsDocs {
  return parseAllDocuments(text, { uniqueKeys: false, merge: false }).map(
    doc => doc.toJS({ maxAliasCount: -1 }) as Record<string, any> | null,
  );
}

/**
 * Applies createMissing for `key` and checks: the value reads back, only
 * `lineCount` whole lines were inserted (removing them gives back the
 * original bytes), and after `removeNew` every document loads as before.
 * Returns the inserted lines.
 */
function createAndCheck(
  text: string,
  key: string,
  value: string,
  lineCount: number,
  removeNew: (docs: JsDocs) => void,
): string[] {
  const next = setYamlValue(text, key, value, { createMissing: true });
  expect({ key, value: getYamlValue(next, key) }).toEqual({ key, value });
  const insertion = findLineInsertion(text, next);
  expect({ key, insertion: insertion !== undefined }).toEqual({
    key,
    insertion: true,
  });
  const { offset, text: inserted, lines } = insertion!;
  expect(next.slice(0, offset) + next.slice(offset + inserted.length)).toBe(
    text,
  );
  expect({ key, lines: lines.length }).toEqual({ key, lines: lineCount });
  const docs = toJs(next);
  removeNew(docs);
  expect(docs).toEqual(toJs(text));
  createSummary.inserted++;
  return lines;
}

/** `gitopsPromotionTest.image.tag`: 3 new lines at the root indentation. */
function checkNewTopLevelMapping(text: string) {
  const lines = createAndCheck(
    text,
    NEW_TOP_LEVEL_KEY,
    NEW_VALUES[0],
    3,
    docs =>
      docs.forEach(doc => {
        delete doc?.gitopsPromotionTest;
      }),
  );
  const step = lines[1].length - lines[1].trimStart().length;
  expect(lines).toEqual([
    'gitopsPromotionTest:',
    `${' '.repeat(step)}image:`,
    `${' '.repeat(2 * step)}tag: ${NEW_VALUES[0]}`,
  ]);
  expect([2, 4]).toContain(step);
  createSummary.steps[step] = (createSummary.steps[step] ?? 0) + 1;
}

/**
 * `<first top-level key holding a block mapping>.gitopsPromotionTest.tag`:
 * 2 new lines at the indentation of that mapping's keys.
 */
function checkNewNestedMapping(text: string) {
  const doc = parseAllDocuments(text, { uniqueKeys: false })[0];
  const pair = isMap(doc?.contents)
    ? doc.contents.items.find(
        p =>
          isScalar(p.key) &&
          isMap(p.value) &&
          !p.value.flow &&
          p.value.items.length > 0,
      )
    : undefined;
  if (!pair) {
    return;
  }
  const parentKey = String((pair.key as { value: unknown }).value);
  const child = (pair.value as YAMLMap).items[0].key as { range: number[] };
  const childStart = child.range[0];
  const childCol = childStart - (text.lastIndexOf('\n', childStart - 1) + 1);
  const key = formatKeyPath([
    { type: 'key', key: parentKey },
    { type: 'key', key: 'gitopsPromotionTest' },
    { type: 'key', key: 'tag' },
  ]);
  const lines = createAndCheck(text, key, NEW_VALUES[1], 2, docs => {
    delete docs[0]?.[parentKey]?.gitopsPromotionTest;
  });
  expect(lines[0]).toBe(`${' '.repeat(childCol)}gitopsPromotionTest:`);
}

/** `images[name=example.com/new-service].newTag`: a new item or list. */
function checkNewImage(text: string) {
  const before = toJs(text);
  const hadImages = before.some(doc => Array.isArray(doc?.images));
  const lines = createAndCheck(
    text,
    NEW_IMAGE_KEY,
    NEW_VALUES[1],
    hadImages ? 2 : 3,
    docs =>
      docs.forEach((doc, i) => {
        if (!doc || !Array.isArray(doc.images)) {
          return;
        }
        doc.images = doc.images.filter(
          (item: { name?: string }) => item?.name !== 'example.com/new-service',
        );
        if (doc.images.length === 0 && !Array.isArray(before[i]?.images)) {
          delete doc.images;
        }
      }),
  );
  if (hadImages) {
    // the dash and keys where the existing items have theirs
    const dashCol = /^\s*/.exec(text.match(/^images:\r?\n(\s*)-/m)![1])![0]
      .length;
    expect(lines[0]).toMatch(
      new RegExp(`^ {${dashCol}}- +name: example\\.com/new-service$`),
    );
    // quoted like the last existing item's newTag, plain otherwise
    let siblingType: unknown;
    visit(parseAllDocuments(text)[0], {
      Pair(_, pair) {
        if (isScalar(pair.key) && pair.key.value === 'newTag') {
          siblingType = isScalar(pair.value) ? pair.value.type : undefined;
        }
      },
    });
    const rendered =
      siblingType === 'QUOTE_DOUBLE' ? `"${NEW_VALUES[1]}"` : NEW_VALUES[1];
    expect(lines[1]).toBe(
      `${' '.repeat(lines[0].indexOf('name'))}newTag: ${rendered}`,
    );
    createSummary.quotedLikeSiblings += rendered === NEW_VALUES[1] ? 0 : 1;
  } else {
    expect(lines[0]).toBe('images:');
    expect(lines[1]).toMatch(/^ *- name: example\.com\/new-service$/);
  }
}

const helmValuesFiles = files.filter(f => HELM_VALUES_FILE.test(f));
const kustomizationFiles = files.filter(f => KUSTOMIZATION_FILE.test(f));
const otherFiles = files.filter(
  f => !HELM_VALUES_FILE.test(f) && !KUSTOMIZATION_FILE.test(f),
);

describe('reference files: createMissing', () => {
  const read = (file: string) =>
    fs.readFileSync(path.join(REFERENCE_DIR, file), 'utf8');

  describe.each(helmValuesFiles)('Helm values %s', file => {
    it('creates missing mappings byte-minimally', () => {
      const text = read(file);
      expect(getYamlValue(text, NEW_TOP_LEVEL_KEY)).toBeUndefined();
      checkNewTopLevelMapping(text);
      checkNewNestedMapping(text);
      createSummary.helmValues++;
    });
  });

  describe.each(kustomizationFiles)('Kustomize %s', file => {
    it('creates a missing image entry and mappings byte-minimally', () => {
      const text = read(file);
      expect(getYamlValue(text, NEW_IMAGE_KEY)).toBeUndefined();
      checkNewImage(text);
      checkNewTopLevelMapping(text);
      createSummary.kustomizations++;
    });
  });

  // other YAML files (manifests, charts, Argo CD and Kargo resources): a
  // new top-level mapping, refused as ambiguous in multi-document files
  const multiDocument = (file: string) =>
    parseAllDocuments(read(file)).length > 1;

  describe.each(otherFiles.filter(f => !multiDocument(f)))(
    'other YAML %s',
    file => {
      it('creates a missing top-level mapping byte-minimally', () => {
        const text = read(file);
        expect(getYamlValue(text, NEW_TOP_LEVEL_KEY)).toBeUndefined();
        checkNewTopLevelMapping(text);
        createSummary.others++;
      });
    },
  );

  describe.each(otherFiles.filter(multiDocument))(
    'other multi-document YAML %s',
    file => {
      it('refuses to guess the document', () => {
        const text = read(file);
        expect(
          codeOf(() =>
            setYamlValue(text, NEW_TOP_LEVEL_KEY, NEW_VALUES[0], {
              createMissing: true,
            }),
          ),
        ).toBe('AMBIGUOUS');
        createSummary.ambiguous.push(file);
        createSummary.others++;
      });
    },
  );

  it('covers every Helm values and Kustomize file', () => {
    // eslint-disable-next-line no-console
    console.log(
      [
        'createMissing over shared/reference:',
        `  Helm values files: ${createSummary.helmValues}`,
        `  Kustomize files: ${createSummary.kustomizations}`,
        `  other YAML files: ${createSummary.others} (refused as ambiguous: ${createSummary.ambiguous.length})`,
        `  insertions checked: ${createSummary.inserted} (new images quoted like their siblings: ${createSummary.quotedLikeSiblings})`,
        `  indentation steps of new mappings: ${JSON.stringify(
          createSummary.steps,
        )}`,
      ].join('\n'),
    );
    expect(createSummary.helmValues).toBe(helmValuesFiles.length);
    expect(createSummary.kustomizations).toBe(kustomizationFiles.length);
    expect(createSummary.others).toBe(otherFiles.length);
    expect(helmValuesFiles.length).toBeGreaterThan(25);
    expect(kustomizationFiles.length).toBeGreaterThan(35);
  });
});
