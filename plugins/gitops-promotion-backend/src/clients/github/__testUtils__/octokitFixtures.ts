import fs from 'node:fs';
import path from 'node:path';

/** One recorded exchange of an @octokit/fixtures scenario. */
export interface RecordedExchange {
  method: string;
  path: string;
  body?: unknown;
  status: number;
  response: unknown;
  reqheaders: Record<string, string | number>;
  headers: Record<string, string | number>;
}

/**
 * The recorded exchanges of an api.github.com scenario of @octokit/fixtures
 * (an ESM package: its JSON files are read from disk, not imported).
 */
export function readScenario(name: string): RecordedExchange[] {
  const dir = path.dirname(require.resolve('@octokit/fixtures/package.json'));
  const file = path.join(
    dir,
    'scenarios',
    'api.github.com',
    name,
    'normalized-fixture.json',
  );
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * A recorded response re-addressed to another server and repository: GitHub's
 * URLs and the fixture organisation and repository names are replaced.
 */
export function readdress<T>(
  value: T,
  to: { apiUrl: string; htmlUrl: string; owner: string; repo: string },
  from: { owner: string; repo: string },
): T {
  const text = JSON.stringify(value)
    .split('https://api.github.com')
    .join(to.apiUrl)
    .split('https://github.com')
    .join(to.htmlUrl)
    .split(`${from.owner}/${from.repo}`)
    .join(`${to.owner}/${to.repo}`)
    .split(`"${from.repo}"`)
    .join(`"${to.repo}"`)
    .split(from.owner)
    .join(to.owner);
  return JSON.parse(text);
}
