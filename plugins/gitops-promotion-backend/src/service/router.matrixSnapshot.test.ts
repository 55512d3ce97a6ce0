import type {
  MatrixCell,
  MatrixResponse,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { eventually } from '../__testUtils__/eventually';
import { runGit } from '../clients/git/runGit';
import { GIT_TEST_IDENTITY } from '../__testUtils__/bareRepository';
import {
  generateMatrixBenchData,
  MATRIX_BENCH_PIPELINE,
  matrixBenchEnvironments,
} from '../__testUtils__/benchmark/matrixBenchData';
import {
  asUser,
  promoteWhenAllowed,
  startPromotionBackend,
  withRelations,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(60_000);

/*
 * GET /matrix is answered from a snapshot prepared per cell (service x
 * environment) and kept with the blob SHAs it was read from. These tests
 * change the world behind it (a commit elsewhere, a promotion, Argo CD) and
 * check that the next answer is exactly the previous one with exactly the
 * cells that had to change changed, for every caller.
 */

const api = '/api/gitops-promotion';
const GUEST = 'user:default/guest';
/** May not read prod-eu: a column with nothing downstream. */
const NO_PROD_EU = 'user:default/priya.raman';
/** May not read staging, the upstream of both production environments. */
const NO_STAGING = 'user:default/marcus.chen';
/** The catalog does not show them the cart service. */
const NO_CART = 'user:default/aiko.tanaka';
const HEALTHY = {
  state: 'known',
  syncStatus: 'Synced',
  health: { status: 'Healthy' },
};

// ----- The spec's MatrixResponse -----------------------------------------------

const SPEC_ID = 'https://backstage.io/gitops-promotion/openapi.json';
const validateMatrix = (() => {
  const spec = parseYaml(
    fs.readFileSync(path.join(__dirname, '../schema/openapi.yaml'), 'utf8'),
  );
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const schemas = JSON.parse(
    JSON.stringify(spec.components.schemas).replace(
      /#\/components\/schemas\//g,
      `${SPEC_ID}#/$defs/`,
    ),
  );
  ajv.addSchema({ $id: SPEC_ID, $defs: schemas });
  return ajv.getSchema(`${SPEC_ID}#/$defs/MatrixResponse`)!;
})();

// ----- The matrix as data ------------------------------------------------------

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function envIndex(body: MatrixResponse, env: string) {
  const index = body.environments.findIndex(e => e.name === env);
  if (index < 0) throw new Error(`No column ${env}`);
  return index;
}

function row(body: MatrixResponse, service: string) {
  const found = body.services.find(s => s.service === service);
  if (!found) throw new Error(`No row ${service}`);
  return found;
}

function cellOf(body: MatrixResponse, service: string, env: string) {
  return row(body, service).cells[envIndex(body, env)];
}

/** The matrix with some cells replaced: `{ 'checkout/dev': cell }`. */
function withCells(
  body: MatrixResponse,
  cells: Record<string, MatrixCell>,
): MatrixResponse {
  const copy = clone(body);
  for (const [at, cell] of Object.entries(cells)) {
    const [service, env] = at.split('/');
    row(copy, service).cells[envIndex(copy, env)] = cell;
  }
  return copy;
}

/**
 * What a caller who may not read `env` gets: the column gone, and no
 * behind or lag where it was the first upstream (unknown to them).
 */
function withoutColumn(body: MatrixResponse, env: string): MatrixResponse {
  const index = envIndex(body, env);
  const copy = clone(body);
  const downstream = copy.environments.map(e => e.promotesFrom[0] === env);
  copy.environments.splice(index, 1);
  for (const service of copy.services) {
    service.cells = service.cells.map((cell, i) => {
      if (!downstream[i]) return cell;
      const { behind, lag, ...rest } = cell;
      return rest;
    });
    service.cells.splice(index, 1);
  }
  return copy;
}

/** What git says: the matrix without Argo CD's status, drift and deployments. */
function gitSide(body: MatrixResponse) {
  const copy = clone(body);
  for (const service of copy.services) {
    delete service.lastDeployedAt;
    for (const cell of service.cells) {
      delete (cell as Partial<MatrixCell>).status;
      delete cell.drift;
    }
  }
  return copy;
}

/** Each environment's last Argo CD deployment of one service. */
type Deployments = Map<string, string | undefined>;

/**
 * The matrix with the rows of `deployed` stamped as the spec says: their
 * `lastDeployedAt` the newest deployment among the body's environments.
 */
function stamped(
  body: MatrixResponse,
  deployed: Record<string, Deployments>,
): MatrixResponse {
  const copy = clone(body);
  for (const service of copy.services) {
    const deployments = deployed[service.service];
    if (!deployments) continue;
    const newest = copy.environments
      .map(e => deployments.get(e.name))
      .filter((d): d is string => d !== undefined)
      .sort((a, b) => Date.parse(b) - Date.parse(a))[0];
    delete service.lastDeployedAt;
    if (newest) service.lastDeployedAt = newest;
  }
  return copy;
}

function withoutRow(body: MatrixResponse, service: string): MatrixResponse {
  const copy = clone(body);
  copy.services = copy.services.filter(s => s.service !== service);
  return copy;
}

// ----- The backend and the world around it -------------------------------------

describe('GET /matrix from the prepared snapshot', () => {
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    backend = await startPromotionBackend({
      deny: {
        [NO_PROD_EU]: { 'gitops-promotion.environment.read': ['prod-eu'] },
        [NO_STAGING]: { 'gitops-promotion.environment.read': ['staging'] },
      },
      hiddenEntities: { [NO_CART]: ['component:default/cart'] },
    });
  });
  afterAll(() => backend.stop());

  /** One GET /matrix: 200, a body the spec accepts, its text and ETag. */
  async function matrix(user = GUEST) {
    const res = await request(backend.server)
      .get(`${api}/matrix`)
      .set('Authorization', asUser(user));
    expect(res.status).toBe(200);
    if (!validateMatrix(res.body)) {
      throw new Error(
        `Not a MatrixResponse: ${JSON.stringify(validateMatrix.errors)}`,
      );
    }
    return {
      body: res.body as MatrixResponse,
      text: res.text,
      etag: res.headers.etag as string,
    };
  }

  /** Asks until `ready` holds of the body (Argo CD's stand-in caught up). */
  async function matrixWhen(ready: (body: MatrixResponse) => boolean) {
    return (
      await eventually(
        () => matrix(),
        m => ready(m.body),
        { timeoutMs: 20_000, intervalMs: 100 },
      )
    ).body;
  }

  /** Every cell Argo CD knows is Synced and Healthy, and runs what git says. */
  const quiet = () =>
    matrixWhen(b =>
      b.services.every(s =>
        s.cells.every(
          c =>
            c.status.state === 'unknown' ||
            (c.drift === undefined &&
              JSON.stringify(c.status) === JSON.stringify(HEALTHY)),
        ),
      ),
    );

  /** A service's last deployment per environment, as GET /environments tells it. */
  async function deployments(service: string): Promise<Deployments> {
    const res = await request(backend.server)
      .get(`${api}/environments`)
      .query({ entityRef: `component:default/${service}` })
      .set('Authorization', asUser());
    expect(res.status).toBe(200);
    return new Map(
      res.body.environments.map((e: any) => [
        e.name,
        e.status.state === 'known' ? e.status.lastDeployedAt : undefined,
      ]),
    );
  }

  /**
   * `body` with the rows of services Argo CD deployed since stamped with
   * their last deployment (which must be newer than the one they had).
   */
  async function redeployed(body: MatrixResponse, services: string[]) {
    const deployed = Object.fromEntries(
      await Promise.all(
        services.map(async s => [s, await deployments(s)] as const),
      ),
    );
    const expected = stamped(body, deployed);
    for (const service of services) {
      expect(
        Date.parse(row(expected, service).lastDeployedAt!),
      ).toBeGreaterThan(Date.parse(row(body, service).lastDeployedAt!));
    }
    return expected;
  }

  const authorDate = async (commit: string) =>
    (
      await runGit(['show', '-s', '--format=%aI', commit], {
        cwd: backend.demo.bare,
      })
    ).trim();

  /**
   * Writes and deletes (`null`) files on `main` of the bare repository in
   * one commit, as another writer would; resolves with the commit's
   * author date as git prints it (ISO 8601, what the lag reports).
   */
  async function commitFiles(
    message: string,
    files: Record<string, string | null>,
  ): Promise<string> {
    const cwd = backend.demo.bare;
    const index = path.join(backend.demo.dir, `index-${Date.now()}`);
    const git = (args: string[], input?: string) =>
      runGit(args, {
        cwd,
        input,
        env: { ...GIT_TEST_IDENTITY, GIT_INDEX_FILE: index },
      });
    const parent = (await git(['rev-parse', 'refs/heads/main'])).trim();
    await git(['read-tree', parent]);
    const entries: string[] = [];
    for (const [file, text] of Object.entries(files)) {
      const blob =
        text === null
          ? `0 ${'0'.repeat(40)}`
          : `100644 ${(
              await git(['hash-object', '-w', '--stdin'], text)
            ).trim()}`;
      entries.push(`${blob}\t${file}\n`);
    }
    await git(['update-index', '--index-info'], entries.join(''));
    const tree = (await git(['write-tree'])).trim();
    const commit = (
      await git(['commit-tree', tree, '-p', parent, '-m', message])
    ).trim();
    await git(['update-ref', 'refs/heads/main', commit, parent]);
    fs.rmSync(index, { force: true });
    return authorDate(commit);
  }

  /** The stand-in runs `version` in the cell, Synced and Healthy, as before. */
  const settled =
    (service: string, env: string, version: string, status: object) =>
    (body: MatrixResponse) => {
      const cell = cellOf(body, service, env);
      return (
        cell.version === version &&
        cell.drift === undefined &&
        JSON.stringify(cell.status) === JSON.stringify(status)
      );
    };

  it('shows a commit made elsewhere in exactly the cell it changed, and the lag it makes downstream', async () => {
    const before = await quiet();
    expect(before.lagPending).toBe(false);
    const dev = cellOf(before, 'checkout', 'dev');
    const staging = cellOf(before, 'checkout', 'staging');
    expect([dev.version, staging.version, staging.behind]).toEqual([
      '2.6.1',
      '2.6.1',
      false,
    ]);

    const sha = await backend.demo.commit('Release checkout 2.7.0 to dev', [
      {
        file: 'envs/dev/checkout/values.yaml',
        key: 'image.tag',
        value: '2.7.0',
      },
    ]);
    const released = await authorDate(sha);
    // Asked at once, before Argo CD has rolled it out: the git side of
    // every answer is already the final one.
    const asked = await Promise.all(
      [GUEST, GUEST, GUEST, GUEST].map(user => matrix(user)),
    );
    const after = await matrixWhen(
      settled('checkout', 'dev', '2.7.0', dev.status),
    );

    // Everything else as it was: prod-eu and prod-us still lag behind
    // staging (whose file did not change), by as much and since when; the
    // row was deployed (to dev) since.
    expect(after).toEqual(
      withCells(await redeployed(before, ['checkout']), {
        'checkout/dev': { ...dev, version: '2.7.0' },
        'checkout/staging': {
          ...staging,
          behind: true,
          lag: {
            upstream: 'dev',
            upstreamVersion: '2.7.0',
            versionsBehind: 1,
            behindSince: released,
          },
        },
      }),
    );
    for (const { body } of asked) {
      expect(gitSide(body)).toEqual(gitSide(after));
    }
    expect(after.lagPending).toBe(false);
  });

  it('answers byte for byte the same after a commit no cell reads, and 304 to its ETag', async () => {
    await quiet();
    const before = await matrix();
    const head = (
      await runGit(['rev-parse', 'main'], { cwd: backend.demo.bare })
    ).trim();
    await commitFiles('Document the repository', {
      'README.md': `${await backend.demo.show('README.md')}\nEdited.\n`,
    });
    expect(
      (await runGit(['rev-parse', 'main'], { cwd: backend.demo.bare })).trim(),
    ).not.toBe(head);
    // Argo CD's stand-in sees the new head too: nothing of its rolls out.
    await backend.standIn.reconcile();

    const after = await matrix();
    expect(after.text).toBe(before.text);
    expect(after.etag).toBe(before.etag);

    const revalidated = await request(backend.server)
      .get(`${api}/matrix`)
      .set('Authorization', asUser())
      .set('If-None-Match', before.etag);
    expect(revalidated.status).toBe(304);
    expect(revalidated.text).toBe('');
    expect(revalidated.headers['content-length']).toBeUndefined();
    expect(revalidated.headers.etag).toBe(before.etag);
  });

  it('answers the same cells after a commit that changes a file a cell reads but none of its values', async () => {
    const before = await quiet();
    const file = 'envs/staging/checkout/values.yaml';
    const text = await backend.demo.show(file);
    expect(text).toContain('replicaCount: 2\n');
    // Upstream of prod-eu and prod-us: their lag is read again from a
    // history one commit longer, and comes out the same.
    await commitFiles('Scale checkout in staging', {
      [file]: text.replace('replicaCount: 2\n', 'replicaCount: 3\n'),
    });
    // Argo CD rolls the file out: the row's last deployment is now.
    await backend.standIn.reconcile();
    const after = await matrixWhen(
      b =>
        settled('checkout', 'staging', '2.6.1', HEALTHY)(b) &&
        row(b, 'checkout').lastDeployedAt !==
          row(before, 'checkout').lastDeployedAt,
    );
    expect(after).toEqual(await redeployed(before, ['checkout']));
  });

  it('changes only the cell whose key changed in a file several services share', async () => {
    const before = await quiet();
    const notifications = (env: string) => cellOf(before, 'notifications', env);
    expect(
      ['dev', 'staging', 'prod-eu', 'prod-us'].map(e => [
        notifications(e).version,
        notifications(e).behind,
      ]),
    ).toEqual([
      ['1.4.0', undefined],
      ['1.3.0', true],
      ['1.3.0', false],
      ['1.3.0', false],
    ]);
    expect(cellOf(before, 'inventory', 'prod-eu').lag).toBeDefined();

    // overlays/staging/kustomization.yaml holds inventory's tag too: its
    // cells are read again (and prod-eu's and prod-us' lag behind it) and
    // come out the same.
    const sha = await backend.demo.commit('Promote notifications 1.4.0', [
      {
        file: 'overlays/staging/kustomization.yaml',
        key: 'images[name=ghcr.io/acme/notifications].newTag',
        value: '1.4.0',
      },
    ]);
    const promoted = await authorDate(sha);
    const after = await matrixWhen(
      b =>
        settled('notifications', 'staging', '1.4.0', HEALTHY)(b) &&
        settled('inventory', 'staging', '4.3.0', HEALTHY)(b),
    );
    const { lag: _lag, ...staging } = notifications('staging');
    const behindStaging = {
      behind: true,
      lag: {
        upstream: 'staging',
        upstreamVersion: '1.4.0',
        versionsBehind: 1,
        behindSince: promoted,
      },
    };
    expect(after).toEqual(
      withCells(await redeployed(before, ['notifications']), {
        'notifications/staging': {
          ...staging,
          version: '1.4.0',
          behind: false,
        },
        'notifications/prod-eu': {
          ...notifications('prod-eu'),
          ...behindStaging,
        },
        'notifications/prod-us': {
          ...notifications('prod-us'),
          ...behindStaging,
        },
      }),
    );
  });

  // A lag is kept, and a file's history cached, by the upstream file's blob
  // SHA and how often that blob changed: a file back at an earlier blob has
  // a longer history than it had then.
  it('counts the lag from the history, also when an upstream file returns to content it had', async () => {
    const file = 'envs/staging/checkout/values.yaml';
    const before = await quiet();
    const prodEu = cellOf(before, 'checkout', 'prod-eu');
    expect([
      cellOf(before, 'checkout', 'staging').version,
      prodEu.version,
    ]).toEqual(['2.6.1', '2.5.0']);
    const original = await backend.demo.show(file);

    // staging rolls back to prod-eu's version: prod-eu is not behind.
    await backend.demo.commit('Roll checkout back to 2.5.0 in staging', [
      { file, key: 'image.tag', value: '2.5.0' },
    ]);
    const rolledBack = (await matrix()).body;
    expect(cellOf(rolledBack, 'checkout', 'prod-eu')).toMatchObject({
      behind: false,
    });
    expect(cellOf(rolledBack, 'checkout', 'prod-eu')).not.toHaveProperty('lag');

    // ...and forward again, to the very file it had: prod-eu is behind
    // since now, not since staging first had 2.6.1.
    const sha = await backend.demo.commit(
      'Roll checkout forward to 2.6.1 in staging',
      [{ file, key: 'image.tag', value: '2.6.1' }],
    );
    expect(await backend.demo.show(file)).toBe(original);
    const forward = (await matrix()).body;
    const lag = {
      upstream: 'staging',
      upstreamVersion: '2.6.1',
      versionsBehind: 1,
      behindSince: await authorDate(sha),
    };
    // What a backend that just started over the same repository answers.
    const fresh = await startPromotionBackend({ demo: backend.demo });
    try {
      const res = await request(fresh.server)
        .get(`${api}/matrix`)
        .set('Authorization', asUser());
      expect(cellOf(res.body, 'checkout', 'prod-eu').lag).toEqual(lag);
    } finally {
      await fresh.stop();
    }
    expect(cellOf(forward, 'checkout', 'prod-eu').lag).toEqual(lag);
  });

  it('carries a promotion in flight on its target cell, then the version it deployed', async () => {
    await backend.demo.commit('Release payments v1.15.0 to dev', [
      {
        file: 'envs/dev/payments/values.yaml',
        key: 'image.tag',
        value: 'v1.15.0',
      },
    ]);
    const before = await quiet();
    const dev = cellOf(before, 'payments', 'dev');
    const staging = cellOf(before, 'payments', 'staging');
    const prodEu = cellOf(before, 'payments', 'prod-eu');
    const prodUs = cellOf(before, 'payments', 'prod-us');
    expect(dev).toEqual({ version: 'v1.15.0', status: HEALTHY });
    expect(staging).toMatchObject({ version: 'v1.14.0', behind: true });
    expect(prodEu.lag).toMatchObject({
      upstreamVersion: 'v1.14.0',
      versionsBehind: 1,
    });

    const { id } = await promoteWhenAllowed(backend.server, GUEST, {
      entityRef: 'component:default/payments',
      source: 'dev',
      target: 'staging',
    });
    const promotion = async () =>
      (
        await request(backend.server)
          .get(`${api}/promotions/${id}`)
          .set('Authorization', asUser())
      ).body;
    const { state } = await promotion();
    expect(['pending', 'committed']).toContain(state);

    // In flight (the tracker has not run): the commit is on main, so the
    // cell shows its version; the production cells now lag one more.
    const inFlight = (await matrix()).body;
    const {
      status: _status,
      drift: _drift,
      ...target
    } = cellOf(inFlight, 'payments', 'staging');
    expect(target).toEqual({
      version: 'v1.15.0',
      behind: false,
      inFlight: [{ id, state, sourceEnv: 'dev' }],
    });
    const lagged = {
      'payments/prod-eu': {
        ...prodEu,
        lag: { ...prodEu.lag!, upstreamVersion: 'v1.15.0', versionsBehind: 2 },
      },
      'payments/prod-us': {
        ...prodUs,
        lag: { ...prodUs.lag!, upstreamVersion: 'v1.15.0', versionsBehind: 2 },
      },
    };
    const expectedInFlight = withCells(before, {
      ...lagged,
      'payments/staging': cellOf(inFlight, 'payments', 'staging'),
    });
    // Argo CD may have deployed it already.
    row(expectedInFlight, 'payments').lastDeployedAt = row(
      inFlight,
      'payments',
    ).lastDeployedAt;
    expect(inFlight).toEqual(expectedInFlight);

    await eventually(
      async () => {
        await backend.runTracker();
        return (await promotion()).state;
      },
      s => s === 'deployed',
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    const deployed = await matrixWhen(
      settled('payments', 'staging', 'v1.15.0', staging.status),
    );
    expect(deployed).toEqual(
      withCells(await redeployed(before, ['payments']), {
        ...lagged,
        'payments/staging': {
          version: 'v1.15.0',
          status: staging.status,
          behind: false,
        },
      }),
    );
  });

  it('follows an application Argo CD reports Degraded, then Healthy, in its cell alone', async () => {
    const before = await quiet();
    const cell = cellOf(before, 'cart', 'prod-eu');
    expect(cell.status).toEqual(HEALTHY);

    expect(
      backend.standIn.degrade('cart-prod-eu', 'OOMKilled: 0 of 2 replicas'),
    ).toBe(true);
    const degraded = await matrixWhen(
      b =>
        cellOf(b, 'cart', 'prod-eu').status.state === 'known' &&
        (cellOf(b, 'cart', 'prod-eu').status as any).health.status ===
          'Degraded',
    );
    expect(degraded).toEqual(
      withCells(before, {
        'cart/prod-eu': {
          ...cell,
          status: {
            state: 'known',
            syncStatus: 'Synced',
            health: {
              status: 'Degraded',
              message: 'OOMKilled: 0 of 2 replicas',
            },
          },
        },
      }),
    );

    expect(backend.standIn.recover('cart-prod-eu')).toBe(true);
    const recovered = await matrixWhen(
      b =>
        (cellOf(b, 'cart', 'prod-eu').status as any).health.status ===
        'Healthy',
    );
    expect(recovered).toEqual(before);
  });

  it('filters columns and rows per caller, from one snapshot shared by all', async () => {
    const everything = await quiet();
    expect(everything.services).toHaveLength(8);
    expect(everything.environments).toHaveLength(4);
    // prod-eu and prod-us lag behind staging for checkout: a caller who may
    // not read staging must not learn its version through them.
    expect(cellOf(everything, 'checkout', 'prod-us').lag).toBeDefined();

    // A row's last deployment is the newest of the cells the caller sees.
    const deployed = Object.fromEntries(
      await Promise.all(
        everything.services.map(
          async s => [s.service, await deployments(s.service)] as const,
        ),
      ),
    );
    expect(stamped(everything, deployed)).toEqual(everything);
    const expected: Record<string, MatrixResponse> = {
      [GUEST]: everything,
      [NO_PROD_EU]: stamped(withoutColumn(everything, 'prod-eu'), deployed),
      [NO_STAGING]: stamped(withoutColumn(everything, 'staging'), deployed),
      [NO_CART]: withoutRow(everything, 'cart'),
    };
    expect(expected[NO_PROD_EU].environments.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'prod-us',
    ]);
    expect(
      expected[NO_STAGING].services.every(
        s =>
          s.cells.length === 3 &&
          s.cells.every(c => c.lag === undefined && c.behind === undefined),
      ),
    ).toBe(true);

    // Interleaved, so that each answer is read from what the previous
    // caller left in the snapshot.
    const order = [
      NO_PROD_EU,
      GUEST,
      NO_PROD_EU,
      NO_STAGING,
      GUEST,
      NO_CART,
      NO_STAGING,
      NO_CART,
      GUEST,
      NO_PROD_EU,
    ];
    for (const user of order) {
      expect({ user, body: (await matrix(user)).body }).toEqual({
        user,
        body: expected[user],
      });
    }
    // And all at once.
    const together = await Promise.all(order.map(user => matrix(user)));
    together.forEach(({ body }, i) =>
      expect({ user: order[i], body }).toEqual({
        user: order[i],
        body: expected[order[i]],
      }),
    );
  });

  it('lists the values of a bundle and of a missing file, and no values for one plain key', async () => {
    const before = await quiet();
    // One key read: the version alone.
    expect(cellOf(before, 'checkout', 'prod-eu')).not.toHaveProperty('values');
    expect(cellOf(before, 'inventory', 'dev')).not.toHaveProperty('values');
    // Two keys (the umbrella chart's version and the image tag): both.
    expect(cellOf(before, 'ledger', 'staging')).toMatchObject({
      version: '1.5.0',
      values: [
        {
          path: 'apps/ledger/staging/Chart.yaml',
          key: 'dependencies[name=service-base].version',
          value: '1.5.0',
        },
        {
          path: 'apps/ledger/staging/values.yaml',
          key: 'service-base.image.tag',
          value: expect.any(String),
        },
      ],
    });
    const ledgerProdUs = cellOf(before, 'ledger', 'prod-us');
    const cartProdUs = cellOf(before, 'cart', 'prod-us');

    await commitFiles('Remove cart from prod-us, and a file of ledger', {
      'envs/prod-us/cart/values.yaml': null,
      'apps/ledger/prod-us/values.yaml': null,
    });
    const missingApplication = {
      state: 'unknown',
      reason: 'application-missing',
      message: "No application 'cart-prod-us' on Argo CD instance 'local'",
    };
    // The stand-in drops cart-prod-us and rolls ledger-prod-us out again.
    const after = await matrixWhen(
      b =>
        JSON.stringify(cellOf(b, 'cart', 'prod-us').status) ===
          JSON.stringify(missingApplication) &&
        settled('ledger', 'prod-us', ledgerProdUs.version!, HEALTHY)(b),
    );
    // cart's last deployment is now that of its other cells; ledger's now.
    const expected = stamped(before, {
      cart: await deployments('cart'),
      ledger: await deployments('ledger'),
    });
    expect(Date.parse(row(expected, 'ledger').lastDeployedAt!)).toBeGreaterThan(
      Date.parse(row(before, 'ledger').lastDeployedAt!),
    );
    expect(after).toEqual(
      withCells(expected, {
        // No version: no behind, no lag.
        'cart/prod-us': {
          values: [
            {
              path: 'envs/prod-us/cart/values.yaml',
              key: 'image.tag',
              problem: 'envs/prod-us/cart/values.yaml does not exist',
            },
          ],
          status: missingApplication as MatrixCell['status'],
        },
        'ledger/prod-us': {
          ...ledgerProdUs,
          values: [
            ledgerProdUs.values![0],
            {
              path: 'apps/ledger/prod-us/values.yaml',
              key: 'service-base.image.tag',
              problem: 'apps/ledger/prod-us/values.yaml does not exist',
            },
          ],
        },
      }),
    );
    expect(cartProdUs.version).toBe('3.0.2');
  });
});

