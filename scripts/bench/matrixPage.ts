/* eslint-disable no-console */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, Page } from 'playwright-core';
import { prepareGitCacheWithCommitGraph } from '../../plugins/gitops-promotion-backend/src/__testUtils__/benchmark/matrixBenchData';
import {
  BACKEND,
  portalMode,
  startPortal,
  stopPortal,
  writeBenchConfig,
} from './matrixPortal';

/**
 * The page half of `yarn bench:matrix`, run by scripts/bench/runMatrixBenchmark.ts
 * under `flock /tmp/e2e.lock` once packages/app is built: starts the portal
 * (the backend alone, serving the production build; see ./matrixPortal.ts)
 * on the generated data set (.data/bench: the GitOps repository, 2,000
 * catalog components; the Argo CD stand-in started by the backend serves
 * their 10,000 applications), waits until the catalog has ingested them,
 * measures GET /matrix on the real backend (until the lag is counted, then
 * warm, then with If-None-Match), then loads the Environment matrix page in
 * Debian's Chromium (playwright-core, no downloaded browser) a few times.
 *
 *   node --require @backstage/cli-node/config/nodeTransform.cjs scripts/bench/matrixPage.ts \
 *     <data dir> <services> <result.json>
 *
 * Every process it starts runs in one process group, killed at the end.
 */

const root = process.cwd();
const MODE = portalMode(root);
const PAGE_URL = `${MODE.origin}/gitops-promotion?owner=all`;
const MATRIX_URL = `${BACKEND}/api/gitops-promotion/matrix`;
const ITERATIONS = Number(process.env.MATRIX_BENCH_PAGE_RUNS ?? 5);
const API_WARM_RUNS = 5;
/** The number of the service at 61.7 % of the list: `1234` of `svc-1234` for 2,000 (one match). */
function filterQuery(services: number) {
  const width = Math.max(3, String(services - 1).length);
  return String(Math.floor(services * 0.617)).padStart(width, '0');
}

export interface PageIteration {
  /** ms from navigation start (the page's performance.timeOrigin) */
  firstRow: number;
  finished: number;
  /** The page's GET /matrix: start and end (ms from navigation start) and size. */
  matrixRequest?: { start: number; end: number };
  /** The same request as the browser saw it: waiting for the first byte, downloading, body size. */
  matrixNetwork?: {
    /** 304 when the browser revalidated its copy (If-None-Match) and the backend kept it. */
    status: number;
    waitingMs: number;
    downloadMs: number;
    /** Over the wire (with headers) and decoded. */
    bytes: number;
    decodedBytes: number;
    encoding: string;
  };
  /** Main-thread long tasks (> 50 ms) until finished: count and total ms. */
  longTasks: { count: number; ms: number };
  /** GET /matrix requests until the page finished, and afterwards (filtering, scrolling: 0 when filters do not refetch). */
  matrixRequests: { untilFinished: number; afterwards: number };
  /** Table rows in the DOM when finished (virtualized: far fewer than services). */
  rowsInDom: number;
  domNodes: number;
  heapMb?: number;
  filter: number;
  filterShows: string;
  clearFilter: number;
  scrollToBottom: number;
}

export interface PageResults {
  chromium: string;
  /** `production build` or `development build`, and what served it. */
  build: string;
  command: string;
  /** How long `yarn workspace app build` took (set by the caller, which builds). */
  buildMs?: number;
  services: number;
  startup: { backendReadyMs: number; frontendReadyMs: number };
  catalogIngestMs: number;
  api: {
    cold: number;
    /** From the first answer until one with `lagPending: false` (0: the first had the lag). */
    lagCountedMs: number;
    warm: number[];
    /** The answer's JSON, decoded, and as Brotli sends it. */
    bytes: number;
    brotliBytes: number;
    /** The status of GET /matrix with If-None-Match: the last answer's ETag. */
    conditionalStatus: number;
    cache: string;
  };
  signIn: string;
  lastRowTitle: string;
  iterations: PageIteration[];
  error?: string;
}

