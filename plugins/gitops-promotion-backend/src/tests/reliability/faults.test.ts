import {
  getYamlValue,
  setYamlValue,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import {
  GitHttpServer,
  startGitHttpBackend,
} from '../../__testUtils__/gitHttpBackend';
import { startPromotionBackend } from '../../__testUtils__/promotionBackend';
import { GithubFake } from '../../clients/github/__testUtils__/githubFake';
import { exampleFiles } from '../../clients/github/__testUtils__/startGithubFake';
import { apiClient, ApiClient, errorMessage } from './__testUtils__/api';
import { githubIntegration, githubRepository } from './__testUtils__/github';
import {
  HttpFault,
  HttpFaultProxy,
  TcpFaultProxy,
} from './__testUtils__/faultProxy';
import { createFigures, scaled } from './__testUtils__/figures';
import { reliabilityPostgres } from './__testUtils__/postgres';
import {
  CLEAN_VERDICT,
  gitView,
  githubView,
  judge,
  promoteAtOnce,
  promotionFigures,
  RepositoryView,
  verdictSummary,
} from './__testUtils__/promotionRuns';

/** Git gives up on a stalled remote after this long (production: 60 s). */
const GIT_TIMEOUT_MS = 2_000;
/** GitHub requests give up after this long (production: 30 s). */
const GITHUB_TIMEOUT_MS = 1_000;

jest.mock('../../clients/git/GitCliProvider', () => {
  const actual = jest.requireActual('../../clients/git/GitCliProvider');
  class ShortTimeouts extends actual.GitCliProvider {
    constructor(options: object) {
      super({ timeoutMs: GIT_TIMEOUT_MS, ...options });
    }
  }
  return { ...actual, GitCliProvider: ShortTimeouts };
});

// Fast retries, no write spacing and a short timeout; the same client otherwise.
jest.mock('../../clients/github/createOctokit', () =>
  jest
    .requireActual('./__testUtils__/github')
    .fastOctokitModule(() => ({ timeoutMs: GITHUB_TIMEOUT_MS })),
);

/** How many times each fault is injected. */
const ROUNDS = scaled(1, 5);
const LOAD = scaled(12, 60);

jest.setTimeout(scaled(90_000, 900_000));

const figures = createFigures('faults');

type Backend = Awaited<ReturnType<typeof startPromotionBackend>>;

/**
 * A fault case: the fault, and whether the first request should already
 * succeed (the fault is absorbed) or fail with a clear 503.
 */
interface FaultCase {
  name: string;
  inject: () => void;
  first: 201 | 503;
}

/**
 * Runs a rollback of `checkout` in staging (no Argo CD gate) with an
 * Idempotency-Key under the fault, then retries it with the same key until
 * it converges. Returns the problems found (none when the fault was survived).
 */
async function survive(
  api: ApiClient,
  view: RepositoryView,
  fault: FaultCase,
  version: string,
  clear: () => void,
): Promise<string[]> {
  const problems: string[] = [];
  const path = 'envs/staging/checkout/values.yaml';
  const body = {
    entityRef: 'component:default/checkout',
    target: 'staging',
    kind: 'rollback',
    versions: [version],
  };
  const headers = { 'Idempotency-Key': `fault-${version}` };
  const base = await view.head();
  fault.inject();
  const first = await api.post('/promotions', body, { headers });
  clear();
  if (first.status !== fault.first) {
    problems.push(
      `first answer ${first.status} ${JSON.stringify(first.body)}, expected ${
        fault.first
      }`,
    );
  }
  if (first.status === 503) {
    const message = errorMessage(first) ?? '';
    if (!/GitOps repository|GitHub/.test(message) || /\n\s+at /.test(message)) {
      problems.push(`unclear 503: ${message}`);
    }
    if ((await view.head()) !== base) {
      problems.push('the failed promotion moved the branch');
    }
  }
  // The client retries with the same key until it converges.
  let retry = await api.post('/promotions', body, { headers });
  for (let i = 0; i < 3 && retry.status >= 500; i++) {
    retry = await api.post('/promotions', body, { headers });
  }
  const again = await api.post('/promotions', body, { headers });
  if (![200, 201].includes(retry.status) || retry.body.state !== 'committed') {
    problems.push(
      `retry answered ${retry.status} ${JSON.stringify(retry.body)}`,
    );
  }
  if (again.status !== 200 || again.body.id !== retry.body.id) {
    problems.push(
      `a second retry answered ${again.status}, not the same promotion`,
    );
  }
  if (first.status === 201 && first.body.id !== retry.body.id) {
    problems.push('the retry made another promotion');
  }
  const history = await view.commitsSince(base);
  const ours = history.filter(c => c.promotionId === retry.body.id);
  if (history.length !== 1 || ours.length !== 1) {
    problems.push(
      `expected exactly one commit, history has ${history
        .map(c => c.subject)
        .join('; ')}`,
    );
  }
  const text = await view.read(path);
  if (!text || getYamlValue(text, 'image.tag') !== version) {
    problems.push(`${path} does not say ${version}`);
  }
  return problems;
}

/** The versions runFaultCases rolls back to with `prefix` (at most 20 cases). */
function faultVersions(prefix: string): string[] {
  return Array.from(
    { length: 20 * ROUNDS },
    (_, i) => `${prefix}.${Math.floor(i / ROUNDS)}.${i % ROUNDS}`,
  );
}

/** Pushes one commit per version to a GitHub fake's file, then restores it. */
function recordGithubHistory(
  fake: GithubFake,
  file: string,
  versions: string[],
) {
  const original = exampleFiles()[file];
  for (const version of versions) {
    fake.push('main', { [file]: setYamlValue(original, 'image.tag', version) });
  }
  fake.push('main', { [file]: original });
}

function runFaultCases(
  scenario: string,
  context: () => { api: ApiClient; view: RepositoryView; clear: () => void },
  cases: FaultCase[],
  versionPrefix: string,
) {
  it.each(cases.map((c, i) => [c.name, c, i] as const))(
    `${scenario}: %s, then idempotent retries converge to one commit`,
    async (_name, fault, index) => {
      const { api, view, clear } = context();
      const problems: string[] = [];
      let survived = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const found = await survive(
          api,
          view,
          fault,
          `${versionPrefix}.${index}.${round}`,
          clear,
        );
        if (found.length === 0) survived++;
        problems.push(...found);
      }
      figures.record(`${scenario}: ${fault.name}`, {
        faultsInjected: ROUNDS,
        faultsSurvived: survived,
        promotionsAttempted: ROUNDS,
        promotionsAccepted: survived,
        promotionsLost: ROUNDS - survived,
      });
      expect(problems).toEqual([]);
    },
  );
}

