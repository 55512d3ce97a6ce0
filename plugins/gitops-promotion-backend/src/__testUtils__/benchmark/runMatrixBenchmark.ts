/* eslint-disable no-console */
import pLimit from 'p-limit';
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
import { runGit } from '../../clients/git/runGit';
import {
  fetchMatrix,
  gitSubcommand,
  startBenchBackend,
  timeMethod,
} from './benchBackend';
import { startStandInProcess, StandInProcess } from './standInProcess';
import {
  commitOneFile,
  generateMatrixBenchData,
  matrixBenchEnvironments,
  MatrixBenchData,
  MATRIX_BENCH_PIPELINE,
} from './matrixBenchData';
import { benchValuesPath } from '../../clients/argocd/__testUtils__/benchmark/generateBenchRepository';

/**
 * The backend half of `yarn bench:matrix`: GET /api/gitops-promotion/matrix
 * for 2,000 services x 5 environments on the plugin in a test backend (the
 * catalog mocked in memory with the 2,000 components, the git provider on
 * the generated bare repository, the Argo CD stand-in serving the 10,000
 * applications), counting what each refresh costs upstream.
 *
 * - cold: a fresh backend with an empty git cache: the first answer, and the
 *   time until every lag is counted (histories are read in the background)
 * - warm: nothing changed, a full answer; and with If-None-Match, a 304
 * - after a 1-file commit: a commit changing one values file landed
 * - an Argo CD change: an application degraded in the stand-in (its own
 *   process, as Argo CD is) until GET /matrix shows it
 * - the per-cell baseline: every cell read on its own, on the same data
 *
 * Run alone: `node --require @backstage/cli-node/config/nodeTransform.cjs <this file>`
 * (generates its data in a temporary directory); `yarn bench:matrix` runs it
 * with the page half (scripts/bench/runMatrixBenchmark.ts).
 */

const REPOSITORY_ID = 'acme-gitops';
/** gitopsPromotion.repositories[].branchHeadCache default */
const BRANCH_HEAD_CACHE_MS = 2000;
const ARGOCD_INSTANCE = 'local';
const ARGOCD_TOKEN = 'bench-argocd-token';

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
  /** What the first complete response said about lag, checked against the generator. */
  check: {
    services: number;
    behindReported: number;
    lagMatches: number;
    lagReported: number;
  };
  /** The first answer of a fresh backend (versions and status; lag may be pending). */
  cold: Sample[];
  /** From the cold request's start until an answer has every lag (`lagPending` false). */
  coldComplete: number[];
  /** Nothing changed: a full 200 answer. */
  warm: Sample[];
  /** Nothing changed, `If-None-Match` with the last ETag: 304. */
  notModified: Sample[];
  afterCommit: Sample[];
  /** From a change in Argo CD (an application degraded) until GET /matrix shows it. */
  statusChange: number[];
  /** Argo CD list calls while the warm and after-commit samples were taken. */
  steadyStateListCalls: number;
  baseline: PerCellBaseline;
  /** Errors thrown outside any request (e.g. EPIPE writing to a git process), by message. */
  uncaught: Record<string, number>;
}

/**
 * What the matrix costs when every cell is read on its own, as the Red Hat
 * and Roadie Argo CD plugins read status: one Argo CD application request
 * per cell, one git read per cell, and one file history per behind cell.
 */
export interface PerCellBaseline {
  cells: number;
  argocdMs: number;
  gitMs: number;
  /** Histories are slow one by one: a sample is measured, the rest extrapolated. */
  historySample: { cells: number; ms: number };
  behindCells: number;
  /** argocdMs + gitMs + the histories of every behind cell (extrapolated). */
  totalMs: number;
  requests: number;
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
          count('gitProcesses', gitSubcommand(argv));
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
  standIn: StandInProcess,
  options: { etag?: string } = {},
): Promise<{ sample: Sample; body: any; etag?: string }> {
  meter.reset();
  await standIn.resetRequests();
  const { ms, text, etag } = await fetchMatrix(url, options);
  return {
    sample: {
      ms,
      bytes: Buffer.byteLength(text),
      provider: { ...meter.provider },
      gitProcesses: { ...meter.gitProcesses },
      argocdRequests: (await standIn.requests()).length,
      stages: { ...meter.stages },
    },
    body: text ? JSON.parse(text) : undefined,
    etag,
  };
}