/** Records, in the page, when the matrix reaches each state (checked once per frame after DOM changes). */
const initScript = (services: number) => `(() => {
  const SERVICES = '${services}';
  const bench = (window.__bench = { longTasks: [], status: [] });
  performance.setResourceTimingBufferSize(100000);
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  document.addEventListener('input', () => { bench.lastInput = performance.now(); }, true);
  let scheduled = false;
  let lastStatus;
  const check = () => {
    scheduled = false;
    const now = performance.now();
    const table = document.querySelector('table[aria-label="Environment matrix"]');
    if (table && bench.firstRow === undefined) {
      const th = table.querySelector('tbody th[scope=row]');
      const r = th && th.getBoundingClientRect();
      if (r && r.height > 0 && r.bottom > 0 && r.top < innerHeight) bench.firstRow = now;
    }
    const status = [...document.querySelectorAll('[role=status]')]
      .map(e => e.textContent.trim()).find(t => /^Showing \\d+ of \\d+ services/.test(t));
    if (status !== undefined && status !== lastStatus) {
      lastStatus = status;
      bench.status.push({ t: now, text: status, busy: table && table.getAttribute('aria-busy') });
    }
    const m = status && /^Showing (\\d+) of (\\d+) services/.exec(status);
    if (bench.finished === undefined && m && m[1] === SERVICES && m[2] === SERVICES && table && table.getAttribute('aria-busy') === 'false') {
      bench.finished = now;
    }
  };
  const schedule = () => { if (!scheduled) { scheduled = true; requestAnimationFrame(check); } };
  new MutationObserver(schedule).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
})();`;

function log(message: string) {
  console.log(`  [page] ${message}`);
}

