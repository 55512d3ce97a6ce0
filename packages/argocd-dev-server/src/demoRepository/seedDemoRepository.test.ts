import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { runGitCommand } from '../git/runGitCommand';
import { seedDemoRepository } from './seedDemoRepository';

const examples = path.resolve(__dirname, '../../../../examples');

describe('seedDemoRepository', () => {
  let dir: string;
  let target: string;
  const now = new Date('2026-11-22T12:00:00Z');
  const git = async (...args: string[]) =>
    (await runGitCommand(target, args)).toString('utf8');
  const show = async (file: string, key: string) =>
    getYamlValue(await git('show', `main:${file}`), key);

  let created: boolean;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'seed-test-'));
    target = path.join(dir, 'data', 'gitops-repo.git');
    created = await seedDemoRepository({
      from: path.join(examples, 'gitops-repo'),
      history: path.join(examples, 'gitops-repo-history.yaml'),
      target,
      now,
      logger: { info: jest.fn(), warn: jest.fn() },
    });
  });

  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('creates a bare repository with the whole history on main', async () => {
    expect(created).toBe(true);
    expect((await git('rev-parse', '--is-bare-repository')).trim()).toBe(
      'true',
    );
    const log = (await git('log', '--format=%an|%aI|%s', 'main'))
      .trim()
      .split('\n');
    expect(log).toHaveLength(39);
    expect(log[log.length - 1]).toMatch(
      /^Priya Raman\|2026-09-23T08:30:00\+00:00\|Import Acme GitOps repository$/,
    );
    expect(log[0]).toBe(
      'Sofia Alvarez|2026-11-21T10:40:00+00:00|Release storefront sha-0e6d4b7 to dev',
    );
    const authors = new Set(log.map(l => l.split('|')[0]));
    expect(authors.size).toBe(5);
    const days = new Set(log.map(l => l.split('|')[1].slice(0, 10)));
    expect(days.size).toBe(39);
  });

  it('leaves every service at a believable version per environment', async () => {
    await expect(
      show('envs/dev/checkout/values.yaml', 'image.tag'),
    ).resolves.toBe('2.6.1');
    await expect(
      show('envs/prod-eu/checkout/values.yaml', 'image.tag'),
    ).resolves.toBe('2.5.0');
    await expect(
      show('envs/prod-us/checkout/values.yaml', 'image.tag'),
    ).resolves.toBe('2.4.0');
    await expect(
      show('charts/search/values-prod-us.yaml', 'image.tag'),
    ).resolves.toBe('0.9.4');
    await expect(
      show(
        'overlays/staging/kustomization.yaml',
        'images[name=ghcr.io/acme/inventory].newTag',
      ),
    ).resolves.toBe('4.3.0');
    await expect(
      show(
        'apps/ledger/dev/Chart.yaml',
        'dependencies[name=service-base].version',
      ),
    ).resolves.toBe('1.6.0');
    await expect(
      show('apps/ledger/dev/values.yaml', 'service-base.image.tag'),
    ).resolves.toBe('5.2.0');
  });

  it('changes one line per version in each commit, keeping comments', async () => {
    const [sha] = (
      await git(
        'log',
        '--format=%H',
        '--grep=payments v1.14.0 to staging',
        'main',
      )
    ).split('\n');
    const diff = await git('show', '--format=', '--unified=0', sha);
    expect(diff).toContain(
      '-  tag: v1.13.0 # semver tags are signed by the release pipeline',
    );
    expect(diff).toContain(
      '+  tag: v1.14.0 # semver tags are signed by the release pipeline',
    );
    expect(diff.split('\n').filter(l => /^[-+] /.test(l))).toHaveLength(2);
  });

  it('keeps an existing repository on restart', async () => {
    const head = await git('rev-parse', 'main');
    const createdAgain = await seedDemoRepository({
      from: path.join(examples, 'gitops-repo'),
      history: path.join(examples, 'gitops-repo-history.yaml'),
      target,
      logger: { info: jest.fn(), warn: jest.fn() },
    });
    expect(createdAgain).toBe(false);
    expect(await git('rev-parse', 'main')).toBe(head);
  });
});
