import { isDigest } from '../validateVersion';
import { PolicyInput, PolicyVerdict } from '../types';

/**
 * Tags that conventionally move, refused in protected environments whatever
 * the configured pattern (compared case-insensitively).
 */
export const MUTABLE_TAGS: readonly string[] = [
  'latest',
  'stable',
  'main',
  'master',
  'head',
  'trunk',
  'develop',
  'development',
  'dev',
  'edge',
  'nightly',
  'snapshot',
  'canary',
  'current',
];

/**
 * A protected target accepts only immutable versions: digests always, tags
 * unless they are a well-known moving tag or match the configured
 * `immutableVersions.rejectPattern`.
 */
export function checkImmutableVersion(
  input: Pick<PolicyInput, 'target' | 'versions' | 'targetPolicy'>,
): PolicyVerdict {
  const { target, versions, targetPolicy } = input;
  const verdict = (passed: boolean, message: string): PolicyVerdict => ({
    rule: 'immutable-version',
    passed,
    message: `Immutable versions: ${message}`,
  });
  if (!targetPolicy.protected) {
    return verdict(
      true,
      `${target} is not protected, so any valid version is accepted.`,
    );
  }
  const pattern = targetPolicy.immutableVersions.rejectPattern;
  const problems = versions.flatMap(({ key, version }) => {
    if (isDigest(version)) {
      return [];
    }
    if (MUTABLE_TAGS.includes(version.toLowerCase())) {
      return [`${key} '${version}' is a tag that moves`];
    }
    if (pattern?.test(version)) {
      return [
        `${key} '${version}' matches the pattern ${pattern} that ${target} rejects`,
      ];
    }
    return [];
  });
  if (problems.length === 0) {
    return verdict(
      true,
      `${target} is protected and every version is immutable.`,
    );
  }
  return verdict(
    false,
    `${target} is protected and accepts only immutable versions, but ${problems.join(
      '; ',
    )}. Promote a release version (such as 2.6.1) or a digest (sha256:… or <tag>@sha256:…) instead.`,
  );
}
