/* eslint-disable no-console */
import {
  ArgoCdDevServer,
  createArgoCdDevServer,
} from '@internal/argocd-dev-server';
import childProcess from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ArgoCdClient } from '../../clients/argocd';
import { ServiceCatalog } from '../../clients/catalog/ServiceCatalog';
import { PromotionStore } from '../../domain/ledger';
import { GitCliProvider } from '../../clients/git/GitCliProvider';
import { VersionReader } from '../../domain/environments/VersionReader';
import { testConfig, withRelations } from '../promotionBackend';
import { fetchMatrix, startBenchBackend, timeMethod } from './benchBackend';
import {
  commitOneFile,
  generateMatrixBenchData,
  matrixBenchEnvironments,
  MatrixBenchData,
  MATRIX_BENCH_PIPELINE,
  prepareGitCacheWithCommitGraph,
} from './matrixBenchData';

/**
 * The backend half of `yarn bench:matrix`: GET /api/gitops-promotion/matrix
 * for 2,000 services x 5 environments on the plugin in a test backend (the
 * catalog mocked in memory with the 2,000 components, the git provider on
 * the generated bare repository, the Argo CD stand-in serving the 10,000
 * applications), counting what each refresh costs upstream.
 *
 * - cold: a fresh backend with an empty git cache and Argo CD cache, first request
 * - warm: the same backend again, Argo CD's list still cached (within cacheTtlSeconds)
 * - warm, Argo CD list expired: after waiting out cacheTtlSeconds (default 10 s)
 * - after a 1-file commit: a commit changing one values file landed, list expired too
 *
 * Run alone: `node --require @backstage/cli-node/config/nodeTransform.cjs <this file>`
 * (generates its data in a temporary directory); `yarn bench:matrix` runs it
 * with the page half (scripts/bench/runMatrixBenchmark.ts).
 */

const REPOSITORY_ID = 'acme-gitops';
const ARGOCD_INSTANCE = 'local';
const ARGOCD_TOKEN = 'bench-argocd-token';
/** gitopsPromotion.argocd.instances[].cacheTtlSeconds default */
const ARGOCD_TTL_MS = 10_000;

export interface Sample {
  ms: number;
  bytes: number;
  /** GitCliProvider calls: getBranchHead, listFiles, readBlob, fileHistory, fileHistories */
  provider: Record<string, number>;
  /** git processes the plugin started, by subcommand */
  gitProcesses: Record<string, number>;
  argocdRequests: number;
  /** Wall time of each stage (they overlap). */
  stages: Record<string, number>;
}

export interface MatrixBackendResults {
  services: number;
  environments: number;
  cells: number;
  commits: number;
  behindCells: number;
  /** What the first response said about lag, checked against the generator. */
  check: {
    services: number;
    behindReported: number;
    lagMatches: number;
    lagReported: number;
  };
  cold: Sample[];
  /** Cold, but the git cache already fetched and with a commit-graph (what-if). */
  coldCommitGraph: Sample[];
  warm: Sample[];
  warmExpired: Sample[];
  afterCommit: Sample[];
  /** Errors thrown outside any request (e.g. EPIPE writing to a git process), by message. */
  uncaught: Record<string, number>;
}

/** Counts what the plugin asks of git, and how long its stages take. */
class Meter {
  provider: Record<string, number> = {};
  gitProcesses: Record<string, number> = {};
  stages: Record<string, number> = {};
  private gitRoot = '\0';
  private restore: Array<() => void> = [];

