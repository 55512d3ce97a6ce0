import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { PromotionStore } from '../PromotionStore';
import { NewPromotion } from '../types';

/** Where TestDatabases finds the PostgreSQL 15 server (scripts/start-test-postgres.sh). */
export const POSTGRES_ENV =
  'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

const isCi = () => Boolean(process.env.CI) && process.env.CI !== 'false';

/**
 * The databases the ledger tests run on: SQLite always, PostgreSQL 15 when
 * {@link POSTGRES_ENV} is set (never Docker). Without it, CI (`CI` set) still
 * lists POSTGRES_15 and `init` fails every PostgreSQL test with a message
 * saying how to start one; a local run warns and tests SQLite only.
 * Call at the top level of a test file.
 */
export function createLedgerTestDatabases(): {
  ids: TestDatabaseId[];
  init: (id: TestDatabaseId) => Promise<Knex>;
} {
  const hasPostgres = Boolean(process.env[POSTGRES_ENV]);
  const message = `${POSTGRES_ENV} is not set, so the ledger is not tested on PostgreSQL; run: eval "$(scripts/start-test-postgres.sh)"`;
  if (!hasPostgres && !isCi()) {
    // eslint-disable-next-line no-console
    console.warn(`WARNING: ${message} (SQLite only)`);
  }
  const databases = TestDatabases.create({
    ids: hasPostgres ? ['SQLITE_3', 'POSTGRES_15'] : ['SQLITE_3'],
    disableDocker: true,
  });
  return {
    ids: hasPostgres || isCi() ? ['SQLITE_3', 'POSTGRES_15'] : ['SQLITE_3'],
    init: async id => {
      if (id === 'POSTGRES_15' && !hasPostgres) {
        throw new Error(message);
      }
      return databases.init(id);
    },
  };
}

/** A store on `knex`, migrated, with a controllable clock. */
export function storeOn(knex: Knex, clock?: () => Date) {
  return PromotionStore.create({ getClient: async () => knex }, { clock });
}

/**
 * Another client on the same database: a second backend replica. SQLite
 * in-memory databases cannot be shared, so there it is the same client.
 */
export function secondClient(knex: Knex): Knex {
  const config = knex.client.config as Knex.Config;
  if (String(config.client).includes('sqlite')) {
    return knex;
  }
  return knexFactory({
    client: config.client,
    connection: config.connection,
    pool: { min: 0, max: 5 },
  });
}

/** A clock tests move by hand. */
export function fakeClock(start = '2026-10-21T10:00:00.000Z') {
  let now = new Date(start);
  return {
    now: () => now,
    set: (iso: string) => {
      now = new Date(iso);
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

/** A promotion of `shop` from staging to prod-eu, overridable. */
export function newPromotion(
  overrides: Partial<NewPromotion> = {},
): NewPromotion {
  return {
    entityRef: 'component:default/shop',
    service: 'shop',
    sourceEnv: 'staging',
    targetEnv: 'prod-eu',
    kind: 'promote',
    versions: [
      {
        path: 'envs/prod-eu/shop/values.yaml',
        key: 'image.tag',
        from: '2.6.0',
        to: '2.6.1',
      },
    ],
    requester: 'user:default/alice',
    mode: 'commit',
    repositoryId: 'acme-gitops',
    branch: 'main',
    baseCommit: 'a'.repeat(40),
    ...overrides,
  };
}
