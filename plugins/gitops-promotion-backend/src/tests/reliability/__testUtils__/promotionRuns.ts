import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { runGit } from '../../../clients/git/runGit';
import { GithubFake } from '../../../clients/github/__testUtils__/githubFake';
import { ApiClient, ApiResponse, errorMessage } from './api';
import { commitsSince, HistoryCommit, reconcile } from './ledgerOfHistory';

/** Read access to the final state of a GitOps repository, whatever hosts it. */
export interface RepositoryView {
  head(): Promise<string>;
  commitsSince(base: string): Promise<HistoryCommit[]>;
  read(path: string): Promise<string | undefined>;
}

/** A bare repository on disk. */
export function gitView(bare: string): RepositoryView {
  return {
    head: async () =>
      (await runGit(['rev-parse', 'main'], { cwd: bare })).trim(),
    commitsSince: base => commitsSince(bare, base),
    read: path =>
      runGit(['show', `main:${path}`], { cwd: bare }).catch(() => undefined),
  };
}

/** The GitHub fake's repository: first-parent history of `main`. */
export function githubView(fake: GithubFake): RepositoryView {
  return {
    head: async () => fake.head('main')!,
    async commitsSince(base) {
      const commits: HistoryCommit[] = [];
      let sha = fake.head('main');
      while (sha && sha !== base) {
        const commit = fake.objects.commit(sha)!;
        commits.unshift({
          sha,
          subject: commit.message.split('\n')[0],
          promotionId: /^Promotion-Id: (\S+)$/m.exec(commit.message)?.[1],
        });
        sha = commit.parents[0];
      }
      return commits;
    },
    read: async path => fake.read('main', path),
  };
}

/** One promotion request of a run: what is sent and what the file should say if accepted. */
export interface PlannedPromotion {
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** The file and key it changes, and the value it writes. */
  path: string;
  key: string;
  version: string;
}

export interface PromotionOutcome {
  planned: PlannedPromotion;
  response: ApiResponse;
}

/**
 * Sends every planned promotion at once, spread round-robin over `clients`
 * (replicas), as POST /promotions; with `staggerMs`, request i leaves after
 * i × staggerMs so that some plan on the commits of earlier ones.
 */
export async function promoteAtOnce(
  clients: ApiClient[],
  planned: PlannedPromotion[],
  staggerMs = 0,
): Promise<PromotionOutcome[]> {
  return Promise.all(
    planned.map(async (p, i) => {
      if (staggerMs) {
        await new Promise(resolve => setTimeout(resolve, i * staggerMs));
      }
      return {
        planned: p,
        response: await clients[i % clients.length].post(
          '/promotions',
          p.body,
          { headers: p.headers },
        ),
      };
    }),
  );
}

/** A refusal the guarantees allow: 409 with a message saying what happened. */
const CLEAR_CONFLICT =
  /since [0-9a-f]{12}.*try again|kept moving|already runs these versions/;

/**
 * Judges a run against the guarantees: every answer is 201 (accepted) or a
 * 409 with a clear message; every accepted promotion's commit is in the
 * history exactly once and no commit names a promotion that was not
 * accepted; each file ends with the value of the last accepted promotion
 * that wrote it.
 */
export async function judge(
  outcomes: PromotionOutcome[],
  view: RepositoryView,
  base: string,
) {
  const accepted = outcomes.filter(o => o.response.status === 201);
  const rejected = outcomes.filter(o => o.response.status === 409);
  const unexpected = outcomes
    .filter(o => o.response.status !== 201 && o.response.status !== 409)
    .map(o => `${o.response.status} ${JSON.stringify(o.response.body)}`);
  const rejections = rejected.map(o => errorMessage(o.response) ?? '');
  const unclear = rejections.filter(message => !CLEAR_CONFLICT.test(message));
  const history = await view.commitsSince(base);
  const verdict = reconcile(
    history,
    accepted.map(o => ({
      id: o.response.body.id,
      commitSha: o.response.body.commitSha,
    })),
  );
  // The value each file ends with: the last accepted promotion writing it.
  const lastWriter = new Map<string, PromotionOutcome>();
  for (const id of verdict.order) {
    const outcome = accepted.find(o => o.response.body.id === id)!;
    lastWriter.set(`${outcome.planned.path}\0${outcome.planned.key}`, outcome);
  }
  const wrongFiles: string[] = [];
  for (const { planned } of lastWriter.values()) {
    const text = await view.read(planned.path);
    const value =
      text === undefined ? undefined : getYamlValue(text, planned.key);
    if (value !== planned.version) {
      wrongFiles.push(
        `${planned.path} ${planned.key} is ${value}, not ${planned.version}`,
      );
    }
  }
  return {
    attempted: outcomes.length,
    accepted: accepted.length,
    rejected: rejected.length,
    lost: verdict.lost.length,
    duplicated: verdict.duplicated.length,
    unexpected,
    unclear,
    rejections,
    unexpectedCommits: verdict.unexpected,
    wrongFiles,
    history,
    acceptedIds: accepted.map(o => o.response.body.id as string),
  };
}

export type Verdict = Awaited<ReturnType<typeof judge>>;

/** The figures of a verdict for the report. */
export function promotionFigures(verdict: Verdict) {
  return {
    promotionsAttempted: verdict.attempted,
    promotionsAccepted: verdict.accepted,
    promotionsRejected: verdict.rejected,
    promotionsLost: verdict.lost + verdict.wrongFiles.length,
    promotionsDuplicated: verdict.duplicated,
  };
}

/** What {@link verdictSummary} is when every guarantee held. */
export const CLEAN_VERDICT = {
  unexpected: [],
  unclear: [],
  lost: 0,
  duplicated: 0,
  unexpectedCommits: [],
  wrongFiles: [],
};

/** The parts of a verdict that must be empty (see {@link CLEAN_VERDICT}). */
export function verdictSummary(verdict: Verdict) {
  return {
    unexpected: verdict.unexpected,
    unclear: verdict.unclear,
    lost: verdict.lost,
    duplicated: verdict.duplicated,
    unexpectedCommits: verdict.unexpectedCommits,
    wrongFiles: verdict.wrongFiles,
  };
}

/** Promotions of `services` from staging to `target` (helm-env-dir layout). */
export function promotionsOf(
  services: Array<{ name: string; entityRef: string }>,
  version: string,
  target = 'prod-eu',
): PlannedPromotion[] {
  return services.map(s => ({
    body: { entityRef: s.entityRef, source: 'staging', target },
    path: `envs/${target}/${s.name}/values.yaml`,
    key: 'image.tag',
    version,
  }));
}

/** The versions {@link racingRollbacks} goes back to, to record as history first. */
export function racingRollbackVersions(count: number, prefix: string) {
  return Array.from({ length: count }, (_, i) => `${prefix}.${i}`);
}

/** `count` rollbacks of one service in one environment, each to its own version. */
export function racingRollbacks(
  service: { name: string; entityRef: string },
  target: string,
  count: number,
  prefix: string,
): PlannedPromotion[] {
  return Array.from({ length: count }, (_, i) => {
    const version = `${prefix}.${i}`;
    return {
      body: {
        entityRef: service.entityRef,
        target,
        kind: 'rollback',
        versions: [version],
      },
      path: `envs/${target}/${service.name}/values.yaml`,
      key: 'image.tag',
      version,
    };
  });
}
