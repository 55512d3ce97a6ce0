import { ConflictError } from '@backstage/errors';
import path from 'node:path';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import { runGit } from '../git/runGit';
import { GitCliProvider } from '../git/GitCliProvider';
import { GitopsRepository } from './GitopsRepository';
import { GithubFake } from '../github/__testUtils__/githubFake';
import {
  exampleFiles,
  providerFor,
  startGithubFake,
} from '../github/__testUtils__/startGithubFake';

// A change set may create files (a new service's files in every environment):
// both providers write them in the same single commit as edits, as plain
// files (100644), and a file created by someone else meanwhile is a conflict.
jest.setTimeout(60_000);

const alice = { name: 'Alice Example', email: 'alice@acme.test' };
const newFiles = [
  { path: 'envs/dev/billing/values.yaml', content: 'image:\n  tag: "1.0.0"\n' },
  {
    path: 'envs/staging/billing/values.yaml',
    content: 'image:\n  tag: "1.0.0"\n',
  },
];

describe('GitopsRepository creating files over the git CLI', () => {
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  let caches = 0;

  beforeEach(async () => {
    demo = await createDemoRepository();
  });
  afterEach(() => demo.cleanup());

  const newRepository = () =>
    new GitopsRepository(
      'acme',
      new GitCliProvider({
        url: demo.bare,
        cacheDir: path.join(demo.dir, `cache-${caches++}`),
        committer: { name: 'GitOps Promotion', email: 'gitops@acme.test' },
      }),
    );
  const git = (...args: string[]) => runGit(args, { cwd: demo.bare });

  it('creates files in new directories in one commit, next to an edit', async () => {
    const repo = newRepository();
    const base = await repo.snapshot('main');
    const edited = 'charts/storefront/values.yaml';
    const changes = [
      ...newFiles,
      { path: edited, content: `${await repo.readFile(base, edited)}# x\n` },
    ];

    const result = await repo.commitChanges({
      branch: 'main',
      baseCommit: base.commitSha,
      changes,
      message: 'Register billing',
      author: alice,
    });

    expect(result.parentSha).toBe(base.commitSha);
    expect((await git('rev-parse', 'main')).trim()).toBe(result.commitSha);
    expect(
      (await git('show', '--name-status', '--format=%an|%s', 'main'))
        .trim()
        .split('\n')
        .filter(Boolean),
    ).toEqual([
      'Alice Example|Register billing',
      `M\t${edited}`,
      'A\tenvs/dev/billing/values.yaml',
      'A\tenvs/staging/billing/values.yaml',
    ]);
    expect(await git('ls-tree', 'main', '--', newFiles[0].path)).toMatch(
      /^100644 blob /,
    );
    expect(await demo.show(newFiles[1].path)).toBe(newFiles[1].content);
    const next = await repo.snapshot('main');
    expect(await repo.readFile(next, newFiles[0].path)).toBe(
      newFiles[0].content,
    );
  });

  it('rebases new files over unrelated commits', async () => {
    const repo = newRepository();
    const base = await repo.snapshot('main');
    const unrelated = await demo.commit('Hotfix cart', [
      { file: 'envs/dev/cart/values.yaml', key: 'image.tag', value: '9.9.9' },
    ]);

    const result = await repo.commitChanges({
      branch: 'main',
      baseCommit: base.commitSha,
      changes: newFiles,
      message: 'Register billing',
      author: alice,
    });

    expect(result).toMatchObject({ parentSha: unrelated, rebases: 1 });
    expect(await demo.show(newFiles[0].path)).toBe(newFiles[0].content);
  });

  it('refuses a file someone else created since the base, naming it and them', async () => {
    const writer = newRepository();
    const other = newRepository();
    const base = await writer.snapshot('main');
    await other.commitChanges({
      branch: 'main',
      baseCommit: base.commitSha,
      changes: [newFiles[1]],
      message: 'Add billing to staging by hand',
      author: { name: 'Bob Other', email: 'bob@acme.test' },
    });
    const headBefore = await demo.head();

    const attempt = writer.commitChanges({
      branch: 'main',
      baseCommit: base.commitSha,
      changes: newFiles,
      message: 'Register billing',
      author: alice,
    });

    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(
      /^envs\/staging\/billing\/values\.yaml was created since [0-9a-f]{12} by Bob Other in [0-9a-f]{12} \("Add billing to staging by hand"/,
    );
    expect(await demo.head()).toBe(headBefore);
  });
});

describe('GitopsRepository creating files on GitHub', () => {
  let fake: GithubFake;

  beforeEach(async () => {
    fake = await startGithubFake();
    fake.push('main', exampleFiles(), { message: 'Seed' });
  });
  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  it('creates files in new directories in one commit, as plain files', async () => {
    const repo = new GitopsRepository('gitops', providerFor(fake));
    const base = await repo.snapshot('main');

    const result = await repo.commitChanges({
      branch: 'main',
      baseCommit: base.commitSha,
      changes: newFiles,
      message: 'Register billing',
      author: alice,
    });

    const commit = fake.objects.commit(result.commitSha)!;
    expect(commit.parents).toEqual([base.commitSha]);
    expect(commit.author).toMatchObject(alice);
    for (const file of newFiles) {
      expect(fake.read('main', file.path)).toBe(file.content);
      expect(fake.objects.fileAt(result.commitSha, file.path)?.mode).toBe(
        '100644',
      );
    }
    expect(
      fake.requests.find(r => r.operationId === 'git/create-tree')?.body,
    ).toEqual({
      base_tree: fake.objects.commit(base.commitSha)!.tree,
      tree: newFiles.map(f => ({
        path: f.path,
        mode: '100644',
        type: 'blob',
        content: f.content,
      })),
    });
    // the next snapshot knows the new files without listing the tree again
    fake.resetLog();
    const next = await repo.snapshot('main');
    expect(next.files.has(newFiles[0].path)).toBe(true);
    expect(fake.tally()).toEqual({ 'git/get-ref': 1 });
  });

  it('proposes new files as one pull request, and finds it when asked again', async () => {
    const repo = new GitopsRepository('gitops', providerFor(fake));
    const base = await repo.snapshot('main');
    const request = {
      branch: 'main',
      baseCommit: base.commitSha,
      changes: newFiles,
      message: 'Register billing',
      author: alice,
      pullRequestBranch: 'gitops-promotion/register-billing',
      title: 'Register billing',
      body: 'New service billing in dev and staging',
    };

    const first = await repo.proposeChanges(request);
    const again = await repo.proposeChanges(request);

    expect(first.reused).toBe(false);
    expect(again).toEqual({ pullRequest: first.pullRequest, reused: true });
    expect(fake.pulls).toHaveLength(1);
    expect(fake.read('main', newFiles[0].path)).toBeUndefined();
    for (const file of newFiles) {
      expect(fake.read('gitops-promotion/register-billing', file.path)).toBe(
        file.content,
      );
    }
  });

  it('refuses a file someone else created since the base', async () => {
    const repo = new GitopsRepository('gitops', providerFor(fake));
    const base = await repo.snapshot('main');
    fake.push(
      'main',
      { [newFiles[0].path]: 'image:\n  tag: "0.1.0"\n' },
      { message: 'Add billing by hand' },
    );

    await expect(
      repo.commitChanges({
        branch: 'main',
        baseCommit: base.commitSha,
        changes: newFiles,
        message: 'Register billing',
        author: alice,
      }),
    ).rejects.toThrow(
      /^envs\/dev\/billing\/values\.yaml was created since [0-9a-f]{12}.*; review the new state and try again$/,
    );
    expect(fake.read('main', newFiles[0].path)).toBe(
      'image:\n  tag: "0.1.0"\n',
    );
  });
});
