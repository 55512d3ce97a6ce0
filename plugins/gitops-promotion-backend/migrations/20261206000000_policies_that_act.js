// @ts-check

/**
 * Promotions that act by themselves: who triggered a promotion (the
 * auto-promoter or an automatic rollback), which failed promotion a rollback
 * undoes, the approvals a promotion waits for and the decisions taken, and
 * the verification checks after its rollout. Pauses of automatic promotion
 * live in their own table, one row per service and/or environment.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (!String(knex.client.config.client).includes('sqlite')) {
    // 'awaiting-approval' is 17 characters (SQLite does not enforce lengths)
    await knex.schema.alterTable('promotions', table => {
      table.string('state', 32).notNullable().alter();
    });
  }
  await knex.schema.alterTable('promotions', table => {
    table
      .string('trigger', 16)
      .nullable()
      .comment(
        "'auto-promotion' | 'auto-rollback'; null when a person or CI asked",
      );
    table
      .string('rollback_of', 36)
      .nullable()
      .comment('The failed promotion an automatic rollback undoes');
    table
      .text('approvals_json')
      .nullable()
      .comment(
        '{ required, from, decisions: [{ approver, decision, comment, at }] }',
      );
    table
      .text('intent_json')
      .nullable()
      .comment(
        'What a promotion awaiting approval was checked on (every bundle value, the commits), written exactly so once approved',
      );
    table
      .text('verification_json')
      .nullable()
      .comment(
        '[{ name, type, state, message, at }] of the verification checks',
      );
    table
      .timestamp('verifying_since', { useTz: true })
      .nullable()
      .comment(
        'When the rollout was Synced and Healthy and verification began',
      );
    table.index(['rollback_of'], 'promotions_rollback_of_idx');
  });
  await knex.schema.createTable('auto_promotion_pauses', table => {
    table.comment('Where automatic promotion is paused');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment("The service's entity ref, or '*' for every service");
    table
      .string('environment', 63)
      .notNullable()
      .comment("The target environment, or '*' for every environment");
    table.text('reason').nullable();
    table.string('paused_by', 255).notNullable();
    table.timestamp('paused_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'environment']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('auto_promotion_pauses');
  await knex.schema.alterTable('promotions', table => {
    table.dropIndex(['rollback_of'], 'promotions_rollback_of_idx');
    table.dropColumn('trigger');
    table.dropColumn('rollback_of');
    table.dropColumn('approvals_json');
    table.dropColumn('intent_json');
    table.dropColumn('verification_json');
    table.dropColumn('verifying_since');
  });
};