  install(gitRoot: string) {
    this.gitRoot = gitRoot;
    const isCounted = (file: unknown, argv: unknown, options: any) =>
      file === 'git' &&
      Array.isArray(argv) &&
      String(options?.cwd ?? '').startsWith(this.gitRoot);
    const count = (counts: 'gitProcesses' | 'provider', name: string) => {
      this[counts][name] = (this[counts][name] ?? 0) + 1;
    };
    const addTime = (label: string, ms: number) => {
      this.stages[label] = (this.stages[label] ?? 0) + ms;
    };
    const cp = childProcess as unknown as Record<string, Function>;
    for (const name of ['execFile', 'spawn']) {
      const original = cp[name];
      cp[name] = function counted(this: unknown, ...args: any[]) {
        const [file, argv, options] = args;
        if (isCounted(file, argv, options)) {
          // `git -c <name>=<value> <subcommand>`: count the subcommand.
          count('gitProcesses', argv[0] === '-c' ? argv[2] : argv[0]);
        }
        return original.apply(this, args);
      };
      this.restore.push(() => {
        cp[name] = original;
      });
    }
    const proto = GitCliProvider.prototype as unknown as Record<
      string,
      Function
    >;
    for (const name of [
      'getBranchHead',
      'listFiles',
      'readBlob',
      'fileHistory',
      'fileHistories',
    ]) {
      const original = proto[name];
      proto[name] = function counted(this: unknown, ...args: unknown[]) {
        count('provider', name);
        return original.apply(this, args);
      };
      this.restore.push(() => {
        proto[name] = original;
      });
    }
    const stage = (label: string, prototype: any, method: string) =>
      this.restore.push(
        timeMethod(prototype, method, ms => addTime(label, ms)),
      );
    stage('catalog', ServiceCatalog.prototype as any, 'findServices');
    stage('git versions', VersionReader.prototype as any, 'readVersions');
    stage('argocd', ArgoCdClient.prototype as any, 'getStatuses');
    stage('ledger', PromotionStore.prototype as any, 'list');
    try {
      // The lag reader of the matrix, where present.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { LagReader } = require('../../domain/environments/LagReader');
      if (LagReader) stage('lag (git history)', LagReader.prototype, 'lags');
    } catch {
      // no LagReader in this version
    }
  }

  reset() {
    this.provider = {};
    this.gitProcesses = {};
    this.stages = {};
  }

  uninstall() {
    this.restore.reverse().forEach(r => r());
    this.restore = [];
  }
}

async function startBench(
  data: MatrixBenchData,
  argocdUrl: string,
  workingDirectory: string,
) {
  const config = testConfig({
    repository: data.repository.path,
    argocdUrl,
    workingDirectory,
    mutate: section => {
      section.argocd.instances[0].name = ARGOCD_INSTANCE;
      section.argocd.instances[0].token = ARGOCD_TOKEN;
      section.repositories[0].id = REPOSITORY_ID;
      section.environments = matrixBenchEnvironments(
        REPOSITORY_ID,
        ARGOCD_INSTANCE,
      );
    },
  });
  return startBenchBackend(config, data.entities.map(withRelations));
}

async function refresh(
  url: string,
  meter: Meter,
  standIn: ArgoCdDevServer,
): Promise<{ sample: Sample; body: any }> {
  meter.reset();
  standIn.resetRequests();
  const { ms, text } = await fetchMatrix(url);
  return {
    sample: {
      ms,
      bytes: Buffer.byteLength(text),
      provider: { ...meter.provider },
      gitProcesses: { ...meter.gitProcesses },
      argocdRequests: standIn.requests().length,
      stages: { ...meter.stages },
    },
    body: JSON.parse(text),
  };
}

/** Compares the lag the matrix reports with what the generator made. */
function checkResponse(body: any, data: MatrixBenchData) {
  const services: any[] = body.services ?? [];
  let behindReported = 0;
  let lagReported = 0;
  let lagMatches = 0;
  const tagIndex = (tag?: string) => Number(tag?.split('.')[2]);
  for (const service of services) {
    for (const cell of service.cells ?? []) {
      const env = MATRIX_BENCH_PIPELINE.find(e => e.name === cell.environment);
      if (!env?.upstream) continue;
      const expected =
        tagIndex(
          data.repository.versions.get(`${service.service}\0${env.upstream}`),
        ) -
        tagIndex(
          data.repository.versions.get(`${service.service}\0${env.name}`),
        );
      const behind =
        cell.behind ?? (cell.lag ? cell.lag.versionsBehind > 0 : undefined);
      if (behind) behindReported++;
      if (cell.lag?.versionsBehind !== undefined) {
        lagReported++;
        if (cell.lag.versionsBehind === expected) lagMatches++;
      }
    }
  }
  return { services: services.length, behindReported, lagMatches, lagReported };
}

