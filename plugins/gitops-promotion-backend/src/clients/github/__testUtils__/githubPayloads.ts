import { CommitObject, ListedEntry, Signature } from './GitObjectStore';
import { readdress, readScenario } from './octokitFixtures';

/** Where the fake's URLs point. */
export interface PayloadContext {
  apiUrl: string;
  htmlUrl: string;
  owner: string;
  repo: string;
}

/** A pull request of the fake. */
export interface FakePullRequest {
  number: number;
  title: string;
  body: string | null;
  head: string;
  headSha: string;
  base: string;
  baseSha: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  user: string;
  /** Reviews posted on it, oldest first. */
  reviews?: FakeReview[];
}

/** A review of a pull request. */
export interface FakeReview {
  id: number;
  user: string;
  body: string;
  state: 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED';
  submittedAt: string;
  commitId: string;
}

const FIXTURE_REPO = { owner: 'octokit-fixture-org', repo: 'hello-world' };
type JsonObject = Record<string, unknown>;

/**
 * Response bodies shaped like GitHub's. The repository and user objects are
 * @octokit/fixtures' recorded `get-repository` response, re-addressed; the
 * rest follow the operation's schema in GitHub's OpenAPI description (the
 * fake checks every body against it).
 */
export class GithubPayloads {
  private readonly repository: JsonObject;
  private readonly userTemplate: JsonObject;

  constructor(private readonly ctx: PayloadContext) {
    const [recorded] = readScenario('get-repository');
    const repo = readdress(recorded.response as JsonObject, ctx, FIXTURE_REPO);
    // GitHub's `repository` object (pull requests' head/base repo) is the full one minus extras
    this.repository = repo;
    this.userTemplate = repo.owner as JsonObject;
  }

  private get repoApi() {
    return `${this.ctx.apiUrl}/repos/${this.ctx.owner}/${this.ctx.repo}`;
  }

  private get repoHtml() {
    return `${this.ctx.htmlUrl}/${this.ctx.owner}/${this.ctx.repo}`;
  }

  user(login: string): JsonObject {
    const template = this.userTemplate;
    return readdress(
      { ...template, type: 'User' },
      { ...this.ctx, owner: login },
      { owner: this.ctx.owner, repo: this.ctx.repo },
    );
  }

  error(status: number, message: string, extra: JsonObject = {}): JsonObject {
    return {
      message,
      documentation_url: 'https://docs.github.com/rest',
      status: String(status),
      ...extra,
    };
  }

  gitRef(ref: string, sha: string): JsonObject {
    return {
      ref: `refs/${ref}`,
      node_id: nodeId(`ref:${ref}`),
      url: `${this.repoApi}/git/refs/${ref}`,
      object: {
        sha,
        type: 'commit',
        url: `${this.repoApi}/git/commits/${sha}`,
      },
    };
  }

  gitTree(sha: string, entries: ListedEntry[], truncated: boolean): JsonObject {
    return {
      sha,
      url: `${this.repoApi}/git/trees/${sha}`,
      tree: entries.map(e => ({
        path: e.path,
        mode: e.mode,
        type: e.type,
        sha: e.sha,
        ...(e.size !== undefined && { size: e.size }),
        url: `${this.repoApi}/git/${e.type}s/${e.sha}`,
      })),
      truncated,
    };
  }

  blob(sha: string, content: Buffer): JsonObject {
    return {
      sha,
      node_id: nodeId(`blob:${sha}`),
      size: content.length,
      url: `${this.repoApi}/git/blobs/${sha}`,
      // GitHub wraps base64 at 60 characters
      content: `${(content.toString('base64').match(/.{1,60}/g) ?? []).join(
        '\n',
      )}\n`,
      encoding: 'base64',
    };
  }

  gitCommit(sha: string, commit: CommitObject): JsonObject {
    return {
      sha,
      node_id: nodeId(`commit:${sha}`),
      url: `${this.repoApi}/git/commits/${sha}`,
      html_url: `${this.repoHtml}/commit/${sha}`,
      author: gitUser(commit.author),
      committer: gitUser(commit.committer),
      tree: {
        sha: commit.tree,
        url: `${this.repoApi}/git/trees/${commit.tree}`,
      },
      message: commit.message,
      parents: commit.parents.map(p => ({
        sha: p,
        url: `${this.repoApi}/git/commits/${p}`,
        html_url: `${this.repoHtml}/commit/${p}`,
      })),
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    };
  }

