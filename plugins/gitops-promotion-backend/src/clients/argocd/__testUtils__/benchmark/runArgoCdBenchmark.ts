/* eslint-disable no-console */
import { ConfigReader } from '@backstage/config';
import { createArgoCdDevServer } from '@internal/argocd-dev-server';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { ArgoCdClient } from '../../ArgoCdClient';
import { ArgoCdTarget } from '../../types';
import {
  benchServiceNames,
  generateBenchRepository,
} from './generateBenchRepository';

/**
 * `yarn bench:argocd`: the cost of one full refresh of 2,000 cells (400
 * services x 5 environments on two Argo CD stand-ins), with this plugin's
 * client (one cached list call per instance) next to the per-entity approach
 * of community plugins (one GET per service per environment).
 */

const SERVICES = 400;
const INSTANCES = [
  { name: 'hub', environments: ['dev', 'qa', 'staging'] },
  { name: 'prod', environments: ['prod-eu', 'prod-us'] },
];
const TOKEN = 'bench-token';
const PER_ENTITY_CONCURRENCY = 20;
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
  const perEntity = async () => {
    const queue = [...cells];
    await Promise.all(
      Array.from({ length: PER_ENTITY_CONCURRENCY }, async () => {
        for (let cell = queue.shift(); cell; cell = queue.shift()) {
          const stand = INSTANCES.findIndex(i =>
            i.environments.includes(cell!.environment),
          );
          const response = await request(
            `${running[stand].url}/api/v1/applications/${cell.service}-${cell.environment}`,
            {
              headers: { authorization: `Bearer ${TOKEN}` },
              dispatcher: agent,
            },
          );
          await response.body.json();
        }
      }),
    );
  };
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
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
