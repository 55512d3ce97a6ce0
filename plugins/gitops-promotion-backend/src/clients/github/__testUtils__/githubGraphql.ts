import { buildClientSchema, graphql, GraphQLSchema } from 'graphql';
import fs from 'node:fs';
import path from 'node:path';
import { FakeRepository } from './FakeRepository';

let schema: GraphQLSchema | undefined;

/**
 * GitHub's GraphQL schema as @octokit/graphql-schema ships it, built the way
 * its `validate` builds it (from the introspection result; the SDL file
 * defines some fields twice). Built once: it is large.
 */
export function githubGraphqlSchema(): GraphQLSchema {
  schema ??= buildClientSchema(
    JSON.parse(fs.readFileSync(schemaFile(), 'utf8')),
  );
  return schema;
}

/**
 * The package exports nothing but its ES module entry point (which Jest
 * cannot load), so its schema file is looked up where Node looks for
 * packages.
 */
function schemaFile(): string {
  const file = path.join('@octokit', 'graphql-schema', 'schema.json');
  const found = (require.resolve.paths('@octokit/graphql-schema') ?? [])
    .map(dir => path.join(dir, file))
    .find(candidate => fs.existsSync(candidate));
  if (!found) throw new Error('@octokit/graphql-schema is not installed');
  return found;
}

/** An error GitHub answers a valid query with, typed like GitHub's (NOT_FOUND, …). */
class GithubGraphqlError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

/** What {@link FakeGraphql} works on. */
export interface FakeGraphqlOptions {
  owner: string;
  repo: string;
  repository: FakeRepository;
  /** Blobs longer than this (bytes) have their text cut off and `isTruncated`. */
  maxBlobText: number;
}

/** The answer to one request, and what in it GitHub would not have accepted or the fake cannot serve. */
export interface GraphqlAnswer {
  body: { data?: unknown; errors?: unknown[] };
  violations: string[];
}

/**
 * GitHub's GraphQL endpoint over the fake's repository: a query is validated
 * against GitHub's schema and executed by graphql-js, with resolvers reading
 * the same git objects the REST side serves (`repository.object` by
 * expression, a commit's `history(path:)` walked like `git log -- <path>`, a
 * commit's `file(path:)` with the blob's text). Fields the fake does not
 * serve resolve to null; a query that breaks the schema, or needs a non-null
 * field the fake does not serve, is a violation.
 */
export class FakeGraphql {
  constructor(private readonly options: FakeGraphqlOptions) {}

  async answer(body: unknown): Promise<GraphqlAnswer> {
    const { query, variables } = (body ?? {}) as {
      query?: unknown;
      variables?: Record<string, unknown>;
    };
    if (typeof query !== 'string') {
      const message =
        'A query attribute must be specified and must be a string.';
      return { body: { errors: [{ message }] }, violations: [message] };
    }
    const result = await graphql({
      schema: githubGraphqlSchema(),
      source: query,
      variableValues: variables,
      rootValue: this.root(),
    });
    const errors = result.errors ?? [];
    return {
      body: {
        ...(result.data !== undefined && { data: result.data }),
        ...(errors.length && {
          errors: errors.map(e => ({
            ...e.toJSON(),
            ...(e.originalError instanceof GithubGraphqlError && {
              type: e.originalError.type,
            }),
          })),
        }),
      },
      violations: errors
        .filter(e => !(e.originalError instanceof GithubGraphqlError))
        .map(e => `graphql: ${e.message}`),
    };
  }

  private root() {
    const { owner, repo, repository } = this.options;
    return {
      repository: (args: { owner: string; name: string }) => {
        if (args.owner !== owner || args.name !== repo) {
          throw new GithubGraphqlError(
            'NOT_FOUND',
            `Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`,
          );
        }
        return {
          object: ({ expression }: { expression: string }) => {
            const sha = repository.resolveCommit(expression);
            return sha ? this.commit(sha) : null;
          },
        };
      },
    };
  }

  private commit(sha: string) {
    const commit = this.options.repository.objects.commit(sha)!;
    return {
      __typename: 'Commit',
      oid: sha,
      messageHeadline: commit.message.split('\n')[0],
      messageBody: commit.message.split('\n').slice(1).join('\n').trim(),
      author: {
        name: commit.author.name,
        email: commit.author.email,
        // GitHub keeps the commit's offset; the fake's commits are in UTC
        date: commit.author.date.replace(/Z$/, '+00:00'),
      },
      history: (args: { path?: string; first?: number; after?: string }) =>
        this.history(sha, args),
      file: ({ path: filePath }: { path: string }) => this.file(sha, filePath),
    };
  }

  /** A page of the commits that touched the path; cursors are `<commit> <offset>`, as GitHub's. */
  private history(
    sha: string,
    {
      path: filePath,
      first,
      after,
    }: { path?: string; first?: number; after?: string },
  ) {
    if (!first || first < 1 || first > 100) {
      throw new Error(
        `history: first must be 1 to 100 (GitHub's limit), not ${first}`,
      );
    }
    const start = after ? Number(after.split(' ')[1]) + 1 : 0;
    const commits: string[] = [];
    for (const commit of this.options.repository.history(sha, filePath)) {
      commits.push(commit);
      if (commits.length > start + first) break;
    }
    const page = commits.slice(start, start + first);
    const cursor = (offset: number) => `${sha} ${offset}`;
    return {
      nodes: page.map(commit => this.commit(commit)),
      pageInfo: {
        hasNextPage: commits.length > start + first,
        hasPreviousPage: start > 0,
        startCursor: page.length ? cursor(start) : null,
        endCursor: page.length ? cursor(start + page.length - 1) : null,
      },
    };
  }

  /** The file at the path in the commit: binary blobs (a NUL byte, as git tells) have no text. */
  private file(sha: string, filePath: string) {
    const { objects } = this.options.repository;
    const file = objects.fileAt(sha, filePath);
    if (!file) return null;
    const bytes = objects.blob(file.sha)!;
    const isBinary = bytes.subarray(0, 8000).includes(0);
    const isTruncated = bytes.length > this.options.maxBlobText;
    return {
      type: 'blob',
      oid: file.sha,
      path: filePath,
      object: {
        __typename: 'Blob',
        oid: file.sha,
        byteSize: bytes.length,
        isBinary,
        isTruncated,
        text: isBinary
          ? null
          : bytes.subarray(0, this.options.maxBlobText).toString('utf8'),
      },
    };
  }
}
