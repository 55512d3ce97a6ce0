/* eslint-disable no-console */
import { ConfigReader } from '@backstage/config';
import { createArgoCdDevServer } from '@internal/argocd-dev-server';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { ArgoCdClient } from '../../ArgoCdClient';
import { ArgoCdTarget } from '../../types';
import {
  benchServiceNames,
  generateBenchRepository,
} from './generateBenchRepository';
import {
  measureWatchAtScale,
  Spread,
  WatchAtScaleFigures,
} from './measureWatchAtScale';
import { requestEachApplication } from './requestEachApplication';

/**
 * `yarn bench:argocd`: the cost of one full refresh of 2,000 cells (400
 * services x 5 environments on two Argo CD stand-ins), with this plugin's
 * client listing (`watch: false`: one cached list call per instance) next to
 * the per-entity approach of community plugins (one GET per service per
 * environment); then, with 10,000 applications on one stand-in, how fast a
 * change reaches the statuses through the watch stream and what it costs.
 */

const SERVICES = 400;
const INSTANCES = [
  { name: 'hub', environments: ['dev', 'qa', 'staging'] },
  { name: 'prod', environments: ['prod-eu', 'prod-us'] },
];
const TOKEN = 'bench-token';
const PER_ENTITY_CONCURRENCY = 20;
/** The fleet of the watch figures: 2,000 services x 5 environments. */
const FLEET_SERVICES = 2000;
const FLEET_HEALTH_CHANGES = 40;
const FLEET_COMMITS = 5;
/** Per-request latency the stand-ins add: loopback, then a more realistic 10 ms. */
const LATENCIES_MS = [0, 10];

interface Row {
  label: string;
  calls: number;
  ms: number;
  bytes: number;
}

async function runScenario(
  repositoryPath: string,
  services: string[],
  environments: string[],
  latencyMs: number,
): Promise<Row[]> {
  const stands = INSTANCES.map(instance =>
    createArgoCdDevServer({
      repositoryPath,
      environments: instance.environments,
      layouts: [
        {
          id: 'helm-env-dir',
          files: [
            { path: 'envs/{env}/{service}/values.yaml', keys: ['image.tag'] },
          ],
        },
      ],
      token: TOKEN,
      pollIntervalMs: 60_000,
      latencyMs,
    }),
  );
  const running = await Promise.all(stands.map(s => s.start()));
  await Promise.all(stands.map(s => s.reconcile()));

  const cells: ArgoCdTarget[] = services.flatMap(service =>
    environments.map(environment => ({ service, environment })),
  );
  const upstream = () =>
    stands
      .flatMap(s => s.requests())
      .reduce(
        (sum, r) => ({ calls: sum.calls + 1, bytes: sum.bytes + r.bytes }),
        {
          calls: 0,
          bytes: 0,
        },
      );
  const measure = async (
    label: string,
    run: () => Promise<unknown>,
  ): Promise<Row> => {
    stands.forEach(s => s.resetRequests());
    const started = process.hrtime.bigint();
    await run();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return { label, ms, ...upstream() };
  };

  const client = (cacheTtlSeconds: number) =>
    ArgoCdClient.fromConfig(
      new ConfigReader({
        gitopsPromotion: {
          argocd: {
            instances: INSTANCES.map((instance, i) => ({
              name: instance.name,
              url: running[i].url,
              token: TOKEN,
              cacheTtlSeconds,
              watch: false,
            })),
          },
          environments: INSTANCES.flatMap(instance =>
            instance.environments.map(name => ({
              name,
              repository: 'bench',
              argocd: { instance: instance.name },
            })),
          ),
        },
      }),
    )!;

  const rows: Row[] = [];
  const cached = client(600);
  rows.push(
    await measure('list per instance: cold', async () => {
      const statuses = await cached.getStatuses(cells);
      const known = statuses.filter(s => s.state === 'known').length;
      if (known !== cells.length) throw new Error(`only ${known} cells known`);
    }),
  );
  rows.push(
    await measure('list per instance: warm (cached)', () =>
      cached.getStatuses(cells),
    ),
  );
  const uncached = client(0);
  await uncached.getStatuses(cells);
  rows.push(
    await measure('list per instance: warm (cache expired)', () =>
      uncached.getStatuses(cells),
    ),
  );

  const agent = new Agent();
  const perEntity = () =>
    requestEachApplication(
      cells.map(cell => ({
        url: running[
          INSTANCES.findIndex(i => i.environments.includes(cell.environment))
        ].url,
        application: `${cell.service}-${cell.environment}`,
      })),
      { token: TOKEN, concurrency: PER_ENTITY_CONCURRENCY, agent },
    );
  rows.push(await measure('one GET per service per env: cold', perEntity));
  rows.push(await measure('one GET per service per env: warm', perEntity));

  await Promise.all([cached.close(), uncached.close(), agent.close()]);
  await Promise.all(running.map(r => r.close()));
  return rows;
}