/** Runs the backend half over generated data; logs progress. */
export async function runMatrixBackendBenchmark(
  data: MatrixBenchData,
  options: {
    coldRuns?: number;
    /** No further cold run starts when it would end after this much time on cold runs. */
    coldBudgetMs?: number;
    rounds?: number;
    log?: (m: string) => void;
  } = {},
): Promise<MatrixBackendResults> {
  const coldRuns = options.coldRuns ?? 5;
  const coldBudgetMs = options.coldBudgetMs ?? 12 * 60_000;
  const rounds = options.rounds ?? 5;
  const log = options.log ?? (m => console.log(m));
  const appConfigLayouts = testConfig({
    repository: '',
    argocdUrl: '',
    workingDirectory: '',
  }).gitopsPromotion.layouts;
  const standIn = createArgoCdDevServer({
    repositoryPath: data.repository.path,
    environments: MATRIX_BENCH_PIPELINE.map(e => e.name),
    layouts: appConfigLayouts,
    token: ARGOCD_TOKEN,
    syncDelayMs: 1000,
    // Reconciled explicitly after each commit, so its polls never run during a measurement.
    pollIntervalMs: 3_600_000,
  });
  const argocd = await standIn.start();
  const discovery = performance.now();
  await standIn.reconcile();
  log(
    `  Argo CD stand-in: ${
      (
        await (
          await fetch(
            `${argocd.url}/api/v1/applications?fields=items.metadata.name`,
            {
              headers: { authorization: `Bearer ${ARGOCD_TOKEN}` },
            },
          )
        ).json()
      ).items.length
    } applications discovered in ${Math.round(
      performance.now() - discovery,
    )} ms`,
  );

  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'matrix-bench-'));
  const meter = new Meter();
  meter.install(scratch);
  const results: MatrixBackendResults = {
    services: data.services.length,
    environments: MATRIX_BENCH_PIPELINE.length,
    cells: data.repository.cells,
    commits: data.repository.commits,
    behindCells: data.repository.behindCells,
    check: { services: 0, behindReported: 0, lagMatches: 0, lagReported: 0 },
    cold: [],
    coldCommitGraph: [],
    warm: [],
    warmExpired: [],
    afterCommit: [],
    uncaught: {},
  };
  // A git process that exits before reading its input makes a write to its
  // stdin fail with EPIPE, which would end the process: count it instead.
  const onUncaught = (error: Error) => {
    const key = `${error.name}: ${error.message}`.slice(0, 160);
    results.uncaught[key] = (results.uncaught[key] ?? 0) + 1;
    log(`  uncaught error: ${key}`);
  };
  process.on('uncaughtException', onUncaught);
  const coldStarted = performance.now();
  let running: Awaited<ReturnType<typeof startBench>> | undefined;
  try {
    for (let run = 1; run <= coldRuns; run++) {
      if (running) await running.backend.stop();
      running = await startBench(
        data,
        argocd.url,
        path.join(scratch, `cache-${run}`),
      );
      const { sample, body } = await refresh(running.url, meter, standIn);
      results.cold.push(sample);
      if (run === 1) results.check = checkResponse(body, data);
      log(`  cold ${run}/${coldRuns}: ${fmtMs(sample.ms)}`);
      const spent = performance.now() - coldStarted;
      if (run < coldRuns && spent + sample.ms > coldBudgetMs) {
        log(`  (stopping cold runs: over the ${fmtMs(coldBudgetMs)} budget)`);
        break;
      }
    }
    const { url } = running!;
    let bump = 0;
    for (let round = 1; round <= rounds; round++) {
      for (let i = 0; i < 3; i++) {
        results.warm.push((await refresh(url, meter, standIn)).sample);
      }
      await sleep(ARGOCD_TTL_MS + 200);
      results.warmExpired.push((await refresh(url, meter, standIn)).sample);
      await sleep(ARGOCD_TTL_MS + 200);
      // A new version of one service in dev: one values file changes.
      const service = data.services[(round * 397) % data.services.length];
      bump++;
      await commitOneFile(data.repository.path, service, 'dev', `9.0.${bump}`);
      await standIn.reconcile();
      results.afterCommit.push((await refresh(url, meter, standIn)).sample);
      log(
        `  round ${round}/${rounds}: warm ${fmtMs(
          results.warm[results.warm.length - 1].ms,
        )}, list expired ${fmtMs(
          results.warmExpired[round - 1].ms,
        )}, after a commit ${fmtMs(results.afterCommit[round - 1].ms)}`,
      );
    }
    // What if the cache had a commit-graph with changed-path filters?
    await running!.backend.stop();
    running = undefined;
    const prepared = path.join(scratch, 'cache-commit-graph');
    await prepareGitCacheWithCommitGraph(
      path.join(prepared, `${REPOSITORY_ID}.git`),
      data.repository.path,
    );
    running = await startBench(data, argocd.url, prepared);
    const whatIf = (await refresh(running.url, meter, standIn)).sample;
    results.coldCommitGraph.push(whatIf);
    log(`  cold, cache with a commit-graph: ${fmtMs(whatIf.ms)}`);
  } finally {
    process.off('uncaughtException', onUncaught);
    meter.uninstall();
    await running?.backend.stop();
    await argocd.close();
    await fs.rm(scratch, { recursive: true, force: true });
  }
  return results;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

