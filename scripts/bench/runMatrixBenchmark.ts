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

/**
 * `yarn bench:matrix`: the Environment matrix at 2,000 services x 5
 * environments. Generates the data set in .data/bench (a GitOps repository
 * with 60 days of history, the catalog file), measures GET /matrix on the
 * plugin in a test backend (cold, warm, after a commit; upstream calls per
 * refresh), then the page in Debian's Chromium on the real portal
 * (scripts/bench/matrixPage.ts, under `flock /tmp/e2e.lock` because it starts
 * `yarn start`), and prints the figures.
 *
 * MATRIX_BENCH_SKIP_PAGE=1 or MATRIX_BENCH_SKIP_BACKEND=1 run one half;
 * MATRIX_BENCH_SERVICES, MATRIX_BENCH_COLD_RUNS, MATRIX_BENCH_ROUNDS and
 * MATRIX_BENCH_PAGE_RUNS make it smaller while working on it.
 */

const root = process.cwd();
const dataDir = path.join(root, '.data/bench');
const env = (name: string) =>
  process.env[name] ? Number(process.env[name]) : undefined;

function runPage(services: number): PageResults | undefined {
  const resultFile = path.join(dataDir, 'page-results.json');
  fs.rmSync(resultFile, { force: true });
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
  return fs.existsSync(resultFile)
    ? (JSON.parse(fs.readFileSync(resultFile, 'utf8')) as PageResults)
    : undefined;
}

function formatPage(r: PageResults): string {
  const runs = r.iterations;
  const stat = (pick: (i: PageResults['iterations'][0]) => number) =>
    runs.length ? medianP95(runs.map(pick)) : '–';
  const median = (pick: (i: PageResults['iterations'][0]) => number) =>
    percentile(runs.map(pick), 0.5);
  const lines = [
    `Page: ${r.services} services x 5 environments, /gitops-promotion?owner=all in Chromium ${r.chromium} (headless, 1440x900), the portal from \`yarn start\` (development build), signed in as ${r.signIn}`,
    `Startup: backend ready after ${fmtMs(
      r.startup.backendReadyMs,
    )}, catalog ingested the ${r.services} components ${fmtMs(
      r.catalogIngestMs,
    )} later, frontend served after ${fmtMs(r.startup.frontendReadyMs)}`,
    `Real backend (catalog on SQLite, guest token, ${
      r.api.cache
    }): GET /matrix first call after start ${fmtMs(r.api.cold)}, then ${
      r.api.warm.length ? medianP95(r.api.warm) : '–'
    } (median / p95 of ${r.api.warm.length}); ${(
      r.api.bytes /
      1024 /
      1024
    ).toFixed(1)} MB`,
    '',
    '| page, from navigation start | runs | median / p95 |',
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
  if (runs.length) {
    const withRequest = runs.filter(i => i.matrixRequest);
    const network = runs.flatMap(i =>
      i.matrixNetwork ? [i.matrixNetwork] : [],
    );
    lines.push(
      '',
      `Per load (median): GET /matrix from ${
        withRequest.length
          ? `${fmtMs(
              percentile(
                withRequest.map(i => i.matrixRequest!.start),
                0.5,
              ),
            )} to ${fmtMs(
              percentile(
                withRequest.map(i => i.matrixRequest!.end),
                0.5,
              ),
            )} after navigation start${
              network.length
                ? ` (waiting ${fmtMs(
                    percentile(
                      network.map(n => n.waitingMs),
                      0.5,
                    ),
                  )}, download ${fmtMs(
                    percentile(
                      network.map(n => n.downloadMs),
                      0.5,
                    ),
                  )}; ${(network[0].decodedBytes / 1024 / 1024).toFixed(
                    1,
                  )} MB of JSON, ${Math.round(
                    Math.max(...network.map(n => n.bytes)) / 1024,
                  )} KB over the wire with content-encoding ${
                    network[0].encoding
                  }; ${network.filter(n => n.bytes < 10_000).length} of ${
                    network.length
                  } loads answered 304 Not Modified)`
                : ''
            }`
          : '(not seen)'
      }; GET /matrix requests: ${median(
        i => i.matrixRequests.untilFinished,
      )} until finished, ${median(
        i => i.matrixRequests.afterwards,
      )} while filtering and scrolling; rendered ${fmtMs(
        median(i => i.finished - (i.matrixRequest?.end ?? NaN)),
      )} after the response ended; main-thread long tasks until finished: ${median(
        i => i.longTasks.count,
      )}, ${fmtMs(median(i => i.longTasks.ms))} in total; ${median(
        i => i.rowsInDom,
      )} table rows and ${median(i => i.domNodes)} elements in the DOM${
        runs[0].heapMb !== undefined
          ? `; JS heap ${Math.round(median(i => i.heapMb ?? 0))} MB`
          : ''
      }; the filter showed "${runs[0].filterShows}".`,
    );
  }
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
