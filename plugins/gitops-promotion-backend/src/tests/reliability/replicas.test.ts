import path from 'node:path';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import {
  GitHttpServer,
  startGitHttpBackend,
} from '../../__testUtils__/gitHttpBackend';
import { startPromotionBackend } from '../../__testUtils__/promotionBackend';
import {
  allPromotions,
  apiClient,
  ApiClient,
  eventually,
} from './__testUtils__/api';
import { recordingRootLogger } from './__testUtils__/recordingLogger';
import { createFigures, scaled } from './__testUtils__/figures';
import {
  addFleet,
  anotherWriter,
  catalogWith,
  fleet,
} from './__testUtils__/fleet';
import { reliabilityPostgres } from './__testUtils__/postgres';
import {
  CLEAN_VERDICT,
  gitView,
  judge,
  promoteAtOnce,
  promotionFigures,
  promotionsOf,
  racingRollbacks,
  racingRollbackVersions,
  verdictSummary,
} from './__testUtils__/promotionRuns';

const DIFFERENT = scaled(30, 500);
const SAME = scaled(20, 100);
const KEYS = scaled(10, 50);

jest.setTimeout(scaled(150_000, 1_500_000));

const figures = createFigures('replicas');
const postgres = reliabilityPostgres();
const services = fleet(DIFFERENT);

type Backend = Awaited<ReturnType<typeof startPromotionBackend>>;

