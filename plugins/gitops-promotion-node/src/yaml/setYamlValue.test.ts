import { YamlEditError, YamlEditErrorCode } from './errors';
import { findImageKeys } from './findImageKeys';
import { getYamlValue } from './getYamlValue';
import { setYamlValue } from './setYamlValue';

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

function codeOf(fn: () => unknown): YamlEditErrorCode {
  return errorOf(fn).code;
}

function expectCode(fn: () => unknown, code: YamlEditErrorCode): YamlEditError {
  const error = errorOf(fn);
  expect(error.code).toBe(code);
  return error;
}

describe('getYamlValue', () => {
  const text = [
    'image:',
    '  repository: ghcr.io/stefanprodan/podinfo',
    '  tag: 6.14.1',
    'chart:',
    '  version: "4.1.0"',
    'numeric:',
    '  tag: 1.10',
    '  int: 12',
    'empty:',
    '  tag:',
    '  quoted: ""',
    "  single: 'it''s'",
    'block: |',
    '  line',
    'list: [a, b]',
    '',
  ].join('\n');

  it.each([
    ['image.tag', '6.14.1'],
    ['chart.version', '4.1.0'],
    ['numeric.tag', '1.10'],
    ['numeric.int', '12'],
    ['empty.tag', ''],
    ['empty.quoted', ''],
    ['empty.single', "it's"],
    ['block', 'line\n'],
    ['list[1]', 'b'],
  ])('reads %s as %j', (key, expected) => {
    expect(getYamlValue(text, key)).toBe(expected);
  });

  it('returns undefined for missing paths', () => {
    expect(getYamlValue(text, 'image.digest')).toBeUndefined();
    expect(getYamlValue(text, 'nope.tag')).toBeUndefined();
    expect(getYamlValue(text, 'image.tag.deeper')).toBeUndefined();
    expect(getYamlValue(text, 'list[5]')).toBeUndefined();
  });

  it('throws NOT_A_SCALAR for collections', () => {
    const error = expectCode(() => getYamlValue(text, 'image'), 'NOT_A_SCALAR');
    expect(error.message).toContain('"image" is a mapping');
    expect(codeOf(() => getYamlValue(text, 'list'))).toBe('NOT_A_SCALAR');
  });

  it('throws PARSE_ERROR for invalid YAML', () => {
    expect(codeOf(() => getYamlValue('a: b: c\n', 'a'))).toBe('PARSE_ERROR');
    expect(codeOf(() => setYamlValue('a: b: c\n', 'a', '1'))).toBe(
      'PARSE_ERROR',
    );
    expect(codeOf(() => findImageKeys('a: [\n'))).toBe('PARSE_ERROR');
  });

  it('throws INVALID_KEY for invalid keys', () => {
    expect(codeOf(() => getYamlValue(text, 'image..tag'))).toBe('INVALID_KEY');
    expect(codeOf(() => setYamlValue(text, 'images[name=x', '1'))).toBe(
      'INVALID_KEY',
    );
  });
});

