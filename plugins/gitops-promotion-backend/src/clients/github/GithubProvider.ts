import { ServiceUnavailableError } from '@backstage/errors';
import { LRUCache } from 'lru-cache';
import { GithubClient } from './createOctokit';
import { gitBlobSha } from './gitBlobSha';
import { GithubFileHistory } from './GithubFileHistory';
import { GithubPullRequests } from './GithubPullRequests';
import { listGithubTree, TreeFile } from './listGithubTree';
import { githubFailure, mapGithubError } from './mapGithubError';
import { readGithubTarball } from './readGithubTarball';
import { hasTrailerLine } from '../repository/trailers';
import {
  CommitAttempt,
  CommitWithTrailer,
  FileChange,
  FileHistoryEntry,
  GitIdentity,
  RepositoryProvider,
  TryCommitRequest,
} from '../repository/types';

/** What a {@link GithubProvider} works on. */
export interface GithubProviderOptions {
  octokit: GithubClient;
  owner: string;
  repo: string;
  /**
   * Recorded as the committer of every commit. When absent GitHub records the
   * author (the requester) as committer too, its documented default.
   */
  committer?: GitIdentity;
  /**
   * The largest uncompressed tarball {@link GithubProvider.readAllBlobs}
   * reads (default 256 MiB); a larger one fails and blobs are read one by one.
   */
  maxArchiveBytes?: number;
}

/** A commit's files, with the modes and root tree a new commit needs. */
interface Listing {
  treeSha: string;
  entries: Map<string, TreeFile>;
  /** path → blob SHA, the shape RepositoryProvider.listFiles returns */
  files: Map<string, string>;
}

type BlobMode = '100644' | '100755' | '120000';
const BLOB_MODES: ReadonlySet<string> = new Set(['100644', '100755', '120000']);

/** GitHub's largest page of commits. */
const TRAILER_SEARCH_PAGE_SIZE = 100;
/** Pages of commits {@link GithubProvider.findCommitWithTrailer} reads at most. */
const TRAILER_SEARCH_PAGES = 5;

/**
 * A GitOps repository on GitHub (or GitHub Enterprise) through its REST API.
 *
 * Reads cost O(changed files): the branch head is a conditional request (a 304
 * does not count against the rate limit), a commit's files come from one
 * recursive tree listing cached per commit SHA, blobs are read by SHA (the
 * engine caches them), and a cold read of many files is one tarball download
 * instead of one request per blob ({@link GithubProvider.readAllBlobs}).
 * File histories come from the GraphQL API, many paths per query, with the
 * blob texts along them. A commit is made with the git data API in at most
 * four requests (tree listing of the parent if not cached, tree, commit, ref
 * update) and the ref update is never forced, so a branch that moved
 * meanwhile is reported as `raced` instead of being overwritten.
 */
export class GithubProvider implements RepositoryProvider {
  readonly pullRequests: GithubPullRequests;
  /** branch → the ETag and SHA of its last 200, for conditional requests */
  private readonly heads = new LRUCache<string, { etag: string; sha: string }>({
    max: 1_000,
  });
  private readonly listings = new LRUCache<string, Promise<Listing>>({
    max: 8,
  });
  private readonly history: GithubFileHistory;

  constructor(private readonly options: GithubProviderOptions) {
    this.pullRequests = new GithubPullRequests(options);
    this.history = new GithubFileHistory(options);
  }

  private get fullName() {
    return `${this.options.owner}/${this.options.repo}`;
  }

  /** One conditional request: a 304 answers with the SHA seen before. */
  async getBranchHead(branch: string): Promise<string> {
    const { octokit, owner, repo } = this.options;
    const known = this.heads.get(branch);
    try {
      const response = await octokit.rest.git.getRef({
        owner,
        repo,
        ref: `heads/${branch}`,
        headers: known ? { 'if-none-match': known.etag } : {},
      });
      const sha = response.data.object.sha;
      const etag = response.headers.etag;
      if (etag) {
        this.heads.set(branch, { etag, sha });
      }
      return sha;
    } catch (error) {
      const status = githubFailure(error)?.status;
      if (known && status === 304) {
        return known.sha;
      }
      if (status === 404) {
        this.heads.delete(branch);
      }
      throw mapGithubError(error, {
        repository: this.fullName,
        action: `read branch '${branch}'`,
        notFound: `Branch '${branch}' does not exist in ${this.fullName}`,
      });
    }
  }

