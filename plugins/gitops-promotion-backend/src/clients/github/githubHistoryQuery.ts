/** GitHub's largest page of a connection (`first`). */
export const GITHUB_MAX_PAGE = 100;

/** A file of a commit, as the query asks for it. */
export interface HistoryFile {
  /** `blob`, `tree` or `commit` (a submodule) */
  type: string;
  oid: string;
  object: {
    text?: string | null;
    isBinary?: boolean | null;
    isTruncated?: boolean;
  } | null;
}

/** A commit of a path's history with the file at that commit (null: no such file). */
export interface HistoryNode {
  oid: string;
  messageHeadline: string;
  /** The message after the headline: where the trailers are. */
  messageBody: string;
  author: {
    name: string | null;
    email: string | null;
    date: string | null;
  } | null;
  file: HistoryFile | null;
}

/** One page of a path's history, newest first. */
export interface HistoryPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<HistoryNode | null> | null;
}

/**
 * The answer to a {@link historyRequest}: page `h<i>` for its `i`th path. The
 * object is null, or has no pages, when the ref names no commit.
 */
export interface HistoryQueryData {
  repository: {
    object: Record<string, HistoryPage | undefined> | null;
  } | null;
}

/** A path whose history is read, and the cursor to continue after (none: from the ref). */
export interface HistoryCursor {
  path: string;
  after?: string;
}

/**
 * One GraphQL query for a page of the history of each path on one commit,
 * with the file's blob (SHA and text) at every commit of it: aliases `h0`,
 * `h1`… reading `$p0`, `$p1`… after `$a0`, `$a1`…. Paths and cursors are
 * variables, never part of the query's text; the text only depends on how
 * many paths there are.
 */
export function historyRequest(
  cursors: HistoryCursor[],
  on: { owner: string; name: string; ref: string; first: number },
): { query: string; variables: Record<string, string | number | null> } {
  const declarations = cursors.map((_, i) => `$p${i}: String!, $a${i}: String`);
  const fields = cursors.map(
    (_, i) =>
      `h${i}: history(path: $p${i}, first: $first, after: $a${i}) { ...Page nodes { ...Entry file(path: $p${i}) { ...File } } }`,
  );
  const query = `query FileHistories($owner: String!, $name: String!, $ref: String!, $first: Int!, ${declarations.join(
    ', ',
  )}) {
  repository(owner: $owner, name: $name) {
    object(expression: $ref) {
      ... on Commit {
        ${fields.join('\n        ')}
      }
    }
  }
}
fragment Page on CommitHistoryConnection { pageInfo { hasNextPage endCursor } }
fragment Entry on Commit { oid messageHeadline messageBody author { name email date } }
fragment File on TreeEntry { type oid object { ... on Blob { text isBinary isTruncated } } }`;
  const variables: Record<string, string | number | null> = { ...on };
  cursors.forEach(({ path, after }, i) => {
    variables[`p${i}`] = path;
    variables[`a${i}`] = after ?? null;
  });
  return { query, variables };
}