describe('setYamlValue: byte-exact splicing', () => {
  it('keeps a comment on the same line', () => {
    const text =
      'image:\n  repository: ghcr.io/acme/app # the repo\n  tag: 1.0.0 # {"$imagepolicy": "flux-system:app:tag"}\n';
    expect(setYamlValue(text, 'image.tag', '1.1.0')).toBe(
      'image:\n  repository: ghcr.io/acme/app # the repo\n  tag: 1.1.0 # {"$imagepolicy": "flux-system:app:tag"}\n',
    );
  });

  it('keeps CRLF line endings', () => {
    const text = 'image:\r\n  repository: x\r\n  tag: "1.0"\r\n\r\n# end\r\n';
    expect(setYamlValue(text, 'image.tag', '2.0')).toBe(
      'image:\r\n  repository: x\r\n  tag: "2.0"\r\n\r\n# end\r\n',
    );
    expect(
      setYamlValue(text, 'image.pullPolicy', 'Always', { createMissing: true }),
    ).toBe(
      'image:\r\n  repository: x\r\n  tag: "1.0"\r\n  pullPolicy: Always\r\n\r\n# end\r\n',
    );
  });

  it('keeps a missing final newline', () => {
    expect(setYamlValue('image:\n  tag: 1.0.0', 'image.tag', '2.0.0')).toBe(
      'image:\n  tag: 2.0.0',
    );
    expect(setYamlValue('tag: 1.0.0 # c', 'tag', '2.0.0')).toBe(
      'tag: 2.0.0 # c',
    );
  });

  it('keeps blank lines, indentation, key order and trailing spaces', () => {
    const text = 'b: 1   \n\n\na:\n    x: y\n    tag:   v1   # c  \n\n';
    expect(setYamlValue(text, 'a.tag', 'v2')).toBe(
      'b: 1   \n\n\na:\n    x: y\n    tag:   v2   # c  \n\n',
    );
  });

  it('handles multi-document files', () => {
    const text = [
      '# header',
      '---',
      'kind: Namespace',
      '---',
      'kind: Deployment',
      'image:',
      '  tag: v1 # first',
      '...',
      '---',
      'kind: Service',
      'other:',
      '  tag: v9',
      '',
    ].join('\n');
    expect(getYamlValue(text, 'image.tag')).toBe('v1');
    expect(setYamlValue(text, 'image.tag', 'v2')).toBe(
      text.replace('tag: v1 # first', 'tag: v2 # first'),
    );
    expect(setYamlValue(text, 'other.tag', 'v10')).toBe(
      text.replace('tag: v9', 'tag: v10'),
    );
    const error = expectCode(
      () => setYamlValue(text, 'kind', 'X'),
      'AMBIGUOUS',
    );
    expect(error.message).toContain('"kind"');
    expect(error.message).toContain('documents 1, 2, 3');
    expect(codeOf(() => getYamlValue(text, 'kind'))).toBe('AMBIGUOUS');
    const missing = expectCode(
      () => setYamlValue(text, 'image.digest', 'x'),
      'KEY_NOT_FOUND',
    );
    expect(missing.message).toContain('deepest existing prefix: "image"');
  });

  it('uses the LAST occurrence of duplicate keys and keeps the others intact', () => {
    const text =
      'image:\n  tag: 1.0\n  tag: 2.0 # wins\nimage:\n  tag: 3.0\n  tag: 4.0\n';
    expect(getYamlValue(text, 'image.tag')).toBe('4.0');
    expect(setYamlValue(text, 'image.tag', '5.0.0')).toBe(
      'image:\n  tag: 1.0\n  tag: 2.0 # wins\nimage:\n  tag: 3.0\n  tag: 5.0.0\n',
    );
    expect(findImageKeys(text)).toEqual(['image.tag']);
  });

  it('keeps tabs and non-ASCII characters in comments (UTF-16 offsets)', () => {
    const text =
      '# héllo wörld 🚀 — 日本語\t\tcomment\nimage: # ✓ ünïcode\t\n  tag: 1.0.0\t# 🐳 whale\n  repository: x # ñ\n';
    const next = setYamlValue(text, 'image.tag', '1.2.0');
    expect(next).toBe(
      '# héllo wörld 🚀 — 日本語\t\tcomment\nimage: # ✓ ünïcode\t\n  tag: 1.2.0\t# 🐳 whale\n  repository: x # ñ\n',
    );
    expect(
      Buffer.from(next, 'utf8').length - Buffer.from(text, 'utf8').length,
    ).toBe(0);
  });

  it('writes non-ASCII values', () => {
    expect(setYamlValue('tag: v1 # ✓\n', 'tag', 'vé-2')).toBe(
      'tag: vé-2 # ✓\n',
    );
  });

  it('returns the text unchanged when the value does not change', () => {
    const text = 'a:\n  tag: 1.10 # keep\n  b: "x"\n  c: \'y\'\n  d:\n';
    for (const [key, value] of [
      ['a.tag', '1.10'],
      ['a.b', 'x'],
      ['a.c', 'y'],
      ['a.d', ''],
    ]) {
      expect(setYamlValue(text, key, value)).toBe(text);
    }
  });

  it('fills empty plain values', () => {
    expect(setYamlValue('image:\n  tag:\n  x: 1\n', 'image.tag', '1.0.0')).toBe(
      'image:\n  tag: 1.0.0\n  x: 1\n',
    );
    expect(
      setYamlValue('image:\n  tag: # set me\n', 'image.tag', '1.0.0'),
    ).toBe('image:\n  tag: 1.0.0 # set me\n');
    expect(setYamlValue('image:\n  tag:', 'image.tag', '1.0.0')).toBe(
      'image:\n  tag: 1.0.0',
    );
    expect(setYamlValue('image:\n  tag: ""\n', 'image.tag', '1.0.0')).toBe(
      'image:\n  tag: "1.0.0"\n',
    );
  });

  it('keeps explicit tags and unused anchors', () => {
    expect(setYamlValue('tag: !!str 1.0\n', 'tag', 'v2')).toBe(
      'tag: !!str v2\n',
    );
    expect(
      setYamlValue('image:\n  tag: &t 1.0.0\n', 'image.tag', '2.0.0'),
    ).toBe('image:\n  tag: &t 2.0.0\n');
    expect(
      setYamlValue('image: &img\n  tag: 1.0.0\n', 'image.tag', '2.0.0'),
    ).toBe('image: &img\n  tag: 2.0.0\n');
  });
});

