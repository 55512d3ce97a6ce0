import type { GitopsKnownArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import path from 'node:path';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import { demoConfig } from '../../__testUtils__/demoConfig';
import { GitCliProvider } from '../../clients/git/GitCliProvider';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { driftOf } from './drift';
import { LiveChartReader } from './LiveChartReader';
import { VersionReader } from './VersionReader';

const CHART_KEY = 'dependencies[name=service-base].version';

/** Argo CD runs ledger in dev at `revision`, with the images git asks for. */
const runningAt = (revision: string): GitopsKnownArgoCdStatus => ({
  state: 'known',
  syncStatus: 'Synced',
  revision,
  revisions: [revision],
  health: { status: 'Healthy' },
  images: [],
  application: { instance: 'local', name: 'ledger-dev' },
});

describe('LiveChartReader: chart versions against the live revision', () => {
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  let before: string;
  beforeAll(async () => {
    demo = await createDemoRepository();
    before = await demo.head();
    await demo.commit('Bump the service-base chart of ledger in dev', [
      { file: 'apps/ledger/dev/Chart.yaml', key: CHART_KEY, value: '1.9.0' },
    ]);
  });
  afterAll(() => demo.cleanup());

  const setup = async () => {
    const repository = new GitopsRepository(
      'acme-gitops',
      new GitCliProvider({
        url: demo.bare,
        cacheDir: path.join(demo.dir, `cache-${Math.random()}`),
        committer: { name: 'bot', email: 'bot@acme.test' },
      }),
    );
    const repositories = () => repository;
    const [cell] = await new VersionReader(
      demoConfig(),
      repositories,
    ).readVersions([
      { service: 'ledger', layout: 'umbrella-chart', environment: 'dev' },
    ]);
    const reader = new LiveChartReader({ repositories });
    const driftAt = async (revision: string) => {
      const status = runningAt(revision);
      const [live] = await reader.read([cell], [status]);
      return driftOf(cell, status, live);
    };
    return { cell, driftAt };
  };

  it('is drift when Argo CD runs a commit whose chart version is another', async () => {
    const { cell, driftAt } = await setup();
    expect(cell.version).toBe('1.9.0');
    expect(await driftAt(before)).toEqual({
      desired: '1.9.0',
      live: ['1.6.0'],
    });
  });

  it('is no drift at the commit git reads, or at one with the same chart file', async () => {
    const { cell, driftAt } = await setup();
    expect(await driftAt(cell.commitSha!)).toBeUndefined();
    await demo.commit('Rename ledger in dev', [
      {
        file: 'apps/ledger/dev/values.yaml',
        key: 'service-base.nameOverride',
        value: 'ledger-dev',
      },
    ]);
    // git moved on; Argo CD runs the commit before, with the same chart file
    const { driftAt: driftLater } = await setup();
    expect(await driftLater(cell.commitSha!)).toBeUndefined();
  });

  it('takes the revision of a chart pulled from a Helm repository as its version', async () => {
    const { driftAt } = await setup();
    expect(await driftAt('1.9.0')).toBeUndefined();
    expect(await driftAt('1.8.2')).toEqual({
      desired: '1.9.0',
      live: ['1.8.2'],
    });
  });

  it('tells nothing of a revision the repository does not have', async () => {
    const { driftAt } = await setup();
    expect(await driftAt('f'.repeat(40))).toBeUndefined();
  });
});
