import fs from 'node:fs/promises';
import { runGitCommand } from './runGitCommand';

/** A commit with the paths it changed, from `git log --name-only`. */
export interface CommitWithPaths {
  sha: string;
  committedAt: Date;
  paths: string[];
}

/**
 * Read-only access to the GitOps repository through the git CLI: the branch
 * head, the tree at a commit, object contents (batched) and the history.
 */
export class GitRepositoryReader {
  private readonly contents = new Map<string, string>();

  constructor(private readonly repositoryPath: string) {}

  /** Whether the repository exists yet (the portal seeds it at startup). */
  async exists(): Promise<boolean> {
    try {
      await fs.stat(this.repositoryPath);
      await runGitCommand(this.repositoryPath, ['rev-parse', '--git-dir']);
      return true;
    } catch {
      return false;
    }
  }

  /** The commit the branch points at, or undefined when it has none. */
  async resolveBranch(branch: string): Promise<string | undefined> {
    try {
      const out = await runGitCommand(this.repositoryPath, [
        'rev-parse',
        '--verify',
        '--quiet',
        `refs/heads/${branch}^{commit}`,
      ]);
      return out.toString('utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Every file at `commit`: path to blob SHA. */
  async listTree(commit: string): Promise<Map<string, string>> {
    const out = await runGitCommand(this.repositoryPath, [
      'ls-tree',
      '-r',
      '-z',
      '--full-tree',
      commit,
    ]);
    const tree = new Map<string, string>();
    for (const entry of out.toString('utf8').split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [, type, sha] = entry.slice(0, tab).split(' ');
      if (type === 'blob') tree.set(entry.slice(tab + 1), sha);
    }
    return tree;
  }

  /**
   * Reads objects named by SHA or `<rev>:<path>` in one `git cat-file --batch`
   * process. Missing objects are absent from the result. Contents read by
   * SHA are cached.
   */
  async readObjects(names: string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const wanted = [...new Set(names)].filter(name => {
      const cached = this.contents.get(name);
      if (cached !== undefined) result.set(name, cached);
      return cached === undefined;
    });
    if (wanted.length === 0) return result;
    const out = await runGitCommand(
      this.repositoryPath,
      ['cat-file', '--batch'],
      `${wanted.join('\n')}\n`,
    );
    let pos = 0;
    for (const name of wanted) {
      const newline = out.indexOf(0x0a, pos);
      const header = out.toString('utf8', pos, newline);
      pos = newline + 1;
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        continue;
      }
      const size = Number(header.split(' ')[2]);
      const text = out.toString('utf8', pos, pos + size);
      pos += size + 1;
      result.set(name, text);
      if (/^[0-9a-f]{40}$/.test(name)) this.contents.set(name, text);
    }
    return result;
  }

  /** Drops cached contents of blobs that are no longer referenced. */
  retainContents(blobShas: Set<string>): void {
    for (const sha of this.contents.keys()) {
      if (!blobShas.has(sha)) this.contents.delete(sha);
    }
  }

  /** The newest `limit` commits reachable from `commit`, newest first. */
  async log(commit: string, limit: number): Promise<CommitWithPaths[]> {
    const out = await runGitCommand(this.repositoryPath, [
      '-c',
      'core.quotePath=false',
      'log',
      `--max-count=${limit}`,
      '--format=%x01%H %cI',
      '--name-only',
      commit,
    ]);
    return out
      .toString('utf8')
      .split('\x01')
      .filter(Boolean)
      .map(block => {
        const [header, ...paths] = block.split('\n');
        const [sha, date] = header.split(' ');
        return {
          sha,
          committedAt: new Date(date),
          paths: paths.filter(Boolean),
        };
      });
  }
}
