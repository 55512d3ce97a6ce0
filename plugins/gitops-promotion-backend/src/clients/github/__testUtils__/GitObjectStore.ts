import { createHash } from 'node:crypto';

/** A person and time in a commit. */
export interface Signature {
  name: string;
  email: string;
  /** ISO 8601 */
  date: string;
}

/** One entry of a tree object, in GitHub's notation (`040000` for trees). */
export interface TreeEntry {
  name: string;
  mode: '100644' | '100755' | '120000' | '040000';
  type: 'blob' | 'tree';
  sha: string;
}

/** A commit object. */
export interface CommitObject {
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
}

/** A file of a flattened tree. */
export interface FileEntry {
  mode: '100644' | '100755' | '120000';
  sha: string;
}

/** A path of a recursive listing, as GitHub's tree API lists it (pre-order). */
export interface ListedEntry {
  path: string;
  mode: TreeEntry['mode'];
  type: 'blob' | 'tree';
  sha: string;
  size?: number;
}

/**
 * An in-memory git object database with git's real object formats and SHA-1
 * names, so SHAs behave exactly like GitHub's: equal content, equal SHA.
 */
export class GitObjectStore {
  private readonly blobs = new Map<string, Buffer>();
  private readonly trees = new Map<string, TreeEntry[]>();
  private readonly commits = new Map<string, CommitObject>();
  /** Entries by name of the trees looked up in, so path lookups stay fast in big trees. */
  private readonly treeIndexes = new Map<string, Map<string, TreeEntry>>();

  writeBlob(content: string | Buffer): string {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const sha = hashObject('blob', bytes);
    this.blobs.set(sha, bytes);
    return sha;
  }

  writeTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort((a, b) =>
      compareTreeNames(sortKey(a), sortKey(b)),
    );
    const body = Buffer.concat(
      sorted.map(e =>
        Buffer.concat([
          Buffer.from(`${e.mode.replace(/^0/, '')} ${e.name}\0`),
          Buffer.from(e.sha, 'hex'),
        ]),
      ),
    );
    const sha = hashObject('tree', body);
    this.trees.set(sha, sorted);
    return sha;
  }

  writeCommit(commit: CommitObject): string {
    const sig = (s: Signature) =>
      `${s.name} <${s.email}> ${Math.floor(Date.parse(s.date) / 1000)} +0000`;
    const text = [
      `tree ${commit.tree}`,
      ...commit.parents.map(p => `parent ${p}`),
      `author ${sig(commit.author)}`,
      `committer ${sig(commit.committer)}`,
      '',
      commit.message,
    ].join('\n');
    const sha = hashObject('commit', Buffer.from(text));
    this.commits.set(sha, commit);
    return sha;
  }

  blob(sha: string): Buffer | undefined {
    return this.blobs.get(sha);
  }

  tree(sha: string): TreeEntry[] | undefined {
    return this.trees.get(sha);
  }

  commit(sha: string): CommitObject | undefined {
    return this.commits.get(sha);
  }

  /** Builds the nested trees for a flat path → file map; returns the root tree SHA. */
  writeTreeFromFiles(files: Map<string, FileEntry>): string {
    const root: Dir = new Map();
    for (const [path, file] of files) {
      const parts = path.split('/');
      let dir = root;
      for (const part of parts.slice(0, -1)) {
        let next = dir.get(part);
        if (!(next instanceof Map)) {
          next = new Map();
          dir.set(part, next);
        }
        dir = next;
      }
      dir.set(parts[parts.length - 1], file);
    }
    return this.writeDir(root);
  }

  /** Every file under a tree, path → mode and blob SHA. */
  files(treeSha: string, prefix = ''): Map<string, FileEntry> {
    const out = new Map<string, FileEntry>();
    for (const entry of this.listRecursive(treeSha, prefix)) {
      if (entry.type === 'blob') {
        out.set(entry.path, {
          mode: entry.mode as FileEntry['mode'],
          sha: entry.sha,
        });
      }
    }
    return out;
  }

  /** Trees and blobs under a tree, each directory before its content. */
  listRecursive(treeSha: string, prefix = ''): ListedEntry[] {
    const out: ListedEntry[] = [];
    for (const entry of this.trees.get(treeSha) ?? []) {
      const path = prefix + entry.name;
      out.push({
        path,
        mode: entry.mode,
        type: entry.type,
        sha: entry.sha,
        ...(entry.type === 'blob' && {
          size: this.blobs.get(entry.sha)?.length ?? 0,
        }),
      });
      if (entry.type === 'tree') {
        out.push(...this.listRecursive(entry.sha, `${path}/`));
      }
    }
    return out;
  }

  /** The file at `path` in a commit, if any. */
  fileAt(commitSha: string, path: string): FileEntry | undefined {
    const commit = this.commits.get(commitSha);
    if (!commit) return undefined;
    let treeSha = commit.tree;
    const parts = path.split('/');
    for (const [i, part] of parts.entries()) {
      const entry = this.treeEntry(treeSha, part);
      if (!entry) return undefined;
      if (i === parts.length - 1) {
        return entry.type === 'blob'
          ? { mode: entry.mode as FileEntry['mode'], sha: entry.sha }
          : undefined;
      }
      if (entry.type !== 'tree') return undefined;
      treeSha = entry.sha;
    }
    return undefined;
  }

  private treeEntry(treeSha: string, name: string): TreeEntry | undefined {
    let index = this.treeIndexes.get(treeSha);
    if (!index) {
      index = new Map((this.trees.get(treeSha) ?? []).map(e => [e.name, e]));
      this.treeIndexes.set(treeSha, index);
    }
    return index.get(name);
  }

  private writeDir(dir: Dir): string {
    const entries: TreeEntry[] = [];
    for (const [name, value] of dir) {
      entries.push(
        value instanceof Map
          ? { name, mode: '040000', type: 'tree', sha: this.writeDir(value) }
          : { name, mode: value.mode, type: 'blob', sha: value.sha },
      );
    }
    return this.writeTree(entries);
  }
}

type Dir = Map<string, Dir | FileEntry>;

function hashObject(type: string, body: Buffer): string {
  return createHash('sha1')
    .update(`${type} ${body.length}\0`)
    .update(body)
    .digest('hex');
}

/** git sorts tree entries by name, directories as if their name ended in '/'. */
function sortKey(entry: TreeEntry) {
  return entry.type === 'tree' ? `${entry.name}/` : entry.name;
}

function compareTreeNames(a: string, b: string) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
