/* eslint-disable no-console */
import { Entity } from '@backstage/catalog-model';
import childProcess, { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceCatalog } from '../../clients/catalog/ServiceCatalog';
import { runGit } from '../../clients/git/runGit';
import { LagReader } from '../../domain/environments/LagReader';
import { VersionReader } from '../../domain/environments/VersionReader';
import { testConfig, withRelations } from '../promotionBackend';
import {
  fetchMatrix,
  gitSubcommand,
  startBenchBackend,
  timeMethod,
} from './benchBackend';
import {
  describeStages,
  fmtMs,
  medianP95,
  percentile,
} from './runMatrixBenchmark';

/**
 * `yarn bench:per-service`: GET /api/gitops-promotion/matrix over a
 * repository per service (the repository url holds `{service}`): 500
 * services, each with its own bare git repository on local disk
 * (`envs/{dev,staging,prod}/values.yaml`, a handful of commits of history),
 * 500 catalog components, environments dev → staging → prod, no Argo CD
 * (the `argocd` section is removed: statuses are `not-configured`), the
 * default branch head cache (2 s).
 *
 * - cold: a fresh backend with an empty git cache, first request
 * - warm: the same backend immediately again (within the head cache)
 * - warm, heads expired: after waiting out the head cache (2 s)
 * - after a 1-file commit in one service's repository, heads expired
 *
 * Upstream calls are the git processes the plugin starts (its caches live
 * under the working directory), by subcommand.
 *
 * Run: `node --require @backstage/cli-node/config/nodeTransform.cjs <this file>`
 * (generates its data in a temporary directory). Smaller runs while working
 * on it: PER_SERVICE_BENCH_SERVICES=50 PER_SERVICE_BENCH_ROUNDS=2.
 */

const REPOSITORY_ID = 'delivery';
const KEY = 'springboot-app.image.tag';
/** dev → staging → prod */
const PIPELINE = [
  { name: 'dev', upstream: undefined },
  { name: 'staging', upstream: 'dev' },
  { name: 'prod', upstream: 'staging' },
] as const;
type Env = (typeof PIPELINE)[number]['name'];
/** The default `branchHeadCache` of a repository. */
const HEAD_TTL_MS = 2000;
/** A cold run longer than this ends the cold runs (and says so). */
const COLD_LIMIT_MS = 5 * 60_000;
/** No further cold run starts once the cold runs took this long together. */
const COLD_BUDGET_MS = 3 * 60_000;
const GENERATE_CONCURRENCY = 16;
/** gitopsPromotion LagReader: the upstream file's history read for lag. */
const HISTORY_FOR_LAG = 30;

const env = (name: string) =>
  process.env[name] ? Number(process.env[name]) : undefined;

/** What one service's repository holds, as generated. */
interface ServiceData {
  name: string;
  bare: string;
  commits: number;
  /** Current version per environment. */
  versions: Record<Env, string>;
  /** Every version each environment's file had, oldest first (one per commit changing it). */
  changes: Record<Env, string[]>;
}

interface BenchData {
  dir: string;
  services: ServiceData[];
  entities: Entity[];
  commits: number;
  generationMs: number;
}

const valuesFile = (service: string, tag: string) =>
  `springboot-app:\n  image:\n    repository: ghcr.io/acme/${service}\n    tag: "${tag}"\n`;

const valuesPath = (envName: string) => `envs/${envName}/values.yaml`;

const fastImportData = (text: string) =>
  `data ${Buffer.byteLength(text)}\n${text}\n`;

/**
 * The history of service `i`: an import with every environment at the same
 * version, then 3-7 one-file commits (a dev release, or a promotion of the
 * upstream's version), so some environments end up behind their upstream.
 */
