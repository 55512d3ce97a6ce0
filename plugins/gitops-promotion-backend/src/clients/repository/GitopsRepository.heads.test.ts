import { ServiceUnavailableError } from '@backstage/errors';
import { setYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import path from 'node:path';
import { countingProvider } from '../../__testUtils__/countingProvider';
import {
  createDemoRepository,
  DemoRepository,
} from '../../__testUtils__/demoRepository';
import { GitCliProvider } from '../git/GitCliProvider';
import { GitopsRepository } from './GitopsRepository';
import { RepositoryProvider } from './types';

jest.setTimeout(60_000);

const FILE = 'envs/dev/checkout/values.yaml';
const alice = { name: 'Alice Example', email: 'alice@acme.test' };
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Branch heads: one lookup shared by concurrent reads, briefly cached; writes read them fresh. */
describe('GitopsRepository branch heads', () => {
  let demo: DemoRepository;
  let caches = 0;
  beforeEach(async () => {
    demo = await createDemoRepository();
  });
  afterEach(() => demo.cleanup());

  /** A repository over the git CLI whose provider calls are counted. */
  const setup = (options = { branchHeadTtlMs: 60_000 }) => {
    const { provider, counts } = countingProvider(
      new GitCliProvider({
        url: demo.bare,
        cacheDir: path.join(demo.dir, `cache-${caches++}`),
        committer: { name: 'bot', email: 'bot@acme.test' },
      }),
    );
    return { repo: new GitopsRepository('acme', provider, options), counts };
  };
  const setTag = async (repo: GitopsRepository, tag: string) => {
    const snapshot = await repo.snapshot('main');
    const text = (await repo.readFile(snapshot, FILE))!;
    return repo.commitChanges({
      branch: 'main',
      baseCommit: snapshot.commitSha,
      changes: [{ path: FILE, content: setYamlValue(text, 'image.tag', tag) }],
      message: `Set ${tag}`,
      author: alice,
    });
  };
  const otherWriter = (tag: string) =>
    demo.commit(`Elsewhere ${tag}`, [
      { file: 'envs/dev/cart/values.yaml', key: 'image.tag', value: tag },
    ]);

  it('makes one head lookup for many concurrent snapshots', async () => {
    const { repo, counts } = setup();
    const snapshots = await Promise.all(
      Array.from({ length: 20 }, () => repo.snapshot('main')),
    );
    expect(counts.getBranchHead).toBe(1);
    expect(new Set(snapshots.map(s => s.commitSha))).toEqual(
      new Set([await demo.head()]),
    );
    // Within the TTL, later snapshots ask nothing either.
    await repo.snapshot('main');
    expect(counts.getBranchHead).toBe(1);
  });

  it('looks each branch up on its own', async () => {
    const { repo, counts } = setup();
    const results = await Promise.allSettled([
      repo.snapshot('main'),
      repo.snapshot('main'),
      repo.snapshot('no-such-branch'),
      repo.snapshot('no-such-branch'),
    ]);
    expect(results.map(r => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    expect(counts.getBranchHead).toBe(2);
  });

  it('shows a commit made here to the next snapshot at once, without a lookup', async () => {
    const { repo, counts } = setup();
    await repo.snapshot('main');
    const result = await setTag(repo, '9.9.9');
    const before = counts.getBranchHead;
    const next = await repo.snapshot('main');
    expect(next.commitSha).toBe(result.commitSha);
    expect(next.commitSha).toBe(await demo.head());
    expect(counts.getBranchHead).toBe(before);
  });

  it('decides a commit on the head read fresh, not the cached one', async () => {
    const { repo, counts } = setup();
    const cached = await repo.snapshot('main');
    const moved = await otherWriter('7.7.7');
    expect((await repo.snapshot('main')).commitSha).toBe(cached.commitSha);

    const text = (await repo.readFile(cached, FILE))!;
    const lookups = counts.getBranchHead;
    const result = await repo.commitChanges({
      branch: 'main',
      baseCommit: cached.commitSha,
      changes: [{ path: FILE, content: setYamlValue(text, 'image.tag', '9') }],
      message: 'Set 9',
      author: alice,
    });
    expect(counts.getBranchHead).toBe(lookups + 1);
    expect(result).toMatchObject({ parentSha: moved, rebases: 1 });
    expect(await demo.head()).toBe(result.commitSha);
    expect((await repo.snapshot('main')).commitSha).toBe(result.commitSha);
  });

  it('looks the head up again once the TTL has passed', async () => {
    const { repo, counts } = setup({ branchHeadTtlMs: 50 });
    const first = await repo.snapshot('main');
    const moved = await otherWriter('8.8.8');
    await sleep(80);
    const next = await repo.snapshot('main');
    expect(next.commitSha).toBe(moved);
    expect(next.commitSha).not.toBe(first.commitSha);
    expect(counts.getBranchHead).toBe(2);
  });

  it('asks the provider for a fresh snapshot, whatever is cached', async () => {
    const { repo, counts } = setup();
    await repo.snapshot('main');
    const moved = await otherWriter('6.6.6');
    expect((await repo.snapshot('main', { fresh: true })).commitSha).toBe(
      moved,
    );
    expect(counts.getBranchHead).toBe(2);
    // ... and what it saw is what the next snapshot shows.
    expect((await repo.snapshot('main')).commitSha).toBe(moved);
    expect(counts.getBranchHead).toBe(2);
  });

  it('keeps no failed lookup: the next snapshot asks again', async () => {
    let calls = 0;
    const provider: RepositoryProvider = {
      getBranchHead: async () => {
        calls++;
        if (calls === 1) throw new ServiceUnavailableError('remote down');
        return 'c'.repeat(40);
      },
      listFiles: async () => new Map(),
      readBlob: async () => '',
      fileHistory: async () => [],
      tryCommit: async () => ({ status: 'raced' }),
    };
    const repo = new GitopsRepository('flaky', provider);
    const failed = await Promise.allSettled([
      repo.snapshot('main'),
      repo.snapshot('main'),
    ]);
    expect(failed.map(f => f.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    expect((await repo.snapshot('main')).commitSha).toBe('c'.repeat(40));
    expect(calls).toBe(2);
  });
});
