import path from 'node:path';
import { countingProvider } from '../../__testUtils__/countingProvider';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import { demoConfig, demoServices } from '../../__testUtils__/demoConfig';
import { runGit } from '../../clients/git/runGit';
import { GitCliProvider } from '../../clients/git/GitCliProvider';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { VersionReader } from './VersionReader';

describe('VersionReader', () => {
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  beforeAll(async () => {
    demo = await createDemoRepository();
  });
  afterAll(() => demo.cleanup());

  const setup = () => {
    const { provider, counts } = countingProvider(
      new GitCliProvider({
        url: demo.bare,
        cacheDir: path.join(demo.dir, `cache-${Math.random()}`),
        committer: { name: 'bot', email: 'bot@acme.test' },
      }),
    );
    const repository = new GitopsRepository('acme-gitops', provider);
    const reader = new VersionReader(demoConfig(), () => repository);
    return { reader, counts };
  };
  const envs = ['dev', 'staging', 'prod-eu', 'prod-us'];
  const cells = demoServices.flatMap(s =>
    envs.map(environment => ({ ...s, environment })),
  );

  it('reads every example service in every environment from the seeded history', async () => {
    const { reader } = setup();
    const versions = await reader.readVersions(cells);
    const table = Object.fromEntries(
      demoServices.map(({ service }) => [
        service,
        envs.map(
          e =>
            versions.find(v => v.service === service && v.environment === e)!
              .version,
        ),
      ]),
    );
    expect(table).toEqual({
      checkout: ['2.6.1', '2.6.1', '2.5.0', '2.4.0'],
      payments: ['v1.14.0', 'v1.14.0', 'v1.13.0', 'v1.13.0'],
      cart: ['3.1.1', '3.0.2', '3.0.2', '3.0.2'],
      storefront: ['sha-0e6d4b7', 'sha-c91f5a8', 'sha-c91f5a8', 'sha-c91f5a8'],
      search: ['0.11.0', '0.10.0', '0.10.0', '0.9.4'],
      notifications: ['1.4.0', '1.3.0', '1.3.0', '1.3.0'],
      inventory: ['4.3.0', '4.3.0', '4.1.0', '4.1.0'],
      ledger: ['1.6.0', '1.5.0', '1.5.0', '1.5.0'],
    });
    const ledgerDev = versions.find(
      v => v.service === 'ledger' && v.environment === 'dev',
    )!;
    expect(ledgerDev.values).toEqual([
      {
        path: 'apps/ledger/dev/Chart.yaml',
        key: 'dependencies[name=service-base].version',
        value: '1.6.0',
      },
      {
        path: 'apps/ledger/dev/values.yaml',
        key: 'service-base.image.tag',
        value: '5.2.0',
        // the repository beside the tag names the image
        image: 'ghcr.io/acme/ledger:5.2.0',
      },
    ]);
    expect(new Set(versions.map(v => v.commitSha)).size).toBe(1);
  });

  it('costs one head and one tree per branch, and reads each blob once', async () => {
    const { reader, counts } = setup();
    const versions = await reader.readVersions(cells);
    // 32 cells in 32 files, but identical files share a blob: 30 reads
    const paths = new Set(versions.flatMap(v => v.values.map(x => x.path)));
    const tree = await runGit(['ls-tree', '-r', 'main'], { cwd: demo.bare });
    const blobs = new Set(
      tree
        .split('\n')
        .filter(line => paths.has(line.split('\t')[1]))
        .map(line => line.split('\t')[0].split(' ')[2]),
    );
    expect(paths.size).toBe(32);
    expect(counts).toMatchObject({
      getBranchHead: 1,
      listFiles: 1,
      readBlob: blobs.size,
    });

    await reader.readVersions(cells);
    expect(counts).toMatchObject({
      getBranchHead: 2,
      listFiles: 1,
      readBlob: blobs.size,
    });
  });

  it('reports a missing file or key per cell without failing the others', async () => {
    const { reader } = setup();
    const [missing, present] = await reader.readVersions([
      { service: 'billing', environment: 'dev' },
      { service: 'checkout', environment: 'dev' },
    ]);
    expect(missing.version).toBeUndefined();
    expect(missing.values[0].problem).toBe(
      'envs/dev/billing/values.yaml does not exist',
    );
    expect(present.version).toBe('2.6.1');
  });

  it.each([
    ['../secrets', /Invalid service name/],
    ['checkout/../../etc', /Invalid service name/],
    ['Checkout', /Invalid service name/],
    ['a'.repeat(64), /Invalid service name/],
  ])(
    'refuses the service name %s before touching the repository',
    async (service, message) => {
      const { reader, counts } = setup();
      await expect(
        reader.readVersions([{ service, environment: 'dev' }]),
      ).rejects.toThrow(message);
      expect(counts.getBranchHead).toBe(0);
    },
  );

  it('refuses an unknown environment or layout', async () => {
    const { reader } = setup();
    await expect(
      reader.readVersions([{ service: 'checkout', environment: 'qa' }]),
    ).rejects.toThrow(
      "Unknown environment 'qa'; configured: dev, staging, prod-eu, prod-us",
    );
    await expect(
      reader.readVersions([
        { service: 'checkout', layout: 'mine', environment: 'dev' },
      ]),
    ).rejects.toThrow(
      "The gitops-promotion/layout annotation names unknown layout 'mine'",
    );
  });
});
