import path from 'node:path';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import { demoConfig } from '../../__testUtils__/demoConfig';
import { resolveServiceLocation } from '../locations/resolveServiceLocation';
import { GitCliProvider } from '../../clients/git/GitCliProvider';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { buildChangeSet } from './buildChangeSet';
import { readHistory } from '../environments/readHistory';

describe('buildChangeSet and readHistory on the demo repository', () => {
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  let repository: GitopsRepository;
  beforeAll(async () => {
    demo = await createDemoRepository();
    repository = new GitopsRepository(
      'acme-gitops',
      new GitCliProvider({
        url: demo.bare,
        cacheDir: path.join(demo.dir, 'cache'),
        committer: { name: 'bot', email: 'bot@acme.test' },
      }),
    );
  });
  afterAll(() => demo.cleanup());

  const locate = (service: string, environment: string, layout?: string) =>
    resolveServiceLocation(demoConfig(), { service, layout, environment });

  it.each([
    [
      'checkout',
      undefined,
      'prod-us',
      ['2.6.1'],
      ['-  tag: "2.4.0"', '+  tag: "2.6.1"'],
    ],
    [
      'payments',
      undefined,
      'prod-eu',
      ['v1.14.0'],
      [
        '-  tag: v1.13.0 # semver tags are signed by the release pipeline',
        '+  tag: v1.14.0 # semver tags are signed by the release pipeline',
      ],
    ],
    [
      'search',
      'helm-values-per-env',
      'prod-us',
      ['0.10.0'],
      ['-  tag: 0.9.4', '+  tag: 0.10.0'],
    ],
    [
      'inventory',
      'kustomize-overlay',
      'prod-eu',
      ['4.3.0'],
      ['-  newTag: "4.1.0"', '+  newTag: "4.3.0"'],
    ],
    [
      'ledger',
      'umbrella-chart',
      'prod-eu',
      ['1.6.0', '5.2.0'],
      [
        '-    version: 1.5.0',
        '+    version: 1.6.0',
        '-    tag: 5.1.0',
        '+    tag: 5.2.0',
      ],
    ],
  ])(
    '%s (%s) into %s changes one line per key',
    async (service, layout, env, values, lines) => {
      const location = locate(service, env, layout);
      const snapshot = await repository.snapshot('main');
      const changeSet = await buildChangeSet(
        repository,
        snapshot,
        location,
        values,
      );

      expect(changeSet.baseCommit).toBe(snapshot.commitSha);
      expect(changeSet.changes.map(c => c.path)).toEqual([
        ...new Set(location.files.map(f => f.path)),
      ]);
      expect(changeSet.diff.split('\n').filter(l => /^[-+] /.test(l))).toEqual(
        lines,
      );
      expect(changeSet.diff).toContain(`--- a/${location.files[0].path}`);
      expect(changeSet.edits.map(e => e.to)).toEqual(values);
    },
  );

  it('returns an empty change set when the environment already runs the values', async () => {
    const snapshot = await repository.snapshot('main');
    const changeSet = await buildChangeSet(
      repository,
      snapshot,
      locate('checkout', 'dev'),
      ['2.6.1'],
    );
    expect(changeSet.changes).toEqual([]);
    expect(changeSet.diff).toBe('');
  });

  it.each([
    [
      ['2.7.0\nimage: evil'],
      /Cannot set image.tag in envs\/dev\/checkout\/values.yaml/,
    ],
    [['1', '2'], /Expected 1 value\(s\) for the helm-env-dir layout, got 2/],
  ])('refuses bad values %j with a clear error', async (values, message) => {
    const snapshot = await repository.snapshot('main');
    await expect(
      buildChangeSet(repository, snapshot, locate('checkout', 'dev'), values),
    ).rejects.toThrow(message);
  });

  it('refuses a service without files in the repository', async () => {
    const snapshot = await repository.snapshot('main');
    await expect(
      buildChangeSet(repository, snapshot, locate('billing', 'dev'), ['1.0.0']),
    ).rejects.toThrow(
      /envs\/dev\/billing\/values.yaml does not exist on main at [0-9a-f]{12}/,
    );
  });

  it('reads the version history of an environment, newest first', async () => {
    const snapshot = await repository.snapshot('main');
    const history = await readHistory(
      repository,
      snapshot.commitSha,
      locate('checkout', 'prod-eu'),
      10,
    );
    expect(history.map(h => [h.from, h.to, h.author.name])).toEqual([
      ['2.4.0', '2.5.0', 'Priya Raman'],
      ['2.3.1', '2.4.0', 'Priya Raman'],
      [undefined, '2.3.1', 'Priya Raman'],
    ]);
    expect(history[0]).toMatchObject({
      commitSha: expect.stringMatching(/^[0-9a-f]{40}$/),
      message: 'Promote checkout 2.5.0 to prod-eu',
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });
});
