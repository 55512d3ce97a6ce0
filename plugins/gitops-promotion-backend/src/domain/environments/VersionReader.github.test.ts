import { ConfigReader } from '@backstage/config';
import { readPolicyConfig } from '../policy/readPolicyConfig';
import { GitopsPromotionConfig } from '../../config/types';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import {
  CODELOAD_DOWNLOAD,
  GithubFake,
} from '../../clients/github/__testUtils__/githubFake';
import {
  providerFor,
  startGithubFake,
} from '../../clients/github/__testUtils__/startGithubFake';
import { CellRequest, VersionReader } from './VersionReader';

const ENVIRONMENTS = ['dev', 'qa', 'staging', 'prod-eu', 'prod-us'];
const TARBALL = 'repos/download-tarball-archive';

function config(url: string): GitopsPromotionConfig {
  return {
    committer: { name: 'bot', email: 'bot@acme.test' },
    repositories: [
      {
        id: 'hub',
        provider: 'github',
        url,
        defaultBranch: 'main',
        branchHeadTtlMs: 0,
        perService: false,
      },
    ],
    layouts: [
      {
        id: 'helm',
        title: 'helm',
        files: [
          { path: 'envs/{env}/{service}/values.yaml', keys: ['image.tag'] },
        ],
      },
    ],
    defaultLayout: 'helm',
    environments: ENVIRONMENTS.map(name => ({
      name,
      title: name,
      promotesFrom: [],
      repository: 'hub',
      branch: 'main',
      policy: readPolicyConfig(new ConfigReader({}), name),
      autoPromotesFrom: [],
      verification: [],
      rollbackOnFailure: false,
    })),
    autoPromotion: { frequencyMs: 30_000 },
  };
}

/** `services` services x 5 environments, each file with its own version. */
function matrix(services: number) {
  const files: Record<string, string> = {};
  const cells: CellRequest[] = [];
  const expected: Record<string, string> = {};
  for (let s = 0; s < services; s++) {
    const service = `svc-${String(s).padStart(4, '0')}`;
    ENVIRONMENTS.forEach((environment, e) => {
      const version = `1.${s}.${e}`;
      files[
        `envs/${environment}/${service}/values.yaml`
      ] = `# ${service} in ${environment}\nimage:\n  repository: ghcr.io/acme/${service}\n  tag: "${version}"\n`;
      cells.push({ service, environment });
      expected[`${service}/${environment}`] = version;
    });
  }
  return { files, cells, expected };
}

describe('VersionReader over the GitHub provider', () => {
  let fake: GithubFake;

  beforeEach(async () => {
    fake = await startGithubFake();
  });

  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  const readerFor = (options: { bulkReadThreshold?: number } = {}) => {
    // the wiring createRepositories gives a GitHub repository, with fast retries
    const repository = new GitopsRepository('hub', providerFor(fake), {
      maxConcurrentBlobReads: 8,
      ...options,
    });
    return new VersionReader(config(fake.repositoryUrl), () => repository);
  };
  const versions = async (reader: VersionReader, cells: CellRequest[]) =>
    Object.fromEntries(
      (await reader.readVersions(cells)).map(v => [
        `${v.service}/${v.environment}`,
        v.version,
      ]),
    );

  it('reads 2,000 services x 5 environments cold with 1 ref + 1 tree + 1 tarball and no blob request', async () => {
    const { files, cells, expected } = matrix(2000);
    fake.push('main', files);
    const reader = readerFor();

    expect(await versions(reader, cells)).toEqual(expected);

    // the tarball request is answered 302; fetch follows it to codeload,
    // which the fake records as a request of its own (not rate-limited)
    expect(fake.tally()).toEqual({
      'git/get-ref': 1,
      'git/get-tree': 1,
      [TARBALL]: 1,
      [CODELOAD_DOWNLOAD]: 1,
    });
    expect(fake.rateLimitUsed).toBe(3);

    // warm: one 304, nothing else
    fake.resetLog();
    expect(await versions(reader, cells)).toEqual(expected);
    expect(fake.requests.map(r => [r.operationId, r.status])).toEqual([
      ['git/get-ref', 304],
    ]);

    // after a 1-file commit: the new tree and that one blob, no tarball
    const changed = 'envs/prod-eu/svc-0042/values.yaml';
    fake.push('main', {
      [changed]: files[changed].replace('1.42.3', '9.9.9'),
    });
    fake.resetLog();
    expect(await versions(reader, cells)).toEqual({
      ...expected,
      'svc-0042/prod-eu': '9.9.9',
    });
    expect(fake.tally()).toEqual({
      'git/get-ref': 1,
      'git/get-tree': 1,
      'git/get-blob': 1,
    });
  }, 60_000);

  it('reads a few files blob by blob', async () => {
    const { files, cells, expected } = matrix(20); // 100 files: not above the threshold
    fake.push('main', files);

    expect(await versions(readerFor(), cells)).toEqual(expected);

    expect(fake.tally()).toEqual({
      'git/get-ref': 1,
      'git/get-tree': 1,
      'git/get-blob': 100,
    });
  });

  it('reads blob by blob with an infinite threshold', async () => {
    const { files, cells, expected } = matrix(30);
    fake.push('main', files);

    expect(
      await versions(readerFor({ bulkReadThreshold: Infinity }), cells),
    ).toEqual(expected);

    expect(fake.tally()).toEqual({
      'git/get-ref': 1,
      'git/get-tree': 1,
      'git/get-blob': 150,
    });
  });

  it('falls back to blob-by-blob reads when the tarball download keeps failing', async () => {
    const { files, cells, expected } = matrix(30); // 150 files
    fake.push('main', files);
    fake.fail({ operationId: TARBALL, status: 502, times: Infinity });
    const reader = readerFor();

    expect(await versions(reader, cells)).toEqual(expected);

    // the download and its two retries, then every blob
    expect(fake.tally()).toEqual({
      'git/get-ref': 1,
      'git/get-tree': 1,
      [TARBALL]: 3,
      'git/get-blob': 150,
    });

    // bulk reads pause for a while: the next large change is read blob by blob at once
    const bumped = Object.fromEntries(
      Object.entries(files).map(([path, text]) => [
        path,
        text.replace(/tag: "1\./, 'tag: "2.'),
      ]),
    );
    fake.push('main', bumped);
    fake.resetLog();
    const again = await versions(reader, cells);
    expect(again['svc-0007/qa']).toBe('2.7.1');
    expect(fake.tally()).toEqual({
      'git/get-ref': 1,
      'git/get-tree': 1,
      'git/get-blob': 150,
    });
  });

  it('falls back when codeload serves something that is not a tarball', async () => {
    const { files, cells, expected } = matrix(30);
    fake.push('main', files);
    fake.fail({
      operationId: CODELOAD_DOWNLOAD,
      status: 200,
      message: '<html>oops</html>',
    });

    expect(await versions(readerFor(), cells)).toEqual(expected);

    expect(fake.tally()).toEqual({
      'git/get-ref': 1,
      'git/get-tree': 1,
      [TARBALL]: 1,
      [CODELOAD_DOWNLOAD]: 1,
      'git/get-blob': 150,
    });
  });
});
