import { InputError } from '@backstage/errors';

/** Where a GitHub repository lives. */
export interface GithubRepositoryLocation {
  /** Host, with the port when there is one (matches `integrations.github[].host`). */
  host: string;
  owner: string;
  repo: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Parses `https://<host>/<owner>/<repo>` (an optional `.git` suffix and a
 * trailing slash are accepted). Anything else is refused with a message that
 * shows the expected shape.
 */
export function parseGithubRepositoryUrl(
  url: string,
): GithubRepositoryLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(url);
  }
  const segments = parsed.pathname
    .replace(/\/+$/, '')
    .split('/')
    .filter(Boolean);
  if (
    !/^https?:$/.test(parsed.protocol) ||
    parsed.username ||
    parsed.password ||
    parsed.search ||
    parsed.hash ||
    segments.length !== 2
  ) {
    throw invalid(url);
  }
  const [owner, repoSegment] = segments.map(decodeURIComponent);
  const repo = repoSegment.replace(/\.git$/, '');
  if (!NAME.test(owner) || !NAME.test(repo)) {
    throw invalid(url);
  }
  return { host: parsed.host, owner, repo };
}

function invalid(url: string) {
  // never echo credentials someone may have put into the URL
  const shown = url.replace(/(\w+:\/\/)[^/@\s]+@/, '$1***@');
  return new InputError(
    `Invalid GitHub repository URL '${shown}': expected https://<host>/<owner>/<repo>`,
  );
}
