import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { runGit } from '../git/runGit';
import { gitBlobSha } from './gitBlobSha';
import { readTar, TarEntry, TarFormatError, TarReader } from './tarArchive';
import { writeTar, TarWriterEntry } from './__testUtils__/tarWriter';

const exec = promisify(execFile);

/** A path longer than ustar's 100-byte name field that its prefix can hold. */
const DEEP_PATH = `envs/${'production-europe-west/'.repeat(4)}${'a'.repeat(
  40,
)}/values.yaml`;
/** A file name alone longer than 100 bytes: only a pax (or GNU) record can hold it. */
const LONG_NAME = `envs/dev/${'very-long-service-name-'.repeat(5)}values.yaml`;

const FILES: Record<string, string> = {
  'README.md': '# gitops\n',
  'envs/dev/checkout/values.yaml': 'image:\n  tag: "1.2.3"\n',
  'envs/dev/ünïcödé/values.yaml': 'image:\n  tag: "ü ✓"\n',
  [DEEP_PATH]: 'image:\n  tag: deep\n',
  [LONG_NAME]: 'image:\n  tag: long\n',
  'empty.txt': '',
  // exactly one block, then more than one
  'block.txt': 'x'.repeat(512),
  'blocks.txt': 'y'.repeat(1500),
};

const files = (entries: (TarEntry & { content?: Buffer })[]) =>
  Object.fromEntries(
    entries
      .filter(e => e.type === 'file')
      .map(e => [e.path, e.content!.toString('utf8')]),
  );

describe('TarReader', () => {
  let dir: string;
  let commit: string;
  let archive: Buffer;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-tar-'));
    for (const [file, text] of Object.entries(FILES)) {
      await fs.mkdir(path.join(dir, path.dirname(file)), { recursive: true });
      await fs.writeFile(path.join(dir, file), text);
    }
    await fs.chmod(path.join(dir, 'README.md'), 0o755);
    await fs.symlink('README.md', path.join(dir, 'link.md'));
    const env = {
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    };
    await runGit(['init', '--quiet'], { cwd: dir });
    await runGit(['add', '--all'], { cwd: dir });
    await runGit(['commit', '--quiet', '-m', 'seed'], { cwd: dir, env });
    commit = (await runGit(['rev-parse', 'HEAD'], { cwd: dir })).trim();
    // what GitHub serves: git archive of the commit under <owner>-<repo>-<sha>/
    const out = path.join(os.tmpdir(), `gitops-tar-${process.pid}.tar.gz`);
    await runGit(
      [
        'archive',
        '--format=tar.gz',
        `--prefix=acme-gitops-${commit.slice(0, 7)}/`,
        '-o',
        out,
        commit,
      ],
      { cwd: dir },
    );
    archive = gunzipSync(await fs.readFile(out));
    await fs.rm(out);
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("reads git archive's tarball: pax global header, ustar prefix and pax path", async () => {
    const { entries, globals } = await readTar(archive);

    // git archive's pax global header carries the commit id
    expect(globals).toEqual({ comment: commit });
    const top = `acme-gitops-${commit.slice(0, 7)}/`;
    expect(entries[0]).toMatchObject({ path: top, type: 'directory' });
    expect(files(entries)).toEqual(
      Object.fromEntries(
        Object.entries(FILES).map(([file, text]) => [top + file, text]),
      ),
    );
    expect(Buffer.byteLength(top + DEEP_PATH)).toBeGreaterThan(100);
    expect(Buffer.byteLength(LONG_NAME.split('/').pop()!)).toBeGreaterThan(100);
    expect(entries.find(e => e.path === `${top}link.md`)).toEqual({
      path: `${top}link.md`,
      type: 'symlink',
      mode: 0o777,
      size: 0,
      linkTarget: 'README.md',
    });
    expect(entries.find(e => e.path === `${top}README.md`)?.mode).toBe(0o775);
    expect(
      entries.filter(e => e.type === 'directory').map(e => e.path),
    ).toContain(`${top}envs/dev/`);
  });

  it('gives contents whose git blob SHAs are the tree SHAs', async () => {
    const tree = await runGit(['ls-tree', '-r', '-z', commit], { cwd: dir });
    const expected = new Map(
      tree
        .split('\0')
        .filter(line => line && !line.startsWith('120000'))
        .map(line => {
          const [meta, file] = line.split('\t');
          return [file, meta.split(' ')[2]];
        }),
    );
    const top = `acme-gitops-${commit.slice(0, 7)}/`;

    const actual = new Map(
      (await readTar(archive)).entries
        .filter(e => e.type === 'file')
        .map(e => [e.path.slice(top.length), gitBlobSha(e.content!)]),
    );

    expect(actual).toEqual(expected);
  });

  it.each([1, 7, 511, 512, 513, 4096])(
    'reads the same when fed %p bytes at a time',
    async size => {
      const seen: (TarEntry & { content?: string })[] = [];
      const reader = new TarReader((entry, content) =>
        seen.push({ ...entry, content: content?.toString('utf8') }),
      );
      for (let i = 0; i < archive.length; i += size) {
        await reader.write(archive.subarray(i, i + size));
      }
      await reader.end();

      const whole = (await readTar(archive)).entries.map(e => ({
        ...e,
        content: e.content?.toString('utf8'),
      }));
      expect(seen).toEqual(whole);
      expect(reader.globals).toEqual({ comment: commit });
    },
  );

  it('refuses a corrupt header, a cut-off archive and one without an end', async () => {
    const corrupt = Buffer.from(archive);
    corrupt[512 * 2 + 10] ^= 0xff; // the name of the first member after the pax header
    await expect(readTar(corrupt)).rejects.toThrow(TarFormatError);
    await expect(readTar(corrupt)).rejects.toThrow(/checksum/);

    await expect(readTar(archive.subarray(0, 512 * 3 + 100))).rejects.toThrow(
      /ends in the middle of a member/,
    );
    const withoutEnd = writeTar([
      { path: 'a.txt', type: 'file', content: 'a' },
    ]).subarray(0, 1024);
    await expect(readTar(withoutEnd)).rejects.toThrow(/end-of-archive marker/);
  });

  it('refuses text that is not a tar archive', async () => {
    await expect(
      readTar(Buffer.from('<html>Not Found</html>'.padEnd(600))),
    ).rejects.toThrow(TarFormatError);
  });
});

