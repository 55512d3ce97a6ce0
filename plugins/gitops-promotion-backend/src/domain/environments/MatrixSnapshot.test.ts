import path from 'node:path';
import { countingProvider } from '../../__testUtils__/countingProvider';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import { demoConfig, demoServices } from '../../__testUtils__/demoConfig';
import { eventually } from '../../__testUtils__/eventually';
import { ServiceEntity } from '../../clients/catalog/ServiceCatalog';
import { GitCliProvider } from '../../clients/git/GitCliProvider';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { LagReader } from './LagReader';
import { MatrixSnapshot } from './MatrixSnapshot';
import { VersionReader } from './VersionReader';

/** The example services as the catalog would hand them over. */
const services: ServiceEntity[] = demoServices.map(s => ({
  ...s,
  entityRef: `component:default/${s.service}`,
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: s.service },
  },
  annotations: {},
}));

describe('MatrixSnapshot', () => {
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  beforeEach(async () => {
    demo = await createDemoRepository();
  });
  afterEach(() => demo.cleanup());

  const config = demoConfig();
  /** A snapshot on a cache of its own (a fresh backend), counting git reads. */
  const setup = (options: { backgroundLags?: number } = {}) => {
    const { provider, counts } = countingProvider(
      new GitCliProvider({
        url: demo.bare,
        cacheDir: path.join(demo.dir, `cache-${Math.random()}`),
        committer: { name: 'bot', email: 'bot@acme.test' },
      }),
    );
    const repository = new GitopsRepository('acme-gitops', provider);
    const repositories = () => repository;
    const snapshot = new MatrixSnapshot({
      config,
      reader: new VersionReader(config, repositories),
      lags: new LagReader({ config, repositories }),
      ...options,
    });
    return { snapshot, counts };
  };
  const read = (snapshot: MatrixSnapshot) =>
    snapshot.read(services, config.environments);

  it('answers many missing lags without them, counts them in the background, then has them all', async () => {
    const expected = await read(setup().snapshot);
    expect(expected.lagPending).toBe(false);
    const behind = expected.lags.filter(l => (l?.versionsBehind ?? 0) > 0);
    expect(behind.length).toBeGreaterThan(1);

    const { snapshot } = setup({ backgroundLags: 1 });
    const first = await read(snapshot);
    expect(first.lagPending).toBe(true);
    expect(first.cells).toEqual(expected.cells);
    // the lags that need no history are there at once; the others are not
    expect(first.lags.filter(l => (l?.versionsBehind ?? 0) > 0)).toEqual([]);
    expect(first.lags.filter(l => l?.versionsBehind === 0)).toEqual(
      expected.lags.filter(l => l?.versionsBehind === 0),
    );

    const complete = await eventually(
      () => read(snapshot),
      answer => !answer.lagPending,
    );
    expect(complete.lags).toEqual(expected.lags);
  });

  it('reads again only what a commit changed: one file, and the lag downstream of it', async () => {
    const { snapshot, counts } = setup();
    const before = await read(snapshot);
    const reads = { ...counts };

    await demo.commit('Bump checkout in staging', [
      {
        file: 'envs/staging/checkout/values.yaml',
        key: 'image.tag',
        value: '2.9.0',
      },
    ]);
    const after = await read(snapshot);

    // the changed file, and the blobs along its new history (for the lag
    // of the environments after staging); nothing of the other cells
    expect({
      listFiles: counts.listFiles - reads.listFiles,
      fileHistories: counts.fileHistories - reads.fileHistories,
      readBlob: counts.readBlob - reads.readBlob,
    }).toEqual({ listFiles: 1, fileHistories: 1, readBlob: 5 });
    expect(reads.readBlob).toBeGreaterThan(40);
    const changed = after.cells.flatMap((cell, i) =>
      cell.version === before.cells[i].version
        ? []
        : [`${cell.service}/${cell.environment} ${cell.version}`],
    );
    expect(changed).toEqual(['checkout/staging 2.9.0']);
    const width = config.environments.length;
    const checkout = services.findIndex(s => s.service === 'checkout');
    const prodEu = config.environments.findIndex(e => e.name === 'prod-eu');
    expect(after.lags[checkout * width + prodEu]).toMatchObject({
      upstream: 'staging',
      upstreamVersion: '2.9.0',
    });
  });
});
