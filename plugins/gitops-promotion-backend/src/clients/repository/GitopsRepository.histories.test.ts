import { gitBlobSha } from '../github/gitBlobSha';
import { GitopsRepository } from './GitopsRepository';
import { FileHistoryEntry, RepositoryProvider } from './types';

const entry = (path: string, n: number): FileHistoryEntry => ({
  commitSha: `${n}`.padStart(40, '0'),
  author: { name: 'Alice Example', email: 'alice@acme.test' },
  date: '2026-11-01T10:00:00Z',
  message: `Change ${path} (${n})`,
  blobSha: `${n + 1}`.padStart(40, 'b'),
});

/** A provider that reads histories path by path (as GitHub does), tracking how many at once. */
function pathByPathProvider() {
  const reads = { calls: [] as string[], active: 0, mostAtOnce: 0 };
  const provider: RepositoryProvider = {
    getBranchHead: async () => 'c'.repeat(40),
    listFiles: async () => new Map(),
    readBlob: async () => '',
    fileHistory: async (ref, path, limit) => {
      reads.calls.push(`${ref} ${path} ${limit}`);
      reads.active += 1;
      reads.mostAtOnce = Math.max(reads.mostAtOnce, reads.active);
      await new Promise(resolve => setTimeout(resolve, 2));
      reads.active -= 1;
      return [entry(path, 1), entry(path, 2)];
    },
    tryCommit: async () => ({ status: 'raced' }),
  };
  return { provider, reads };
}

describe('GitopsRepository.fileHistories', () => {
  it('reads path by path, a few at a time, when the provider has no bulk read', async () => {
    const { provider, reads } = pathByPathProvider();
    const repository = new GitopsRepository('hub', provider);
    const paths = Array.from(
      { length: 40 },
      (_, i) => `envs/prod/svc-${i}/values.yaml`,
    );

    const histories = await repository.fileHistories('main', paths, 30);

    expect([...histories.keys()]).toEqual(paths);
    expect(histories.get(paths[7])).toEqual([
      entry(paths[7], 1),
      entry(paths[7], 2),
    ]);
    expect(reads.calls).toEqual(paths.map(p => `main ${p} 30`));
    expect(reads.mostAtOnce).toBe(8);
  });

  it('uses the provider bulk read when it has one', async () => {
    const { provider, reads } = pathByPathProvider();
    const bulk = jest.fn(
      async (_ref: string, paths: string[]) =>
        new Map(paths.map(p => [p, [entry(p, 3)]])),
    );
    const repository = new GitopsRepository('git', {
      ...provider,
      fileHistories: bulk,
    });

    const histories = await repository.fileHistories('main', ['a', 'b'], 30);

    expect(histories.get('b')).toEqual([entry('b', 3)]);
    expect(bulk).toHaveBeenCalledTimes(1);
    expect(reads.calls).toEqual([]);
  });

  describe('keeps the blob texts a history brings along', () => {
    const text = 'image:\n  tag: "2"\n';
    const forgedSha = 'f'.repeat(40);
    /** The newer blob's text is its content; the older one's is not. */
    const withTexts = (path: string): FileHistoryEntry => ({
      ...entry(path, 1),
      blobSha: gitBlobSha(text),
      blobText: text,
      previousBlobSha: forgedSha,
      previousBlobText: 'image:\n  tag: "forged"\n',
    });

    it.each([
      [
        'path by path',
        { fileHistory: async (_: string, p: string) => [withTexts(p)] },
      ],
      [
        'in bulk',
        {
          fileHistories: async (_: string, paths: string[]) =>
            new Map(paths.map(p => [p, [withTexts(p)]])),
        },
      ],
    ])('(%s), only under the SHA of their content', async (_, reads) => {
      const { provider } = pathByPathProvider();
      const readBlob = jest.fn(async (sha: string) => `read ${sha}`);
      const repository = new GitopsRepository('hub', {
        ...provider,
        ...reads,
        readBlob,
      });

      await repository.fileHistories('main', ['a', 'b'], 30);

      expect(await repository.readBlob(gitBlobSha(text))).toBe(text);
      expect(await repository.readBlob(forgedSha)).toBe(`read ${forgedSha}`);
      expect(readBlob.mock.calls).toEqual([[forgedSha]]);
    });
  });
});
