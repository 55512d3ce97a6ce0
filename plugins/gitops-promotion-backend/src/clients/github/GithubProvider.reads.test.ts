import { GitopsRepository } from '../repository/GitopsRepository';
import { GithubFake } from './__testUtils__/githubFake';
import {
  exampleFiles,
  providerFor,
  startGithubFake,
} from './__testUtils__/startGithubFake';

describe('GithubProvider reads', () => {
  let fake: GithubFake;
  const files = exampleFiles();
  const valuesFiles = Object.keys(files).filter(p => p.endsWith('values.yaml'));

  beforeEach(async () => {
    fake = await startGithubFake();
    fake.push('main', files, { message: 'Seed' });
  });

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  it('reads a snapshot with one ref and one tree request, then one blob per file', async () => {
    const repo = new GitopsRepository('gitops', providerFor(fake));

    const snapshot = await repo.snapshot('main');
    expect(snapshot.commitSha).toBe(fake.head('main'));
    expect([...snapshot.files.keys()].sort()).toEqual(
      Object.keys(files).sort(),
    );
    expect(fake.tally()).toEqual({ 'git/get-ref': 1, 'git/get-tree': 1 });

    const read = valuesFiles.slice(0, 5);
    for (const path of read) {
      expect(await repo.readFile(snapshot, path)).toBe(files[path]);
    }
    const distinct = new Set(read.map(p => snapshot.files.get(p))).size;
    expect(fake.tally()).toEqual({
      'git/get-ref': 1,
      'git/get-tree': 1,
      'git/get-blob': distinct,
    });
    expect(await repo.readFile(snapshot, 'no/such/file.yaml')).toBeUndefined();
  });

  it('tells ancestry with one comparison request each; an unknown or side commit is on no branch', async () => {
    const repo = new GitopsRepository('gitops', providerFor(fake));
    const first = fake.head('main')!;
    const second = fake.push('main', { 'a.yaml': 'a: 1\n' });
    const side = fake.push('side', { 'b.yaml': 'b: 1\n' });
    fake.resetLog();
    expect(await repo.isAncestor(first, second)).toBe(true);
    expect(await repo.isAncestor(second, first)).toBe(false);
    expect(await repo.isAncestor(second, second)).toBe(true);
    expect(await repo.isAncestor('f'.repeat(40), second)).toBe(false);
    expect(await repo.isAncestor(side, second)).toBe(false);
    expect(fake.tally()).toEqual({
      'repos/compare-commits-with-basehead': 4,
    });
  });

  it('answers an unchanged branch with one 304 and reads no cached blob again', async () => {
    const repo = new GitopsRepository('gitops', providerFor(fake));
    const first = await repo.snapshot('main');
    await Promise.all(valuesFiles.map(p => repo.readFile(first, p)));
    fake.resetLog();

    const second = await repo.snapshot('main');
    const texts = await Promise.all(
      valuesFiles.map(p => repo.readFile(second, p)),
    );

    expect(texts).toEqual(valuesFiles.map(p => files[p]));
    expect(second).toEqual(first);
    expect(fake.requests.map(r => [r.operationId, r.status])).toEqual([
      ['git/get-ref', 304],
    ]);
    expect(fake.requests[0].ifNoneMatch).toMatch(/^W\/"[0-9a-f]{40}"$/);
    // 304s do not count against GitHub's rate limit
    expect(fake.rateLimitUsed).toBe(0);
  });

  it('after a commit touching one file reads only that file again', async () => {
    const repo = new GitopsRepository('gitops', providerFor(fake));
    const first = await repo.snapshot('main');
    await Promise.all(valuesFiles.map(p => repo.readFile(first, p)));
    const [changed] = valuesFiles;
    fake.push('main', { [changed]: 'image:\n  tag: "9.9.9"\n' });
    fake.resetLog();

    const second = await repo.snapshot('main');
    const texts = await Promise.all(
      valuesFiles.map(p => repo.readFile(second, p)),
    );

    expect(texts[0]).toBe('image:\n  tag: "9.9.9"\n');
    expect(fake.tally()).toEqual({
      'git/get-ref': 1,
      'git/get-tree': 1,
      'git/get-blob': 1,
    });
  });

  it('reads 2,000 services x 5 environments with 1 ref + 1 tree + one blob per distinct file', async () => {
    const big = await startGithubFake();
    try {
      const envs = ['dev', 'qa', 'staging', 'prod-eu', 'prod-us'];
      const matrix: Record<string, string> = {};
      for (let s = 0; s < 2000; s++) {
        for (const [e, env] of envs.entries()) {
          // versions repeat across services, as they do in real matrices
          matrix[`envs/${env}/svc-${s}/values.yaml`] = `image:\n  tag: "1.${
            s % 40
          }.${e}"\n`;
        }
      }
      big.push('main', matrix);
      const repo = new GitopsRepository('big', providerFor(big));

      const snapshot = await repo.snapshot('main');
      const texts = await Promise.all(
        Object.keys(matrix).map(p => repo.readFile(snapshot, p)),
      );

      expect(texts).toEqual(Object.values(matrix));
      const distinct = new Set(snapshot.files.values()).size;
      expect(distinct).toBe(200);
      expect(big.tally()).toEqual({
        'git/get-ref': 1,
        'git/get-tree': 1,
        'git/get-blob': distinct,
      });
      expect(big.count('repos/get-content')).toBe(0);

      big.resetLog();
      await repo.snapshot('main');
      expect(big.tally()).toEqual({ 'git/get-ref': 1 });
      expect(big.violations).toEqual([]);
    } finally {
      await big.close();
    }
  });

  it('walks subtrees when GitHub truncates the recursive listing', async () => {
    const small = await startGithubFake({ maxTreeEntries: 20 });
    try {
      small.push('main', files);
      const provider = providerFor(small);

      const listed = await provider.listFiles(small.head('main')!);

      const expected = new Map(
        [
          ...small.objects.files(
            small.objects.commit(small.head('main')!)!.tree,
          ),
        ].map(([p, f]) => [p, f.sha]),
      );
      expect(new Map([...listed].sort())).toEqual(
        new Map([...expected].sort()),
      );
      // the truncated recursive listing, one flat listing, then each subtree
      expect(small.count('git/get-tree')).toBeGreaterThan(2);
      expect(small.violations).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('reads a file history with blob SHAs and texts before and after each commit', async () => {
    const path = valuesFiles[0];
    const v1 = fake.objects.writeBlob(files[path]);
    fake.push(
      'main',
      { [path]: 'image:\n  tag: "2"\n' },
      {
        message: 'Promote to 2\n\nbody',
        author: { name: 'Alice', email: 'alice@example.com' },
      },
    );
    fake.push('main', { 'unrelated.txt': 'x' });
    fake.push(
      'main',
      { [path]: 'image:\n  tag: "3"\n' },
      {
        message: 'Promote to 3',
        author: { name: 'Bob', email: 'bob@example.com' },
      },
    );
    const provider = providerFor(fake);
    fake.resetLog();

    const history = await provider.fileHistory('main', path, 2);

    expect(history).toEqual([
      {
        commitSha: fake.head('main'),
        author: { name: 'Bob', email: 'bob@example.com' },
        date: expect.stringMatching(/^2024-/),
        message: 'Promote to 3',
        blobSha: fake.objects.writeBlob('image:\n  tag: "3"\n'),
        previousBlobSha: fake.objects.writeBlob('image:\n  tag: "2"\n'),
        blobText: 'image:\n  tag: "3"\n',
        previousBlobText: 'image:\n  tag: "2"\n',
        promotionIds: [],
      },
      expect.objectContaining({
        author: { name: 'Alice', email: 'alice@example.com' },
        message: 'Promote to 2',
        blobSha: fake.objects.writeBlob('image:\n  tag: "2"\n'),
        previousBlobSha: v1,
      }),
    ]);
    // one GraphQL query: limit + 1 commits, each with the file's blob
    expect(fake.tally()).toEqual({ graphql: 1 });

    const all = await provider.fileHistory('main', path, 10);
    expect(all).toHaveLength(3);
    expect(all[2]).toMatchObject({ blobSha: v1, previousBlobSha: undefined });
  });
});
