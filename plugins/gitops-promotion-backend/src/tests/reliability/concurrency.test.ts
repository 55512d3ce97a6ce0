import { setYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import {
  GitHttpServer,
  startGitHttpBackend,
} from '../../__testUtils__/gitHttpBackend';
import { startPromotionBackend } from '../../__testUtils__/promotionBackend';
import { GithubFake } from '../../clients/github/__testUtils__/githubFake';
import { exampleFiles } from '../../clients/github/__testUtils__/startGithubFake';
import { apiClient, ApiClient, eventually } from './__testUtils__/api';
import { githubIntegration, githubRepository } from './__testUtils__/github';
import { createFigures, scaled } from './__testUtils__/figures';
import {
  addFleet,
  anotherWriter,
  catalogWith,
  fleet,
  fleetFiles,
} from './__testUtils__/fleet';
import {
  CLEAN_VERDICT,
  githubView,
  gitView,
  judge,
  promoteAtOnce,
  promotionFigures,
  promotionsOf,
  racingRollbacks,
  racingRollbackVersions,
  verdictSummary,
} from './__testUtils__/promotionRuns';

jest.mock('../../clients/github/createOctokit', () =>
  jest.requireActual('./__testUtils__/github').fastOctokitModule(),
);

const DIFFERENT = scaled(50, 500);
const SAME = scaled(20, 100);
const OTHER_WRITES = scaled(5, 40);
/** Spacing of the same-service requests: some plan on earlier ones' commits. */
const STAGGER_MS = 100;
const TIMEOUT = scaled(120_000, 1_200_000);

jest.setTimeout(TIMEOUT);

const figures = createFigures('concurrency');
const services = fleet(DIFFERENT);

/** Waits until Argo CD reports the last generated service's staging Synced and Healthy. */
async function fleetSynced(api: ApiClient) {
  const last = services[services.length - 1];
  const synced = await eventually(
    async () => {
      const res = await api.get(`/environments?entityRef=${last.entityRef}`);
      const staging = res.body.environments?.find(
        (e: { name: string }) => e.name === 'staging',
      );
      return (
        staging?.status?.syncStatus === 'Synced' &&
        staging?.status?.health?.status === 'Healthy'
      );
    },
    { timeoutMs: scaled(30_000, 300_000) },
  );
  if (!synced) throw new Error(`Argo CD never reported ${last.name} synced`);
}

describe('concurrent promotions over git http-backend', () => {
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  let http: GitHttpServer;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  let api: ApiClient;

  beforeAll(async () => {
    demo = await createDemoRepository();
    await addFleet(demo, services);
    // Rollbacks go only to versions the environment ran: these did.
    await demo.recordHistory([
      {
        file: `envs/prod-eu/${services[0].name}/values.yaml`,
        key: 'image.tag',
        values: [
          ...racingRollbackVersions(SAME, '3.0'),
          ...racingRollbackVersions(SAME, '4.0'),
        ],
      },
    ]);
    http = await startGitHttpBackend(demo.dir);
    backend = await startPromotionBackend({
      demo,
      entities: catalogWith(services),
      mutateConfig: section => {
        section.repositories[0].url = `${http.url}/gitops-repo.git`;
        section.argocd.instances[0].cacheTtlSeconds = 1;
      },
    });
    api = apiClient(backend.server);
    await fleetSynced(api);
  });

  afterAll(async () => {
    await backend?.stop();
    await http?.close();
    await demo?.cleanup();
  });

  it(`${DIFFERENT} promotions of different services into one repository, while another writer pushes: none lost or duplicated`, async () => {
    const base = await demo.head();
    const [outcomes, otherCommits] = await Promise.all([
      promoteAtOnce([api], promotionsOf(services, '1.1.0')),
      anotherWriter(demo.bare, OTHER_WRITES),
    ]);
    const verdict = await judge(outcomes, gitView(demo.bare), base);
    figures.record('git: different services, one repository', {
      ...promotionFigures(verdict),
    });

    expect(verdictSummary(verdict)).toEqual(CLEAN_VERDICT);
    // different files never conflict: every one is accepted
    expect(verdict.rejections).toEqual([]);
    expect(verdict.accepted).toBe(DIFFERENT);
    // nothing but the promotions and the other writer's commits
    expect(verdict.history).toHaveLength(DIFFERENT + otherCommits);
  });

  it(`${SAME} promotions of the same service and environment: the file ends as the last accepted one wrote it, every refusal is a clear 409`, async () => {
    const [service] = services;
    const base = await demo.head();
    const outcomes = await promoteAtOnce(
      [api],
      racingRollbacks(service, 'prod-eu', SAME, '3.0'),
      STAGGER_MS,
    );
    const verdict = await judge(outcomes, gitView(demo.bare), base);
    figures.record('git: same service and environment', {
      ...promotionFigures(verdict),
    });

    expect(verdictSummary(verdict)).toEqual(CLEAN_VERDICT);
    expect(verdict.accepted).toBeGreaterThanOrEqual(1);
    expect(verdict.accepted + verdict.rejected).toBe(SAME);
    expect(verdict.history).toHaveLength(verdict.accepted);

    // The ledger agrees: accepted ones committed, refused ones rejected.
    const ledger = await api.get(
      `/promotions?entityRef=${service.entityRef}&environment=prod-eu&limit=500`,
    );
    const states = new Map<string, number>();
    for (const p of ledger.body.items.filter(
      (i: { kind: string }) => i.kind === 'rollback',
    )) {
      states.set(p.state, (states.get(p.state) ?? 0) + 1);
    }
    expect(Object.fromEntries(states)).toEqual({
      committed: verdict.accepted,
      ...(verdict.rejected ? { rejected: verdict.rejected } : {}),
    });
  });

  it(`${SAME} promotions on one preview's base commit: exactly one is accepted`, async () => {
    const service = services[1];
    const preview = await api.post('/promotions/preview', {
      entityRef: service.entityRef,
      source: 'staging',
      targets: ['prod-us'],
    });
    expect(preview.status).toBe(200);
    const baseCommit = preview.body.targets[0].baseCommit;
    const base = await demo.head();
    const outcomes = await promoteAtOnce(
      [api],
      Array.from({ length: SAME }, () => ({
        body: {
          entityRef: service.entityRef,
          source: 'staging',
          target: 'prod-us',
          baseCommit,
        },
        path: `envs/prod-us/${service.name}/values.yaml`,
        key: 'image.tag',
        version: '1.1.0',
      })),
    );
    const verdict = await judge(outcomes, gitView(demo.bare), base);
    figures.record('git: same service on one base commit', {
      ...promotionFigures(verdict),
    });

    expect(verdictSummary(verdict)).toEqual(CLEAN_VERDICT);
    expect(verdict.accepted).toBe(1);
    expect(verdict.rejected).toBe(SAME - 1);
    expect(verdict.history).toHaveLength(1);
  });
});

describe('concurrent promotions against the GitHub fake, with sha races', () => {
  const token = 'reliability-github-token';
  let fake: GithubFake;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  let api: ApiClient;

  beforeAll(async () => {
    fake = await GithubFake.start({ token });
    fake.push(
      'main',
      { ...exampleFiles(), ...fleetFiles(services) },
      {
        message: 'Seed',
      },
    );
    // Rollbacks go only to versions the environment ran: these did.
    const file = `envs/prod-eu/${services[0].name}/values.yaml`;
    const original = fleetFiles(services)[file];
    for (const version of racingRollbackVersions(SAME, '4.0')) {
      fake.push('main', {
        [file]: setYamlValue(original, 'image.tag', version),
      });
    }
    fake.push('main', { [file]: original });
    backend = await startPromotionBackend({
      entities: catalogWith(services),
      rootConfig: githubIntegration(fake, token),
      mutateConfig: section => {
        section.repositories[0] = githubRepository(fake, 'acme-gitops');
        // The Argo CD stand-in reconciles the local demo repository, not the
        // fake: the gate checks git versions only.
        for (const env of section.environments) {
          env.gate = { requireSynced: false, requireHealthy: false };
        }
      },
    });
    api = apiClient(backend.server);
  });

  afterAll(async () => {
    await backend?.stop();
    await fake?.close();
    fake?.assertNoViolations();
  });

  /**
   * Someone else pushes before every `spacing`-th of the next ref updates,
   * `count` times: each of those updates is a sha race. (Racing consecutive
   * updates would race one writer's retries over and over.)
   */
  function raceRefUpdates(count: number, spacing: number) {
    const github = fake;
    const races = { made: 0 };
    for (let i = 0; i < count; i++) {
      github.before('git/update-ref', () => {
        races.made++;
        github.push('main', { 'notes/other-writer.txt': `race ${i}\n` });
      });
      for (let skip = 1; skip < spacing; skip++) {
        github.before('git/update-ref', () => {});
      }
    }
    return races;
  }

  it(`${DIFFERENT} promotions of different services with ${OTHER_WRITES} sha races: none lost or duplicated`, async () => {
    const base = fake.head('main')!;
    // every promotion updates the ref at least once: all races happen
    const races = raceRefUpdates(
      OTHER_WRITES,
      Math.floor(DIFFERENT / OTHER_WRITES),
    );
    const outcomes = await promoteAtOnce(
      [api],
      promotionsOf(services, '1.1.0'),
    );
    const verdict = await judge(outcomes, githubView(fake), base);
    figures.record('GitHub: different services, sha races', {
      ...promotionFigures(verdict),
      faultsInjected: races.made,
      faultsSurvived: verdict.lost + verdict.duplicated === 0 ? races.made : 0,
    });

    expect(verdictSummary(verdict)).toEqual(CLEAN_VERDICT);
    expect(verdict.rejections).toEqual([]);
    expect(verdict.accepted).toBe(DIFFERENT);
    expect(races.made).toBe(OTHER_WRITES);
    expect(verdict.history).toHaveLength(DIFFERENT + OTHER_WRITES);
  });

  it(`${SAME} promotions of the same service and environment with sha races: the last accepted one wins, refusals are clear 409s`, async () => {
    const [service] = services;
    const base = fake.head('main')!;
    const races = raceRefUpdates(3, 2);
    const outcomes = await promoteAtOnce(
      [api],
      racingRollbacks(service, 'prod-eu', SAME, '4.0'),
      STAGGER_MS,
    );
    const verdict = await judge(outcomes, githubView(fake), base);
    figures.record('GitHub: same service and environment, sha races', {
      ...promotionFigures(verdict),
      faultsInjected: races.made,
      faultsSurvived: verdict.lost + verdict.duplicated === 0 ? races.made : 0,
    });

    expect(verdictSummary(verdict)).toEqual(CLEAN_VERDICT);
    expect(verdict.accepted).toBeGreaterThanOrEqual(1);
    expect(verdict.accepted + verdict.rejected).toBe(SAME);
    expect(races.made).toBeGreaterThanOrEqual(1);
    expect(verdict.history).toHaveLength(verdict.accepted + races.made);
  });
});