  /** An entry of the commits listing (`commit` schema). */
  commit(sha: string, commit: CommitObject): JsonObject {
    return {
      sha,
      node_id: nodeId(`commit:${sha}`),
      url: `${this.repoApi}/commits/${sha}`,
      html_url: `${this.repoHtml}/commit/${sha}`,
      comments_url: `${this.repoApi}/commits/${sha}/comments`,
      commit: {
        url: `${this.repoApi}/git/commits/${sha}`,
        author: gitUser(commit.author),
        committer: gitUser(commit.committer),
        message: commit.message,
        comment_count: 0,
        tree: {
          sha: commit.tree,
          url: `${this.repoApi}/git/trees/${commit.tree}`,
        },
      },
      // null: the e-mail addresses belong to no GitHub account in the fake
      author: null,
      committer: null,
      parents: commit.parents.map(p => ({
        sha: p,
        url: `${this.repoApi}/commits/${p}`,
        html_url: `${this.repoHtml}/commit/${p}`,
      })),
    };
  }

  contentFile(path: string, ref: string, sha: string, content: Buffer) {
    const self = `${this.repoApi}/contents/${path}?ref=${ref}`;
    const git = `${this.repoApi}/git/blobs/${sha}`;
    const html = `${this.repoHtml}/blob/${ref}/${path}`;
    return {
      type: 'file',
      encoding: 'base64',
      size: content.length,
      name: path.split('/').pop(),
      path,
      content: content.toString('base64'),
      sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url: `${this.ctx.htmlUrl}/raw/${this.ctx.owner}/${this.ctx.repo}/${ref}/${path}`,
      _links: { self, git, html },
    };
  }

  /** `pull-request-review`. */
  review(pr: FakePullRequest, review: FakeReview): JsonObject {
    const html = `${this.repoHtml}/pull/${pr.number}#pullrequestreview-${review.id}`;
    return {
      id: review.id,
      node_id: nodeId(`review:${review.id}`),
      user: this.user(review.user),
      body: review.body,
      state: review.state,
      html_url: html,
      pull_request_url: `${this.repoApi}/pulls/${pr.number}`,
      _links: {
        html: { href: html },
        pull_request: { href: `${this.repoApi}/pulls/${pr.number}` },
      },
      submitted_at: review.submittedAt,
      commit_id: review.commitId,
      author_association: 'NONE',
    };
  }

  /** `pull-request-simple` (listing) or, with `full`, `pull-request`. */
  pullRequest(pr: FakePullRequest, full: boolean): JsonObject {
    const api = `${this.repoApi}/pulls/${pr.number}`;
    const issue = `${this.repoApi}/issues/${pr.number}`;
    const html = `${this.repoHtml}/pull/${pr.number}`;
    const owner = this.ctx.owner;
    const branch = (ref: string, sha: string) => ({
      label: `${owner}:${ref}`,
      ref,
      sha,
      repo: this.repository,
      user: this.userTemplate,
    });
    const simple: JsonObject = {
      url: api,
      id: 1000 + pr.number,
      node_id: nodeId(`pr:${pr.number}`),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issue,
      commits_url: `${api}/commits`,
      review_comments_url: `${api}/comments`,
      review_comment_url: `${this.repoApi}/pulls/comments{/number}`,
      comments_url: `${issue}/comments`,
      statuses_url: `${this.repoApi}/statuses/${pr.headSha}`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      user: this.user(pr.user),
      body: pr.body,
      labels: [],
      milestone: null,
      active_lock_reason: null,
      created_at: pr.createdAt,
      updated_at: pr.updatedAt,
      closed_at: pr.closedAt,
      merged_at: pr.mergedAt,
      merge_commit_sha: pr.mergeCommitSha,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: branch(pr.head, pr.headSha),
      base: branch(pr.base, pr.baseSha),
      _links: {
        self: { href: api },
        html: { href: html },
        issue: { href: issue },
        comments: { href: `${issue}/comments` },
        review_comments: { href: `${api}/comments` },
        review_comment: { href: `${this.repoApi}/pulls/comments{/number}` },
        commits: { href: `${api}/commits` },
        statuses: { href: `${this.repoApi}/statuses/${pr.headSha}` },
      },
      author_association: 'NONE',
      auto_merge: null,
      draft: false,
    };
    if (!full) return simple;
    return {
      ...simple,
      merged: pr.merged,
      mergeable: pr.state === 'open' ? true : null,
      rebaseable: pr.state === 'open' ? true : null,
      mergeable_state: pr.state === 'open' ? 'clean' : 'unknown',
      merged_by: pr.merged ? this.user(pr.user) : null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 1,
      deletions: 1,
      changed_files: 1,
    };
  }
}

function gitUser(s: Signature) {
  return { name: s.name, email: s.email, date: s.date };
}

function nodeId(key: string) {
  return Buffer.from(key).toString('base64');
}
