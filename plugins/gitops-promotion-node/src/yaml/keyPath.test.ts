import { YamlEditError } from './errors';
import { formatKeyPath, KeyPathSegment, parseKeyPath } from './keyPath';

describe('parseKeyPath', () => {
  it.each<[string, KeyPathSegment[]]>([
    [
      'image.tag',
      [
        { type: 'key', key: 'image' },
        { type: 'key', key: 'tag' },
      ],
    ],
    [
      'images[name=my-app].newTag',
      [
        { type: 'key', key: 'images' },
        { type: 'selector', field: 'name', value: 'my-app' },
        { type: 'key', key: 'newTag' },
      ],
    ],
    [
      'images[name=ghcr.io/acme/inventory].newTag',
      [
        { type: 'key', key: 'images' },
        { type: 'selector', field: 'name', value: 'ghcr.io/acme/inventory' },
        { type: 'key', key: 'newTag' },
      ],
    ],
    [
      'images[name=registry.local:5000/a-b/c=d].newTag',
      [
        { type: 'key', key: 'images' },
        {
          type: 'selector',
          field: 'name',
          value: 'registry.local:5000/a-b/c=d',
        },
        { type: 'key', key: 'newTag' },
      ],
    ],
    [
      'dependencies[name=my-chart].version',
      [
        { type: 'key', key: 'dependencies' },
        { type: 'selector', field: 'name', value: 'my-chart' },
        { type: 'key', key: 'version' },
      ],
    ],
    [
      'spec.values.image.tag',
      ['spec', 'values', 'image', 'tag'].map(key => ({
        type: 'key' as const,
        key,
      })),
    ],
    [
      'service-base.image.tag',
      ['service-base', 'image', 'tag'].map(key => ({
        type: 'key' as const,
        key,
      })),
    ],
    [
      'containers[0].image',
      [
        { type: 'key', key: 'containers' },
        { type: 'index', index: 0 },
        { type: 'key', key: 'image' },
      ],
    ],
    [
      'metadata.annotations["example.com/x"]',
      [
        { type: 'key', key: 'metadata' },
        { type: 'key', key: 'annotations' },
        { type: 'key', key: 'example.com/x' },
      ],
    ],
    [
      '["a.b"].c',
      [
        { type: 'key', key: 'a.b' },
        { type: 'key', key: 'c' },
      ],
    ],
    [
      '[1][0]',
      [
        { type: 'index', index: 1 },
        { type: 'index', index: 0 },
      ],
    ],
    [
      'a["say \\"hi\\" [x]"]',
      [
        { type: 'key', key: 'a' },
        { type: 'key', key: 'say "hi" [x]' },
      ],
    ],
    [
      'images[name="odd]name"].newTag',
      [
        { type: 'key', key: 'images' },
        { type: 'selector', field: 'name', value: 'odd]name' },
        { type: 'key', key: 'newTag' },
      ],
    ],
    [
      'images[name=""].newTag',
      [
        { type: 'key', key: 'images' },
        { type: 'selector', field: 'name', value: '' },
        { type: 'key', key: 'newTag' },
      ],
    ],
  ])('parses %s', (key, expected) => {
    expect(parseKeyPath(key)).toEqual(expected);
    expect(parseKeyPath(formatKeyPath(expected))).toEqual(expected);
  });

  it.each([
    '',
    '.a',
    'a.',
    'a..b',
    'a[0',
    'a]',
    'a[0]]',
    'a[]',
    'a[name=]',
    'a.[0]',
    'a[x]',
    'a[=x]',
    '[',
    'a["b]',
    'a["b"',
    'a["b\\n"]',
    'a[0]b',
    'a[name=x[y]]',
    'a. b',
    ' a',
  ])('rejects %j with INVALID_KEY', key => {
    let error: unknown;
    try {
      parseKeyPath(key);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(YamlEditError);
    expect((error as YamlEditError).code).toBe('INVALID_KEY');
    expect((error as YamlEditError).message).toContain(JSON.stringify(key));
  });
});

describe('formatKeyPath', () => {
  it('quotes only where needed', () => {
    expect(
      formatKeyPath([
        { type: 'key', key: 'metadata' },
        { type: 'key', key: 'example.com/x' },
        { type: 'selector', field: 'name', value: 'ghcr.io/acme/app' },
        { type: 'index', index: 2 },
        { type: 'key', key: 'tag' },
      ]),
    ).toBe('metadata["example.com/x"][name=ghcr.io/acme/app][2].tag');
    expect(formatKeyPath([{ type: 'key', key: 'a b' }])).toBe('a b');
    expect(formatKeyPath([{ type: 'key', key: ' a' }])).toBe('[" a"]');
  });
});
