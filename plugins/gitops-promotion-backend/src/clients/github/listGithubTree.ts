import { ServiceUnavailableError } from '@backstage/errors';
import { GithubClient } from './createOctokit';

/** One file of a tree listing. */
export interface TreeFile {
  sha: string;
  /** `100644`, `100755` or `120000` */
  mode: string;
}

/** Every file of a commit, plus the root tree a new commit is built on. */
export interface TreeListing {
  treeSha: string;
  files: Map<string, TreeFile>;
}

/** The repository a listing is read from. */
export interface TreeSource {
  octokit: GithubClient;
  owner: string;
  repo: string;
}

/**
 * Lists every file of a commit with one recursive tree request. GitHub cuts a
 * recursive listing off past 100,000 entries or 7 MB (`truncated: true`); the
 * listing then falls back to walking that tree one level down and listing
 * each subtree recursively, splitting further only where a subtree is itself
 * truncated. A single directory too large even for a flat listing is refused
 * with a ServiceUnavailableError. Errors are GitHub's; the caller maps them.
 */
export async function listGithubTree(
  source: TreeSource,
  commitSha: string,
): Promise<TreeListing> {
  const files = new Map<string, TreeFile>();
  const treeSha = await listRecursively(source, commitSha, '', files);
  return { treeSha, files };
}

async function listRecursively(
  source: TreeSource,
  treeish: string,
  prefix: string,
  files: Map<string, TreeFile>,
): Promise<string> {
  const { octokit, owner, repo } = source;
  const { data } = await octokit.rest.git.getTree({
    owner,
    repo,
    tree_sha: treeish,
    recursive: '1',
  });
  if (!data.truncated) {
    for (const entry of data.tree) {
      if (entry.type === 'blob' && entry.path && entry.sha && entry.mode) {
        files.set(prefix + entry.path, { sha: entry.sha, mode: entry.mode });
      }
    }
    return data.sha;
  }
  const { data: level } = await octokit.rest.git.getTree({
    owner,
    repo,
    tree_sha: data.sha,
  });
  if (level.truncated) {
    throw new ServiceUnavailableError(
      `The directory '${
        prefix || '/'
      }' of ${owner}/${repo} has more entries than GitHub's tree API lists at once; split it into subdirectories`,
    );
  }
  const subtrees: Promise<string>[] = [];
  for (const entry of level.tree) {
    if (!entry.path || !entry.sha) continue;
    if (entry.type === 'blob' && entry.mode) {
      files.set(prefix + entry.path, { sha: entry.sha, mode: entry.mode });
    } else if (entry.type === 'tree') {
      subtrees.push(
        listRecursively(source, entry.sha, `${prefix}${entry.path}/`, files),
      );
    }
  }
  await Promise.all(subtrees);
  return data.sha;
}
