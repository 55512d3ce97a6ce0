/* eslint-disable no-console */
import { readPolicyConfig } from '../../domain/policy/readPolicyConfig';
import { ConfigReader } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  findImageKeys,
  setYamlValue,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GitopsPromotionConfig } from '../../config/types';
import { runGit } from '../../clients/git/runGit';
import { createRepositories } from '../../clients/repository/createRepositories';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { createGithubProvider } from '../../clients/github';
import {
  CODELOAD_DOWNLOAD,
  GithubFake,
  GRAPHQL,
} from '../../clients/github/__testUtils__/githubFake';
import { TEST_TOKEN } from '../../clients/github/__testUtils__/startGithubFake';
import { LagReader, LagRequest } from '../../domain/environments/LagReader';
import {
  CellRequest,
  CellVersion,
  VersionReader,
} from '../../domain/environments/VersionReader';
import { laggingMatrix } from './laggingMatrix';
import { MATRIX_BENCH_PIPELINE } from './matrixBenchData';

/**
 * `yarn bench:engine`: reading the version of 2,000 services in 5 environments
 * (10,000 values files) through the GitHub provider (against the OpenAPI-checked
 * fake, counting requests) and the git provider (a local bare repository), cold,
 * warm and after one commit; then YAML edit throughput over the reference files.
 * The GitHub provider's cold read is measured twice: as configured (one tarball
 * download) and with bulk reads turned off (one request per blob), for comparison.
 * Then the whole matrix with its lag on GitHub: versions plus the history of
 * every upstream file a cell lags behind, in rate-limited requests by kind,
 * against what reading it cell by cell costs.
 */

const SERVICES = 2000;
const ENVIRONMENTS = ['dev', 'qa', 'staging', 'prod-eu', 'prod-us'];
const reference = path.resolve(__dirname, '../../../../../../shared/reference');

const valuesFile = (
  service: string,
  env: string,
  i: number,
) => `# ${service} in ${env}
replicaCount: ${1 + (i % 4)}

image:
  repository: ghcr.io/acme/${service}
  tag: "1.${i % 50}.${i % 7}" # promoted by Backstage

resources:
  requests:
    cpu: 100m
`;

function benchConfig(
  repository: GitopsPromotionConfig['repositories'][0],
): GitopsPromotionConfig {
  return {
    committer: { name: 'bench', email: 'bench@acme.test' },
    repositories: [repository],
    layouts: [
      {
        id: 'helm-env-dir',
        title: 'helm',
        files: [
          { path: 'envs/{env}/{service}/values.yaml', keys: ['image.tag'] },
        ],
      },
    ],
    defaultLayout: 'helm-env-dir',
    environments: ENVIRONMENTS.map((name, i) => ({
      name,
      title: name,
      promotesFrom: i === 0 ? [] : [ENVIRONMENTS[Math.min(i - 1, 2)]],
      repository: repository.id,
      branch: 'main',
      policy: readPolicyConfig(new ConfigReader({}), name),
      autoPromotesFrom: [],
      verification: [],
      rollbackOnFailure: false,
    })),
    autoPromotion: { frequencyMs: 30_000 },
  };
}

const quietLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => quietLogger,
};

const services = Array.from(
  { length: SERVICES },
  (_, i) => `svc-${String(i).padStart(4, '0')}`,
);
const cells: CellRequest[] = services.flatMap(service =>
  ENVIRONMENTS.map(environment => ({ service, environment })),
);
const files: Record<string, string> = {};
services.forEach((service, i) =>
  ENVIRONMENTS.forEach(env => {
    files[`envs/${env}/${service}/values.yaml`] = valuesFile(service, env, i);
  }),
);

async function timed<T>(fn: () => Promise<T>) {
  const start = performance.now();
  const result = await fn();
  return { result, ms: Math.round(performance.now() - start) };
}

/**
 * The plugin's config for the fake's repository `hub`, and its
 * repositories: createRepositories' own, or, with `repositoryOptions`, the
 * same wiring (8 concurrent blob reads) with those options and the GitHub
 * provider's `requestPolicy`.
 */
function githubBenchRepositories(
  fake: GithubFake,
  repositoryOptions?: { bulkReadThreshold?: number },
  requestPolicy?: { spaceWrites: boolean },
) {
  const config = benchConfig({
    id: 'hub',
    provider: 'github',
    url: fake.repositoryUrl,
    defaultBranch: 'main',
    branchHeadTtlMs: 0,
    perService: false,
  });
  const rootConfig = new ConfigReader({
    integrations: {
      github: [{ host: fake.host, apiBaseUrl: fake.url, token: TEST_TOKEN }],
    },
  });
  if (!repositoryOptions) {
    return {
      config,
      repositories: createRepositories({
        config,
        rootConfig,
        logger: quietLogger,
      }),
    };
  }
  const repository = new GitopsRepository(
    'hub',
    createGithubProvider({
      config: rootConfig,
      repositoryUrl: fake.repositoryUrl,
      logger: quietLogger,
      ...(requestPolicy && { requestPolicy }),
    }),
    { maxConcurrentBlobReads: 8, ...repositoryOptions },
  );
  return { config, repositories: () => repository };
}