function planService(i: number) {
  const name = `svc-${String(i).padStart(4, '0')}`;
  const major = 1 + (i % 5);
  const minor = i % 10;
  let patch = 0;
  const tag = () => `${major}.${minor}.${patch}`;
  const versions: Record<Env, string> = {
    dev: tag(),
    staging: tag(),
    prod: tag(),
  };
  const changes: Record<Env, string[]> = {
    dev: [tag()],
    staging: [tag()],
    prod: [tag()],
  };
  const commits: Array<{ message: string; files: Array<[Env, string]> }> = [
    {
      message: `Import ${name}`,
      files: PIPELINE.map(e => [e.name, tag()]),
    },
  ];
  const steps: Env[] = [
    'dev',
    'staging',
    'dev',
    'prod',
    'dev',
    'dev',
    'staging',
  ];
  for (const step of steps.slice(0, 3 + (i % 5))) {
    if (step === 'dev') patch++;
    const version =
      step === 'dev'
        ? tag()
        : versions[PIPELINE.find(e => e.name === step)!.upstream!];
    if (version === versions[step]) continue;
    versions[step] = version;
    changes[step].push(version);
    commits.push({
      message:
        step === 'dev'
          ? `Release ${name} ${version} to dev`
          : `Promote ${name} ${version} to ${step}`,
      files: [[step, version]],
    });
  }
  return { name, versions, changes, commits };
}

/** A fast-import stream of commits on main (each commit continues the previous one). */
function fastImportStream(
  service: string,
  commits: Array<{ message: string; files: Array<[string, string]> }>,
  startSeconds: number,
) {
  return `${commits
    .map(
      (commit, n) =>
        `commit refs/heads/main\ncommitter Bench <bench@acme.test> ${
          startSeconds + n * 3600
        } +0000\n${fastImportData(commit.message)}${commit.files
          .map(
            ([envName, tag]) =>
              `M 100644 inline ${valuesPath(envName)}\n${fastImportData(
                valuesFile(service, tag),
              )}`,
          )
          .join('')}\n`,
    )
    .join('')}done\n`;
}

/** Runs `task` over `items`, `concurrency` at a time. */
async function pool<T>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        await task(items[next++]);
      }
    }),
  );
}

function component(service: string, i: number): Entity {
  const owners = ['team-checkout', 'team-storefront', 'team-fulfilment'];
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: service,
      namespace: 'default',
      description: 'Generated for yarn bench:per-service',
      annotations: { 'gitops-promotion/service': service },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: `group:default/${owners[i % owners.length]}`,
    },
  };
}

/** One bare repository per service under `dir`: `<service>-delivery.git`. */
async function generateData(dir: string, count: number): Promise<BenchData> {
  const started = performance.now();
  const startSeconds = Math.floor(Date.now() / 1000) - 30 * 24 * 3600;
  const services: ServiceData[] = [];
  const plans = Array.from({ length: count }, (_, i) => planService(i));
  await pool(plans, GENERATE_CONCURRENCY, async plan => {
    const bare = path.join(dir, `${plan.name}-delivery.git`);
    await runGit(['init', '--quiet', '--bare', '--initial-branch=main', bare], {
      cwd: dir,
    });
    await runGit(['fast-import', '--quiet', '--done'], {
      cwd: bare,
      input: fastImportStream(plan.name, plan.commits, startSeconds),
    });
    services.push({
      name: plan.name,
      bare,
      commits: plan.commits.length,
      versions: plan.versions,
      changes: plan.changes,
    });
  });
  services.sort((a, b) => a.name.localeCompare(b.name));
  return {
    dir,
    services,
    entities: services.map((s, i) => withRelations(component(s.name, i))),
    commits: services.reduce((sum, s) => sum + s.commits, 0),
    generationMs: performance.now() - started,
  };
}

/**
 * Lands one commit on `main` of a service's bare repository that changes
 * one file: the service's version in `envName` becomes `tag`.
 */
async function commitOneFile(
  service: ServiceData,
  envName: Env,
  tag: string,
): Promise<void> {
  const who = `CI <ci@acme.test> ${Math.floor(Date.now() / 1000)} +0000`;
  await runGit(['fast-import', '--quiet', '--done'], {
    cwd: service.bare,
    input: `commit refs/heads/main\ncommitter ${who}\n${fastImportData(
      `Release ${service.name} ${tag} to ${envName}`,
    )}from refs/heads/main^0\nM 100644 inline ${valuesPath(
      envName,
    )}\n${fastImportData(valuesFile(service.name, tag))}\ndone\n`,
  });
  service.versions[envName] = tag;
  service.changes[envName].push(tag);
}