function portInUse(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A request without client-side timeouts (a cold matrix may take minutes). */
function httpRequest(
  method: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; bytes: number; etag?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          text: body.toString('utf8'),
          bytes: body.length,
          etag: res.headers.etag,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  isAlive: () => boolean,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (!isAlive()) {
      throw new Error(
        `${MODE.command} exited or the backend failed to start while waiting for ${what}`,
      );
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(1000);
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

/**
 * GET /matrix on the real backend (real catalog, SQLite): the first call
 * after start; again until the lag is counted (a fresh backend counts it in
 * the background); warm; then with If-None-Match.
 */
async function measureApi(
  auth: Record<string, string>,
  api: PageResults['api'],
  isAlive: () => boolean,
) {
  let etag: string | undefined;
  const get = async (headers: Record<string, string> = {}) => {
    const t = Date.now();
    const response = await httpRequest('GET', MATRIX_URL, {
      ...auth,
      ...headers,
    });
    if (response.status === 200) {
      api.bytes = Buffer.byteLength(response.text);
      etag = response.etag;
    } else if (response.status !== 304) {
      throw new Error(
        `GET /matrix ${response.status}: ${response.text.slice(0, 300)}`,
      );
    }
    return { ms: Date.now() - t, response };
  };
  const lagPending = (text: string) => Boolean(JSON.parse(text).lagPending);

  const first = await get();
  api.cold = first.ms;
  log(`GET /matrix, first after start: ${api.cold} ms`);
  if (lagPending(first.response.text)) {
    const counting = Date.now();
    await waitFor(
      'the lag to be counted (lagPending: false)',
      async () => !lagPending((await get()).response.text) || undefined,
      900_000,
      isAlive,
    );
    api.lagCountedMs = Date.now() - counting;
    log(`lag counted ${api.lagCountedMs} ms after the first answer`);
  }
  for (let i = 0; i < API_WARM_RUNS; i++) {
    api.warm.push((await get()).ms);
  }
  log(`GET /matrix, warm: ${api.warm.join(', ')} ms`);
  api.brotliBytes = (
    await httpRequest('GET', MATRIX_URL, { ...auth, 'accept-encoding': 'br' })
  ).bytes;
  if (etag) {
    api.conditionalStatus = (
      await get({ 'if-none-match': etag })
    ).response.status;
  }
  log(
    `GET /matrix: ${(api.bytes / 1024 / 1024).toFixed(2)} MB (${Math.round(
      api.brotliBytes / 1024,
    )} KB with Brotli), ETag ${etag ?? '(none)'}, with If-None-Match: ${
      api.conditionalStatus || '–'
    }`,
  );
}

async function signInIfAsked(page: Page): Promise<boolean> {
  const enter = page.getByRole('button', { name: 'Enter' });
  const matrix = page.locator('table[aria-label="Environment matrix"]');
  await enter.or(matrix).first().waitFor({ timeout: 300_000 });
  if (await enter.isVisible()) {
    await enter.click();
    // Signed in (and remembered for the next loads) once the app shows.
    await matrix.waitFor({ timeout: 300_000 });
    return true;
  }
  return false;
}

/** Waits in the page until `key` of the recorder is set; returns it. */
async function recorded(page: Page, key: string, timeout: number) {
  const handle = await page.waitForFunction(
    k => (window as any).__bench?.[k],
    key,
    { timeout, polling: 100 },
  );
  return (await handle.jsonValue()) as number;
}

async function statusAfter(
  page: Page,
  since: number,
  test: (text: string) => boolean,
  timeout = 60_000,
): Promise<{ t: number; text: string }> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const entries: Array<{ t: number; text: string }> = await page.evaluate(
      () => (window as any).__bench.status,
    );
    const hit = entries.find(e => e.t >= since && test(e.text));
    if (hit) return hit;
    await sleep(20);
  }
  throw new Error('Timed out waiting for the status line');
}

async function measureIteration(
  page: Page,
  services: number,
  lastRowTitle: string | undefined,
): Promise<{ iteration: PageIteration; lastRowTitle: string }> {
  // The browser's network events (DevTools protocol) have the status, sizes
  // and phases (resource timing hides them cross-origin: 3000 → 7007 in
  // the development build).
  let network: PageIteration['matrixNetwork'];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = new Map<
    string,
    {
      status: number;
      encoding: string;
      waitingMs: number;
      at: number;
      decoded: number;
    }
  >();
  // The GETs (cross-origin, a CORS preflight comes first), and the status
  // on the wire: a revalidated copy is 304 there, 200 to the page.
  const gets = new Set<string>();
  cdp.on('Network.requestWillBeSent', e => {
    if (e.request.method === 'GET') gets.add(e.requestId);
  });
  const wireStatus = new Map<string, number>();
  cdp.on('Network.responseReceivedExtraInfo', e => {
    wireStatus.set(e.requestId, e.statusCode);
  });
  cdp.on('Network.responseReceived', e => {
    if (
      !gets.has(e.requestId) ||
      !/\/api\/gitops-promotion\/matrix/.test(e.response.url)
    ) {
      return;
    }
    const header = Object.entries(e.response.headers).find(
      ([name]) => name.toLowerCase() === 'content-encoding',
    );
    const t = e.response.timing;
    seen.set(e.requestId, {
      status: e.response.status,
      encoding: header ? String(header[1]) : 'none',
      waitingMs: t ? t.receiveHeadersStart - t.sendEnd : NaN,
      at: e.timestamp,
      decoded: 0,
    });
  });
  cdp.on('Network.dataReceived', e => {
    const r = seen.get(e.requestId);
    if (r) r.decoded += e.dataLength;
  });
  cdp.on('Network.loadingFinished', e => {
    const r = seen.get(e.requestId);
    // The load's first GET /matrix: the one the rows wait for.
    if (!r || network) return;
    network = {
      status: wireStatus.get(e.requestId) ?? r.status,
      waitingMs: r.waitingMs,
      downloadMs: (e.timestamp - r.at) * 1000,
      bytes: e.encodedDataLength,
      decodedBytes: r.decoded,
      encoding: r.encoding,
    };
  });
  await page.goto(PAGE_URL, { waitUntil: 'commit' });
  // The backend is warm by now (GET /matrix was called before).
  const firstRow = await recorded(page, 'firstRow', 180_000);
  const finished = await recorded(page, 'finished', 180_000);
  const facts = await page.evaluate(() => {
    const bench = (window as any).__bench;
    const matrix = performance
      .getEntriesByType('resource')
      .find(e => /\/api\/gitops-promotion\/matrix/.test(e.name)) as
      | PerformanceResourceTiming
      | undefined;
    const tasks = bench.longTasks.filter(
      (t: { start: number }) => t.start <= bench.finished,
    );
    return {
      matrixRequest: matrix && {
        start: matrix.startTime,
        end: matrix.responseEnd,
      },
      longTasks: {
        count: tasks.length,
        ms: tasks.reduce((s: number, t: { ms: number }) => s + t.ms, 0),
      },
      rowsInDom: document.querySelectorAll(
        'table[aria-label="Environment matrix"] tbody tr',
      ).length,
      domNodes: document.getElementsByTagName('*').length,
      heapMb: (performance as any).memory
        ? (performance as any).memory.usedJSHeapSize / 1024 / 1024
        : undefined,
    };
  });

  // Filter: one input event (fill), until the status shows the filtered count.
  const search = page.getByRole('searchbox', { name: 'Filter services' });
  await search.fill(filterQuery(services));
  const typedAt = await page.evaluate(() => (window as any).__bench.lastInput);
  const filtered = await statusAfter(
    page,
    typedAt,
    t => !t.startsWith(`Showing ${services} of`),
  );
  await search.fill('');
  const clearedAt = await page.evaluate(
    () => (window as any).__bench.lastInput,
  );
  const cleared = await statusAfter(page, clearedAt, t =>
    t.startsWith(`Showing ${services} of ${services}`),
  );

  // Scroll the table's container to the bottom, until the last row is visible.
  let title = lastRowTitle;
  if (!title) {
    // First time: find out which row is last (whatever the page sorts by).
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid="matrix-scroll"]')!;
      el.scrollTop = el.scrollHeight;
    });
    await sleep(2000);
    title = await page.evaluate(() => {
      const ths = document.querySelectorAll(
        'table[aria-label="Environment matrix"] tbody th[scope=row]',
      );
      const last = ths[ths.length - 1];
      return (last?.querySelector('a') ?? last)?.textContent?.trim() ?? '';
    });
    await page.evaluate(() => {
      document.querySelector('[data-testid="matrix-scroll"]')!.scrollTop = 0;
    });
    await sleep(1000);
  }
  const scrollStart = await page.evaluate(() => {
    const el = document.querySelector('[data-testid="matrix-scroll"]')!;
    const t = performance.now();
    el.scrollTop = el.scrollHeight;
    return t;
  });
  const scrolledAt = await (
    await page.waitForFunction(
      expected => {
        const el = document.querySelector('[data-testid="matrix-scroll"]')!;
        const box = el.getBoundingClientRect();
        const row = [
          ...document.querySelectorAll(
            'table[aria-label="Environment matrix"] tbody th[scope=row]',
          ),
        ].find(
          th => (th.querySelector('a') ?? th).textContent?.trim() === expected,
        );
        if (!row) return undefined;
        const r = row.getBoundingClientRect();
        return r.height > 0 && r.top < box.bottom && r.bottom > box.top
          ? performance.now()
          : undefined;
      },
      title,
      { polling: 'raf', timeout: 60_000 },
    )
  ).jsonValue();

  await cdp.detach();
  return {
    lastRowTitle: title!,
    iteration: {
      firstRow,
      finished,
      ...facts,
      matrixNetwork: network,
      matrixRequests: await page.evaluate(() => {
        const bench = (window as any).__bench;
        const starts = performance
          .getEntriesByType('resource')
          .filter(e => /\/api\/gitops-promotion\/matrix/.test(e.name))
          .map(e => e.startTime);
        return {
          untilFinished: starts.filter(t => t <= bench.finished).length,
          afterwards: starts.filter(t => t > bench.finished).length,
        };
      }),
      filter: filtered.t - typedAt,
      filterShows: filtered.text,
      clearFilter: cleared.t - clearedAt,
      scrollToBottom: (scrolledAt as number) - scrollStart,
    },
  };
}

