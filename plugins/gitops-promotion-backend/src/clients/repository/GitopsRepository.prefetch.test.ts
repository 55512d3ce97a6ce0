import { ServiceUnavailableError } from '@backstage/errors';
import { gitBlobSha } from '../github/gitBlobSha';
import { GitopsRepository } from './GitopsRepository';
import { RepositoryProvider } from './types';

const COMMIT = 'c'.repeat(40);

/** A provider over one in-memory commit, counting reads; `bulk` adds readAllBlobs. */
function memoryProvider(
  texts: Record<string, string>,
  options: {
    bulk?: boolean;
    /** What readAllBlobs answers instead of the commit's blobs. */
    readAll?: () => Promise<Map<string, string>>;
  } = {},
) {
  const files = new Map(
    Object.entries(texts).map(([path, text]) => [path, gitBlobSha(text)]),
  );
  const blobs = new Map(Object.values(texts).map(t => [gitBlobSha(t), t]));
  const calls = { readBlob: [] as string[], readAllBlobs: 0 };
  const provider: RepositoryProvider = {
    getBranchHead: async () => COMMIT,
    listFiles: async () => files,
    readBlob: async sha => {
      calls.readBlob.push(sha);
      return blobs.get(sha)!;
    },
    fileHistory: async () => [],
    tryCommit: async () => ({ status: 'raced' }),
    ...(options.bulk && {
      readAllBlobs: async commitSha => {
        calls.readAllBlobs++;
        expect(commitSha).toBe(COMMIT);
        await new Promise(resolve => setTimeout(resolve, 5));
        return options.readAll ? options.readAll() : new Map(blobs);
      },
    }),
  };
  return { provider, calls, files };
}

/** `count` distinct files. */
const manyFiles = (count: number, prefix = 'envs/dev') =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `${prefix}/svc-${i}/values.yaml`,
      `image:\n  tag: "${prefix}-${i}"\n`,
    ]),
  );