  /**
   * One comparison request: `ancestor...descendant` is `identical` or
   * `ahead`. A commit GitHub does not know (404) is in no history.
   */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const { octokit, owner, repo } = this.options;
    try {
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
        owner,
        repo,
        basehead: `${ancestor}...${descendant}`,
        per_page: 1,
      });
      return data.status === 'identical' || data.status === 'ahead';
    } catch (error) {
      if (githubFailure(error)?.status === 404) return false;
      throw mapGithubError(error, {
        repository: this.fullName,
        action: `compare ${ancestor} with ${descendant}`,
      });
    }
  }

  async listFiles(commitSha: string): Promise<Map<string, string>> {
    return (await this.listing(commitSha)).files;
  }

  async readBlob(blobSha: string): Promise<string> {
    const { octokit, owner, repo } = this.options;
    try {
      const { data } = await octokit.rest.git.getBlob({
        owner,
        repo,
        file_sha: blobSha,
      });
      return data.encoding === 'base64'
        ? Buffer.from(data.content, 'base64').toString('utf8')
        : data.content;
    } catch (error) {
      throw mapGithubError(error, {
        repository: this.fullName,
        action: `read blob ${blobSha}`,
        notFound: `File content ${blobSha} does not exist in ${this.fullName}`,
      });
    }
  }

  /**
   * Every file of the commit in one REST request: the commit's tarball (see
   * {@link readGithubTarball}), blob SHA → text. Costs 1 request against the
   * rate limit whatever the number of files, where reading them one by one
   * costs one each.
   */
  async readAllBlobs(commitSha: string): Promise<Map<string, string>> {
    try {
      return await readGithubTarball(this.options, commitSha, {
        maxBytes: this.options.maxArchiveBytes,
      });
    } catch (error) {
      throw mapGithubError(error, {
        repository: this.fullName,
        action: `download the tarball of commit ${commitSha}`,
        notFound: `Commit ${commitSha} does not exist in ${this.fullName}`,
      });
    }
  }

  /** One GraphQL query (see {@link GithubFileHistory}). */
  async fileHistory(
    ref: string,
    path: string,
    limit: number,
  ): Promise<FileHistoryEntry[]> {
    return (await this.history.read(ref, [path], limit)).get(path)!;
  }

  /**
   * A few GraphQL queries for many paths, each commit with the file's blob
   * text (see {@link GithubFileHistory}).
   */
  fileHistories(
    ref: string,
    paths: string[],
    limit: number,
  ): Promise<Map<string, FileHistoryEntry[]>> {
    return this.history.read(ref, paths, limit);
  }

  /**
   * The branch's commits since `since` (GitHub filters on the committer
   * date), newest first, 100 a page, at most {@link TRAILER_SEARCH_PAGES}
   * pages; each message is matched line by line. A branch with more commits
   * in that window than those pages hold is a ServiceUnavailableError, not
   * "none found": a caller may act on a commit's absence.
   */
  async findCommitWithTrailer(
    branch: string,
    trailer: string,
    since: Date,
  ): Promise<CommitWithTrailer | undefined> {
    const { octokit, owner, repo } = this.options;
    for (let page = 1; page <= TRAILER_SEARCH_PAGES; page++) {
      let commits;
      try {
        ({ data: commits } = await octokit.rest.repos.listCommits({
          owner,
          repo,
          sha: branch,
          since: since.toISOString(),
          per_page: TRAILER_SEARCH_PAGE_SIZE,
          page,
        }));
      } catch (error) {
        throw mapGithubError(error, {
          repository: this.fullName,
          action: `list the commits of branch '${branch}'`,
          notFound: `Branch '${branch}' does not exist in ${this.fullName}`,
        });
      }
      const found = commits.find(c =>
        hasTrailerLine(c.commit.message, trailer),
      );
      if (found) {
        return {
          commitSha: found.sha,
          date: found.commit.committer?.date ?? found.commit.author?.date ?? '',
        };
      }
      if (commits.length < TRAILER_SEARCH_PAGE_SIZE) return undefined;
    }
    throw new ServiceUnavailableError(
      `Branch '${branch}' of ${this.fullName} has more than ${
        TRAILER_SEARCH_PAGES * TRAILER_SEARCH_PAGE_SIZE
      } commits since ${since.toISOString()}; could not search them all for '${trailer}'`,
    );
  }

  async tryCommit(request: TryCommitRequest): Promise<CommitAttempt> {
    const { octokit, owner, repo, committer } = this.options;
    const { branch, parentSha, changes } = request;
    const parent = await this.listing(parentSha);
    const map = (action: string) => (error: unknown) => {
      throw mapGithubError(error, { repository: this.fullName, action });
    };

    const tree = await octokit.rest.git
      .createTree({
        owner,
        repo,
        base_tree: parent.treeSha,
        tree: changes.map(change => ({
          path: change.path,
          mode: blobMode(parent.entries.get(change.path)?.mode),
          type: 'blob' as const,
          content: change.content,
        })),
      })
      .catch(map(`create a tree on ${parentSha}`));
    const commit = await octokit.rest.git
      .createCommit({
        owner,
        repo,
        message: request.message,
        tree: tree.data.sha,
        parents: [parentSha],
        author: { name: request.author.name, email: request.author.email },
        ...(committer && {
          committer: { name: committer.name, email: committer.email },
        }),
      })
      .catch(map(`create a commit on ${parentSha}`));
    const commitSha = commit.data.sha;

    try {
      if (request.createBranch) {
        await octokit.rest.git.createRef({
          owner,
          repo,
          ref: `refs/heads/${branch}`,
          sha: commitSha,
        });
      } else {
        await octokit.rest.git.updateRef({
          owner,
          repo,
          ref: `heads/${branch}`,
          sha: commitSha,
          force: false,
        });
      }
    } catch (error) {
      const race = isRace(error);
      // A retried write whose first attempt succeeded but whose answer was
      // lost (a 5xx, a dropped connection) fails, or for a new branch is
      // refused as "Reference already exists", although the branch points at
      // our commit: then the attempt did succeed.
      const mayHaveLanded = !race || request.createBranch;
      if (!mayHaveLanded || !(await this.pointsAt(branch, commitSha))) {
        if (race) return { status: 'raced' };
        throw mapGithubError(error, {
          repository: this.fullName,
          action: `${
            request.createBranch ? 'create' : 'move'
          } branch '${branch}'`,
          notFound: `Branch '${branch}' does not exist in ${this.fullName}`,
        });
      }
    }

    this.rememberCommit(commitSha, tree.data.sha, parent, changes);
    return { status: 'committed', commitSha };
  }

  /** Whether the branch points at the commit now (false when that cannot be read). */
  private pointsAt(branch: string, commitSha: string): Promise<boolean> {
    return this.getBranchHead(branch).then(
      head => head === commitSha,
      () => false,
    );
  }

  /** The files of a commit, listed once per commit (concurrent callers share the request). */
  private listing(commitSha: string): Promise<Listing> {
    const cached = this.listings.get(commitSha);
    if (cached) return cached;
    const pending = listGithubTree(this.options, commitSha).then(
      ({ treeSha, files: entries }) => ({
        treeSha,
        entries,
        files: new Map([...entries].map(([path, file]) => [path, file.sha])),
      }),
      error => {
        this.listings.delete(commitSha);
        throw mapGithubError(error, {
          repository: this.fullName,
          action: `list the files of commit ${commitSha}`,
          notFound: `Commit ${commitSha} does not exist in ${this.fullName}`,
        });
      },
    );
    this.listings.set(commitSha, pending);
    return pending;
  }

  /**
   * The listing of a commit this provider just made is its parent's with the
   * changed files' blob SHAs, computed locally: reading the branch right after
   * a promotion costs no tree request.
   */
  private rememberCommit(
    commitSha: string,
    treeSha: string,
    parent: Listing,
    changes: FileChange[],
  ) {
    const entries = new Map(parent.entries);
    for (const change of changes) {
      entries.set(change.path, {
        sha: gitBlobSha(change.content),
        mode: blobMode(parent.entries.get(change.path)?.mode),
      });
    }
    const files = new Map([...entries].map(([path, file]) => [path, file.sha]));
    this.listings.set(commitSha, Promise.resolve({ treeSha, entries, files }));
  }
}

/** The mode of the file in the parent tree, a plain file when it is new. */
function blobMode(mode: string | undefined): BlobMode {
  return mode && BLOB_MODES.has(mode) ? (mode as BlobMode) : '100644';
}

/** A ref update refused because the branch moved (or was created) meanwhile. */
function isRace(error: unknown): boolean {
  const failure = githubFailure(error);
  return (
    failure !== undefined &&
    (failure.status === 409 ||
      (failure.status === 422 &&
        /not a fast.forward|already exists/i.test(failure.message)))
  );
}