describe('two backend replicas on one PostgreSQL database', () => {
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  let http: GitHttpServer;
  const replicas: Backend[] = [];
  const logs = [recordingRootLogger(), recordingRootLogger()];
  let apis: ApiClient[];

  beforeAll(async () => {
    // Fails with how to start PostgreSQL when there is none: replicas cannot share SQLite.
    const database = await postgres.create();
    demo = await createDemoRepository();
    await addFleet(demo, services);
    // Rollbacks go only to versions the environment ran: these did.
    await demo.recordHistory([
      {
        file: `envs/prod-us/${services[0].name}/values.yaml`,
        key: 'image.tag',
        values: racingRollbackVersions(SAME, '3.1'),
      },
      ...racingRollbackVersions(KEYS, '3.2').map((version, i) => ({
        file: `envs/prod-us/${services[1 + i].name}/values.yaml`,
        key: 'image.tag',
        values: [version],
      })),
    ]);
    http = await startGitHttpBackend(demo.dir);
    // One after the other: the first one migrates the schema.
    const [repository, root] = [`${http.url}/gitops-repo.git`, demo.dir];
    for (const replica of [0, 1]) {
      replicas.push(
        await startPromotionBackend({
          demo,
          entities: catalogWith(services),
          features: [database.factory(), logs[replica].factory],
          mutateConfig: section => {
            section.repositories[0].url = repository;
            section.argocd.instances[0].cacheTtlSeconds = 1;
            // each replica has its own disk
            section.workingDirectory = path.join(root, `replica-${replica}`);
          },
        }),
      );
    }
    apis = replicas.map(r => apiClient(r.server));
    const last = services[services.length - 1];
    await eventually(
      async () => {
        const res = await apis[0].get(
          `/environments?entityRef=${last.entityRef}`,
        );
        const staging = res.body.environments?.find(
          (e: { name: string }) => e.name === 'staging',
        );
        return staging?.status?.health?.status === 'Healthy';
      },
      { timeoutMs: scaled(30_000, 300_000) },
    );
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    await postgres.close();
    await http?.close();
    await demo?.cleanup();
  });

  it(`${DIFFERENT} promotions of different services through both replicas, with another writer: none lost or duplicated, and both replicas' ledgers agree`, async () => {
    const base = await demo.head();
    const [outcomes, otherCommits] = await Promise.all([
      promoteAtOnce(apis, promotionsOf(services, '1.1.0')),
      anotherWriter(demo.bare, scaled(5, 40)),
    ]);
    const verdict = await judge(outcomes, gitView(demo.bare), base);
    figures.record('replicas: different services', promotionFigures(verdict));

    expect(verdictSummary(verdict)).toEqual(CLEAN_VERDICT);
    // Different files never conflict. Replicas only meet at the remote, so a
    // promotion may lose every race for a minute to the other replica's
    // stream of pushes: then, and only then, a clear 409 (see
    // docs/reliability.md, known limits), and only for a few.
    const starved = verdict.rejections.filter(m => /kept moving/.test(m));
    expect(verdict.rejections).toEqual(starved);
    expect(verdict.accepted).toBeGreaterThanOrEqual(DIFFERENT * 0.95);
    expect(verdict.history).toHaveLength(verdict.accepted + otherCommits);
    const ledgers = await Promise.all(
      apis.map(async api =>
        (await allPromotions(api, '&environment=prod-eu'))
          .map(p => `${p.id} ${p.commitSha}`)
          .sort(),
      ),
    );
    expect(ledgers[0]).toEqual(ledgers[1]);
    expect(ledgers[0]).toHaveLength(DIFFERENT);
    const committed = ledgers[0].filter(l => !l.endsWith(' undefined'));
    expect(committed).toHaveLength(verdict.accepted);
  });

  it(`${SAME} promotions of the same service and environment through both replicas: the last accepted one wins, refusals are clear 409s`, async () => {
    const base = await demo.head();
    const outcomes = await promoteAtOnce(
      apis,
      racingRollbacks(services[0], 'prod-us', SAME, '3.1'),
      100,
    );
    const verdict = await judge(outcomes, gitView(demo.bare), base);
    figures.record(
      'replicas: same service and environment',
      promotionFigures(verdict),
    );

    expect(verdictSummary(verdict)).toEqual(CLEAN_VERDICT);
    expect(verdict.accepted).toBeGreaterThanOrEqual(1);
    expect(verdict.accepted + verdict.rejected).toBe(SAME);
    expect(verdict.history).toHaveLength(verdict.accepted);
  });

  it(`${KEYS} idempotency keys, each sent to both replicas at once: one promotion and one commit per key`, async () => {
    const base = await demo.head();
    const planned = racingRollbacks(services[1], 'prod-us', KEYS, '3.2').map(
      (p, i) => ({
        ...p,
        body: { ...p.body, entityRef: services[1 + i].entityRef },
        path: `envs/prod-us/${services[1 + i].name}/values.yaml`,
        headers: { 'Idempotency-Key': `replica-key-${i}` },
      }),
    );
    // every request twice, once per replica, at the same time
    const outcomes = await promoteAtOnce(
      apis,
      planned.flatMap(p => [p, p]),
    );
    const pairs = planned.map((_, i) => [outcomes[2 * i], outcomes[2 * i + 1]]);
    const problems: string[] = [];
    for (const [a, b] of pairs) {
      const statuses = [a.response.status, b.response.status].sort();
      if (a.response.body.id !== b.response.body.id) {
        problems.push(
          `two promotions for ${a.planned.headers?.['Idempotency-Key']}`,
        );
      }
      if (
        !statuses.includes(201) ||
        statuses.some(s => s !== 200 && s !== 201)
      ) {
        problems.push(
          `${a.planned.headers?.['Idempotency-Key']}: ${statuses.join(', ')}`,
        );
      }
    }
    const history = await gitView(demo.bare).commitsSince(base);
    const ids = pairs.map(([a]) => a.response.body.id);
    figures.record('replicas: one idempotency key sent to both', {
      promotionsAttempted: KEYS * 2,
      promotionsAccepted: new Set(ids).size,
      promotionsDuplicated:
        history.length - new Set(history.map(c => c.promotionId)).size,
      promotionsLost: ids.filter(id => !history.some(c => c.promotionId === id))
        .length,
    });
    expect(problems).toEqual([]);
    expect(history.map(c => c.promotionId).sort()).toEqual([...ids].sort());
  });

  it('both replicas track every in-flight promotion to deployed, each transition made once', async () => {
    const inFlight = async () =>
      (await allPromotions(apis[0])).filter(p =>
        ['committed', 'syncing'].includes(p.state),
      );
    const started = (await inFlight()).length;
    const rounds = scaled(60, 300);
    for (let round = 0; round < rounds && (await inFlight()).length; round++) {
      await Promise.all(replicas.map(r => r.runTracker()));
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    const committed = (await allPromotions(apis[1])).filter(p => p.commitSha);
    const notDeployed = committed.filter(p => p.state !== 'deployed');
    // The tracker logs each transition it made: "<id> (...): committed -> syncing".
    const transitions = logs
      .flatMap(l => l.lines)
      .map(l => /^Promotion (\S+) \(.*\): (\S+) -> (\S+)$/.exec(l.message))
      .filter(Boolean)
      .map(m => `${m![1]} ${m![3]}`);
    const repeated = transitions.filter((t, i) => transitions.indexOf(t) !== i);
    const deployedOnce = committed.filter(
      p => transitions.filter(t => t === `${p.id} deployed`).length === 1,
    );
    figures.record('replicas: tracking to deployed', {
      promotionsAttempted: started,
      promotionsAccepted: deployedOnce.length,
      promotionsLost: notDeployed.length,
      promotionsDuplicated: repeated.length,
      details: logs.map(
        (l, i) =>
          `replica ${i} moved ${
            l.lines.filter(line => / -> deployed$/.test(line.message)).length
          } promotion(s) to deployed`,
      ),
    });
    expect(started).toBeGreaterThan(0);
    expect(notDeployed.map(p => `${p.id} ${p.state}`)).toEqual([]);
    expect(repeated).toEqual([]);
    expect(deployedOnce).toHaveLength(committed.length);
  });
});