describe('faults of the git remote (git http-backend behind a fault proxy)', () => {
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  let http: GitHttpServer;
  let proxy: HttpFaultProxy;
  let backend: Backend;
  let api: ApiClient;

  beforeAll(async () => {
    demo = await createDemoRepository();
    // Rollbacks go only to versions the environment ran: these did.
    await demo.recordHistory([
      {
        file: 'envs/staging/checkout/values.yaml',
        key: 'image.tag',
        values: faultVersions('5.0'),
      },
    ]);
    http = await startGitHttpBackend(demo.dir);
    proxy = await HttpFaultProxy.start(http.url);
    backend = await startPromotionBackend({
      demo,
      mutateConfig: section => {
        section.repositories[0].url = `${proxy.url}/gitops-repo.git`;
      },
    });
    api = apiClient(backend.server);
  });

  afterAll(async () => {
    await backend?.stop();
    await proxy?.close();
    await http?.close();
    await demo?.cleanup();
  });

  const push = ({ method, url }: { method: string; url: string }) =>
    method === 'POST' && url.includes('git-receive-pack');
  const reads = ({ url }: { url: string }) => url.includes('git-upload-pack');
  const on = (fault: HttpFault) => () => proxy.inject(fault);

  runFaultCases(
    'git',
    () => ({ api, view: gitView(demo.bare), clear: () => proxy.clear() }),
    [
      {
        name: 'the push is answered 5xx',
        inject: on({ kind: 'status', status: 502, match: push }),
        first: 503,
      },
      {
        name: 'the push stalls past the timeout',
        inject: on({ kind: 'stall', match: push }),
        first: 503,
      },
      {
        // every attempt: curl re-sends a request whose reused connection died
        name: 'the connection drops mid-push',
        inject: on({
          kind: 'drop-request',
          truncate: true,
          match: push,
          times: Infinity,
        }),
        first: 503,
      },
      {
        name: 'the push lands but its answer is lost',
        inject: on({ kind: 'drop-response', match: push }),
        first: 201,
      },
      {
        name: 'every read is answered 5xx',
        inject: on({
          kind: 'status',
          status: 500,
          match: reads,
          times: Infinity,
        }),
        first: 503,
      },
      {
        name: 'the remote resets every connection',
        inject: on({ kind: 'reset', times: Infinity }),
        first: 503,
      },
    ],
    '5.0',
  );

  it('reads answer a clear 503 while the remote is down, and recover', async () => {
    proxy.inject({ kind: 'reset', times: Infinity });
    const during = await Promise.all([
      api.get('/environments?entityRef=component:default/cart'),
      api.get('/matrix'),
      api.post('/promotions/preview', {
        entityRef: 'component:default/cart',
        source: 'staging',
        targets: ['prod-eu'],
      }),
    ]);
    const injected = proxy.injected;
    proxy.clear();
    const after = await api.get(
      '/environments?entityRef=component:default/cart',
    );
    figures.record('git: reads while the remote is down', {
      faultsInjected: during.length,
      faultsSurvived:
        during.filter(r => r.status === 503).length *
        (after.status === 200 ? 1 : 0),
    });
    expect(injected).toBeGreaterThan(0);
    expect(during.map(r => [r.status, errorMessage(r)])).toEqual(
      during.map(() => [503, expect.stringMatching(/GitOps repository/)]),
    );
    expect(after.status).toBe(200);
  });
});

