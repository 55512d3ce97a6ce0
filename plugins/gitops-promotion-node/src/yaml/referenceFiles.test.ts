import * as fs from 'fs';
import * as path from 'path';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import { YamlEditErrorCode } from './errors';
import { findImageKeys } from './findImageKeys';
import { getYamlValue, readValue } from './getYamlValue';
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
