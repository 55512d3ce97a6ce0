import { ConfigReader } from '@backstage/config';
import {
  ArgoCdDevServer,
  createArgoCdDevServer,
} from '@internal/argocd-dev-server';
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { runGit } from '../../../git/runGit';
import { ArgoCdClient } from '../../ArgoCdClient';
import { ArgoCdTarget } from '../../types';
import { benchValuesFile, benchValuesPath } from './generateBenchRepository';
import { requestEachApplication } from './requestEachApplication';
import type { GitopsArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

const TOKEN = 'bench-token';
const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

/** Median and 95th percentile of some durations, in ms. */
export interface Spread {
  count: number;
  medianMs: number;
  p95Ms: number;
}

/** What {@link measureWatchAtScale} measured. */
export interface WatchAtScaleFigures {
  applications: number;
  /** The first getStatuses of every cell: one list, and the stream opened. */
  firstRead: { ms: number; lists: number };
  /** A health change (degrade or recover) until getStatus shows it. */
  healthChange: Spread;
  /** The same changes until onStatusChange named the application (100 ms batches). */
  announced: Spread;
  /** A commit to one service's file until getStatus shows its cell OutOfSync. */
  commit: Spread;
  /** The same commits (every application moves to the new revision) until every cell shows it. */
  commitEveryCell: Spread;
  /** Requests the stand-in answered from the first change to the last: all, and lists. */
  steadyState: { requests: number; lists: number };
  /** One list of every application, as `watch: false` makes once cacheTtl passed. */
  list: { ms: number; calls: number };
  /** One GET per cell, `concurrency` at a time. */
  perCell: { ms: number; calls: number; concurrency: number };
}

function spread(durations: number[]): Spread {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { count: sorted.length, medianMs: at(0.5), p95Ms: at(0.95) };
}

/**
 * Asks again until `accept` holds, letting the event loop read sockets in
 * between: at once (setImmediate), or after `intervalMs` for costly reads.
 */
async function until<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  intervalMs = 0,
): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!accept(await read())) {
    if (performance.now() > deadline) throw new Error('Change never seen');
    await new Promise(resolve =>
      intervalMs ? setTimeout(resolve, intervalMs) : setImmediate(resolve),
    );
  }
}

/**
 * The stand-in records a request once it finished writing the response,
 * which for a large list can come after the client read it.
 */
const settle = () => new Promise(resolve => setTimeout(resolve, 200));

/** Times `run`, then lets the stand-in record its requests (see `settle`). */
const timed = async (run: () => Promise<unknown>) => {
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  await settle();
  return ms;
};

/** A work tree of the bench repository, to commit one file at a time. */
async function cloneForCommits(repositoryPath: string) {
  const work = path.join(path.dirname(repositoryPath), 'bench-work');
  await runGit(['clone', '--quiet', repositoryPath, work], {
    cwd: path.dirname(repositoryPath),
  });
  const git = (...args: string[]) =>
    runGit(args, { cwd: work, env: GIT_IDENTITY });
  return async (file: string, text: string): Promise<string> => {
    await fs.writeFile(path.join(work, file), text);
    await git('commit', '--quiet', '--all', '-m', `Change ${file}`);
    await git('push', '--quiet', 'origin', 'main');
    return (await git('rev-parse', 'HEAD')).trim();
  };
}

function clientFor(url: string, environments: string[], watch: boolean) {
  return ArgoCdClient.fromConfig(
    new ConfigReader({
      gitopsPromotion: {
        argocd: { instances: [{ name: 'fleet', url, token: TOKEN, watch }] },
        environments: environments.map(name => ({
          name,
          repository: 'bench',
          argocd: { instance: 'fleet' },
        })),
      },
    }),
  )!;
}

const health = (status: GitopsArgoCdStatus) =>
  status.state === 'known' ? status.health.status : undefined;

/**
 * One Argo CD stand-in with an application per service and environment,
 * read by a client following its watch stream: how long a change takes to
 * show through getStatuses (and onStatusChange), and what it costs
 * upstream, next to one list (`watch: false`) and one GET per cell.
 */