async function main() {
  const [dataDir, servicesArg, resultFile] = process.argv.slice(2);
  const services = Number(servicesArg);
  const results: PageResults = {
    chromium: '',
    build: MODE.build,
    command: MODE.command,
    services,
    startup: { backendReadyMs: 0, frontendReadyMs: 0 },
    catalogIngestMs: 0,
    api: {
      cold: 0,
      lagCountedMs: 0,
      warm: [],
      bytes: 0,
      brotliBytes: 0,
      conditionalStatus: 0,
      cache: '',
    },
    signIn: '',
    lastRowTitle: '',
    iterations: [],
  };
  for (const port of [3000, 7007, 7009]) {
    if (await portInUse(port)) {
      throw new Error(
        `Port ${port} is in use: another portal is running outside the e2e lock; stop it first`,
      );
    }
  }
  const configFile = writeBenchConfig(root, dataDir, MODE);
  // The plugin's first read of 1,900 upstream file histories takes many
  // minutes on this history (see the backend figures); with the cache
  // fetched and a commit-graph written ahead, the portal is ready in a few,
  // so the e2e lock is not held for long. MATRIX_BENCH_PAGE_COLD_CACHE=1: empty cache.
  const cacheDir = path.join(dataDir, 'cache');
  fs.rmSync(cacheDir, { recursive: true, force: true });
  if (process.env.MATRIX_BENCH_PAGE_COLD_CACHE) {
    results.api.cache = 'empty git cache';
  } else {
    await prepareGitCacheWithCommitGraph(
      path.join(cacheDir, 'acme-gitops.git'),
      path.join(dataDir, 'gitops.git'),
    );
    results.api.cache =
      'git cache fetched ahead, with a commit-graph (changed-path Bloom filters)';
  }
  const started = Date.now();
  const portal = startPortal(root, dataDir, MODE, configFile);
  log(`${MODE.command} (log: ${path.relative(root, portal.logFile)})`);
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await stopPortal(portal.child);
  };
  const onSignal = () => {
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await waitFor(
      'the backend',
      async () =>
        (
          await httpRequest('GET', `${BACKEND}/.backstage/health/v1/readiness`)
        ).status === 200 || undefined,
      900_000,
      portal.isAlive,
    );
    results.startup.backendReadyMs = Date.now() - started;
    log(
      `backend ready after ${Math.round(
        results.startup.backendReadyMs / 1000,
      )} s`,
    );
    const token = await waitFor(
      "the guest's token",
      async () =>
        JSON.parse(
          (
            await httpRequest('POST', `${BACKEND}/api/auth/guest/refresh`, {
              'X-Requested-With': 'XMLHttpRequest',
            })
          ).text,
        ).backstageIdentity?.token as string | undefined,
      60_000,
      portal.isAlive,
    );
    const auth = { authorization: `Bearer ${token}` };
    const ingestStart = Date.now();
    await waitFor(
      `${services} components in the catalog`,
      async () => {
        const response = await httpRequest(
          'GET',
          `${BACKEND}/api/catalog/entities/by-query?filter=kind=component,spec.type=service&limit=1`,
          auth,
        );
        return JSON.parse(response.text).totalItems >= services || undefined;
      },
      1_200_000,
      portal.isAlive,
    );
    results.catalogIngestMs = Date.now() - ingestStart;
    log(
      `catalog has the ${services} components after ${Math.round(
        results.catalogIngestMs / 1000,
      )} s more`,
    );

    await measureApi(auth, results.api, portal.isAlive);

    await waitFor(
      'the frontend',
      async () =>
        (await httpRequest('GET', MODE.origin)).status === 200 || undefined,
      900_000,
      portal.isAlive,
    );
    results.startup.frontendReadyMs = Date.now() - started;

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--enable-precise-memory-info',
      ],
    });
    results.chromium = browser.version();
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
    });
    await context.addInitScript(initScript(services));
    const page = await context.newPage();
    await page.goto(PAGE_URL);
    results.signIn = (await signInIfAsked(page))
      ? 'guest (Enter), remembered afterwards'
      : 'already signed in';
    // Warm-up: the app's bundles and the matrix in the browser cache, the row that is last.
    log('warm-up load');
    const warmUp = await measureIteration(page, services, undefined);
    results.lastRowTitle = warmUp.lastRowTitle;
    log(
      `warm-up: first rows ${Math.round(
        warmUp.iteration.firstRow,
      )} ms, finished ${Math.round(warmUp.iteration.finished)} ms; last row "${
        warmUp.lastRowTitle
      }"`,
    );
    for (let i = 1; i <= ITERATIONS; i++) {
      const { iteration } = await measureIteration(
        page,
        services,
        results.lastRowTitle,
      );
      results.iterations.push(iteration);
      log(
        `load ${i}/${ITERATIONS}: first rows ${Math.round(
          iteration.firstRow,
        )} ms, finished ${Math.round(
          iteration.finished,
        )} ms, filter ${Math.round(iteration.filter)} ms, scroll ${Math.round(
          iteration.scrollToBottom,
        )} ms`,
      );
    }
    await page.screenshot({ path: path.join(dataDir, 'matrix-page.png') });
  } catch (error) {
    results.error = String((error as Error).stack ?? error);
    const page = browser?.contexts()[0]?.pages()[0];
    if (page) {
      const shot = path.join(dataDir, 'matrix-page-error.png');
      await page.screenshot({ path: shot }).catch(() => {});
      const state = await page
        .evaluate(() => ({
          url: location.href,
          bench: (window as any).__bench,
          text: document.body.innerText.slice(0, 1500),
        }))
        .catch(e => String(e));
      console.error(
        `  [page] at failure (screenshot ${shot}):`,
        JSON.stringify(state, null, 1).slice(0, 3000),
      );
    }
    console.error(`  [page] ${results.error}`);
    console.error(`  [page] see ${portal.logFile}`);
  } finally {
    await cleanup();
    fs.writeFileSync(resultFile, JSON.stringify(results, null, 2));
  }
  process.exit(results.error ? 1 : 0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
