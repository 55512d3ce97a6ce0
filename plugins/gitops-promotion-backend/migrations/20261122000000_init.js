// @ts-check

/**
 * The promotion ledger: one row per promotion (promote, rollback, CI set or a
 * member of a release train), its state, and the scheduler's lease.
 *
 * Timestamps are `timestamptz` on PostgreSQL; on SQLite knex stores the epoch
 * milliseconds of the Date it is given. The store always binds Dates.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('promotions', table => {
    table.comment(
      'GitOps promotions: who moved which versions where, and how it went',
    );
    table.string('id', 36).primary().comment('UUID of the promotion');
    table
      .string('entity_ref', 255)
      .nullable()
      .comment('Catalog entity of the service, e.g. component:default/shop');
    table
      .string('service', 255)
      .notNullable()
      .comment('Service name in the GitOps repository');
    table
      .string('source_env', 63)
      .nullable()
      .comment(
        'Environment the versions came from; null for CI sets and rollbacks',
      );
    table.string('target_env', 63).notNullable();
    table
      .string('kind', 16)
      .notNullable()
      .comment("'promote' | 'rollback' | 'ci' | 'bulk'");
    table
      .text('versions_json')
      .notNullable()
      .comment('JSON array of { path, key, from, to } in bundle order');
    table
      .string('requester', 255)
      .notNullable()
      .comment('User or service entity ref');
    table.string('mode', 16).notNullable().comment("'commit' | 'pull-request'");
    table.string('repository_id', 63).notNullable();
    table.string('branch', 255).notNullable();
    table
      .string('base_commit', 64)
      .nullable()
      .comment('Commit the change set was computed on');
    table.string('commit_sha', 64).nullable();
    table.text('pull_request_url').nullable();
    table.integer('pull_request_number').nullable();
    table
      .string('state', 16)
      .notNullable()
      .comment(
        "'pending' | 'committed' | 'pr-open' | 'syncing' | 'deployed' | 'failed' | 'rejected'",
      );
    table.text('state_reason').nullable();
    table
      .string('idempotency_key', 255)
      .nullable()
      .unique({ indexName: 'promotions_idempotency_key_uq' })
      .comment(
        'Client-chosen key; a repeated request returns the first promotion',
      );
    table
      .string('bulk_id', 36)
      .nullable()
      .comment('Groups the promotions of one release train');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('committed_at', { useTz: true }).nullable();
    table.timestamp('deployed_at', { useTz: true }).nullable();
    table
      .string('claimed_by', 255)
      .nullable()
      .comment('Scheduler replica holding the lease');
    table.timestamp('claimed_until', { useTz: true }).nullable();

    table.index(
      ['service', 'target_env', 'created_at'],
      'promotions_service_env_created_idx',
    );
    table.index(['state'], 'promotions_state_idx');
    table.index(['entity_ref', 'created_at'], 'promotions_entity_created_idx');
    table.index(['bulk_id'], 'promotions_bulk_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('promotions');
};
