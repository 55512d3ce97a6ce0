import { InputError } from '@backstage/errors';
import {
  isDigest,
  validateVersion,
  VersionKind,
  versionKindOfKey,
} from './validateVersion';

const HEX = `${'a'.repeat(40)}0123456789abcdef01234567`;
const DIGEST = `sha256:${HEX}`;

describe('validateVersion', () => {
  it.each<[string, VersionKind]>([
    ['2.6.1', 'image-tag'],
    ['v2.6.1', 'image-tag'],
    ['_internal', 'image-tag'],
    ['2024-05-01_build.17', 'image-tag'],
    ['A'.repeat(128), 'image-tag'],
    [DIGEST, 'image-tag'],
    [`2.6.1@${DIGEST}`, 'image-tag'],
    [`latest@${DIGEST}`, 'image-tag'],
    ['1.6.0', 'chart-version'],
    ['v1.6.0', 'chart-version'],
    ['1.6.0-rc.1+build.5', 'chart-version'],
    ['1.6.0-rc.1+build.5', 'any'],
    ['2.6.1', 'any'],
    [DIGEST, 'any'],
  ])('accepts %s as %s', (value, kind) => {
    expect(validateVersion(value, { kind })).toBe(value);
  });

  it.each<[string, string, VersionKind]>([
    ['', 'is empty', 'any'],
    ['2.6.1\nimage: evil', 'contains a line break', 'any'],
    ['2.6.1\r', 'contains a line break', 'any'],
    ['2.6.1\u2028', 'contains a line break', 'any'],
    ['2.6\t1', 'control character U+0009', 'any'],
    ['2.6\u00001', 'control character U+0000', 'any'],
    ['*anchor', "starts with '*', which YAML reads as an alias", 'any'],
    ['&a', 'an anchor', 'any'],
    ['!!python/object', 'a tag', 'any'],
    ['{a: 1}', 'a flow mapping', 'any'],
    ['[1]', 'a flow sequence', 'any'],
    ['|', 'a literal block scalar', 'any'],
    ['>-', 'a folded block scalar', 'any'],
    ["'1.0'", 'a quoted string', 'any'],
    ['"1.0"', 'a quoted string', 'any'],
    ['%YAML', 'a directive', 'any'],
    ['@latest', 'a reserved indicator', 'any'],
    ['`id`', 'a reserved indicator', 'any'],
    ['#1', 'a comment', 'any'],
    ['-1', 'a sequence entry', 'any'],
    ['a: b', "contains ':' followed by a space", 'any'],
    ['a:', "contains ':' followed by a space or the end", 'any'],
    ['1.0 #x', "contains ' #'", 'any'],
    ['1.0 rc', 'contains whitespace', 'any'],
    ['A'.repeat(129), 'is 129 characters long; at most 128', 'image-tag'],
    ['../../etc/passwd', "contains '/'", 'image-tag'],
    ['1.0+build', "contains '+'", 'image-tag'],
    ['.hidden', "starts with '.'", 'image-tag'],
    ['tag$(id)', "contains '$'", 'any'],
    ['sha256:abc', 'is not a digest', 'image-tag'],
    [`sha256:${HEX.toUpperCase()}`, 'is not a digest', 'image-tag'],
    [`bad/tag@${DIGEST}`, 'is not a digest', 'image-tag'],
    [DIGEST, 'a chart version must be SemVer', 'chart-version'],
    ['1.6', 'is not a SemVer 2 chart version', 'chart-version'],
    ['01.6.0', 'is not a SemVer 2 chart version', 'chart-version'],
    ['latest', 'is not a SemVer 2 chart version', 'chart-version'],
  ])('rejects %j: %s (%s)', (value, problem, kind) => {
    expect(() => validateVersion(value, { kind })).toThrow(InputError);
    expect(() => validateVersion(value, { kind })).toThrow(problem);
  });

  it('names the key and shows the value escaped and truncated', () => {
    expect(() =>
      validateVersion('x\ny', { kind: 'image-tag', key: 'image.tag' }),
    ).toThrow('Invalid version "x\\ny" for image.tag: contains a line break');
    expect(() => validateVersion(`${'b'.repeat(300)}`)).toThrow(
      `Invalid version "${'b'.repeat(64)}…": is 300 characters long`,
    );
  });

  it('rejects non-strings from untyped input', () => {
    expect(() => validateVersion(42 as unknown as string)).toThrow(
      'Invalid version 42: must be a string',
    );
  });
});

describe('isDigest', () => {
  it.each([
    [DIGEST, true],
    [`1.2.3@${DIGEST}`, true],
    ['sha256:abc', false],
    ['latest', false],
    [`@${DIGEST}`, false],
  ])('%s → %s', (value, expected) => {
    expect(isDigest(value)).toBe(expected);
  });
});

describe('versionKindOfKey', () => {
  it.each<[string, VersionKind]>([
    ['image.tag', 'image-tag'],
    ['images[name=ghcr.io/acme/shop].newTag', 'image-tag'],
    ['images[name=ghcr.io/acme/shop].digest', 'image-tag'],
    ['service-base.image.tag', 'image-tag'],
    ['dependencies[name=service-base].version', 'chart-version'],
    ['version', 'chart-version'],
    ['app.version', 'any'],
    ['appVersion', 'any'],
  ])('%s → %s', (key, kind) => {
    expect(versionKindOfKey(key)).toBe(kind);
  });
});