describe('GET /matrix size', () => {
  const SERVICES = 200;
  let dir: string;
  let data: Awaited<ReturnType<typeof generateMatrixBenchData>>;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'matrix-size-'));
    data = await generateMatrixBenchData(dir, SERVICES);
    backend = await startPromotionBackend({
      entities: data.entities.map(withRelations),
      argocd: {
        repositoryPath: data.repository.path,
        environments: MATRIX_BENCH_PIPELINE.map(e => e.name),
      },
      mutateConfig: section => {
        section.repositories[0].url = data.repository.path;
        section.environments = matrixBenchEnvironments(
          section.repositories[0].id,
          section.argocd.instances[0].name,
        );
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stays under 200 bytes per cell (2 MB for 10,000 cells), lag and all', async () => {
    const { text } = await eventually(
      async () => {
        const res = await request(backend.server)
          .get(`${api}/matrix`)
          .set('Authorization', asUser());
        expect(res.status).toBe(200);
        return res;
      },
      res =>
        !res.body.lagPending &&
        res.body.services.every((s: any) =>
          s.cells.every((c: any) => c.status.state === 'known'),
        ),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const body = JSON.parse(text) as MatrixResponse;
    expect(validateMatrix(body)).toBe(true);
    const cells = body.services.flatMap(s => s.cells);
    expect(body.services).toHaveLength(SERVICES);
    expect(cells).toHaveLength(SERVICES * MATRIX_BENCH_PIPELINE.length);
    // Every cell as generated: its version, and behind where its first
    // upstream's differs.
    const names = body.environments.map(e => e.name);
    expect(names).toEqual(MATRIX_BENCH_PIPELINE.map(e => e.name));
    const generated = (service: string, env?: string) =>
      env && data.repository.versions.get(`${service}\0${env}`);
    for (const service of body.services) {
      expect(service.cells.map(c => [c.version, c.behind])).toEqual(
        MATRIX_BENCH_PIPELINE.map(env => {
          const upstream = generated(service.service, env.upstream);
          const version = generated(service.service, env.name);
          return [version, upstream ? upstream !== version : undefined];
        }),
      );
    }
    // The generator leaves about a fifth of the cells behind: they carry a lag.
    const lagging = cells.filter(c => c.lag?.versionsBehind !== undefined);
    expect(lagging.length).toBeGreaterThan(cells.length / 10);

    expect(Buffer.byteLength(text) / cells.length).toBeLessThan(200);
  });
});