describe('writeTar (the GitHub fake archives with it)', () => {
  const entries: TarWriterEntry[] = [
    { path: 'top/', type: 'directory' },
    { path: 'top/README.md', type: 'file', content: '# hi\n', mode: 0o775 },
    { path: `top/${DEEP_PATH}`, type: 'file', content: 'deep\n' },
    { path: `top/${LONG_NAME}`, type: 'file', content: 'long\n' },
    { path: 'top/ünï.txt', type: 'file', content: 'ü\n' },
    { path: 'top/link', type: 'symlink', linkTarget: 'README.md' },
    {
      path: 'top/far-link',
      type: 'symlink',
      linkTarget: `${'../'.repeat(30)}${LONG_NAME}`,
    },
  ];

  it.each(['pax', 'gnu'] as const)(
    'round-trips long names written as %s records',
    async longNames => {
      const archive = writeTar(entries, {
        longNames,
        globalRecords: { comment: 'abc' },
      });
      expect(archive.length % 10240).toBe(0);

      const { entries: read, globals } = await readTar(archive);

      expect(globals).toEqual({ comment: 'abc' });
      expect(read.map(e => [e.path, e.type, e.linkTarget])).toEqual(
        entries.map(e => [e.path, e.type, e.linkTarget]),
      );
      expect(files(read)).toEqual({
        'top/README.md': '# hi\n',
        [`top/${DEEP_PATH}`]: 'deep\n',
        [`top/${LONG_NAME}`]: 'long\n',
        'top/ünï.txt': 'ü\n',
      });
    },
  );

  it.each(['pax', 'gnu'] as const)(
    'writes %s archives GNU tar lists with the same paths',
    async longNames => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-tarw-'));
      try {
        const file = path.join(dir, 'a.tar');
        await fs.writeFile(file, writeTar(entries, { longNames }));
        const { stdout } = await exec('tar', ['-tf', file], {
          env: { ...process.env, LC_ALL: 'C.UTF-8' },
        });
        expect(stdout.trim().split('\n')).toEqual(entries.map(e => e.path));
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  );
});
