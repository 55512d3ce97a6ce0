import { LRUCache } from 'lru-cache';
import { GithubClient } from './createOctokit';
import { githubFailure, mapGithubError } from './mapGithubError';
import { FileHistoryEntry } from '../repository/types';

const GITHUB_PAGE_LIMIT = 100;

/** Where the history is read. */
export interface GithubFileHistoryOptions {
  octokit: GithubClient;
  owner: string;
  repo: string;
}

/**
 * The commits that touched one file, with the file's blob SHA before and
 * after each, from the commits listing and the contents API.
 */
export class GithubFileHistory {
  /** `${commitSha}:${path}` → blob SHA, or null where the commit has no such file */
  /** `commit:path` → the blob SHA there; '' when the commit has no such file. */
  private readonly blobsAt = new LRUCache<string, string>({ max: 2_000 });

  constructor(private readonly options: GithubFileHistoryOptions) {}

  private get fullName() {
    return `${this.options.owner}/${this.options.repo}`;
  }

  /**
   * One commits listing (`limit + 1` entries, paginated past 99) plus one
   * contents request per entry for the file's blob SHA at that commit, cached
   * per commit. The blob before a commit is the blob after the next older
   * entry, which holds on GitHub's simplified history of one path. So a history
   * of `n` entries costs `1 + n + 1` requests; it is only read on demand.
   */
  async read(
    ref: string,
    path: string,
    limit: number,
  ): Promise<FileHistoryEntry[]> {
    if (limit <= 0) return [];
    const commits = await this.listCommits(ref, path, limit + 1);
    const blobs = await Promise.all(commits.map(c => this.blobAt(c.sha, path)));
    return commits.slice(0, limit).map((c, i) => ({
      commitSha: c.sha,
      author: {
        name: c.commit.author?.name ?? '',
        email: c.commit.author?.email ?? '',
      },
      date: c.commit.author?.date ?? '',
      message: c.commit.message.split('\n')[0],
      blobSha: blobs[i],
      previousBlobSha: blobs[i + 1],
    }));
  }

  private async listCommits(ref: string, path: string, count: number) {
    const { octokit, owner, repo } = this.options;
    const perPage = Math.min(count, GITHUB_PAGE_LIMIT);
    const commits = [];
    try {
      for (let page = 1; commits.length < count; page++) {
        const { data } = await octokit.rest.repos.listCommits({
          owner,
          repo,
          sha: ref,
          path,
          per_page: perPage,
          page,
        });
        commits.push(...data);
        if (data.length < perPage) break;
      }
    } catch (error) {
      throw mapGithubError(error, {
        repository: this.fullName,
        action: `read the history of '${path}'`,
        notFound: `'${ref}' does not exist in ${this.fullName}`,
      });
    }
    return commits.slice(0, count);
  }

  /** The blob SHA of `path` at a commit, undefined when the commit has no such file. */
  private async blobAt(
    commitSha: string,
    path: string,
  ): Promise<string | undefined> {
    const key = `${commitSha}:${path}`;
    const cached = this.blobsAt.get(key);
    if (cached !== undefined) return cached || undefined;
    const { octokit, owner, repo } = this.options;
    let sha: string | null = null;
    try {
      const { data } = await octokit.rest.repos.getContent({
        owner,
        repo,
        path,
        ref: commitSha,
      });
      sha = !Array.isArray(data) && data.type === 'file' ? data.sha : null;
    } catch (error) {
      if (githubFailure(error)?.status !== 404) {
        throw mapGithubError(error, {
          repository: this.fullName,
          action: `read '${path}' at ${commitSha}`,
        });
      }
    }
    this.blobsAt.set(key, sha ?? '');
    return sha ?? undefined;
  }
}