describe('setYamlValue: quoting', () => {
  const plainCases: Array<[string, string]> = [
    ['1.2.4', '1.2.4'],
    ['v1', 'v1'],
    ['sha256:abc', 'sha256:abc'],
    ['6.14.1-debian-12-r0', '6.14.1-debian-12-r0'],
    ['main-60f7bea7', 'main-60f7bea7'],
    ['a\\b', 'a\\b'],
    ['0.10', '"0.10"'],
    ['1e3', '"1e3"'],
    ['12', '"12"'],
    ['1.3', '"1.3"'],
    ['true', '"true"'],
    ['false', '"false"'],
    ['yes', '"yes"'],
    ['no', '"no"'],
    ['on', '"on"'],
    ['off', '"off"'],
    ['y', '"y"'],
    ['null', '"null"'],
    ['~', '"~"'],
    ['', '""'],
    ['1_000', '"1_000"'],
    ['0x1F', '"0x1F"'],
    ['0o12', '"0o12"'],
    ['012', '"012"'],
    ['1:20', '"1:20"'],
    ['2024-01-01', '"2024-01-01"'],
    ['.inf', '".inf"'],
    ['a: b', '"a: b"'],
    ['a:', '"a:"'],
    ['#x', '"#x"'],
    ['x #y', '"x #y"'],
    [' lead', '" lead"'],
    ['trail ', '"trail "'],
    ['-x', '"-x"'],
    ['?x', '"?x"'],
    [':x', '":x"'],
    [',x', '",x"'],
    ['[x', '"[x"'],
    ['{x', '"{x"'],
    ['&x', '"&x"'],
    ['*x', '"*x"'],
    ['!x', '"!x"'],
    ['|x', '"|x"'],
    ['>x', '">x"'],
    ["'x", '"\'x"'],
    ['"x', '"\\"x"'],
    ['%x', '"%x"'],
    ['@x', '"@x"'],
    ['`x', '"`x"'],
  ];

  it.each(plainCases)(
    'plain original, new value %j → %s',
    (value, rendered) => {
      const text = 'image:\n  tag: 1.2.3 # c\n';
      const next = setYamlValue(text, 'image.tag', value);
      expect(next).toBe(`image:\n  tag: ${rendered} # c\n`);
      expect(getYamlValue(next, 'image.tag')).toBe(value);
    },
  );

  it.each<[string, string]>([
    ['1.2.4', "'1.2.4'"],
    ['0.10', "'0.10'"],
    ['true', "'true'"],
    ['', "''"],
    ["it's", "'it''s'"],
    ['a: b', "'a: b'"],
    ['#x', "'#x'"],
    ['sha256:abc', "'sha256:abc'"],
    ['a"b\\c', "'a\"b\\c'"],
  ])('single-quoted original, new value %j → %s', (value, rendered) => {
    const text = "tag: '1.2.3'\n";
    const next = setYamlValue(text, 'tag', value);
    expect(next).toBe(`tag: ${rendered}\n`);
    expect(getYamlValue(next, 'tag')).toBe(value);
  });

  it.each<[string, string]>([
    ['1.2.4', '"1.2.4"'],
    ['0.10', '"0.10"'],
    ['yes', '"yes"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['a\\b', '"a\\\\b"'],
    ["it's", '"it\'s"'],
    ['v1', '"v1"'],
    ['sha256:abc', '"sha256:abc"'],
  ])('double-quoted original, new value %j → %s', (value, rendered) => {
    const text = 'tag: "1.2.3"\n';
    const next = setYamlValue(text, 'tag', value);
    expect(next).toBe(`tag: ${rendered}\n`);
    expect(getYamlValue(next, 'tag')).toBe(value);
  });

  it.each<[string, string, string]>([
    // the author wrote a number: keep numbers that print back identically plain
    ['1.2', '1.3', '1.3'],
    ['12', '13', '13'],
    ['0.1', '0.2', '0.2'],
    ['12', '1.5', '1.5'],
    ['1.2', '1.2.3', '1.2.3'],
    // numbers a loader would print differently are quoted
    ['1.2', '1.0', '"1.0"'],
    ['1.2', '0.10', '"0.10"'],
    ['1.2', '1e3', '"1e3"'],
    ['12', '012', '"012"'],
    ['12', '1_000', '"1_000"'],
    ['12', '12345678901234567890', '"12345678901234567890"'],
    // only numbers keep plain: a boolean original does not
    ['true', 'false', '"false"'],
    ['~', '1.3', '"1.3"'],
  ])('plain %s original, new value %j → %s', (old, value, rendered) => {
    const next = setYamlValue(`tag: ${old}\n`, 'tag', value);
    expect(next).toBe(`tag: ${rendered}\n`);
    expect(getYamlValue(next, 'tag')).toBe(value);
  });

  it.each([
    'a\nb',
    'a\rb',
    '1.0\n  injected: true',
    'a\tb',
    'nul\u0000',
    'bell\u0007',
    'del\u007f',
    'nel\u0085',
    'ls\u2028',
  ])('refuses value %j with INVALID_VALUE', value => {
    const error = expectCode(
      () => setYamlValue('image:\n  tag: 1.0.0\n', 'image.tag', value),
      'INVALID_VALUE',
    );
    expect(error.message).toContain('"image.tag"');
  });
});

describe('setYamlValue: flow collections', () => {
  const text =
    'image: { repository: ghcr.io/acme/app, tag: 1.0.0 } # flow\ntags: [a, "b", c]\n';

  it('reads and writes inside flow maps and sequences', () => {
    expect(getYamlValue(text, 'image.tag')).toBe('1.0.0');
    expect(setYamlValue(text, 'image.tag', '1.1.0')).toBe(
      'image: { repository: ghcr.io/acme/app, tag: 1.1.0 } # flow\ntags: [a, "b", c]\n',
    );
    expect(setYamlValue(text, 'tags[1]', 'x')).toBe(
      'image: { repository: ghcr.io/acme/app, tag: 1.0.0 } # flow\ntags: [a, "x", c]\n',
    );
    expect(setYamlValue(text, 'tags[2]', 'd')).toBe(
      'image: { repository: ghcr.io/acme/app, tag: 1.0.0 } # flow\ntags: [a, "b", d]\n',
    );
  });

  it('quotes flow indicators inside flow collections', () => {
    const next = setYamlValue(text, 'image.tag', 'a,b');
    expect(next).toBe(
      'image: { repository: ghcr.io/acme/app, tag: "a,b" } # flow\ntags: [a, "b", c]\n',
    );
    expect(getYamlValue(next, 'image.tag')).toBe('a,b');
    expect(
      getYamlValue(setYamlValue(text, 'image.tag', 'x}y'), 'image.tag'),
    ).toBe('x}y');
  });

  it('works in nested block/flow mixes', () => {
    const nested = 'spec:\n  values:\n    image: {repository: x, tag: "6.0"}\n';
    expect(setYamlValue(nested, 'spec.values.image.tag', '6.1')).toBe(
      'spec:\n  values:\n    image: {repository: x, tag: "6.1"}\n',
    );
  });

  it('refuses createMissing in a flow map', () => {
    expect(
      codeOf(() =>
        setYamlValue(text, 'image.pullPolicy', 'Always', {
          createMissing: true,
        }),
      ),
    ).toBe('KEY_NOT_FOUND');
  });
});

describe('setYamlValue: anchors, aliases and merge keys', () => {
  it('refuses to edit an alias, but reads through it', () => {
    const text = 'version: &v v1.0.0\nimage:\n  tag: *v\n';
    expect(getYamlValue(text, 'image.tag')).toBe('v1.0.0');
    const error = expectCode(
      () => setYamlValue(text, 'image.tag', 'v2'),
      'ALIASED_VALUE',
    );
    expect(error.message).toBe(
      'Key "image.tag" is an alias of &v; editing it would change every user of the anchor',
    );
  });

  it('refuses to edit an anchored scalar that an alias uses', () => {
    const text = 'version: &v v1.0.0\nimage:\n  tag: *v\n';
    const error = expectCode(
      () => setYamlValue(text, 'version', 'v2'),
      'ALIASED_VALUE',
    );
    expect(error.message).toContain('&v');
    expect(error.message).toContain('"version"');
  });

  it('refuses to edit inside an anchored collection that an alias uses', () => {
    const text = 'defaults: &d\n  image:\n    tag: 1.0.0\nother: *d\n';
    const error = expectCode(
      () => setYamlValue(text, 'defaults.image.tag', '2.0.0'),
      'ALIASED_VALUE',
    );
    expect(error.message).toContain('&d (at "defaults")');
  });

  it('refuses paths that walk through an alias, but reads them', () => {
    const text = 'labels: &labels\n  team: a\npodLabels: *labels\n';
    expect(getYamlValue(text, 'podLabels.team')).toBe('a');
    const error = expectCode(
      () => setYamlValue(text, 'podLabels.team', 'b'),
      'ALIASED_VALUE',
    );
    expect(error.message).toContain('*labels');
  });

  it('allows anchors that no alias uses', () => {
    const text = 'image: &img\n  tag: &t 1.0.0 # c\n';
    expect(setYamlValue(text, 'image.tag', '2.0.0')).toBe(
      'image: &img\n  tag: &t 2.0.0 # c\n',
    );
  });

  it('resolves merge keys for get and refuses them for set', () => {
    const text = [
      'base: &base',
      '  image:',
      '    tag: 1.0.0',
      '  replicas: 1',
      'svc:',
      '  <<: *base',
      '  replicas: 3',
      'web:',
      '  <<: [*base]',
      '  tag: own',
      '',
    ].join('\n');
    expect(getYamlValue(text, 'svc.image.tag')).toBe('1.0.0');
    expect(getYamlValue(text, 'svc.replicas')).toBe('3');
    expect(getYamlValue(text, 'web.image.tag')).toBe('1.0.0');
    const error = expectCode(
      () => setYamlValue(text, 'svc.image.tag', '2.0.0'),
      'ALIASED_VALUE',
    );
    expect(error.message).toContain('merge key (<<) at "svc"');
    // own keys next to a merge key are fine
    expect(setYamlValue(text, 'svc.replicas', '4')).toBe(
      text.replace('replicas: 3', 'replicas: 4'),
    );
    expect(setYamlValue(text, 'web.tag', 'new')).toBe(
      text.replace('tag: own', 'tag: new'),
    );
    // the merged anchor itself is referenced
    expect(codeOf(() => setYamlValue(text, 'base.image.tag', '2.0.0'))).toBe(
      'ALIASED_VALUE',
    );
  });

  it('takes the first source of a merge list', () => {
    const text =
      'a: &a\n  tag: from-a\nb: &b\n  tag: from-b\nc:\n  <<: [*a, *b]\n';
    expect(getYamlValue(text, 'c.tag')).toBe('from-a');
  });

  it('lists aliased tags in findImageKeys', () => {
    const text = 'version: &v v1\nimage:\n  tag: *v\nother:\n  tag: v2\n';
    expect(findImageKeys(text)).toEqual(['image.tag', 'other.tag']);
  });
});

describe('setYamlValue: lists', () => {
  const kustomization = [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'images:',
    '- name: ghcr.io/acme/frontend',
    '  newTag: v1.0.0',
    '- name: ghcr.io/acme/inventory # the one',
    '  newName: registry.local:5000/acme/inventory',
    '  newTag: "1.4"',
    '- name: redis',
    '  digest: sha256:aaaa',
    '',
  ].join('\n');

  it('selects Kustomize images by name', () => {
    expect(
      getYamlValue(kustomization, 'images[name=ghcr.io/acme/inventory].newTag'),
    ).toBe('1.4');
    expect(
      setYamlValue(
        kustomization,
        'images[name=ghcr.io/acme/inventory].newTag',
        '1.5',
      ),
    ).toBe(kustomization.replace('newTag: "1.4"', 'newTag: "1.5"'));
    expect(
      setYamlValue(kustomization, 'images[name=redis].digest', 'sha256:bbbb'),
    ).toBe(kustomization.replace('sha256:aaaa', 'sha256:bbbb'));
    expect(findImageKeys(kustomization)).toEqual([
      'images[name=ghcr.io/acme/frontend].newTag',
      'images[name=ghcr.io/acme/inventory].newTag',
      'images[name=redis].digest',
    ]);
  });

  it('reports missing and ambiguous selectors', () => {
    const missing = expectCode(
      () => setYamlValue(kustomization, 'images[name=nope].newTag', '1'),
      'KEY_NOT_FOUND',
    );
    expect(missing.message).toContain('"images[name=nope].newTag"');
    expect(missing.message).toContain('deepest existing prefix: "images"');
    const dup = `${kustomization}- name: redis\n  newTag: "7"\n`;
    const error = expectCode(
      () => setYamlValue(dup, 'images[name=redis].digest', 'x'),
      'AMBIGUOUS',
    );
    expect(error.message).toContain(
      'matches 2 items of "images" (indexes 2, 3)',
    );
    expect(error.message).toContain('"images[2].digest"');
    expect(findImageKeys(dup)).toEqual([
      'images[name=ghcr.io/acme/frontend].newTag',
      'images[name=ghcr.io/acme/inventory].newTag',
      'images[2].digest',
      'images[3].newTag',
    ]);
  });

  it('selects Helm dependencies by name', () => {
    const chart = [
      'apiVersion: v2',
      'name: umbrella',
      'version: 0.1.0',
      'dependencies:',
      '  - name: my-chart',
      '    version: 1.2.3 # pinned',
      '    repository: oci://ghcr.io/acme/charts',
      '  - name: other',
      '    version: "~2.0"',
      '',
    ].join('\n');
    expect(
      setYamlValue(chart, 'dependencies[name=my-chart].version', '1.3.0'),
    ).toBe(chart.replace('1.2.3 # pinned', '1.3.0 # pinned'));
    expect(findImageKeys(chart)).toEqual([
      'dependencies[name=my-chart].version',
      'dependencies[name=other].version',
    ]);
  });

  it('selects containers by index', () => {
    const deployment = [
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: app',
      '        image: ghcr.io/acme/app:1.0.0',
      '      - name: sidecar',
      '        image: envoy:1.0',
      '',
    ].join('\n');
    expect(
      getYamlValue(deployment, 'spec.template.spec.containers[1].image'),
    ).toBe('envoy:1.0');
    expect(
      setYamlValue(
        deployment,
        'spec.template.spec.containers[0].image',
        'ghcr.io/acme/app:1.1.0',
      ),
    ).toBe(deployment.replace('app:1.0.0', 'app:1.1.0'));
    expect(
      setYamlValue(
        deployment,
        'spec.template.spec.containers[name=sidecar].image',
        'envoy:1.1',
      ),
    ).toBe(deployment.replace('envoy:1.0', 'envoy:1.1'));
    const error = expectCode(
      () =>
        setYamlValue(deployment, 'spec.template.spec.containers[2].image', 'x'),
      'KEY_NOT_FOUND',
    );
    expect(error.message).toContain(
      'deepest existing prefix: "spec.template.spec.containers"',
    );
  });
});

describe('setYamlValue: quoted key segments', () => {
  it('addresses mapping keys that contain dots', () => {
    const text =
      'metadata:\n  annotations:\n    example.com/x: "1"\n    "quoted.key": v1\n    example: 2\n';
    expect(getYamlValue(text, 'metadata.annotations["example.com/x"]')).toBe(
      '1',
    );
    expect(
      setYamlValue(text, 'metadata.annotations["example.com/x"]', '2'),
    ).toBe(text.replace('example.com/x: "1"', 'example.com/x: "2"'));
    expect(setYamlValue(text, 'metadata.annotations["quoted.key"]', 'v2')).toBe(
      text.replace('"quoted.key": v1', '"quoted.key": v2'),
    );
    expect(
      getYamlValue(text, 'metadata.annotations.example.com/x'),
    ).toBeUndefined();
  });
});

describe('setYamlValue: errors', () => {
  const text =
    'image:\n  repository: x\n  tag: 1.0.0\nblock: |\n  text\nlist:\n  - a\n';

  it('names the key and the deepest existing prefix', () => {
    const a = expectCode(
      () => setYamlValue(text, 'image.tagg', '1'),
      'KEY_NOT_FOUND',
    );
    expect(a.message).toBe(
      'Key "image.tagg" not found: "image" has no key "tagg"; deepest existing prefix: "image"',
    );
    const b = expectCode(
      () => setYamlValue(text, 'foo.bar', '1'),
      'KEY_NOT_FOUND',
    );
    expect(b.message).toContain('"foo.bar"');
    expect(b.message).toContain('not even the first segment');
    const c = expectCode(
      () => setYamlValue(text, 'image.tag.x', '1'),
      'KEY_NOT_FOUND',
    );
    expect(c.message).toContain('"image.tag" is a scalar');
    expect(c.message).toContain('deepest existing prefix: "image.tag"');
  });

  it('refuses collections and block scalars with NOT_A_SCALAR', () => {
    expect(codeOf(() => setYamlValue(text, 'image', '1'))).toBe('NOT_A_SCALAR');
    expect(codeOf(() => setYamlValue(text, 'list', '1'))).toBe('NOT_A_SCALAR');
    const block = expectCode(
      () => setYamlValue(text, 'block', '1'),
      'NOT_A_SCALAR',
    );
    expect(block.message).toContain('block scalar');
    expect(getYamlValue(text, 'block')).toBe('text\n');
  });

  it('treats a Helm template value as a mapping, not a scalar', () => {
    const template = 'image:\n  tag: {{ .Values.tag }}\n';
    expect(codeOf(() => setYamlValue(template, 'image.tag', '1'))).toBe(
      'NOT_A_SCALAR',
    );
  });

  it('validates the key before anything else', () => {
    expect(codeOf(() => setYamlValue('not: [valid', 'a..b', '1'))).toBe(
      'INVALID_KEY',
    );
  });
});

describe('setYamlValue: createMissing', () => {
  it('inserts the last key after the last entry of the mapping', () => {
    const text =
      'image:\n  repository: x\n  pullPolicy: Always # c\n\n# other\nother: 1\n';
    expect(
      setYamlValue(text, 'image.tag', '1.0.0', { createMissing: true }),
    ).toBe(
      'image:\n  repository: x\n  pullPolicy: Always # c\n  tag: 1.0.0\n\n# other\nother: 1\n',
    );
  });

  it('inserts after a nested mapping and quotes when needed', () => {
    const text =
      'values:\n  image:\n    repository: x\n  resources:\n    limits:\n      cpu: 1\nnext: 1\n';
    expect(
      setYamlValue(text, 'values.tag', '1.10', { createMissing: true }),
    ).toBe(
      'values:\n  image:\n    repository: x\n  resources:\n    limits:\n      cpu: 1\n  tag: "1.10"\nnext: 1\n',
    );
  });

  it('inserts at the root of a file without final newline', () => {
    expect(
      setYamlValue('a: 1\nb: 2', 'tag', 'v1', { createMissing: true }),
    ).toBe('a: 1\nb: 2\ntag: v1');
  });

  it('inserts into a mapping inside a list item', () => {
    const text =
      'images:\n- name: app\n  newName: ghcr.io/acme/app\n- name: other\n  newTag: v1\n';
    expect(
      setYamlValue(text, 'images[name=app].newTag', 'v2', {
        createMissing: true,
      }),
    ).toBe(
      'images:\n- name: app\n  newName: ghcr.io/acme/app\n  newTag: v2\n- name: other\n  newTag: v1\n',
    );
  });

  it('sets existing keys normally', () => {
    expect(
      setYamlValue('image:\n  tag: 1\n', 'image.tag', '2', {
        createMissing: true,
      }),
    ).toBe('image:\n  tag: 2\n');
  });

  it('creates intermediate mappings and list items, never indexes or empty values', () => {
    const text = 'image:\n  repository: x\nimages:\n- name: a\n';
    // these two were refused before createMissing created intermediate
    // mappings and selector list items (see createMissing.test.ts)
    expect(
      setYamlValue(text, 'spec.image.tag', '1', { createMissing: true }),
    ).toBe(
      'image:\n  repository: x\nimages:\n- name: a\nspec:\n  image:\n    tag: "1"\n',
    );
    expect(
      setYamlValue(text, 'images[name=b].newTag', '1', {
        createMissing: true,
      }),
    ).toBe(
      'image:\n  repository: x\nimages:\n- name: a\n- name: b\n  newTag: "1"\n',
    );
    expect(
      codeOf(() =>
        setYamlValue(text, 'images[1]', '1', { createMissing: true }),
      ),
    ).toBe('KEY_NOT_FOUND');
    expect(
      codeOf(() =>
        setYamlValue('image:\n', 'image.tag', '1', { createMissing: true }),
      ),
    ).toBe('KEY_NOT_FOUND');
  });

  it('refuses to guess the document of a multi-document file', () => {
    const text = 'a: 1\n---\na: 2\n';
    const error = expectCode(
      () => setYamlValue(text, 'b', 'x', { createMissing: true }),
      'AMBIGUOUS',
    );
    expect(error.message).toContain('documents 1, 2');
    const one = 'kind: A\nimage:\n  repository: x\n---\nkind: B\n';
    expect(setYamlValue(one, 'image.tag', 'v1', { createMissing: true })).toBe(
      'kind: A\nimage:\n  repository: x\n  tag: v1\n---\nkind: B\n',
    );
  });

  it('refuses to insert into an aliased mapping', () => {
    const text = 'base: &b\n  repository: x\nother: *b\n';
    expect(
      codeOf(() =>
        setYamlValue(text, 'base.tag', '1', { createMissing: true }),
      ),
    ).toBe('ALIASED_VALUE');
    expect(
      codeOf(() =>
        setYamlValue(text, 'other.tag', '1', { createMissing: true }),
      ),
    ).toBe('ALIASED_VALUE');
  });
});