/** The lag the plugin should report (LagReader's rule over the generated history). */
function expectedVersionsBehind(
  service: ServiceData,
  envName: Env,
): number | undefined {
  const upstream = PIPELINE.find(e => e.name === envName)?.upstream;
  if (!upstream) return undefined;
  const version = service.versions[envName];
  if (version === service.versions[upstream]) return 0;
  const changes = service.changes[upstream];
  // Newest first; each entry changed the file from the previous version.
  const history = changes
    .map((to, n) => ({ to, from: n > 0 ? changes[n - 1] : undefined }))
    .reverse()
    .slice(0, HISTORY_FOR_LAG);
  const index = history.findIndex(h => h.to === version);
  if (index < 0) return undefined;
  return new Set(
    history
      .slice(0, index)
      .filter(h => h.to !== h.from)
      .map(h => h.to),
  ).size;
}

interface Sample {
  ms: number;
  bytes: number;
  /** git processes the plugin started, by subcommand */
  gitProcesses: Record<string, number>;
  /** Most git processes of the plugin running at once. */
  peakConcurrent: number;
  /** Wall time of each stage (they overlap). */
  stages: Record<string, number>;
  /** process.memoryUsage().rss right after the response, in bytes. */
  rss: number;
}

/** Counts the git processes the plugin starts, and times its stages. */
class Meter {
  gitProcesses: Record<string, number> = {};
  stages: Record<string, number> = {};
  running = 0;
  peak = 0;
  private restore: Array<() => void> = [];

  install(gitRoot: string) {
    const started = (subcommand: string) => {
      this.gitProcesses[subcommand] = (this.gitProcesses[subcommand] ?? 0) + 1;
      this.running++;
      this.peak = Math.max(this.peak, this.running);
    };
    const exited = () => {
      this.running--;
    };
    const addTime = (label: string, ms: number) => {
      this.stages[label] = (this.stages[label] ?? 0) + ms;
    };
    const cp = childProcess as unknown as Record<string, Function>;
    for (const name of ['execFile', 'spawn']) {
      const original = cp[name];
      cp[name] = function counted(this: unknown, ...args: any[]) {
        const [file, argv, options] = args;
        const isCounted =
          file === 'git' &&
          Array.isArray(argv) &&
          String(options?.cwd ?? '').startsWith(gitRoot);
        const child: ChildProcess = original.apply(this, args);
        if (isCounted) {
          // `git -c <name>=<value> <subcommand>`: count the subcommand.
          started(gitSubcommand(argv));
          child.once('exit', exited);
        }
        return child;
      };
      this.restore.push(() => {
        cp[name] = original;
      });
    }
    const stage = (label: string, prototype: any, method: string) =>
      this.restore.push(
        timeMethod(prototype, method, ms => addTime(label, ms)),
      );
    stage('catalog', ServiceCatalog.prototype, 'findServices');
    stage('git versions', VersionReader.prototype, 'readVersions');
    stage('lag (git history)', LagReader.prototype, 'lags');
  }

  reset() {
    this.gitProcesses = {};
    this.stages = {};
    this.peak = this.running;
  }

  uninstall() {
    this.restore.reverse().forEach(r => r());
    this.restore = [];
  }
}

async function startBench(data: BenchData, workingDirectory: string) {
  const config = testConfig({
    repository: '',
    argocdUrl: 'http://127.0.0.1:9',
    workingDirectory,
    mutate: section => {
      // No Argo CD: the plugin reads versions and lag from git only.
      delete section.argocd;
      section.repositories = [
        {
          id: REPOSITORY_ID,
          provider: 'git',
          url: path.join(data.dir, '{service}-delivery.git'),
          // branchHeadCache: the default (2 s)
        },
      ];
      section.layouts = [
        {
          id: 'delivery',
          files: [{ path: 'envs/{env}/values.yaml', keys: [KEY] }],
        },
      ];
      section.defaultLayout = 'delivery';
      section.environments = PIPELINE.map(e => ({
        name: e.name,
        ...(e.upstream ? { promotesFrom: [e.upstream] } : {}),
        repository: REPOSITORY_ID,
        gate: { requireSynced: false, requireHealthy: false },
      }));
    },
  });
  return startBenchBackend(config, data.entities);
}