export async function measureWatchAtScale(options: {
  repositoryPath: string;
  services: string[];
  environments: string[];
  healthChanges: number;
  commits: number;
  perCellConcurrency: number;
}): Promise<WatchAtScaleFigures> {
  const { services, environments } = options;
  const stand: ArgoCdDevServer = createArgoCdDevServer({
    repositoryPath: options.repositoryPath,
    environments,
    layouts: [
      {
        id: 'helm-env-dir',
        files: [
          { path: 'envs/{env}/{service}/values.yaml', keys: ['image.tag'] },
        ],
      },
    ],
    token: TOKEN,
    pollIntervalMs: 3_600_000,
    syncDelayMs: 3_600_000,
  });
  const running = await stand.start();
  await stand.reconcile();
  const cells: ArgoCdTarget[] = services.flatMap(service =>
    environments.map(environment => ({ service, environment })),
  );
  const lists = () =>
    stand.requests().filter(r => r.path === '/api/v1/applications').length;
  const commit = await cloneForCommits(options.repositoryPath);
  const client = clientFor(running.url, environments, true);
  const announcedAt = new Map<string, number>();
  client.onStatusChange((_instance, names) => {
    const now = performance.now();
    for (const name of names) announcedAt.set(name, now);
  });

  try {
    stand.resetRequests();
    const firstReadMs = await timed(async () => {
      const known = (await client.getStatuses(cells)).filter(
        s => s.state === 'known',
      ).length;
      if (known !== cells.length) throw new Error(`only ${known} cells known`);
    });
    const firstRead = { ms: firstReadMs, lists: lists() };
    stand.resetRequests();

    const changeLatencies: number[] = [];
    const announceLatencies: number[] = [];
    for (let i = 0; i < options.healthChanges; i++) {
      // each cell is degraded, then recovered
      const cell = cells[(Math.floor(i / 2) * 7919) % cells.length];
      const name = `${cell.service}-${cell.environment}`;
      const expected = i % 2 === 0 ? 'Degraded' : 'Healthy';
      const started = performance.now();
      if (expected === 'Degraded') stand.degrade(name);
      else stand.recover(name);
      await until(
        () => client.getStatus(cell),
        status => health(status) === expected,
      );
      changeLatencies.push(performance.now() - started);
      await until(
        async () => announcedAt.get(name) ?? 0,
        at => at > started,
      );
      announceLatencies.push(announcedAt.get(name)! - started);
    }

    const commitLatencies: number[] = [];
    const everyCellLatencies: number[] = [];
    for (let i = 0; i < options.commits; i++) {
      const cell = cells[(i * 104729 + 13) % cells.length];
      const sha = await commit(
        benchValuesPath(cell.service, cell.environment),
        benchValuesFile(cell.service, cell.environment, `9.9.${i}`),
      );
      await stand.reconcile();
      const reconciled = performance.now();
      await until(
        () => client.getStatus(cell),
        status => status.state === 'known' && status.syncStatus === 'OutOfSync',
      );
      commitLatencies.push(performance.now() - reconciled);
      await until(
        () => client.getStatuses(cells),
        statuses =>
          statuses.every(
            s =>
              s.state === 'known' &&
              (s.revision === sha || s.syncStatus === 'OutOfSync'),
          ),
        25,
      );
      everyCellLatencies.push(performance.now() - reconciled);
    }
    await settle();
    const steadyState = { requests: stand.requests().length, lists: lists() };

    const listing = clientFor(running.url, environments, false);
    stand.resetRequests();
    const listMs = await timed(() => listing.getStatuses(cells));
    const list = { ms: listMs, calls: stand.requests().length };
    await listing.close();

    const agent = new Agent();
    stand.resetRequests();
    const perCellMs = await timed(() =>
      requestEachApplication(
        cells.map(c => ({
          url: running.url,
          application: `${c.service}-${c.environment}`,
        })),
        { token: TOKEN, concurrency: options.perCellConcurrency, agent },
      ),
    );
    const perCell = {
      ms: perCellMs,
      calls: stand.requests().length,
      concurrency: options.perCellConcurrency,
    };
    await agent.close();

    return {
      applications: cells.length,
      firstRead,
      healthChange: spread(changeLatencies),
      announced: spread(announceLatencies),
      commit: spread(commitLatencies),
      commitEveryCell: spread(everyCellLatencies),
      steadyState,
      list,
      perCell,
    };
  } finally {
    await client.close();
    await running.close();
  }
}