describe('faults of GitHub (the fake, behind a fault proxy)', () => {
  const token = 'reliability-github-token';
  let fake: GithubFake;
  let proxy: HttpFaultProxy;
  let backend: Backend;
  let api: ApiClient;

  beforeAll(async () => {
    fake = await GithubFake.start({ token });
    fake.push('main', exampleFiles(), { message: 'Seed' });
    recordGithubHistory(
      fake,
      'envs/staging/checkout/values.yaml',
      faultVersions('6.0'),
    );
    proxy = await HttpFaultProxy.start(fake.url);
    backend = await startPromotionBackend({
      rootConfig: githubIntegration(fake, token, proxy.url),
      mutateConfig: section => {
        section.repositories[0] = githubRepository(fake, 'acme-gitops');
      },
    });
    api = apiClient(backend.server);
  });

  afterAll(async () => {
    await backend?.stop();
    await proxy?.close();
    await fake?.close();
  });

  const refUpdate = ({ method, url }: { method: string; url: string }) =>
    method === 'PATCH' && url.includes('/git/refs/');
  const treeCreation = ({ method, url }: { method: string; url: string }) =>
    method === 'POST' && url.includes('/git/trees');
  // FAST_POLICY retries twice: three attempts in all.
  const EVERY_ATTEMPT = 3;

  runFaultCases(
    'GitHub',
    () => ({ api, view: githubView(fake), clear: () => proxy.clear() }),
    [
      {
        name: 'one 500 on the tree creation (retried)',
        inject: () =>
          fake.fail({ operationId: 'git/create-tree', status: 500 }),
        first: 201,
      },
      {
        name: 'the ref update is answered 502 on every attempt',
        inject: () =>
          fake.fail({
            operationId: 'git/update-ref',
            status: 502,
            times: EVERY_ATTEMPT,
          }),
        first: 503,
      },
      {
        name: 'the ref update lands but every answer is lost',
        inject: () =>
          fake.fail({
            operationId: 'git/update-ref',
            status: 502,
            times: EVERY_ATTEMPT,
            afterServing: true,
          }),
        first: 201,
      },
      {
        name: 'the ref update stalls past the timeout on every attempt',
        inject: () =>
          proxy.inject({
            kind: 'stall',
            match: refUpdate,
            times: EVERY_ATTEMPT,
          }),
        first: 503,
      },
      {
        name: 'the connection drops mid-write once (retried)',
        inject: () =>
          proxy.inject({ kind: 'drop-request', match: treeCreation }),
        first: 201,
      },
      {
        name: 'GitHub resets every connection',
        inject: () => proxy.inject({ kind: 'reset', times: Infinity }),
        first: 503,
      },
    ],
    '6.0',
  );
});