async function refresh(
  url: string,
  meter: Meter,
): Promise<{ sample: Sample; body: any }> {
  meter.reset();
  const { ms, text } = await fetchMatrix(url);
  return {
    sample: {
      ms,
      bytes: Buffer.byteLength(text),
      gitProcesses: { ...meter.gitProcesses },
      peakConcurrent: meter.peak,
      stages: { ...meter.stages },
      rss: process.memoryUsage().rss,
    },
    body: JSON.parse(text),
  };
}

/**
 * Compares a response with the generated data: every service, 3 cells each,
 * the versions and the lag as generated. Returns the problems found.
 */
function checkResponse(body: any, data: BenchData): string[] {
  const problems: string[] = [];
  const services: any[] = body.services ?? [];
  if (services.length !== data.services.length) {
    problems.push(
      `${services.length} services in the response, ${data.services.length} generated`,
    );
  }
  const byName = new Map(services.map(s => [s.service, s]));
  let versionMismatches = 0;
  let lagMismatches = 0;
  for (const expected of data.services) {
    const service = byName.get(expected.name);
    if (!service) {
      if (problems.length < 20) problems.push(`${expected.name} is missing`);
      continue;
    }
    const cells: any[] = service.cells ?? [];
    if (cells.length !== PIPELINE.length) {
      problems.push(`${expected.name}: ${cells.length} cells, expected 3`);
      continue;
    }
    const columns: string[] = body.environments.map((e: any) => e.name);
    for (const [ei, { name }] of PIPELINE.entries()) {
      // a cell is at its environment's position
      const cell = cells[ei];
      if (columns[ei] !== name) {
        problems.push(`column ${ei} is ${columns[ei]}, expected ${name}`);
        continue;
      }
      if (cell.version !== expected.versions[name]) {
        versionMismatches++;
        if (versionMismatches <= 5) {
          problems.push(
            `${expected.name} in ${name}: version ${cell.version}, generated ${expected.versions[name]}`,
          );
        }
      }
      const behind = expectedVersionsBehind(expected, name);
      if (cell.lag?.versionsBehind !== behind) {
        lagMismatches++;
        if (lagMismatches <= 5) {
          problems.push(
            `${expected.name} in ${name}: ${cell.lag?.versionsBehind} versions behind, expected ${behind}`,
          );
        }
      }
    }
  }
  if (versionMismatches > 5) {
    problems.push(`... ${versionMismatches} version mismatches in all`);
  }
  if (lagMismatches > 5) {
    problems.push(`... ${lagMismatches} lag mismatches in all`);
  }
  return problems;
}

function totalProcesses(s: Sample) {
  return Object.values(s.gitProcesses).reduce((a, b) => a + b, 0);
}

