import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runGit } from '../git/runGit';
import { gitBlobSha } from './gitBlobSha';
import { GitObjectStore } from './__testUtils__/GitObjectStore';

describe('git object SHAs', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-sha-'));
    await runGit(['init', '--quiet', '--bare'], { cwd: dir });
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const hashObject = async (content: string) =>
    (
      await runGit(['hash-object', '-w', '--stdin'], {
        cwd: dir,
        input: content,
      })
    ).trim();

  it.each(['', 'image:\n  tag: "1.2.3"\n', 'crlf\r\nand ünïcödé ✓\n'])(
    'gitBlobSha(%p) equals git hash-object',
    async content => {
      expect(gitBlobSha(content)).toBe(await hashObject(content));
    },
  );

  it("the fake's trees and blobs have git's SHAs", async () => {
    const store = new GitObjectStore();
    const files = new Map([
      ['a.txt', { mode: '100644' as const, sha: store.writeBlob('a\n') }],
      [
        'a-b/c.yaml',
        { mode: '100644' as const, sha: store.writeBlob('c: 1\n') },
      ],
      [
        'a/d.sh',
        { mode: '100755' as const, sha: store.writeBlob('#!/bin/sh\n') },
      ],
    ]);
    const root = store.writeTreeFromFiles(files);

    for (const content of ['a\n', 'c: 1\n', '#!/bin/sh\n'])
      await hashObject(content);
    const mktree = async (entries: string) =>
      (await runGit(['mktree'], { cwd: dir, input: entries })).trim();
    const ab = await mktree(
      `100644 blob ${files.get('a-b/c.yaml')!.sha}\tc.yaml\n`,
    );
    const a = await mktree(`100755 blob ${files.get('a/d.sh')!.sha}\td.sh\n`);
    const expected = await mktree(
      `${[
        `040000 tree ${a}\ta`,
        `040000 tree ${ab}\ta-b`,
        `100644 blob ${files.get('a.txt')!.sha}\ta.txt`,
      ].join('\n')}\n`,
    );
    expect(root).toBe(expected);
  });
});