async function githubScenario(options: { bulkReads: boolean }) {
  const fake = await GithubFake.start({ token: TEST_TOKEN });
  fake.push('main', files);
  const { config, repositories } = githubBenchRepositories(
    fake,
    // bulk reads off
    options.bulkReads ? undefined : { bulkReadThreshold: Infinity },
  );
  const reader = new VersionReader(config, repositories);
  const rows: string[][] = [];
  const measure = async (label: string) => {
    const before = fake.requests.length;
    const rateBefore = fake.rateLimitUsed;
    const { ms } = await timed(() => reader.readVersions(cells));
    const requests = fake.requests.slice(before);
    const byOp = (op: string) =>
      requests.filter(r => r.operationId === op).length;
    const tarballs = byOp('repos/download-tarball-archive');
    rows.push([
      label,
      String(requests.length),
      String(fake.rateLimitUsed - rateBefore),
      `${byOp('git/get-ref')} ref / ${byOp('git/get-tree')} tree / ${byOp(
        'git/get-blob',
      )} blob / ${tarballs} tarball${
        tarballs ? ` (+${byOp(CODELOAD_DOWNLOAD)} codeload redirect)` : ''
      } / ${byOp('repos/get-content')} contents`,
      `${ms} ms`,
    ]);
  };
  if (!options.bulkReads) {
    await measure('cold, bulk reads off (blob by blob, as before)');
    await fake.close();
    return rows;
  }
  await measure('cold');
  await measure('warm (no change)');
  const changed = 'envs/prod-eu/svc-0042/values.yaml';
  fake.push('main', {
    [changed]: setYamlValue(files[changed], 'image.tag', '9.9.9'),
  });
  await measure('after a 1-file commit');
  await fake.close();
  return rows;
}

/** The lag request of every cell with an upstream, as the matrix makes them. */
function lagRequests(
  config: GitopsPromotionConfig,
  versions: CellVersion[],
): LagRequest[] {
  const byCell = new Map(
    versions.map(v => [`${v.service}\0${v.environment}`, v]),
  );
  return versions.flatMap(cell => {
    const [upstream] = config.environments.find(
      e => e.name === cell.environment,
    )!.promotesFrom;
    const above = upstream && byCell.get(`${cell.service}\0${upstream}`);
    if (!above || !above.commitSha) return [];
    return [
      {
        service: cell.service,
        upstream,
        upstreamVersion: above.version,
        upstreamCommitSha: above.commitSha,
        version: cell.version,
      },
    ];
  });
}

/**
 * The matrix with lag on GitHub, wired as in production (createRepositories,
 * default request policy): every cell's version (VersionReader) and the lag
 * of every cell behind its upstream from the upstream file's history
 * (LagReader), cold then warm. Requests are counted by the fake. With
 * `spaceWrites: false` only cold is measured: @octokit/plugin-throttling
 * spaces every POST, GraphQL queries too, a second apart by default.
 */
async function githubMatrixWithLag(options: { spaceWrites: boolean }) {
  const data = laggingMatrix(services, MATRIX_BENCH_PIPELINE);
  const fake = await GithubFake.start({ token: TEST_TOKEN });
  for (const commit of data.commits) {
    fake.push('main', commit.files, { message: commit.message });
  }
  const { config, repositories } = githubBenchRepositories(
    fake,
    options.spaceWrites ? undefined : {},
    { spaceWrites: false },
  );
  const versions = new VersionReader(config, repositories);
  const lags = new LagReader({ config, repositories });
  const baseline = cells.length + data.behindCells;
  const rows: string[][] = [];
  let behindReported = 0;
  const measure = async (label: string) => {
    const before = fake.requests.length;
    const { result, ms } = await timed(async () =>
      lags.lags(lagRequests(config, await versions.readVersions(cells))),
    );
    behindReported = result.filter(l => (l.versionsBehind ?? 0) > 0).length;
    const requests = fake.requests.slice(before);
    const count = (keep: (r: (typeof requests)[0]) => boolean) =>
      requests.filter(keep).length;
    const graphql = count(r => r.operationId === GRAPHQL);
    const conditional = count(r => r.status === 304);
    const rest = count(
      r =>
        r.status !== 304 &&
        r.operationId !== GRAPHQL &&
        r.operationId !== CODELOAD_DOWNLOAD,
    );
    rows.push([
      label,
      String(rest),
      String(graphql),
      String(rest + graphql),
      String(conditional),
      String(count(r => r.operationId === CODELOAD_DOWNLOAD)),
      rest + graphql ? `${Math.round(baseline / (rest + graphql))}x` : '-',
      `${ms} ms`,
    ]);
  };
  if (options.spaceWrites) {
    await measure('cold');
    await measure('warm (no change)');
  } else {
    await measure('cold, requests not spaced (spaceWrites: false)');
  }
  await fake.close();
  return { data, baseline, behindReported, rows };
}