function describeProcesses(samples: Sample[]): string {
  if (samples.length === 0) return '-';
  const typical = (pick: (s: Sample) => number) =>
    percentile(samples.map(pick), 0.5);
  const names = new Set(samples.flatMap(s => Object.keys(s.gitProcesses)));
  const processes = [...names]
    .sort()
    .map(n => `${typical(s => s.gitProcesses[n] ?? 0)} ${n}`)
    .filter(t => !t.startsWith('0 '))
    .join(', ');
  return `${typical(totalProcesses)}${processes ? ` (${processes})` : ''}`;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface Results {
  services: number;
  commits: number;
  generationMs: number;
  rssBeforeCold: number;
  rssAfterCold: number;
  cold: Sample[];
  /** The request right after the (last) cold one. */
  afterCold: Sample[];
  warm: Sample[];
  warmExpired: Sample[];
  afterCommit: Sample[];
  problems: string[];
  /** The committed service's cell as the response after the commit showed it. */
  afterCommitCheck: string[];
  probe: string[];
  unhandled: Record<string, number>;
}

function formatResults(r: Results): string {
  const rows: Array<[string, Sample[]]> = [
    ['cold (fresh backend, empty git caches)', r.cold],
    [
      'right after the cold request (the heads it read are older than 2 s by then)',
      r.afterCold,
    ],
    ['warm (immediately after a refresh, within the 2 s head cache)', r.warm],
    ['warm, heads expired (> 2 s later)', r.warmExpired],
    ['after a 1-file commit in one service, heads expired', r.afterCommit],
  ];
  return [
    `GET /api/gitops-promotion/matrix, ${r.services} services x ${
      PIPELINE.length
    } environments = ${
      r.services * PIPELINE.length
    } cells; a repository per service (${r.services} bare repositories, ${
      r.commits
    } commits in all, generated in ${fmtMs(r.generationMs)}); no Argo CD`,
    '',
    '| refresh | runs | p50 / p95 | response | git processes per refresh (median, by subcommand) | most at once |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      ([label, samples]) =>
        `| ${label} | ${samples.length} | ${
          samples.length ? medianP95(samples.map(s => s.ms)) : '-'
        } | ${
          samples.length
            ? `${(
                percentile(
                  samples.map(s => s.bytes),
                  0.5,
                ) / 1024
              ).toFixed(0)} KB`
            : '-'
        } | ${describeProcesses(samples)} | ${
          samples.length
            ? percentile(
                samples.map(s => s.peakConcurrent),
                0.5,
              )
            : '-'
        } |`,
    ),
    '',
    'Where the time goes (median wall time per stage; stages overlap):',
    ...rows.map(([label, samples]) => `- ${label}: ${describeStages(samples)}`),
    '',
    `Process RSS: ${mb(r.rssBeforeCold)} before the first cold request, ${mb(
      r.rssAfterCold,
    )} after it.`,
    `Per cold run: ${r.cold
      .map(
        s =>
          `${fmtMs(s.ms)} / ${totalProcesses(s)} git processes / RSS ${mb(
            s.rss,
          )}`,
      )
      .join('; ')}`,
    `Per warm sample (git processes): ${r.warm
      .map(s => `${fmtMs(s.ms)} / ${totalProcesses(s)}`)
      .join('; ')}`,
    `Check of the first response: ${
      r.problems.length ? r.problems.join('; ') : 'OK'
    }`,
    `After each commit: ${r.afterCommitCheck.join('; ')}`,
    ...r.probe.map(p => `Probe: ${p}`),
    ...Object.entries(r.unhandled).map(
      ([message, count]) =>
        `Unhandled rejection / uncaught error x${count}: ${message}`,
    ),
  ].join('\n');
}

