import { findLineInsertion } from './__testUtils__/findLineInsertion';
import { detectIndentStyle, IndentStyle } from './createMissing';
import { YamlEditError, YamlEditErrorCode } from './errors';
import { getYamlValue, getYamlValues } from './getYamlValue';
import { parseYamlText } from './parse';
import { setYamlValue } from './setYamlValue';

function create(text: string, key: string, value: string): string {
  return setYamlValue(text, key, value, { createMissing: true });
}

function errorOf(fn: () => unknown): YamlEditError {
  try {
    fn();
  } catch (e) {
    if (e instanceof YamlEditError) {
      return e;
    }
    throw e;
  }
  throw new Error('expected a YamlEditError, nothing was thrown');
}

/** Inserted lines use the line break of the file. */
function expectLineBreaks(before: string, inserted: string) {
  if (before.includes('\r\n')) {
    expect(inserted.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  } else {
    expect(inserted).not.toContain('\r');
  }
}

type Case = [
  name: string,
  text: string,
  key: string,
  value: string,
  expected: string,
];

const intermediateMappings: Case[] = [
  [
    'last key into an existing mapping (as before)',
    'replicaCount: 2\nimage:\n  repository: x\n',
    'image.tag',
    'v',
    'replicaCount: 2\nimage:\n  repository: x\n  tag: v\n',
  ],
  [
    'missing top-level mapping, 2-space file',
    'replicaCount: 2\nimage:\n  repository: x\n',
    'app.image.tag',
    'v',
    'replicaCount: 2\nimage:\n  repository: x\napp:\n  image:\n    tag: v\n',
  ],
  [
    'missing top-level mapping, 4-space file',
    'replicaCount: 2\nimage:\n    repository: x\n',
    'app.image.tag',
    'v',
    'replicaCount: 2\nimage:\n    repository: x\napp:\n    image:\n        tag: v\n',
  ],
  [
    'file without nesting defaults to 2 spaces',
    'replicaCount: 2\nname: web\n',
    'app.image.tag',
    '1.2.3',
    'replicaCount: 2\nname: web\napp:\n  image:\n    tag: 1.2.3\n',
  ],
  [
    'missing mapping inside an existing one, 4-space file',
    'global:\n    image:\n        registry: r\nother: 1\n',
    'global.app.tag',
    'v',
    'global:\n    image:\n        registry: r\n    app:\n        tag: v\nother: 1\n',
  ],
  [
    'missing mapping after a nested last entry',
    'web:\n  image:\n    repository: x\n  resources:\n    limits:\n      cpu: 1\nnext: 1\n',
    'web.sidecar.image.tag',
    'v2',
    'web:\n  image:\n    repository: x\n  resources:\n    limits:\n      cpu: 1\n  sidecar:\n    image:\n      tag: v2\nnext: 1\n',
  ],
  [
    'step of the file, not of the first line: 4 spaces in a file with a 4-space majority',
    'a:\n  b: 1\nc:\n    d: 1\ne:\n    f: 1\n',
    'g.h',
    'v',
    'a:\n  b: 1\nc:\n    d: 1\ne:\n    f: 1\ng:\n    h: v\n',
  ],
  [
    'quotes values that would not read back as strings',
    'image:\n  repository: x\n',
    'app.image.tag',
    '1.10',
    'image:\n  repository: x\napp:\n  image:\n    tag: "1.10"\n',
  ],
  [
    'quotes keys that are not plain-safe',
    'image:\n  repository: x\n',
    'annotations["example.com/a: b"].tag',
    'v',
    'image:\n  repository: x\nannotations:\n  "example.com/a: b":\n    tag: v\n',
  ],
  [
    'CRLF',
    'replicaCount: 2\r\nimage:\r\n  repository: x\r\n',
    'app.image.tag',
    'v',
    'replicaCount: 2\r\nimage:\r\n  repository: x\r\napp:\r\n  image:\r\n    tag: v\r\n',
  ],
  [
    'no final newline, insertion at the end',
    'replicaCount: 2\nimage:\n  repository: x',
    'app.image.tag',
    'v',
    'replicaCount: 2\nimage:\n  repository: x\napp:\n  image:\n    tag: v',
  ],
  [
    'no final newline, insertion before the end',
    'image:\n  repository: x\nreplicaCount: 2',
    'image.sub.tag',
    'v',
    'image:\n  repository: x\n  sub:\n    tag: v\nreplicaCount: 2',
  ],
  [
    'CRLF without final newline, insertion at the end',
    'a: 1\r\nb:\r\n  c: 2',
    'd.e',
    'v',
    'a: 1\r\nb:\r\n  c: 2\r\nd:\r\n  e: v',
  ],
  [
    'comments: after the last entry line, before the comments that follow it',
    'image:\n  repository: x # repo\n  # pullPolicy: Always\n\n# trailing comment\n',
    'app.image.tag',
    'v',
    'image:\n  repository: x # repo\napp:\n  image:\n    tag: v\n  # pullPolicy: Always\n\n# trailing comment\n',
  ],
  [
    'comments: last key after a same-line comment',
    'image:\n  repository: x # repo\n# end\n',
    'image.tag',
    'v',
    'image:\n  repository: x # repo\n  tag: v\n# end\n',
  ],
  [
    'last key into a list item, quoted like the siblings',
    'images:\n- name: a\n  newTag: "1"\n- name: b\n',
    'images[name=b].newTag',
    '2',
    'images:\n- name: a\n  newTag: "1"\n- name: b\n  newTag: "2"\n',
  ],
  [
    'a key that would be a merge key is quoted',
    'a:\n  b: 1\n',
    'a.<<',
    'v',
    'a:\n  b: 1\n  "<<": v\n',
  ],
  ['byte order mark', '\uFEFFa: 1\n', 'b.c', 'v', '\uFEFFa: 1\nb:\n  c: v\n'],
  [
    'no final newline after a block scalar with strip chomping',
    'a: 1\nb: |-\n  x',
    'c',
    'v',
    'a: 1\nb: |-\n  x\nc: v',
  ],
  [
    'a block scalar that ends the file with its final newline',
    'a: 1\nb: |\n  x\n',
    'c.d',
    'v',
    'a: 1\nb: |\n  x\nc:\n  d: v\n',
  ],
  [
    'multi-document: only the document where the path gets deepest',
    'kind: A\nspec:\n  replicas: 1\n---\nkind: B\n',
    'spec.values.image.tag',
    'v',
    'kind: A\nspec:\n  replicas: 1\n  values:\n    image:\n      tag: v\n---\nkind: B\n',
  ],
];

const newListItems: Case[] = [
  [
    'dash at the key indentation, double-quoted siblings',
    'images:\n- name: a\n  newTag: "1"\n',
    'images[name=b].newTag',
    '2',
    'images:\n- name: a\n  newTag: "1"\n- name: b\n  newTag: "2"\n',
  ],
  [
    'indented dash, double-quoted siblings',
    'images:\n  - name: a\n    newTag: "1"\n',
    'images[name=b].newTag',
    '2',
    'images:\n  - name: a\n    newTag: "1"\n  - name: b\n    newTag: "2"\n',
  ],
  [
    'plain siblings stay plain',
    'images:\n- name: a\n  newTag: v1\n',
    'images[name=ghcr.io/acme/b].newTag',
    'v2',
    'images:\n- name: a\n  newTag: v1\n- name: ghcr.io/acme/b\n  newTag: v2\n',
  ],
  [
    'plain siblings, value that must be quoted',
    'images:\n- name: a\n  newTag: v1\n',
    'images[name=b].newTag',
    '1.10',
    'images:\n- name: a\n  newTag: v1\n- name: b\n  newTag: "1.10"\n',
  ],
  [
    'single-quoted siblings',
    "images:\n- name: 'a'\n  newTag: '1'\n",
    'images[name=b].newTag',
    "it's",
    "images:\n- name: 'a'\n  newTag: '1'\n- name: 'b'\n  newTag: 'it''s'\n",
  ],
  [
    'siblings without the key: default rendering',
    'images:\n- name: redis\n  digest: sha256:aaaa\n',
    'images[name=b].newTag',
    '2.0',
    'images:\n- name: redis\n  digest: sha256:aaaa\n- name: b\n  newTag: "2.0"\n',
  ],
  [
    'the last item with the key decides the style',
    'images:\n- name: a\n  newTag: "1"\n- name: c\n  newTag: v3\n',
    'images[name=b].newTag',
    'v2',
    'images:\n- name: a\n  newTag: "1"\n- name: c\n  newTag: v3\n- name: b\n  newTag: v2\n',
  ],
  [
    '4-space dash and key indentation',
    'images:\n    -   name: a\n        newTag: v1\n',
    'images[name=b].newTag',
    'v2',
    'images:\n    -   name: a\n        newTag: v1\n    -   name: b\n        newTag: v2\n',
  ],
  [
    'nested path below the new item',
    'containers:\n  - name: a\n    image:\n      tag: v1\n',
    'containers[name=b].image.tag',
    'v2',
    'containers:\n  - name: a\n    image:\n      tag: v1\n  - name: b\n    image:\n      tag: v2\n',
  ],
  [
    'comments and keys after the list',
    'images:\n- name: a # first\n  newTag: v1 # tag\n# after images\nresources:\n- x.yaml\n',
    'images[name=b].newTag',
    'v2',
    'images:\n- name: a # first\n  newTag: v1 # tag\n- name: b\n  newTag: v2\n# after images\nresources:\n- x.yaml\n',
  ],
  [
    'CRLF',
    'images:\r\n- name: a\r\n  newTag: v1\r\nresources:\r\n- x.yaml\r\n',
    'images[name=b].newTag',
    'v2',
    'images:\r\n- name: a\r\n  newTag: v1\r\n- name: b\r\n  newTag: v2\r\nresources:\r\n- x.yaml\r\n',
  ],
  [
    'CRLF without final newline, insertion at the end',
    'images:\r\n- name: a\r\n  newTag: v1',
    'images[name=b].newTag',
    'v2',
    'images:\r\n- name: a\r\n  newTag: v1\r\n- name: b\r\n  newTag: v2',
  ],
  [
    'no final newline, insertion before the end',
    'images:\n- name: a\n  newTag: v1\nresources:\n- x.yaml',
    'images[name=b].newTag',
    'v2',
    'images:\n- name: a\n  newTag: v1\n- name: b\n  newTag: v2\nresources:\n- x.yaml',
  ],
  [
    'selector value that must be quoted',
    'images:\n- name: a\n  newTag: v1\n',
    'images[name=1.0].newTag',
    'v2',
    'images:\n- name: a\n  newTag: v1\n- name: "1.0"\n  newTag: v2\n',
  ],
  [
    'multi-document: only the document that has the list',
    'kind: A\n---\nimages:\n- name: a\n---\nkind: B\n',
    'images[name=b].newTag',
    'v',
    'kind: A\n---\nimages:\n- name: a\n- name: b\n  newTag: v\n---\nkind: B\n',
  ],
  [
    'Helm dependencies by name',
    'dependencies:\n  - name: my-chart\n    version: 1.2.3\n    repository: oci://ghcr.io/acme/charts\n',
    'dependencies[name=other].version',
    '2.0.1',
    'dependencies:\n  - name: my-chart\n    version: 1.2.3\n    repository: oci://ghcr.io/acme/charts\n  - name: other\n    version: 2.0.1\n',
  ],
];

const newLists: Case[] = [
  [
    'kustomization without images, Kustomize-style list',
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n',
    'images[name=b].newTag',
    'v',
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\nimages:\n- name: b\n  newTag: v\n',
  ],
  [
    'file without any list: dash at the parent indentation',
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n',
    'images[name=example.com/new-service].newTag',
    '1.0.0',
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n- name: example.com/new-service\n  newTag: 1.0.0\n',
  ],
  [
    'file whose lists are indented: indented dash',
    'kind: Kustomization\nresources:\n  - deployment.yaml\n',
    'images[name=b].newTag',
    'v',
    'kind: Kustomization\nresources:\n  - deployment.yaml\nimages:\n  - name: b\n    newTag: v\n',
  ],
  [
    'comments after the last entry stay after the new list',
    'kind: Kustomization\nresources:\n- a.yaml # app\n\n# images are set by CI\n',
    'images[name=b].newTag',
    'v',
    'kind: Kustomization\nresources:\n- a.yaml # app\nimages:\n- name: b\n  newTag: v\n\n# images are set by CI\n',
  ],
  [
    'CRLF',
    'kind: Kustomization\r\nresources:\r\n- a.yaml\r\n',
    'images[name=b].newTag',
    'v',
    'kind: Kustomization\r\nresources:\r\n- a.yaml\r\nimages:\r\n- name: b\r\n  newTag: v\r\n',
  ],
  [
    'no final newline',
    'kind: Kustomization\nresources:\n- a.yaml',
    'images[name=b].newTag',
    'v',
    'kind: Kustomization\nresources:\n- a.yaml\nimages:\n- name: b\n  newTag: v',
  ],
  [
    'CRLF without final newline',
    'kind: Kustomization\r\nnamespace: x',
    'images[name=b].newTag',
    '1.10',
    'kind: Kustomization\r\nnamespace: x\r\nimages:\r\n- name: b\r\n  newTag: "1.10"',
  ],
  [
    'nested list in a 4-space file',
    'spec:\n    values:\n        replicas: 1\n',
    'spec.values.images[name=b].tag',
    'v',
    'spec:\n    values:\n        replicas: 1\n        images:\n        - name: b\n          tag: v\n',
  ],
  [
    'list and mappings below a new mapping',
    'kind: A\nspec:\n  replicas: 1\n',
    'spec.template.containers[name=app].image.tag',
    'v',
    'kind: A\nspec:\n  replicas: 1\n  template:\n    containers:\n    - name: app\n      image:\n        tag: v\n',
  ],
];

describe('setYamlValue: createMissing creates what is missing', () => {
  describe.each<[string, Case[]]>([
    ['intermediate block mappings', intermediateMappings],
    ['a list item for a selector', newListItems],
    ['a list for a selector', newLists],
  ])('%s', (_, cases) => {
    it.each(cases)('%s', (_name, text, key, value, expected) => {
      const next = create(text, key, value);
      expect(next).toBe(expected);
      expect(getYamlValue(next, key)).toBe(value);
      // only whole lines are inserted: removing them gives back the text
      const insertion = findLineInsertion(text, next);
      expect(insertion).toBeDefined();
      const { offset, text: inserted } = insertion!;
      expect(next.slice(0, offset) + next.slice(offset + inserted.length)).toBe(
        text,
      );
      expectLineBreaks(text, inserted);
      // without createMissing nothing is created
      expect(getYamlValue(text, key)).toBeUndefined();
      const error = errorOf(() => setYamlValue(text, key, value));
      expect(error.code).toBe('KEY_NOT_FOUND');
      expect(error.message).not.toContain('createMissing');
      // setting the value it now has changes nothing
      expect(create(next, key, value)).toBe(next);
    });
  });

  it('appends a second new item after the first one', () => {
    const once = create('images:\n- name: a\n', 'images[name=b].newTag', 'v1');
    expect(create(once, 'images[name=c].newTag', 'v2')).toBe(
      'images:\n- name: a\n- name: b\n  newTag: v1\n- name: c\n  newTag: v2\n',
    );
  });
});

type Refusal = [
  name: string,
  text: string,
  key: string,
  code: YamlEditErrorCode,
  message: string,
];

const refusals: Refusal[] = [
  [
    'a missing index',
    'images:\n- name: a\n',
    'images[1].newTag',
    'KEY_NOT_FOUND',
    '"images" has 1 item(s), no index 1; deepest existing prefix: "images" (createMissing never creates list items by index; address a new item with a selector such as [name=...])',
  ],
  [
    'an index below a missing key',
    'replicaCount: 1\n',
    'containers[0].image',
    'KEY_NOT_FOUND',
    '(createMissing never creates list items by index',
  ],
  [
    'a flow mapping',
    'image: {repository: x}\n',
    'image.tag',
    'KEY_NOT_FOUND',
    '(createMissing does not insert into flow collections ({...} / [...]))',
  ],
  [
    'a mapping below a flow mapping',
    'image: {repository: x}\n',
    'image.sub.tag',
    'KEY_NOT_FOUND',
    '(createMissing does not insert into flow collections',
  ],
  [
    'a flow list',
    'images: [{name: a, newTag: v1}]\n',
    'images[name=b].newTag',
    'KEY_NOT_FOUND',
    '(createMissing does not insert into flow collections',
  ],
  [
    'an empty flow list',
    'images: []\n',
    'images[name=b].newTag',
    'KEY_NOT_FOUND',
    '(createMissing does not insert into flow collections',
  ],
  [
    'an empty text',
    '',
    'image.tag',
    'KEY_NOT_FOUND',
    'the file contains no YAML document; deepest existing prefix: none (not even the first segment exists) (createMissing only inserts into an existing, non-empty block mapping or list; it never fills an empty value or an empty document)',
  ],
  [
    'a text with only comments',
    '# nothing yet\n',
    'image.tag',
    'KEY_NOT_FOUND',
    'it never fills an empty value or an empty document)',
  ],
  [
    'an empty document',
    '---\n# nothing yet\n',
    'images[name=b].newTag',
    'KEY_NOT_FOUND',
    'it never fills an empty value or an empty document)',
  ],
  [
    'an empty value',
    'image:\n',
    'image.sub.tag',
    'KEY_NOT_FOUND',
    'it never fills an empty value or an empty document)',
  ],
  [
    'a scalar in the way',
    'image: nginx:1.0\n',
    'image.tag',
    'KEY_NOT_FOUND',
    '"image" is a scalar, not a mapping with key "tag"; deepest existing prefix: "image" (createMissing never replaces an existing value)',
  ],
  [
    'a mapping where a list is needed',
    'images:\n  a: 1\n',
    'images[name=b].newTag',
    'KEY_NOT_FOUND',
    '(createMissing never changes the kind of an existing value)',
  ],
  [
    'a list where a mapping is needed',
    'images:\n- name: a\n',
    'images.b',
    'KEY_NOT_FOUND',
    '(createMissing never changes the kind of an existing value)',
  ],
  [
    'a list of scalars',
    'resources:\n- a.yaml\n',
    'resources[name=b].newTag',
    'KEY_NOT_FOUND',
    '(createMissing only appends to a list whose items are all block mappings)',
  ],
  [
    'a list with a flow mapping item',
    'images:\n- name: a\n- {name: c}\n',
    'images[name=b].newTag',
    'KEY_NOT_FOUND',
    '(createMissing only appends to a list whose items are all block mappings)',
  ],
  [
    'a selector as the last segment',
    'images:\n- name: a\n',
    'images[name=b]',
    'KEY_NOT_FOUND',
    '(createMissing creates list items only with a mapping key after the selector',
  ],
  [
    'the selector field itself',
    'images:\n- name: a\n',
    'images[name=b].name',
    'KEY_NOT_FOUND',
    '(createMissing cannot set the selector field "name" of the new list item)',
  ],
  [
    'a selector right after a selector',
    'kind: A\n',
    'matrix[x=1][y=2].v',
    'KEY_NOT_FOUND',
    '(createMissing never creates a list item directly inside a list item)',
  ],
  [
    'a mapping reached through an alias',
    'base: &b\n  repository: x\nother: *b\n',
    'other.sub.tag',
    'ALIASED_VALUE',
    'goes through the alias *b at "other"',
  ],
  [
    'an anchored mapping that an alias uses',
    'base: &b\n  repository: x\nother: *b\n',
    'base.sub.tag',
    'ALIASED_VALUE',
    'is inside &b (at "base")',
  ],
  [
    'a mapping only defined through a merge key',
    'base: &b\n  image:\n    repository: x\nsvc:\n  <<: *b\n',
    'svc.image.sub.tag',
    'ALIASED_VALUE',
    'merge key (<<) at "svc"',
  ],
  [
    'an anchored list that an alias uses',
    'images: &i\n- name: a\nother: *i\n',
    'images[name=b].newTag',
    'ALIASED_VALUE',
    'is inside &i (at "images")',
  ],
  [
    'the root of several documents',
    'a: 1\n---\nb: 2\n',
    'app.image.tag',
    'AMBIGUOUS',
    'documents 1, 2 of this multi-document YAML file',
  ],
  [
    'a list in several documents',
    'images:\n- name: a\n---\nimages:\n- name: c\n',
    'images[name=b].newTag',
    'AMBIGUOUS',
    'documents 1, 2 of this multi-document YAML file',
  ],
  [
    'a block scalar that ends a file without final newline',
    'a: 1\nb: |\n  x',
    'c',
    'KEY_NOT_FOUND',
    '(createMissing would add a line break to the block scalar (| or >) that ends the file without final newline)',
  ],
  [
    'a nested block scalar with keep chomping that ends the file',
    'a:\n  b: |+\n    x',
    'a.c',
    'KEY_NOT_FOUND',
    '(createMissing would add a line break to the block scalar',
  ],
  [
    'a selector that matches several items',
    'images:\n- name: a\n- name: a\n',
    'images[name=a].newTag',
    'AMBIGUOUS',
    'matches 2 items of "images"',
  ],
];

describe('setYamlValue: createMissing refusals', () => {
  it.each(refusals)('refuses %s', (_name, text, key, code, message) => {
    const error = errorOf(() => create(text, key, 'v1'));
    expect(error.code).toBe(code);
    expect(error.message).toContain(JSON.stringify(key));
    expect(error.message).toContain(message);
  });

  it('refuses the same paths without createMissing, as before', () => {
    for (const [name, text, key] of refusals) {
      const error = errorOf(() => setYamlValue(text, key, 'v1'));
      // a selector matching several items is ambiguous for any edit; every
      // other path is simply not found (nothing is checked for aliases)
      expect({ key, code: error.code }).toEqual({
        key,
        code:
          name === 'a selector that matches several items'
            ? 'AMBIGUOUS'
            : 'KEY_NOT_FOUND',
      });
      expect(error.message).not.toContain('createMissing');
    }
  });
});

describe('detectIndentStyle', () => {
  it.each<[string, IndentStyle]>([
    ['a: 1\n', { mapStep: 2, seqIndent: 0, itemKeyOffset: 2 }],
    ['a:\n    b: 1\n', { mapStep: 4, seqIndent: 0, itemKeyOffset: 2 }],
    // a tie goes to the smaller step
    [
      'a:\n  b: 1\nc:\n    d: 1\n',
      { mapStep: 2, seqIndent: 0, itemKeyOffset: 2 },
    ],
    [
      'a:\n  b: 1\nc:\n    d: 1\ne:\n    f: 1\n',
      { mapStep: 4, seqIndent: 0, itemKeyOffset: 2 },
    ],
    ['r:\n  - x\n', { mapStep: 2, seqIndent: 2, itemKeyOffset: 2 }],
    ['i:\n-   name: a\n', { mapStep: 2, seqIndent: 0, itemKeyOffset: 4 }],
    // flow collections and same-line values say nothing
    ['a: {b: 1}\nc: [1]\n', { mapStep: 2, seqIndent: 0, itemKeyOffset: 2 }],
    // all documents count
    [
      'a:\n   b: 1\n---\nc:\n   d:\n      - x\n',
      { mapStep: 3, seqIndent: 3, itemKeyOffset: 2 },
    ],
  ])('%j → %j', (text, style) => {
    expect(detectIndentStyle(parseYamlText(text))).toEqual(style);
  });
});

describe('findLineInsertion (test helper)', () => {
  it.each<[string, string, string | undefined]>([
    ['a\nb\n', 'a\nx\nb\n', 'x\n'],
    ['a\nb\n', 'x\na\nb\n', 'x\n'],
    ['a\nb\n', 'a\nb\nx\n', 'x\n'],
    ['a\nb', 'a\nb\nx', '\nx'],
    ['a\nb', 'a\nx\nb', 'x\n'],
    ['a\r\nb\r\n', 'a\r\nx\r\ny\r\nb\r\n', 'x\r\ny\r\n'],
    // not a pure insertion of whole lines
    ['a\nb\n', 'a\nb\n', undefined],
    ['a\nb\n', 'a\nx\nc\n', undefined],
    ['a\nb\n', 'a\nbx\n', undefined],
    ['a\nb', 'a\nb\nx\n', undefined],
    ['a\nb\n', 'ax\ny\nb\n', undefined],
  ])('%j → %j', (before, after, inserted) => {
    expect(findLineInsertion(before, after)?.text).toBe(inserted);
  });
});

describe('getYamlValues', () => {
  it('answers each key as getYamlValue would, an error for the key it would throw for', () => {
    const text = 'image:\n  repository: ghcr.io/acme/cart\n  tag: 3.1.0\n';
    const [tag, repository, missing, mapping] = getYamlValues(text, [
      'image.tag',
      'image.repository',
      'image.registry',
      'image',
    ]);
    expect([tag, repository, missing]).toEqual([
      '3.1.0',
      'ghcr.io/acme/cart',
      undefined,
    ]);
    expect(mapping).toBeInstanceOf(YamlEditError);
    expect((mapping as YamlEditError).code).toBe('NOT_A_SCALAR');
  });

  it('throws when the text is not YAML', () => {
    expect(() => getYamlValues('a: [', ['a'])).toThrow(YamlEditError);
  });
});
