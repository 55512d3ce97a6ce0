import { NotFoundError } from '@backstage/errors';
import pLimit from 'p-limit';
import { GithubClient } from './createOctokit';
import {
  GITHUB_MAX_PAGE,
  HistoryFile,
  HistoryNode,
  HistoryQueryData,
  historyRequest,
} from './githubHistoryQuery';
import { mapGithubError } from './mapGithubError';
import { FileHistoryEntry } from '../repository/types';
import { promotionIdsIn } from '../repository/trailers';

/**
 * Paths one query reads at most, and commits over all of them. GitHub allows
 * 500,000 nodes a query, but each path's history is a `git log` on its side
 * and a query must finish within GitHub's 10-second timeout.
 */
export const MAX_PATHS_PER_QUERY = 64;
const MAX_NODES_PER_QUERY = 2_000;
/** Queries in flight at once. */
const MAX_CONCURRENT_QUERIES = 4;

/** Where the history is read. */
export interface GithubFileHistoryOptions {
  octokit: GithubClient;
  owner: string;
  repo: string;
}

/** The commits of a path read so far. */
interface Reading {
  nodes: HistoryNode[];
  /** Where the next page starts. */
  after?: string;
  more: boolean;
}

/**
 * The commits that touched files, with each file's blob SHA and text before
 * and after each commit, from GitHub's GraphQL API: the history of many paths
 * per query, so reading the lag of a whole matrix costs a few requests where
 * reading it file by file cost thousands.
 */
export class GithubFileHistory {
  private readonly queries = pLimit(MAX_CONCURRENT_QUERIES);

  constructor(private readonly options: GithubFileHistoryOptions) {}

  private get fullName() {
    return `${this.options.owner}/${this.options.repo}`;
  }

  /**
   * The last `limit` commits of `ref` that touched each path, newest first.
   * Each query reads a page of `limit + 1` commits (the extra one holds the
   * blob before the oldest entry; at most 100) of up to 64 paths, fewer when
   * that would be more than 2,000 commits (20 paths for a limit of 99 or
   * more); a longer history is continued by cursor in a further round. The
   * blob before a commit is the blob after the next older one, which holds
   * on GitHub's simplified history of one path.
   */
  async read(
    ref: string,
    paths: string[],
    limit: number,
  ): Promise<Map<string, FileHistoryEntry[]>> {
    const wanted = Math.max(0, limit) + 1;
    const first = Math.min(GITHUB_MAX_PAGE, wanted);
    const perQuery = Math.min(
      MAX_PATHS_PER_QUERY,
      Math.floor(MAX_NODES_PER_QUERY / first),
    );
    const readings = new Map<string, Reading>(
      paths.map(path => [path, { nodes: [], more: limit > 0 }]),
    );
    let pending = [...readings.keys()].filter(p => readings.get(p)!.more);
    while (pending.length) {
      const batches = [];
      for (let i = 0; i < pending.length; i += perQuery) {
        batches.push(pending.slice(i, i + perQuery));
      }
      await Promise.all(
        batches.map(batch =>
          this.queries(() => this.readPage(ref, batch, first, readings)),
        ),
      );
      pending = pending.filter(path => {
        const reading = readings.get(path)!;
        return reading.more && reading.nodes.length < wanted;
      });
    }
    return new Map(
      paths.map(path => [path, toEntries(readings.get(path)!.nodes, limit)]),
    );
  }

  /** One query: the next page of each path's history. */
  private async readPage(
    ref: string,
    paths: string[],
    first: number,
    readings: Map<string, Reading>,
  ) {
    const { octokit, owner, repo } = this.options;
    const notFound = `'${ref}' does not exist in ${this.fullName}`;
    const { query, variables } = historyRequest(
      paths.map(path => ({ path, after: readings.get(path)!.after })),
      { owner, name: repo, ref, first },
    );
    let data: HistoryQueryData;
    try {
      data = await octokit.graphql<HistoryQueryData>(query, variables);
    } catch (error) {
      throw mapGithubError(error, {
        repository: this.fullName,
        action: `read the history of '${paths[0]}'${
          paths.length > 1 ? ` and ${paths.length - 1} other files` : ''
        }`,
        notFound,
      });
    }
    const commit = data.repository?.object;
    paths.forEach((path, i) => {
      const page = commit?.[`h${i}`];
      if (!page) throw new NotFoundError(notFound);
      const reading = readings.get(path)!;
      reading.nodes.push(
        ...(page.nodes ?? []).filter((n): n is HistoryNode => n !== null),
      );
      reading.after = page.pageInfo.endCursor ?? undefined;
      reading.more = page.pageInfo.hasNextPage;
    });
  }
}

/** The first `limit` commits of a history; each one's previous blob is the next one's. */
function toEntries(nodes: HistoryNode[], limit: number): FileHistoryEntry[] {
  return nodes.slice(0, Math.max(0, limit)).map((node, i) => {
    const blob = blobOf(node.file);
    const previous = blobOf(nodes[i + 1]?.file ?? null);
    return {
      commitSha: node.oid,
      author: {
        name: node.author?.name ?? '',
        email: node.author?.email ?? '',
      },
      date: node.author?.date ?? '',
      message: node.messageHeadline,
      promotionIds: promotionIdsIn(node.messageBody),
      blobSha: blob.sha,
      previousBlobSha: previous.sha,
      blobText: blob.text,
      previousBlobText: previous.text,
    };
  });
}

/**
 * The blob a commit has at the path: none when the file is absent (or not a
 * file); its text only when GitHub sent all of it as text.
 */
function blobOf(file: HistoryFile | null): { sha?: string; text?: string } {
  if (file?.type !== 'blob') return {};
  const object = file.object;
  const whole =
    typeof object?.text === 'string' && !object.isBinary && !object.isTruncated;
  return { sha: file.oid, text: whole ? object.text! : undefined };
}