export function fmtMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

/** `median / p95` of some samples' times. */
export function medianP95(samples: number[]): string {
  return `${fmtMs(percentile(samples, 0.5))} / ${fmtMs(
    percentile(samples, 0.95),
  )}`;
}

function describeCalls(samples: Sample[]): string {
  const typical = (pick: (s: Sample) => number) =>
    percentile(samples.map(pick), 0.5);
  const provider = [
    'getBranchHead',
    'listFiles',
    'readBlob',
    'fileHistory',
    'fileHistories',
  ]
    .map(m => `${typical(s => s.provider[m] ?? 0)} ${m}`)
    .join(', ');
  const names = new Set(samples.flatMap(s => Object.keys(s.gitProcesses)));
  const processes = [...names]
    .sort()
    .map(n => `${typical(s => s.gitProcesses[n] ?? 0)} ${n}`)
    .filter(t => !t.startsWith('0 '))
    .join(', ');
  const total = typical(s =>
    Object.values(s.gitProcesses).reduce((a, b) => a + b, 0),
  );
  return `git provider: ${provider}; git processes: ${total}${
    processes ? ` (${processes})` : ''
  }; Argo CD: ${typical(s => s.argocdRequests)}`;
}

/** The median of each timed stage over the samples, e.g. `read 120 ms, lag 40 ms`. */
export function describeStages(
  samples: Array<{ stages: Record<string, number> }>,
): string {
  const names = new Set(samples.flatMap(s => Object.keys(s.stages)));
  return [...names]
    .map(
      n =>
        `${n} ${fmtMs(
          percentile(
            samples.map(s => s.stages[n] ?? 0),
            0.5,
          ),
        )}`,
    )
    .join(', ');
}

/** The backend figures as Markdown table rows (and notes). */
export function formatMatrixBackendResults(r: MatrixBackendResults): string {
  const rows: Array<[string, Sample[]]> = [
    ['cold (fresh backend, empty caches)', r.cold],
    [
      'cold, what-if: git cache pre-fetched with a commit-graph (changed-path Bloom filters)',
      r.coldCommitGraph,
    ],
    ['warm (Argo CD list cached)', r.warm],
    ['warm, Argo CD list expired (> 10 s later)', r.warmExpired],
    ['after a 1-file commit (list expired too)', r.afterCommit],
  ];
  const lines = [
    `GET /api/gitops-promotion/matrix, ${r.services} services x ${r.environments} environments = ${r.cells} cells; repository with ${r.commits} commits, ${r.behindCells} cells behind their upstream`,
    '',
    '| refresh | runs | median / p95 | response | upstream calls per refresh (median) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      ([label, samples]) =>
        `| ${label} | ${samples.length} | ${medianP95(
          samples.map(s => s.ms),
        )} | ${(
          percentile(
            samples.map(s => s.bytes),
            0.5,
          ) /
          1024 /
          1024
        ).toFixed(1)} MB | ${describeCalls(samples)} |`,
    ),
    '',
    'Where the time goes (median wall time per stage; stages overlap):',
    ...rows.map(([label, samples]) => `- ${label}: ${describeStages(samples)}`),
    '',
    ...Object.entries(r.uncaught).map(
      ([message, count]) =>
        `Uncaught error (would have stopped a real backend) x${count}: ${message}`,
    ),
    `Check: ${r.check.services} services in the first response; ${r.check.behindReported} cells reported behind (generated: ${r.behindCells}); lag reported for ${r.check.lagReported} cells, versions behind as generated for ${r.check.lagMatches}.`,
  ];
  return lines.join('\n');
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'matrix-bench-data-'));
  try {
    console.log('Generating the data set ...');
    // Smaller runs while working on it: MATRIX_BENCH_SERVICES=200 MATRIX_BENCH_ROUNDS=1
    const env = (name: string) =>
      process.env[name] ? Number(process.env[name]) : undefined;
    const data = await generateMatrixBenchData(
      dir,
      env('MATRIX_BENCH_SERVICES'),
    );
    const results = await runMatrixBackendBenchmark(data, {
      coldRuns: env('MATRIX_BENCH_COLD_RUNS'),
      rounds: env('MATRIX_BENCH_ROUNDS'),
    });
    console.log(`\n${formatMatrixBackendResults(results)}`);
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