async function gitScenario() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-git-'));
  const work = path.join(dir, 'work');
  await fs.mkdir(work);
  await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: work });
  for (const [file, text] of Object.entries(files)) {
    await fs.mkdir(path.join(work, path.dirname(file)), { recursive: true });
    await fs.writeFile(path.join(work, file), text);
  }
  const identity = {
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@acme.test',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@acme.test',
  };
  await runGit(['add', '--all'], { cwd: work });
  await runGit(['commit', '--quiet', '-m', 'seed'], {
    cwd: work,
    env: identity,
  });
  const bare = path.join(dir, 'repo.git');
  await runGit(['clone', '--quiet', '--bare', work, bare], { cwd: dir });

  const config = {
    ...benchConfig({
      id: 'local',
      provider: 'git',
      url: bare,
      defaultBranch: 'main',
      branchHeadTtlMs: 0,
      perService: false,
    }),
    workingDirectory: path.join(dir, 'cache'),
  };
  const reader = new VersionReader(
    config,
    createRepositories({
      config,
      rootConfig: new ConfigReader({}),
      logger: quietLogger,
    }),
  );
  const rows: string[][] = [];
  const measure = async (label: string) => {
    const { ms } = await timed(() => reader.readVersions(cells));
    rows.push([label, '1 ls-remote (+1 fetch when moved)', `${ms} ms`]);
  };
  await measure('cold');
  await measure('warm (no change)');
  const changed = 'envs/prod-eu/svc-0042/values.yaml';
  await fs.writeFile(
    path.join(work, changed),
    setYamlValue(files[changed], 'image.tag', '9.9.9'),
  );
  await runGit(['commit', '--quiet', '-am', 'bump'], {
    cwd: work,
    env: identity,
  });
  await runGit(['push', '--quiet', bare, 'main'], { cwd: work });
  await measure('after a 1-file commit');
  await fs.rm(dir, { recursive: true, force: true });
  return rows;
}

async function editThroughput() {
  const texts: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/\.ya?ml$/.test(entry.name))
        texts.push(await fs.readFile(full, 'utf8'));
    }
  };
  await walk(path.join(reference, 'gitops-layouts'));
  const edits = texts.flatMap(text =>
    findImageKeys(text).map(key => ({ text, key })),
  );
  let done = 0;
  let bytes = 0;
  const start = performance.now();
  for (let round = 0; round < 5; round++) {
    for (const { text, key } of edits) {
      try {
        setYamlValue(text, key, `${round}.0.0-bench`);
        done++;
        bytes += text.length;
      } catch {
        // aliased values are refused by design; they are not counted
      }
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return { files: texts.length, done, seconds, bytes };
}

async function main() {
  console.log(
    `GitOps repository engine: ${SERVICES} services x ${ENVIRONMENTS.length} environments = ${cells.length} cells\n`,
  );
  const github = [
    ...(await githubScenario({ bulkReads: true })),
    ...(await githubScenario({ bulkReads: false })),
  ];
  console.log(
    'GitHub provider (requests counted by the OpenAPI-checked fake; the codeload download a tarball redirects to is counted as a request but not against the rate limit)',
  );
  console.log(
    '| read | requests | counted against rate limit | by kind | time |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  github.forEach(r => console.log(`| ${r.join(' | ')} |`));
  const lag = await githubMatrixWithLag({ spaceWrites: true });
  const unspaced = await githubMatrixWithLag({ spaceWrites: false });
  console.log(
    `\nGitHub provider, the matrix with lag: ${cells.length} cells, ${lag.data.behindCells} behind their upstream (lag reported for ${lag.behindReported}), the histories of ${lag.data.upstreamFiles} upstream files read (${lag.data.commits.length} commits). Per-cell baseline: one contents request per cell + one commits listing per behind cell = ${lag.baseline} rate-limited requests`,
  );
  console.log(
    '| read | REST (rate-limited) | GraphQL | rate-limited total | conditional 304 (free) | codeload (not rate-limited) | baseline / rate-limited | time |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  [...lag.rows, ...unspaced.rows].forEach(r =>
    console.log(`| ${r.join(' | ')} |`),
  );
  const git = await gitScenario();
  console.log('\nGit provider (local bare repository, git CLI)');
  console.log('| read | remote round trips | time |');
  console.log('| --- | --- | --- |');
  git.forEach(r => console.log(`| ${r.join(' | ')} |`));
  const edit = await editThroughput();
  console.log(
    `\nYAML edits (setYamlValue) over ${edit.files} reference files: ${
      edit.done
    } edits in ${edit.seconds.toFixed(2)} s = ${Math.round(
      edit.done / edit.seconds,
    )} edits/s (${(edit.bytes / 1024 / 1024 / edit.seconds).toFixed(
      1,
    )} MB/s of YAML)`,
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
