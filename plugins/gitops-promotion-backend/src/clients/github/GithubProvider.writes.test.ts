import { ConflictError } from '@backstage/errors';
import { GitopsRepository } from '../repository/GitopsRepository';
import { GithubFake } from './__testUtils__/githubFake';
import {
  exampleFiles,
  providerFor,
  startGithubFake,
} from './__testUtils__/startGithubFake';

const WRITES = ['git/create-tree', 'git/create-commit', 'git/update-ref'];
const alice = { name: 'Alice Developer', email: 'alice@example.com' };

describe('GithubProvider writes', () => {
  let fake: GithubFake;
  const files = exampleFiles();
  const [cart, checkout, payments] = [
    'envs/prod-eu/cart/values.yaml',
    'envs/prod-eu/checkout/values.yaml',
    'envs/prod-eu/payments/values.yaml',
  ];

  beforeEach(async () => {
    fake = await startGithubFake();
    fake.push('main', files, { message: 'Seed' });
  });

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  it('commits one file on top of the head with the requester as author', async () => {
    const repo = new GitopsRepository('gitops', providerFor(fake));
    const base = await repo.snapshot('main');
    await repo.readFile(base, cart);
    await repo.readFile(base, checkout);
    fake.resetLog();

    const result = await repo.commitChanges({
      branch: 'main',
      baseCommit: base.commitSha,
      changes: [{ path: cart, content: 'image:\n  tag: "2.0.0"\n' }],
      message: 'Promote cart to prod-eu',
      author: alice,
    });

    expect(result).toEqual({
      commitSha: fake.head('main'),
      parentSha: base.commitSha,
      rebases: 0,
    });
    const commit = fake.objects.commit(result.commitSha)!;
    expect(commit.parents).toEqual([base.commitSha]);
    expect(commit.message).toBe('Promote cart to prod-eu');
    expect(commit.author).toMatchObject(alice);
    // GitHub records the author as committer when none is given
    expect(commit.committer).toMatchObject(alice);
    expect(fake.read('main', cart)).toBe('image:\n  tag: "2.0.0"\n');
    const before = fake.objects.files(
      fake.objects.commit(base.commitSha)!.tree,
    );
    const after = fake.objects.files(commit.tree);
    after.delete(cart);
    before.delete(cart);
    expect(after).toEqual(before);
    // head check (304) + tree + commit + ref update
    expect(fake.requests.map(r => r.operationId)).toEqual([
      'git/get-ref',
      ...WRITES,
    ]);
    expect(fake.requests[0].status).toBe(304);
    expect(fake.requests.slice(1).map(r => r.body)).toEqual([
      {
        base_tree: fake.objects.commit(base.commitSha)!.tree,
        tree: [
          {
            path: cart,
            mode: '100644',
            type: 'blob',
            content: 'image:\n  tag: "2.0.0"\n',
          },
        ],
      },
      {
        message: 'Promote cart to prod-eu',
        tree: commit.tree,
        parents: [base.commitSha],
        author: alice,
      },
      { sha: result.commitSha, force: false },
    ]);

    // reading the promoted state: a new head, no tree listing, one new blob
    fake.resetLog();
    const next = await repo.snapshot('main');
    expect(await repo.readFile(next, cart)).toBe('image:\n  tag: "2.0.0"\n');
    await repo.readFile(next, checkout);
    expect(fake.tally()).toEqual({ 'git/get-ref': 1, 'git/get-blob': 1 });
  });

  it('commits several files in one commit with at most 5 requests, cold', async () => {
    const provider = providerFor(fake, {
      committer: { name: 'GitOps Promotion', email: 'gitops@example.com' },
    });
    const head = fake.head('main')!;

    const attempt = await provider.tryCommit({
      branch: 'main',
      parentSha: head,
      changes: [
        { path: cart, content: 'cart: 3\n' },
        { path: checkout, content: 'checkout: 3\n' },
        { path: payments, content: 'payments: 3\n' },
        { path: 'envs/prod-eu/new-svc/values.yaml', content: 'new: 1\n' },
      ],
      message: 'Release train',
      author: alice,
    });

    expect(attempt).toEqual({
      status: 'committed',
      commitSha: fake.head('main'),
    });
    expect(fake.requests.length).toBeLessThanOrEqual(5);
    // the parent's tree listing (not cached yet) + tree + commit + ref update
    expect(fake.requests.map(r => r.operationId)).toEqual([
      'git/get-tree',
      ...WRITES,
    ]);
    const commit = fake.objects.commit(fake.head('main')!)!;
    expect(commit.parents).toEqual([head]);
    expect(commit.author).toMatchObject(alice);
    expect(commit.committer).toMatchObject({
      name: 'GitOps Promotion',
      email: 'gitops@example.com',
    });
    expect(fake.read('main', cart)).toBe('cart: 3\n');
    expect(fake.read('main', checkout)).toBe('checkout: 3\n');
    expect(fake.read('main', payments)).toBe('payments: 3\n');
    expect(fake.read('main', 'envs/prod-eu/new-svc/values.yaml')).toBe(
      'new: 1\n',
    );
    expect(fake.read('main', 'README.md')).toBe(files['README.md']);
  });

  it('keeps the mode of a changed file', async () => {
    fake.push(
      'main',
      { 'scripts/render.sh': '#!/bin/sh\n' },
      {
        modes: { 'scripts/render.sh': '100755' },
      },
    );
    const provider = providerFor(fake);

    await provider.tryCommit({
      branch: 'main',
      parentSha: fake.head('main')!,
      changes: [{ path: 'scripts/render.sh', content: '#!/bin/sh\necho\n' }],
      message: 'Edit script',
      author: alice,
    });

    const file = fake.objects.fileAt(fake.head('main')!, 'scripts/render.sh');
    expect(file?.mode).toBe('100755');
  });

  it('rebases over an unrelated change when the ref update is not a fast forward', async () => {
    const repo = new GitopsRepository('gitops', providerFor(fake));
    const base = await repo.snapshot('main');
    let unrelated = '';
    fake.before('git/update-ref', () => {
      unrelated = fake.push('main', {
        'envs/dev/cart/values.yaml': 'dev: 7\n',
      });
    });
    fake.resetLog();

    const result = await repo.commitChanges({
      branch: 'main',
      baseCommit: base.commitSha,
      changes: [{ path: cart, content: 'cart: 4\n' }],
      message: 'Promote cart',
      author: alice,
    });

    expect(result).toMatchObject({ parentSha: unrelated, rebases: 1 });
    expect(fake.objects.commit(fake.head('main')!)!.parents).toEqual([
      unrelated,
    ]);
    expect(fake.read('main', cart)).toBe('cart: 4\n');
    expect(fake.read('main', 'envs/dev/cart/values.yaml')).toBe('dev: 7\n');
    expect(
      fake.requests
        .filter(r => r.operationId === 'git/update-ref')
        .map(r => r.status),
    ).toEqual([422, 200]);
  });

  it('refuses with a ConflictError naming the file and who changed it when the same file moved', async () => {
    const repo = new GitopsRepository('gitops', providerFor(fake));
    const base = await repo.snapshot('main');
    fake.before('git/update-ref', () => {
      fake.push(
        'main',
        { [cart]: 'cart: bob\n' },
        {
          message: 'Hotfix cart',
          author: { name: 'Bob Operator', email: 'bob@example.com' },
        },
      );
    });

    const error = await repo
      .commitChanges({
        branch: 'main',
        baseCommit: base.commitSha,
        changes: [{ path: cart, content: 'cart: alice\n' }],
        message: 'Promote cart',
        author: alice,
      })
      .catch(e => e);

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain(cart);
    expect(error.message).toContain('Bob Operator');
    expect(error.message).toContain('Hotfix cart');
    expect(fake.read('main', cart)).toBe('cart: bob\n');
  });

  it('creates a branch, and reports a branch that already exists as a race', async () => {
    const provider = providerFor(fake);
    const head = fake.head('main')!;
    const request = {
      branch: 'gitops-promotion/cart-prod-eu',
      parentSha: head,
      changes: [{ path: cart, content: 'cart: 5\n' }],
      message: 'Promote cart',
      author: alice,
      createBranch: true,
    };

    const created = await provider.tryCommit(request);
    expect(created).toEqual({
      status: 'committed',
      commitSha: fake.head('gitops-promotion/cart-prod-eu'),
    });
    expect(fake.head('main')).toBe(head);
    expect(fake.count('git/create-ref')).toBe(1);

    expect(await provider.tryCommit(request)).toEqual({ status: 'raced' });
  });

  it('recognises its own branch when the answer to creating it was lost', async () => {
    fake.fail({
      operationId: 'git/create-ref',
      status: 502,
      message: 'Bad Gateway',
      afterServing: true,
    });
    const provider = providerFor(fake);

    const attempt = await provider.tryCommit({
      branch: 'gitops-promotion/lost-answer',
      parentSha: fake.head('main')!,
      changes: [{ path: cart, content: 'cart: 7\n' }],
      message: 'Promote cart',
      author: alice,
      createBranch: true,
    });

    expect(attempt).toEqual({
      status: 'committed',
      commitSha: fake.head('gitops-promotion/lost-answer'),
    });
    // the lost 502, the retry refused as "Reference already exists", the check
    expect(
      fake.requests
        .filter(r => r.operationId.endsWith('-ref'))
        .map(r => [r.operationId, r.status]),
    ).toEqual([
      ['git/create-ref', 502],
      ['git/create-ref', 422],
      ['git/get-ref', 200],
    ]);
  });

  it('spaces writes as GitHub asks with the production request policy', async () => {
    const provider = providerFor(fake, { policy: {} });
    const started = Date.now();

    const attempt = await provider.tryCommit({
      branch: 'main',
      parentSha: fake.head('main')!,
      changes: [{ path: cart, content: 'cart: 6\n' }],
      message: 'Promote cart',
      author: alice,
    });

    expect(attempt.status).toBe('committed');
    // three writes, one second apart (@octokit/plugin-throttling)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  }, 10_000);
});
