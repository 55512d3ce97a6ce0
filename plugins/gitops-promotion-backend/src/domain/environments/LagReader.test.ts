import path from 'node:path';
import { countingProvider } from '../../__testUtils__/countingProvider';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import { demoConfig, demoServices } from '../../__testUtils__/demoConfig';
import { GitCliProvider } from '../../clients/git/GitCliProvider';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { LagReader } from './LagReader';
import { VersionReader } from './VersionReader';

describe('LagReader', () => {
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  beforeAll(async () => {
    demo = await createDemoRepository();
  });
  afterAll(() => demo.cleanup());

  /** Each example service's prod-eu against its staging, as the matrix asks. */
  const setup = async () => {
    const { provider, counts } = countingProvider(
      new GitCliProvider({
        url: demo.bare,
        cacheDir: path.join(demo.dir, `cache-${Math.random()}`),
        committer: { name: 'bot', email: 'bot@acme.test' },
      }),
    );
    const repository = new GitopsRepository('acme-gitops', provider);
    const config = demoConfig();
    const versions = await new VersionReader(
      config,
      () => repository,
    ).readVersions(
      demoServices.flatMap(s =>
        ['staging', 'prod-eu'].map(environment => ({ ...s, environment })),
      ),
    );
    const versionOf = (service: string, environment: string) =>
      versions.find(
        v => v.service === service && v.environment === environment,
      )!;
    const requests = demoServices.map(s => ({
      ...s,
      upstream: 'staging',
      upstreamVersion: versionOf(s.service, 'staging').version,
      upstreamCommitSha: versionOf(s.service, 'staging').commitSha!,
      version: versionOf(s.service, 'prod-eu').version,
    }));
    const reader = new LagReader({ config, repositories: () => repository });
    return { reader, requests, counts };
  };

  it('tells how many versions and since when each environment is behind', async () => {
    const { reader, requests } = await setup();
    const lags = await reader.lags(requests);
    /** The demo history is dated relative to today: the UTC day `days` ago. */
    const daysAgo = (days: number) =>
      new Date(Date.now() - days * 24 * 3600 * 1000).toISOString().slice(0, 10);
    expect(
      Object.fromEntries(
        lags.map((lag, i) => [
          requests[i].service,
          [
            lag.upstreamVersion,
            lag.versionsBehind,
            lag.behindSince?.slice(0, 10),
          ],
        ]),
      ),
    ).toEqual({
      checkout: ['2.6.1', 1, daysAgo(2)],
      payments: ['v1.14.0', 1, daysAgo(9)],
      cart: ['3.0.2', 0, undefined],
      storefront: ['sha-c91f5a8', 0, undefined],
      search: ['0.10.0', 0, undefined],
      notifications: ['1.3.0', 0, undefined],
      inventory: ['4.3.0', 2, daysAgo(27)],
      ledger: ['1.5.0', 0, undefined],
    });
  });

  it('reads every upstream history of a refresh in one walk, and none again while the files stay', async () => {
    const { reader, requests, counts } = await setup();
    const first = await reader.lags(requests);
    expect(counts).toMatchObject({ fileHistories: 1, fileHistory: 0 });

    expect(await reader.lags(requests)).toEqual(first);
    expect(counts).toMatchObject({ fileHistories: 1, fileHistory: 0 });
  });
});