function printRows(rows: Row[]) {
  const pad = (text: string, width: number) => text.padStart(width);
  console.log(
    `${'approach'.padEnd(42)}${pad('upstream calls', 16)}${pad(
      'wall time',
      12,
    )}${pad('transferred', 14)}`,
  );
  for (const row of rows) {
    console.log(
      `${row.label.padEnd(42)}${pad(String(row.calls), 16)}${pad(
        `${row.ms.toFixed(0)} ms`,
        12,
      )}${pad(`${(row.bytes / 1024 / 1024).toFixed(2)} MB`, 14)}`,
    );
  }
}

function printWatchFigures(figures: WatchAtScaleFigures) {
  const ms = (value: number) =>
    value >= 10_000
      ? `${(value / 1000).toFixed(1)} s`
      : `${value.toFixed(1)} ms`;
  const latency = (label: string, s: Spread) =>
    console.log(
      `${label.padEnd(62)}median ${ms(s.medianMs).padStart(9)}   p95 ${ms(
        s.p95Ms,
      ).padStart(9)}   (n=${s.count})`,
    );
  const count = figures.applications.toLocaleString('en-US');
  console.log(
    `\nWatch stream: ${count} applications on one Argo CD stand-in (loopback), one client\n`,
  );
  console.log(
    `first getStatuses of all ${count} cells: ${ms(figures.firstRead.ms)}, ${
      figures.firstRead.lists
    } list call + the stream`,
  );
  latency('health change -> visible through getStatus', figures.healthChange);
  latency(
    'health change -> onStatusChange (100 ms batches)',
    figures.announced,
  );
  latency('commit to one file -> its cell OutOfSync', figures.commit);
  latency(
    `commit -> all ${count} cells at the new revision`,
    figures.commitEveryCell,
  );
  console.log(
    `upstream requests while those ${
      figures.healthChange.count + figures.commit.count
    } changes were followed: ${figures.steadyState.requests} (list calls: ${
      figures.steadyState.lists
    })`,
  );
  console.log(
    `\nfor comparison, one refresh of all ${count} cells:\n` +
      `  one list call (watch: false, every cacheTtl): ${ms(
        figures.list.ms,
      )}, ${figures.list.calls} call(s)\n` +
      `  one GET per cell (${figures.perCell.concurrency} at a time): ${ms(
        figures.perCell.ms,
      )}, ${figures.perCell.calls.toLocaleString('en-US')} calls`,
  );
  console.log(
    `\nper-cell refresh time / watch median latency: ${(
      figures.perCell.ms / figures.healthChange.medianMs
    ).toFixed(
      0,
    )}x; upstream calls per change: ${figures.perCell.calls.toLocaleString(
      'en-US',
    )} (per cell) vs ${
      figures.steadyState.requests
    } (watch); with watch: false a change shows after up to cacheTtl (10 s) + one list`,
  );
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'argocd-bench-'));
  const services = benchServiceNames(SERVICES);
  const environments = INSTANCES.flatMap(i => i.environments);
  console.log(
    `Generating ${services.length} services x ${environments.length} environments ...`,
  );
  const repositoryPath = await generateBenchRepository(
    dir,
    services,
    environments,
  );
  try {
    for (const latencyMs of LATENCIES_MS) {
      const rows = await runScenario(
        repositoryPath,
        services,
        environments,
        latencyMs,
      );
      console.log(
        `\nOne full refresh of ${
          services.length * environments.length
        } cells (${services.length} services x ${
          environments.length
        } environments, ${
          INSTANCES.length
        } Argo CD instances), ${latencyMs} ms added latency per upstream request\n`,
      );
      printRows(rows);
    }
    console.log(
      `\nPer-entity requests run ${PER_ENTITY_CONCURRENCY} at a time; the list client caches for cacheTtlSeconds (warm) or lists again (cache expired).`,
    );

    const fleetServices = benchServiceNames(FLEET_SERVICES);
    console.log(
      `\nGenerating ${fleetServices.length} services x ${environments.length} environments for the watch stream ...`,
    );
    printWatchFigures(
      await measureWatchAtScale({
        repositoryPath: await generateBenchRepository(
          path.join(dir, 'fleet'),
          fleetServices,
          environments,
        ),
        services: fleetServices,
        environments,
        healthChanges: FLEET_HEALTH_CHANGES,
        commits: FLEET_COMMITS,
        perCellConcurrency: PER_ENTITY_CONCURRENCY,
      }),
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
