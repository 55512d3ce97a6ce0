import path from 'node:path';
import { runGit } from '../../git/runGit';
import { FakeRepository } from './FakeRepository';
import { Signature } from './GitObjectStore';

/**
 * Writes the (linear, text-only) history of a branch of the fake's repository
 * into a new bare repository `<dir>/<branch>.git` with one `git fast-import`:
 * same trees, messages, people and dates, so every commit gets the SHA it has
 * in the fake. What the git CLI reads there is what GitHub would hold.
 */
export async function exportBranchToGit(
  repository: FakeRepository,
  branch: string,
  dir: string,
): Promise<string> {
  const { objects } = repository;
  const chain: string[] = [];
  for (let sha = repository.head(branch); sha; ) {
    chain.unshift(sha);
    sha = objects.commit(sha)!.parents[0];
  }
  const data = (text: string | Buffer) =>
    `data ${Buffer.byteLength(text)}\n${text}\n`;
  const person = (s: Signature) =>
    `${s.name} <${s.email}> ${Math.floor(Date.parse(s.date) / 1000)} +0000`;
  const quoted = (file: string) => JSON.stringify(file);
  const stream = chain.map((sha, i) => {
    const commit = objects.commit(sha)!;
    const files = [...objects.files(commit.tree)].map(
      ([file, { mode, sha: blob }]) =>
        `M ${mode} inline ${quoted(file)}\n${data(objects.blob(blob)!)}`,
    );
    return [
      `commit refs/heads/${branch}\nmark :${i + 1}\n`,
      `author ${person(commit.author)}\ncommitter ${person(
        commit.committer,
      )}\n`,
      data(commit.message),
      i > 0 ? `from :${i}\n` : '',
      'deleteall\n',
      ...files,
      '\n',
    ].join('');
  });
  const bare = path.join(dir, `${branch}.git`);
  await runGit(['init', '--quiet', '--bare', bare], { cwd: dir });
  await runGit(['fast-import', '--quiet', '--done'], {
    cwd: bare,
    input: `${stream.join('')}done\n`,
  });
  return bare;
}