describe('faults of Argo CD (the stand-in behind a fault proxy)', () => {
  let proxy: HttpFaultProxy;
  let backend: Backend;
  let api: ApiClient;

  beforeAll(async () => {
    proxy = await HttpFaultProxy.start();
    backend = await startPromotionBackend({
      mutateConfig: section => {
        const instance = section.argocd.instances[0];
        proxy.target = instance.url;
        instance.url = proxy.url;
        instance.timeoutMs = 1_000;
        instance.cacheTtlSeconds = 0;
        // Every read asks Argo CD, so each fault meets a request: a watch
        // stream opened before the fault would keep statuses known (its
        // faults, a dropped stream and the fallback to the list, are
        // ArgoCdClient.watch.test.ts's).
        instance.watch = false;
      },
    });
    // Rollbacks go only to versions the environment ran: these did.
    await backend.demo.recordHistory([
      {
        file: 'envs/staging/cart/values.yaml',
        key: 'image.tag',
        values: ['7.0.1', '7.0.2'],
      },
    ]);
    api = apiClient(backend.server);
  });

  afterAll(async () => {
    await backend?.stop();
    await proxy?.close();
  });

  const unknownEverywhere = (matrix: any) =>
    matrix.services.every((s: any) =>
      s.cells.every(
        (c: any) => c.version !== undefined && c.status.state === 'unknown',
      ),
    );

  it.each([
    ['down', { kind: 'reset', times: Infinity } as HttpFault],
    ['slow', { kind: 'delay', delayMs: 3_000, times: Infinity } as HttpFault],
  ])(
    'Argo CD %s: the matrix still answers with git versions and an unknown status, promotions still commit and are tracked once it is back',
    async (mode, fault) => {
      const problems: string[] = [];
      proxy.inject(fault);
      const started = Date.now();
      const matrix = await api.get('/matrix');
      const took = Date.now() - started;
      if (matrix.status !== 200 || !unknownEverywhere(matrix.body)) {
        problems.push(
          `matrix: ${matrix.status} ${JSON.stringify(matrix.body).slice(
            0,
            500,
          )}`,
        );
      }
      if (took > 5_000) problems.push(`the matrix took ${took} ms`);
      const reasons = new Set(
        matrix.body.services?.flatMap((s: any) =>
          s.cells.map((c: any) => c.status.reason),
        ),
      );
      if (!reasons.has('instance-unreachable')) {
        problems.push(`reasons: ${[...reasons].join(', ')}`);
      }
      const environments = await api.get(
        '/environments?entityRef=component:default/checkout',
      );
      if (environments.status !== 200) {
        problems.push(`environments: ${environments.status}`);
      }

      // The gate cannot be checked: a clear 409, nothing written.
      const gated = await api.post('/promotions', {
        entityRef: 'component:default/payments',
        source: 'staging',
        target: 'prod-eu',
      });
      if (gated.status !== 409 || !/Argo CD/.test(errorMessage(gated) ?? '')) {
        problems.push(
          `gated promotion: ${gated.status} ${errorMessage(gated)}`,
        );
      }
      // A write that needs no status still commits.
      const committed = await api.post('/promotions', {
        entityRef: 'component:default/cart',
        target: 'staging',
        kind: 'rollback',
        versions: [`7.0.${mode === 'down' ? 1 : 2}`],
      });
      if (committed.status !== 201) {
        problems.push(
          `rollback: ${committed.status} ${errorMessage(committed)}`,
        );
      }
      // Tracking waits instead of failing while Argo CD is away...
      for (let i = 0; i < 3; i++) await backend.runTracker();
      const waiting = await api.get(`/promotions/${committed.body.id}`);
      if (waiting.body.state !== 'committed') {
        problems.push(`while Argo CD is ${mode}: ${waiting.body.state}`);
      }
      // ...and resumes once it is back.
      proxy.clear();
      let state = waiting.body.state;
      for (let i = 0; i < 50 && state !== 'deployed'; i++) {
        await backend.runTracker();
        state = (await api.get(`/promotions/${committed.body.id}`)).body.state;
        if (state !== 'deployed') await new Promise(r => setTimeout(r, 200));
      }
      if (state !== 'deployed')
        problems.push(`after Argo CD is back: ${state}`);

      figures.record(`Argo CD ${mode}`, {
        faultsInjected: 1,
        faultsSurvived: problems.length ? 0 : 1,
        promotionsAttempted: 2,
        promotionsAccepted: committed.status === 201 ? 1 : 0,
        promotionsRejected: gated.status === 409 ? 1 : 0,
      });
      expect(problems).toEqual([]);
    },
  );
});

