/* eslint-disable no-console */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  generateMatrixBenchData,
  MATRIX_BENCH_SERVICES,
} from '../../plugins/gitops-promotion-backend/src/__testUtils__/benchmark/matrixBenchData';
import {
  fmtMs,
  formatMatrixBackendResults,
  MatrixBackendResults,
  medianP95,
  percentile,
  runMatrixBackendBenchmark,
} from '../../plugins/gitops-promotion-backend/src/__testUtils__/benchmark/runMatrixBenchmark';
import type { PageResults } from './matrixPage';
import { buildApp, portalMode } from './matrixPortal';

/**
 * `yarn bench:matrix`: the Environment matrix at 2,000 services x 5
 * environments. Generates the data set in .data/bench (a GitOps repository
 * with 60 days of history, the catalog file), measures GET /matrix on the
 * plugin in a test backend (cold, warm, after a commit; upstream calls per
 * refresh), then the page in Debian's Chromium on the real portal: the
 * production build of packages/app served by the backend
 * (scripts/bench/matrixPage.ts, under `flock /tmp/e2e.lock` because it starts
 * the backend), and prints the figures.
 *
 * MATRIX_BENCH_SKIP_PAGE=1 or MATRIX_BENCH_SKIP_BACKEND=1 run one half;
 * MATRIX_BENCH_PAGE_DEV=1 measures the development build of `yarn start`;
 * MATRIX_BENCH_DIR puts the data set elsewhere than .data/bench (generated
 * again on every run: two runs side by side need two);
 * MATRIX_BENCH_SERVICES, MATRIX_BENCH_COLD_RUNS, MATRIX_BENCH_ROUNDS and
 * MATRIX_BENCH_PAGE_RUNS make it smaller while working on it.
 */

const root = process.cwd();
const dataDir = path.resolve(
  root,
  process.env.MATRIX_BENCH_DIR ?? '.data/bench',
);
const env = (name: string) =>
  process.env[name] ? Number(process.env[name]) : undefined;

