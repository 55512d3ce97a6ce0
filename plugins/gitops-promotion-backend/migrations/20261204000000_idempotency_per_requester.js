// @ts-check

/**
 * Idempotency keys are scoped to their requester: one user's key never
 * finds (or blocks) another's promotion. `request_hash` fingerprints the
 * request a key was first used with, so a reused key with another body is
 * refused instead of answered with the earlier promotion.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('promotions', table => {
    table.dropUnique(['idempotency_key'], 'promotions_idempotency_key_uq');
  });
  await knex.schema.alterTable('promotions', table => {
    table
      .string('request_hash', 64)
      .nullable()
      .comment(
        'SHA-256 of the request first sent with the idempotency key; null before 2026-12',
      );
    table.unique(['requester', 'idempotency_key'], {
      indexName: 'promotions_requester_idempotency_key_uq',
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('promotions', table => {
    table.dropUnique(
      ['requester', 'idempotency_key'],
      'promotions_requester_idempotency_key_uq',
    );
    table.dropColumn('request_hash');
  });
  await knex.schema.alterTable('promotions', table => {
    table.unique(['idempotency_key'], {
      indexName: 'promotions_idempotency_key_uq',
    });
  });
};