describe('the database restarts (PostgreSQL behind a TCP proxy)', () => {
  const postgres = reliabilityPostgres();
  let database: Awaited<ReturnType<typeof postgres.create>>;
  let db: TcpFaultProxy;
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  let http: GitHttpServer;
  let git: HttpFaultProxy;
  let backend: Backend | undefined;

  const start = () =>
    startPromotionBackend({
      demo,
      features: [database.factory(db)],
      mutateConfig: section => {
        section.repositories[0].url = `${git.url}/gitops-repo.git`;
        section.argocd.instances[0].cacheTtlSeconds = 1;
      },
    });

  beforeAll(async () => {
    database = await postgres.create();
    db = await TcpFaultProxy.start(database.host, database.port);
    demo = await createDemoRepository();
    const load = Array.from({ length: LOAD }, (_, i) => ({
      file: `envs/${['dev', 'staging', 'prod-eu'][Math.floor(i / 3) % 3]}/${
        ['payments', 'checkout', 'cart'][i % 3]
      }/values.yaml`,
      key: 'image.tag',
      values: [`9.0.${i}`],
    }));
    await demo.recordHistory([
      ...load,
      {
        file: 'envs/staging/cart/values.yaml',
        key: 'image.tag',
        values: ['8.0.0'],
      },
      {
        file: 'charts/search/values-staging.yaml',
        key: 'image.tag',
        values: ['0.9.9'],
      },
    ]);
    http = await startGitHttpBackend(demo.dir);
    git = await HttpFaultProxy.start(http.url);
  });

  afterAll(async () => {
    await backend?.stop();
    await db?.close();
    await postgres.close();
    await git?.close();
    await http?.close();
    await demo?.cleanup();
  });

  async function trackUntilDeployed(b: Backend, api: ApiClient, ids: string[]) {
    const states = new Map<string, string>();
    for (let i = 0; i < 60; i++) {
      await b.runTracker();
      for (const id of ids) {
        states.set(id, (await api.get(`/promotions/${id}`)).body.state);
      }
      if ([...states.values()].every(s => s === 'deployed')) break;
      await new Promise(r => setTimeout(r, 250));
    }
    return [...states.values()];
  }

  it('right after a push: the promotion is still recorded as committed, once', async () => {
    backend = await start();
    const api = apiClient(backend.server);
    const view = gitView(demo.bare);
    const base = await view.head();
    // The database goes away between the push and the ledger's update.
    git.inject({
      kind: 'hook',
      match: ({ method, url }) =>
        method === 'POST' && url.includes('git-receive-pack'),
      hook: async () => {
        void db.restart({ hangMs: 300, downMs: 1_500 });
      },
    });
    const res = await api.post('/promotions', {
      entityRef: 'component:default/cart',
      target: 'staging',
      kind: 'rollback',
      versions: ['8.0.0'],
    });
    const history = await view.commitsSince(base);
    const stored = await api.get(`/promotions/${res.body.id}`);
    figures.record('database restart right after a push', {
      faultsInjected: 1,
      faultsSurvived:
        res.status === 201 && stored.body.state === 'committed' ? 1 : 0,
      promotionsAttempted: 1,
      promotionsAccepted: res.status === 201 ? 1 : 0,
      promotionsLost: history.length === 1 && res.status === 201 ? 0 : 1,
    });
    expect(res.status).toBe(201);
    expect(stored.body).toMatchObject({
      state: 'committed',
      commitSha: history[0]?.sha,
    });
    expect(history.map(c => c.promotionId)).toEqual([res.body.id]);
  });

  it(`under load (${LOAD} promotions): retries with the same keys converge, every in-flight promotion reaches deployed`, async () => {
    backend ??= await start();
    const api = apiClient(backend.server);
    const view = gitView(demo.bare);
    const base = await view.head();
    // Rollbacks spread over nine files (three services in three environments):
    // some land on the same file and are refused, most do not.
    const services = ['payments', 'checkout', 'cart'];
    const environments = ['dev', 'staging', 'prod-eu'];
    const planned = Array.from({ length: LOAD }, (_, i) => {
      const service = services[i % 3];
      const target = environments[Math.floor(i / 3) % 3];
      const version = `9.0.${i}`;
      return {
        body: {
          entityRef: `component:default/${service}`,
          target,
          kind: 'rollback',
          versions: [version],
        },
        path: `envs/${target}/${service}/values.yaml`,
        key: 'image.tag',
        version,
        headers: { 'Idempotency-Key': `db-load-${i}` },
      };
    });
    const restarts = scaled(2, 6);
    const restartsBefore = db.restarts;
    const [first] = await Promise.all([
      promoteAtOnce([api], planned, 40),
      (async () => {
        for (let i = 0; i < restarts; i++) {
          await new Promise(r => setTimeout(r, 250));
          await db.restart({ hangMs: 100, downMs: 800 });
        }
      })(),
    ]);
    // Clients retry what failed, with the same key, until it is decided.
    let outcomes = first;
    for (let round = 0; round < 5; round++) {
      const failed = outcomes.filter(o => o.response.status >= 500);
      if (!failed.length) break;
      const retried = await promoteAtOnce(
        [api],
        failed.map(o => o.planned),
      );
      outcomes = outcomes.map(
        o => retried.find(r => r.planned === o.planned) ?? o,
      );
    }
    const verdict = await judge(outcomes, view, base);
    const accepted = outcomes.filter(o => o.response.status === 201);
    const states = await trackUntilDeployed(
      backend,
      api,
      accepted.map(o => o.response.body.id),
    );
    figures.record('database restarts under load', {
      ...promotionFigures(verdict),
      faultsInjected: db.restarts - restartsBefore,
      faultsSurvived:
        verdictSummary(verdict).lost === 0 &&
        states.every(s => s === 'deployed')
          ? restarts
          : 0,
    });
    // What failed while the database was away failed cleanly: a 503 saying
    // so, no SQL.
    const failures = first
      .filter(o => o.response.status >= 500)
      .map(o => [o.response.status, errorMessage(o.response)]);
    expect(failures).toEqual(
      failures.map(() => [
        503,
        expect.stringMatching(/^The promotion ledger is unavailable/),
      ]),
    );
    expect(verdictSummary(verdict)).toEqual(CLEAN_VERDICT);
    expect(states).toEqual(accepted.map(() => 'deployed'));
  });

  it('a backend restarted on the same database resumes the in-flight promotions', async () => {
    backend ??= await start();
    const api = apiClient(backend.server);
    const res = await api.post('/promotions', {
      entityRef: 'component:default/search',
      target: 'staging',
      kind: 'rollback',
      versions: ['0.9.9'],
    });
    expect(res.status).toBe(201);
    await backend.stop();
    backend = await start();
    const next = apiClient(backend.server);
    const before = (await next.get(`/promotions/${res.body.id}`)).body.state;
    const states = await trackUntilDeployed(backend, next, [res.body.id]);
    figures.record('backend restart with a promotion in flight', {
      faultsInjected: 1,
      faultsSurvived: states[0] === 'deployed' ? 1 : 0,
      promotionsAttempted: 1,
      promotionsAccepted: 1,
      promotionsLost: states[0] === 'deployed' ? 0 : 1,
    });
    expect(before).toBe('committed');
    expect(states).toEqual(['deployed']);
  });
});
