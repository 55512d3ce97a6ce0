import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { createLedgerTestDatabases } from '../../../domain/ledger/__testUtils__/ledgerTestDatabases';
import { TcpFaultProxy } from './faultProxy';

/**
 * Fresh PostgreSQL databases for the suite (scripts/start-test-postgres.sh).
 * Without one the tests using it fail, saying how to start one: replicas and
 * database restarts cannot be shown on SQLite. Call at the top level of a
 * test file.
 */
export function reliabilityPostgres() {
  const databases = createLedgerTestDatabases();
  const clients: Knex[] = [];
  return {
    /**
     * A new empty database; `connect()` opens another client on it (a
     * replica), optionally through a TCP proxy that can restart it.
     */
    async create() {
      const first = await databases.init('POSTGRES_15');
      const config = first.client.config as Knex.Config;
      const connection = config.connection as Knex.PgConnectionConfig;
      const connect = (proxy?: TcpFaultProxy) => {
        const knex = knexFactory({
          client: config.client,
          connection: proxy
            ? { ...connection, host: '127.0.0.1', port: proxy.port }
            : connection,
          pool: { min: 0, max: 10 },
          acquireConnectionTimeout: 20_000,
          // restarts are the point: knex's console warnings are noise here
          log: { warn() {}, error() {}, deprecate() {}, debug() {} },
        });
        clients.push(knex);
        return knex;
      };
      return {
        host: String(connection.host ?? '127.0.0.1'),
        port: Number(connection.port ?? 5432),
        connect,
        /** A database service factory for a backend on a new client. */
        factory: (proxy?: TcpFaultProxy) =>
          mockServices.database.factory({ knex: connect(proxy) }),
      };
    },
    /** Closes the clients `connect` opened. */
    async close() {
      await Promise.all(clients.splice(0).map(c => c.destroy()));
    },
  };
}