/**
 * Asks again every `everyMs` until `done` says the answer is it; the time
 * until then. (Asking often costs the backend a full answer each time.)
 */
async function timeUntil(
  url: string,
  started: number,
  done: (body: any) => boolean,
  everyMs: number,
): Promise<{ ms: number; body: any }> {
  for (;;) {
    const { text } = await fetchMatrix(url);
    const body = JSON.parse(text);
    if (done(body)) return { ms: performance.now() - started, body };
    if (performance.now() - started > 300_000) {
      throw new Error('The matrix did not reach the expected state in 5 min');
    }
    await sleep(everyMs);
  }
}

/** The service's cell in `environment` of a matrix answer. */
function cellOf(body: any, service: string, environment: string) {
  const column = body.environments.findIndex(
    (e: any) => e.name === environment,
  );
  return body.services.find((s: any) => s.service === service)?.cells[column];
}

/** Compares the lag the matrix reports with what the generator made. */
function checkResponse(body: any, data: MatrixBenchData) {
  const services: any[] = body.services ?? [];
  let behindReported = 0;
  let lagReported = 0;
  let lagMatches = 0;
  const tagIndex = (tag?: string) => Number(tag?.split('.')[2]);
  for (const service of services) {
    for (const [column, cell] of (service.cells ?? []).entries()) {
      const env = MATRIX_BENCH_PIPELINE.find(
        e => e.name === body.environments[column].name,
      );
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
  const argocd = await startStandInProcess({
    repositoryPath: data.repository.path,
    environments: MATRIX_BENCH_PIPELINE.map(e => e.name),
    layouts: appConfigLayouts,
    token: ARGOCD_TOKEN,
    syncDelayMs: 1000,
    // Reconciled explicitly after each commit, so its polls never run during a measurement.
    pollIntervalMs: 3_600_000,
  });
  const discovery = performance.now();
  await argocd.reconcile();
  log(
    `  Argo CD stand-in (own process): ${
      (
        await argocdGet(
          argocd.url,
          '/api/v1/applications?fields=items.metadata.name',
        )
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
    coldComplete: [],
    warm: [],
    notModified: [],
    afterCommit: [],
    statusChange: [],
    steadyStateListCalls: 0,
    baseline: undefined as unknown as PerCellBaseline,
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
      const started = performance.now();
      const { sample } = await refresh(running.url, meter, argocd);
      results.cold.push(sample);
      const complete = await timeUntil(
        running.url,
        started,
        b => !b.lagPending,
        1000,
      );
      results.coldComplete.push(complete.ms);
      if (run === 1) results.check = checkResponse(complete.body, data);
      log(
        `  cold ${run}/${coldRuns}: first answer ${fmtMs(
          sample.ms,
        )}, every lag ${fmtMs(complete.ms)}`,
      );
      const spent = performance.now() - coldStarted;
      if (run < coldRuns && spent + complete.ms > coldBudgetMs) {
        log(`  (stopping cold runs: over the ${fmtMs(coldBudgetMs)} budget)`);
        break;
      }
    }
    const { url } = running!;
    // Argo CD's watch stream, not lists, from here on.
    await argocd.resetRequests();
    let listCalls = 0;
    const countLists = async () => {
      listCalls += (await argocd.requests()).filter(
        r => r.method === 'GET' && r.path === '/api/v1/applications',
      ).length;
    };
    let bump = 0;
    for (let round = 1; round <= rounds; round++) {
      let etag: string | undefined;
      for (let i = 0; i < 4; i++) {
        const warm = await refresh(url, meter, argocd);
        results.warm.push(warm.sample);
        etag = warm.etag;
        await countLists();
        const notModified = await refresh(url, meter, argocd, { etag });
        results.notModified.push(notModified.sample);
        await countLists();
      }
      // A new version of one service in dev: one values file changes.
      const service = data.services[(round * 397) % data.services.length];
      bump++;
      await commitOneFile(data.repository.path, service, 'dev', `9.0.${bump}`);
      // A commit made elsewhere is seen once the branch head cache
      // (`branchHeadCache`, default 2 s) expired: the first request after.
      await sleep(BRANCH_HEAD_CACHE_MS + 100);
      const after = await refresh(url, meter, argocd);
      results.afterCommit.push(after.sample);
      await countLists();
      if (cellOf(after.body, service, 'dev')?.version !== `9.0.${bump}`) {
        throw new Error(
          `The matrix does not show ${service} 9.0.${bump} in dev after the commit`,
        );
      }
      // Argo CD changes: one application degrades; the matrix shows it.
      const degraded = data.services[(round * 733) % data.services.length];
      const changed = performance.now();
      await argocdPost(
        argocd.url,
        `/_dev/applications/${degraded}-staging/degrade`,
      );
      const seen = await timeUntil(
        url,
        changed,
        b =>
          cellOf(b, degraded, 'staging')?.status?.health?.status === 'Degraded',
        250,
      );
      results.statusChange.push(seen.ms);
      await countLists();
      await argocdPost(
        argocd.url,
        `/_dev/applications/${degraded}-staging/recover`,
      );
      log(
        `  round ${round}/${rounds}: warm ${fmtMs(
          results.warm[results.warm.length - 1].ms,
        )}, 304 ${fmtMs(
          results.notModified[results.notModified.length - 1].ms,
        )}, after a commit ${fmtMs(
          after.sample.ms,
        )}, Argo CD change shown after ${fmtMs(seen.ms)}`,
      );
    }
    results.steadyStateListCalls = listCalls;
    await running!.backend.stop();
    running = undefined;
    log('  per-cell baseline ...');
    results.baseline = await measurePerCellBaseline(data, argocd.url);
  } finally {
    process.off('uncaughtException', onUncaught);
    meter.uninstall();
    await running?.backend.stop();
    await argocd.close();
    await fs.rm(scratch, { recursive: true, force: true });
  }
  return results;
}

async function argocdGet(url: string, pathAndQuery: string) {
  const response = await fetch(`${url}${pathAndQuery}`, {
    headers: { authorization: `Bearer ${ARGOCD_TOKEN}` },
  });
  return response.json();
}

async function argocdPost(url: string, pathAndQuery: string) {
  const response = await fetch(`${url}${pathAndQuery}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ARGOCD_TOKEN}` },
  });
  if (!response.ok) {
    throw new Error(
      `POST ${pathAndQuery}: ${response.status} ${await response.text()}`,
    );
  }
}

/** Behind cells whose history is read one by one for the baseline; the rest are extrapolated. */
const BASELINE_HISTORY_SAMPLE = 20;
const BASELINE_CONCURRENCY = 8;

/**
 * The per-cell way, measured on the same data: every cell's application
 * from Argo CD (`GET /api/v1/applications/{name}`) and its file from git
 * (`git cat-file` of `main:<path>`), 8 at a time; and for a sample of behind
 * cells, the upstream file's history (`git log -n 30 -- <path>`).
 */
async function measurePerCellBaseline(
  data: MatrixBenchData,
  argocdUrl: string,
): Promise<PerCellBaseline> {
  const cells = data.services.flatMap(service =>
    MATRIX_BENCH_PIPELINE.map(env => ({ service, env: env.name })),
  );
  const limit = pLimit(BASELINE_CONCURRENCY);
  const timed = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  const argocdMs = await timed(() =>
    Promise.all(
      cells.map(c =>
        limit(() =>
          argocdGet(argocdUrl, `/api/v1/applications/${c.service}-${c.env}`),
        ),
      ),
    ),
  );
  const gitMs = await timed(() =>
    Promise.all(
      cells.map(c =>
        limit(() =>
          runGit(
            ['cat-file', 'blob', `main:${benchValuesPath(c.service, c.env)}`],
            {
              cwd: data.repository.path,
            },
          ),
        ),
      ),
    ),
  );
  const behind = MATRIX_BENCH_PIPELINE.filter(e => e.upstream).flatMap(env =>
    data.services
      .filter(
        service =>
          data.repository.versions.get(`${service}\0${env.name}`) !==
          data.repository.versions.get(`${service}\0${env.upstream}`),
      )
      .map(service => ({ service, upstream: env.upstream! })),
  );
  const sample = behind.slice(0, BASELINE_HISTORY_SAMPLE);
  const historyMs = await timed(() =>
    Promise.all(
      sample.map(c =>
        limit(() =>
          runGit(
            [
              'log',
              '-n',
              '30',
              '--format=%H',
              'main',
              '--',
              benchValuesPath(c.service, c.upstream),
            ],
            {
              cwd: data.repository.path,
            },
          ),
        ),
      ),
    ),
  );
  return {
    cells: cells.length,
    argocdMs,
    gitMs,
    historySample: { cells: sample.length, ms: historyMs },
    behindCells: behind.length,
    totalMs: argocdMs + gitMs + (historyMs / sample.length) * behind.length,
    requests: cells.length * 2 + behind.length,
  };
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

/** `12.3x` or `—`: how many times the per-cell way costs what the matrix does. */
function ratio(baseline: number, ours: number) {
  return ours > 0
    ? `${(baseline / ours).toFixed(ours > baseline ? 2 : 0)}x`
    : '—';
}

/** The backend figures as Markdown table rows (and notes). */
export function formatMatrixBackendResults(r: MatrixBackendResults): string {
  const b = r.baseline;
  const median = (values: number[]) => percentile(values, 0.5);
  const rows: Array<[string, number[], string, string]> = [
    [
      'cold: a fresh backend, empty caches, first answer (versions, status; lag counted in the background)',
      r.cold.map(s => s.ms),
      describeCalls(r.cold),
      ratio(b.argocdMs + b.gitMs, median(r.cold.map(s => s.ms))),
    ],
    [
      'cold until every lag is counted (`lagPending` false)',
      r.coldComplete,
      'the whole history fetched once, then one `git log` for all upstream files',
      ratio(b.totalMs, median(r.coldComplete)),
    ],
    [
      'warm: nothing changed, full answer',
      r.warm.map(s => s.ms),
      describeCalls(r.warm),
      ratio(b.totalMs, median(r.warm.map(s => s.ms))),
    ],
    [
      'warm with `If-None-Match`: 304',
      r.notModified.map(s => s.ms),
      describeCalls(r.notModified),
      ratio(b.totalMs, median(r.notModified.map(s => s.ms))),
    ],
    [
      'after a commit that changed 1 file',
      r.afterCommit.map(s => s.ms),
      describeCalls(r.afterCommit),
      ratio(b.totalMs, median(r.afterCommit.map(s => s.ms))),
    ],
    [
      'an Argo CD change (application degraded) until GET /matrix shows it',
      r.statusChange,
      `through the watch stream; Argo CD list calls while warm, after commits and changes: ${r.steadyStateListCalls}`,
      '—',
    ],
  ];
  const bytes = (samples: Sample[]) =>
    (median(samples.map(s => s.bytes)) / 1024 / 1024).toFixed(2);
  const lines = [
    `GET /api/gitops-promotion/matrix, ${r.services} services x ${
      r.environments
    } environments = ${r.cells} cells; repository with ${r.commits} commits, ${
      r.behindCells
    } cells behind their upstream; answer ${bytes(r.warm)} MB (${Math.round(
      median(r.warm.map(s => s.bytes)) / r.cells,
    )} bytes per cell)`,
    '',
    '| refresh | runs | median / p95 | per-cell baseline ÷ this (median) | upstream calls (median) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      ([label, samples, calls, times]) =>
        `| ${label} | ${samples.length} | ${medianP95(
          samples,
        )} | ${times} | ${calls} |`,
    ),
    '',
    `Per-cell baseline, measured in the same run (${BASELINE_CONCURRENCY} at a time): ${
      b.cells
    } Argo CD application requests ${fmtMs(b.argocdMs)}, ${
      b.cells
    } git reads ${fmtMs(b.gitMs)}, and the history of each of the ${
      b.behindCells
    } behind cells' upstream file (${fmtMs(
      b.historySample.ms / b.historySample.cells,
    )} each over a sample of ${b.historySample.cells}, extrapolated): ${fmtMs(
      b.totalMs,
    )} and ${
      b.requests
    } upstream calls per refresh, every refresh (nothing is kept). The cold first answer is compared with the baseline without histories.`,
    '',
    'Where the time goes (median wall time per stage; stages overlap):',
    ...(
      [
        ['cold', r.cold],
        ['warm', r.warm],
        ['after a commit', r.afterCommit],
      ] as Array<[string, Sample[]]>
    ).map(([label, samples]) => `- ${label}: ${describeStages(samples)}`),
    '',
    ...Object.entries(r.uncaught).map(
      ([message, count]) =>
        `Uncaught error (would have stopped a real backend) x${count}: ${message}`,
    ),
    `Check: ${r.check.services} services in the first complete response; ${r.check.behindReported} cells reported behind (generated: ${r.behindCells}); lag reported for ${r.check.lagReported} behind cells, versions behind as generated for ${r.check.lagMatches}.`,
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