describe('GitopsRepository.prefetch', () => {
  it('reads more than the threshold of uncached blobs with one bulk read and fills the cache', async () => {
    const texts = manyFiles(150);
    const { provider, calls } = memoryProvider(texts, { bulk: true });
    const repository = new GitopsRepository('r', provider);
    const snapshot = await repository.snapshot('main');

    await repository.prefetch(snapshot, Object.keys(texts));
    const read = await Promise.all(
      Object.keys(texts).map(p => repository.readFile(snapshot, p)),
    );

    expect(read).toEqual(Object.values(texts));
    expect(calls).toEqual({ readBlob: [], readAllBlobs: 1 });
  });

  it('reads blob by blob at or below the threshold', async () => {
    const texts = manyFiles(100);
    const { provider, calls } = memoryProvider(texts, { bulk: true });
    const repository = new GitopsRepository('r', provider);
    const snapshot = await repository.snapshot('main');

    await repository.prefetch(snapshot, Object.keys(texts));
    await Promise.all(
      Object.keys(texts).map(p => repository.readFile(snapshot, p)),
    );

    expect(calls.readAllBlobs).toBe(0);
    expect(calls.readBlob).toHaveLength(100);
  });

  it('counts only distinct blobs that are not cached yet against the threshold', async () => {
    const texts = {
      ...manyFiles(60),
      ...manyFiles(60, 'envs/qa'),
      // 40 copies of one file: one blob
      ...Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [`copies/${i}.yaml`, 'same\n']),
      ),
    };
    const { provider, calls } = memoryProvider(texts, { bulk: true });
    const repository = new GitopsRepository('r', provider, {
      bulkReadThreshold: 100,
    });
    const snapshot = await repository.snapshot('main');
    const qa = Object.keys(texts).filter(p => p.startsWith('envs/qa'));
    await Promise.all(qa.map(p => repository.readFile(snapshot, p)));
    calls.readBlob.length = 0;

    // 160 paths, 121 distinct blobs, 61 not cached
    await repository.prefetch(snapshot, Object.keys(texts));

    expect(calls.readAllBlobs).toBe(0);
    expect(calls.readBlob).toHaveLength(61);
    expect(new Set(calls.readBlob).size).toBe(61);
  });

  it('shares one bulk read between concurrent prefetches of a commit', async () => {
    const texts = manyFiles(300);
    const paths = Object.keys(texts);
    const { provider, calls } = memoryProvider(texts, { bulk: true });
    const repository = new GitopsRepository('r', provider);
    const snapshot = await repository.snapshot('main');

    await Promise.all([
      repository.prefetch(snapshot, paths.slice(0, 150)),
      // 150 more not cached: above the threshold, joins the first download
      repository.prefetch(snapshot, paths.slice(100)),
      repository.prefetch({ ...snapshot, branch: 'other' }, paths),
    ]);
    await Promise.all(paths.map(p => repository.readFile(snapshot, p)));

    expect(calls).toEqual({ readBlob: [], readAllBlobs: 1 });
    expect(repository.cacheStats.blobMisses).toBe(300);
  });

  it('fills the cache only with blobs of the snapshot and reads the others one by one', async () => {
    const texts = manyFiles(150);
    const [changed, ...rest] = Object.keys(texts);
    const { provider, calls, files } = memoryProvider(texts, {
      bulk: true,
      // an archive that changed one file (export-subst) and has unrelated content
      readAll: async () =>
        new Map([
          ...rest.map(p => [gitBlobSha(texts[p]), texts[p]] as const),
          [gitBlobSha('$Format:%H$ expanded'), '$Format:%H$ expanded'],
          [gitBlobSha('unrelated'), 'unrelated'],
        ]),
    });
    const repository = new GitopsRepository('r', provider);
    const snapshot = await repository.snapshot('main');

    await repository.prefetch(snapshot, Object.keys(texts));

    expect(await repository.readFile(snapshot, changed)).toBe(texts[changed]);
    expect(calls.readBlob).toEqual([files.get(changed)]);
    // nothing else got in: a blob outside the paths is read when asked for
    await repository.readBlob(gitBlobSha('unrelated')).catch(() => undefined);
    expect(calls.readBlob).toEqual([
      files.get(changed),
      gitBlobSha('unrelated'),
    ]);
  });

  it('falls back to blob-by-blob reads when the bulk read fails, then pauses bulk reads', async () => {
    const texts = { ...manyFiles(150), ...manyFiles(150, 'envs/qa') };
    const dev = Object.keys(texts).filter(p => p.startsWith('envs/dev'));
    const qa = Object.keys(texts).filter(p => p.startsWith('envs/qa'));
    const { provider, calls } = memoryProvider(texts, {
      bulk: true,
      readAll: async () => {
        throw new ServiceUnavailableError('GitHub could not download');
      },
    });
    const repository = new GitopsRepository('r', provider);
    const snapshot = await repository.snapshot('main');

    await expect(repository.prefetch(snapshot, dev)).resolves.toBeUndefined();
    const read = await Promise.all(
      dev.map(p => repository.readFile(snapshot, p)),
    );

    expect(read).toEqual(dev.map(p => texts[p]));
    expect(calls.readAllBlobs).toBe(1);
    expect(calls.readBlob).toHaveLength(150);

    await repository.prefetch(snapshot, qa);
    await Promise.all(qa.map(p => repository.readFile(snapshot, p)));
    expect(calls.readAllBlobs).toBe(1);
    expect(calls.readBlob).toHaveLength(300);
  });

  it('does nothing for a provider without a bulk read or with an infinite threshold', async () => {
    const texts = manyFiles(150);
    for (const [bulk, threshold] of [
      [false, undefined],
      [true, Infinity],
    ] as const) {
      const { provider, calls } = memoryProvider(texts, { bulk });
      const repository = new GitopsRepository('r', provider, {
        bulkReadThreshold: threshold,
      });
      const snapshot = await repository.snapshot('main');

      await repository.prefetch(snapshot, Object.keys(texts));

      expect(calls).toEqual({ readBlob: [], readAllBlobs: 0 });
      expect(repository.cacheStats).toEqual({ blobHits: 0, blobMisses: 0 });
    }
  });
});