async function runBenchmark(
  data: BenchData,
  options: { coldRuns: number; rounds: number },
): Promise<Results> {
  const scratch = await fs.mkdtemp(
    path.join(os.tmpdir(), 'per-service-bench-'),
  );
  const meter = new Meter();
  meter.install(scratch);
  const results: Results = {
    services: data.services.length,
    commits: data.commits,
    generationMs: data.generationMs,
    rssBeforeCold: process.memoryUsage().rss,
    rssAfterCold: 0,
    cold: [],
    afterCold: [],
    warm: [],
    warmExpired: [],
    afterCommit: [],
    problems: [],
    afterCommitCheck: [],
    probe: [],
    unhandled: {},
  };
  // A rejection nobody handles would end the process: count it instead.
  const onUnhandled = (error: unknown) => {
    const key = String(
      error instanceof Error ? `${error.name}: ${error.message}` : error,
    ).slice(0, 200);
    results.unhandled[key] = (results.unhandled[key] ?? 0) + 1;
    console.log(`  unhandled: ${key}`);
  };
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  let running: Awaited<ReturnType<typeof startBench>> | undefined;
  const coldStarted = performance.now();
  try {
    for (let run = 1; run <= options.coldRuns; run++) {
      if (running) await running.backend.stop();
      running = await startBench(data, path.join(scratch, `cache-${run}`));
      const { sample, body } = await refresh(running.url, meter);
      results.cold.push(sample);
      console.log(
        `  cold ${run}/${options.coldRuns}: ${fmtMs(
          sample.ms,
        )}, ${totalProcesses(sample)} git processes, RSS ${mb(sample.rss)}`,
      );
      if (run === 1) {
        results.rssAfterCold = sample.rss;
        results.problems = checkResponse(body, data);
        if (results.problems.length) {
          console.error(
            `CHECK FAILED: the first response does not show the generated data:\n  ${results.problems.join(
              '\n  ',
            )}`,
          );
        }
      }
      const spent = performance.now() - coldStarted;
      if (sample.ms > COLD_LIMIT_MS) {
        console.log(`  (stopping cold runs: one took over 5 minutes)`);
        break;
      }
      if (run < options.coldRuns && spent + sample.ms > COLD_BUDGET_MS) {
        console.log(
          `  (stopping cold runs: over the ${fmtMs(COLD_BUDGET_MS)} budget)`,
        );
        break;
      }
    }
    const { url } = running!;
    const again = (await refresh(url, meter)).sample;
    results.afterCold.push(again);
    console.log(
      `  right after the cold request: ${fmtMs(again.ms)}, ${totalProcesses(
        again,
      )} git processes`,
    );
    for (let round = 1; round <= options.rounds; round++) {
      // Immediately after the previous request.
      results.warm.push((await refresh(url, meter)).sample);
      await sleep(HEAD_TTL_MS + 200);
      results.warmExpired.push((await refresh(url, meter)).sample);
      // A new version of one service in dev: one file of its repository changes.
      const service = data.services[(round * 97) % data.services.length];
      const tag = `9.0.${round}`;
      await commitOneFile(service, 'dev', tag);
      await sleep(HEAD_TTL_MS + 200);
      const { sample, body } = await refresh(url, meter);
      results.afterCommit.push(sample);
      const row = (body.services ?? []).find(
        (s: any) => s.service === service.name,
      );
      const dev = row?.cells?.[0];
      const staging = row?.cells?.[1];
      const ok =
        dev?.version === tag &&
        staging?.lag?.versionsBehind ===
          expectedVersionsBehind(service, 'staging');
      results.afterCommitCheck.push(
        `${service.name} dev ${dev?.version} (expected ${tag}), staging ${
          staging?.lag?.versionsBehind
        } behind (expected ${expectedVersionsBehind(service, 'staging')})${
          ok ? ' OK' : ' MISMATCH'
        }`,
      );
      console.log(
        `  round ${round}/${options.rounds}: warm ${fmtMs(
          results.warm[round - 1].ms,
        )}, heads expired ${fmtMs(
          results.warmExpired[round - 1].ms,
        )}, after a commit ${fmtMs(sample.ms)}${ok ? '' : ' (MISMATCH)'}`,
      );
    }
    // Not part of the figures: one service's repository unreachable.
    const missing = data.services[1];
    const moved = `${missing.bare}.moved`;
    await fs.rename(missing.bare, moved);
    try {
      await sleep(HEAD_TTL_MS + 200);
      const before = Object.values(results.unhandled).reduce(
        (a, b) => a + b,
        0,
      );
      const answer = await fetchMatrix(url).then(
        ({ ms, text }) => `200 in ${fmtMs(ms)}: ${text.slice(0, 300)}`,
        (error: Error) => error.message.slice(0, 300),
      );
      await sleep(500);
      const after = Object.values(results.unhandled).reduce((a, b) => a + b, 0);
      results.probe.push(
        `with ${missing.name}'s repository missing (the ${
          data.services.length - 1
        } others fine) GET /matrix answered ${answer}; ${
          after - before
        } unhandled rejection(s)`,
      );
    } finally {
      await fs.rename(moved, missing.bare);
    }
  } finally {
    meter.uninstall();
    await running?.backend.stop();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    await fs.rm(scratch, { recursive: true, force: true });
  }
  return results;
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'per-service-data-'));
  try {
    const count = env('PER_SERVICE_BENCH_SERVICES') ?? 500;
    console.log(`Generating ${count} repositories ...`);
    const data = await generateData(dir, count);
    console.log(
      `  ${data.services.length} bare repositories, ${
        data.commits
      } commits, in ${fmtMs(data.generationMs)}`,
    );
    const results = await runBenchmark(data, {
      coldRuns: env('PER_SERVICE_BENCH_COLD_RUNS') ?? 5,
      rounds: env('PER_SERVICE_BENCH_ROUNDS') ?? 5,
    });
    console.log(`\n${formatResults(results)}`);
    if (results.problems.length) {
      throw new Error(
        `The first response does not show the generated data: ${results.problems.join(
          '; ',
        )}`,
      );
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  // Exits explicitly: keep-alive sockets of the stopped test backend would hold the process.
  main()
    .then(() => process.exit(0))
    .catch(error => {
      console.error(error);
      process.exit(1);
    });
}