function runPage(services: number): PageResults | undefined {
  const resultFile = path.join(dataDir, 'page-results.json');
  fs.rmSync(resultFile, { force: true });
  // Built before taking the lock, which guards the ports, not the CPU.
  let buildMs: number | undefined;
  if (portalMode(root).production) {
    console.log('\nPage: yarn workspace app build ...');
    buildMs = buildApp(root);
  }
  console.log(
    '\nPage: waiting for /tmp/e2e.lock (held while the portal runs) ...',
  );
  spawnSync(
    'flock',
    [
      '/tmp/e2e.lock',
      process.execPath,
      '--require',
      '@backstage/cli-node/config/nodeTransform.cjs',
      path.join(root, 'scripts/bench/matrixPage.ts'),
      dataDir,
      String(services),
      resultFile,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (!fs.existsSync(resultFile)) return undefined;
  const results = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  return { ...results, buildMs } as PageResults;
}

type PageIteration = PageResults['iterations'][number];

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

/** The median of `pick` over the runs that have it. */
function medianOf<T>(runs: T[], pick: (run: T) => number | undefined) {
  const values = runs.map(pick).filter((v): v is number => v !== undefined);
  return values.length ? percentile(values, 0.5) : NaN;
}

function formatPageApi(r: PageResults): string {
  const { api } = r;
  return `Real backend (catalog on SQLite, guest token, ${
    api.cache
  }): GET /matrix first call after start ${fmtMs(api.cold)}${
    api.lagCountedMs
      ? ` (lagPending: the lag counted ${fmtMs(api.lagCountedMs)} later)`
      : ''
  }, then ${api.warm.length ? medianP95(api.warm) : '–'} (median / p95 of ${
    api.warm.length
  }); the answer is ${mb(api.bytes)} of JSON (${kb(
    api.brotliBytes,
  )} with Brotli); again with its ETag as If-None-Match: ${
    api.conditionalStatus || 'no ETag'
  }`;
}

/** What one load does, as medians: the request, the answer, the work in the page. */
function formatPerLoad(runs: PageIteration[]): string {
  const network = runs.flatMap(i => (i.matrixNetwork ? [i.matrixNetwork] : []));
  const parts = [
    runs.some(i => i.matrixRequest)
      ? `GET /matrix from ${fmtMs(
          medianOf(runs, i => i.matrixRequest?.start),
        )} to ${fmtMs(
          medianOf(runs, i => i.matrixRequest?.end),
        )} after navigation start`
      : 'GET /matrix (not seen)',
  ];
  if (network.length) {
    const second = runs[0].matrixNetwork?.status;
    parts.push(
      `waiting ${fmtMs(medianOf(network, n => n.waitingMs))}, download ${fmtMs(
        medianOf(network, n => n.downloadMs),
      )}; ${kb(
        Math.max(...network.map(n => n.bytes)),
      )} over the wire at most with content-encoding ${
        network[0].encoding
      }; the second load (the first after the warm-up) got ${
        second === 304 ? '304 Not Modified' : second
      }, ${network.filter(n => n.status === 304).length} of ${
        network.length
      } loads 304`,
    );
  }
  parts.push(
    `GET /matrix requests: ${medianOf(
      runs,
      i => i.matrixRequests.untilFinished,
    )} until finished, ${medianOf(
      runs,
      i => i.matrixRequests.afterwards,
    )} while filtering and scrolling`,
    `rendered ${fmtMs(
      medianOf(runs, i => i.finished - (i.matrixRequest?.end ?? NaN)),
    )} after the response ended`,
    `main-thread long tasks until finished: ${medianOf(
      runs,
      i => i.longTasks.count,
    )}, ${fmtMs(medianOf(runs, i => i.longTasks.ms))} in total`,
    `${medianOf(runs, i => i.rowsInDom)} table rows and ${medianOf(
      runs,
      i => i.domNodes,
    )} elements in the DOM${
      runs[0].heapMb !== undefined
        ? `; JS heap ${Math.round(medianOf(runs, i => i.heapMb))} MB`
        : ''
    }`,
    `the filter showed "${runs[0].filterShows}".`,
  );
  return `Per load (median): ${parts.join('; ')}`;
}

function formatPage(r: PageResults): string {
  const runs = r.iterations;
  const stat = (pick: (i: PageIteration) => number) =>
    runs.length ? medianP95(runs.map(pick)) : '–';
  const lines = [
    `Page: ${
      r.services
    } services x 5 environments, /gitops-promotion?owner=all in Chromium ${
      r.chromium
    } (headless, 1440x900), the ${r.build} (${r.command}${
      r.buildMs ? `, built in ${fmtMs(r.buildMs)}` : ''
    }), signed in as ${r.signIn}`,
    `Startup: backend ready after ${fmtMs(
      r.startup.backendReadyMs,
    )}, catalog ingested the ${r.services} components ${fmtMs(
      r.catalogIngestMs,
    )} later, app served after ${fmtMs(r.startup.frontendReadyMs)}`,
    formatPageApi(r),
    '',
    `| page (${r.build}), from navigation start | runs | median / p95 |`,
    '| --- | --- | --- |',
    `| first rows visible | ${runs.length} | ${stat(i => i.firstRow)} |`,
    `| finished (status "Showing ${r.services} of ${
      r.services
    } services", aria-busy=false) | ${runs.length} | ${stat(
      i => i.finished,
    )} |`,
    `| filter: type a service's number into the search box → status shows the filtered count | ${
      runs.length
    } | ${stat(i => i.filter)} |`,
    `| clear the filter → all ${r.services} again | ${runs.length} | ${stat(
      i => i.clearFilter,
    )} |`,
    `| scroll to the bottom → last row ("${r.lastRowTitle}") visible | ${
      runs.length
    } | ${stat(i => i.scrollToBottom)} |`,
  ];
  if (runs.length) lines.push('', formatPerLoad(runs));
  if (r.error) lines.push('', `Page error: ${r.error.split('\n')[0]}`);
  return lines.join('\n');
}

async function main() {
  const services = env('MATRIX_BENCH_SERVICES') ?? MATRIX_BENCH_SERVICES;
  console.log(
    `Matrix at scale: ${services} services x 5 environments, on ${
      os.cpus().length
    } CPUs (${os.cpus()[0]?.model.trim()}), ${Math.round(
      os.totalmem() / 1024 ** 3,
    )} GB, Node ${process.version}`,
  );
  const started = performance.now();
  const data = await generateMatrixBenchData(dataDir, services);
  console.log(
    `Generated ${path.relative(root, data.repository.path)} (${
      data.repository.commits
    } commits over 60 days, ${data.repository.behindCells} of ${
      data.repository.cells
    } cells behind their upstream: ${Object.entries(data.repository.behindBy)
      .map(([by, n]) => `${n} by ${by}`)
      .join(', ')}) and ${path.relative(root, data.catalogFile)} in ${fmtMs(
      performance.now() - started,
    )}`,
  );

  let backend: MatrixBackendResults | undefined;
  if (!process.env.MATRIX_BENCH_SKIP_BACKEND) {
    console.log('\nBackend: GET /matrix on the plugin in a test backend ...');
    backend = await runMatrixBackendBenchmark(data, {
      coldRuns: env('MATRIX_BENCH_COLD_RUNS'),
      rounds: env('MATRIX_BENCH_ROUNDS'),
    });
  }
  const page = process.env.MATRIX_BENCH_SKIP_PAGE
    ? undefined
    : runPage(services);

  fs.writeFileSync(
    path.join(dataDir, 'results.json'),
    JSON.stringify({ backend, page }, null, 2),
  );
  console.log(`\n${'='.repeat(100)}\nFigures\n`);
  if (backend) console.log(`${formatMatrixBackendResults(backend)}\n`);
  if (page) console.log(formatPage(page));
  else if (!process.env.MATRIX_BENCH_SKIP_PAGE)
    console.log('Page: no results (see above)');
  console.log(`\n(all figures: ${path.relative(root, dataDir)}/results.json)`);
  process.exit(page?.error ? 1 : 0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
