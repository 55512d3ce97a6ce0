import {
  DatabaseService,
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  computeDeliveryFigures,
  DeliveryFiguresInput,
} from './computeDeliveryFigures';
import { IdempotencyKeyReusedError } from './IdempotencyKeyReusedError';
import { isDatabaseUnavailable } from './isDatabaseUnavailable';
import {
  AutoPromotionPauseRow,
  PAUSES_TABLE,
  PROMOTIONS_TABLE,
  PromotionRow,
  toPauseRecord,
  toRecord,
  toRow,
} from './rows';
import type { ApprovalDecision } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import {
  AutoPromotionPauseRecord,
  DeliveryFigures,
  IN_FLIGHT_PROMOTION_STATES,
  NewPromotion,
  PromotionPatch,
  PromotionQuery,
  PromotionRecord,
  PromotionState,
} from './types';

const MIGRATIONS_DIRECTORY = resolvePackagePath(
  '@gitops-promotion/backstage-plugin-gitops-promotion-backend',
  'migrations',
);
const MAX_LIST_LIMIT = 500;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const DAY_MS = 86_400_000;

/** Options of {@link PromotionStore.create}. */
export interface PromotionStoreOptions {
  /** The store's clock (timestamps and leases); tests pass a fake one. */
  clock?: () => Date;
  /** Where an unavailable database's driver error is logged. */
  logger?: LoggerService;
  /**
   * Told of every state change once it is stored: a promotion recorded by
   * `insert` (not one an idempotency key returned) and every `update` that
   * set a state. Called synchronously; it must not throw or block (see
   * PromotionEvents).
   */
  onTransition?: (promotion: PromotionRecord) => void;
}

/** The result of {@link PromotionStore.insert}. */
export interface InsertResult {
  record: PromotionRecord;
  /** False when the idempotency key returned an earlier promotion. */
  created: boolean;
}

/**
 * The promotion ledger in the plugin's own database (SQLite by default,
 * PostgreSQL in production; MySQL untested).
 *
 * Concurrency:
 * - `insert` with an idempotency key is `INSERT … ON CONFLICT
 *   (idempotency_key) DO NOTHING` followed by a read of the key: the unique
 *   index decides between racing requests on every engine, no driver error
 *   codes are parsed, and no transaction is aborted on PostgreSQL.
 * - `update` is a compare-and-set on the expected state (and lease owner).
 * - `claimInFlight` leases rows to one scheduler replica. On PostgreSQL it
 *   selects with `FOR UPDATE SKIP LOCKED` inside a transaction, so replicas
 *   sharing the database never claim the same row and never wait on each
 *   other. SQLite has a single writer (and knex gives it one connection), so
 *   the select-then-update transaction is serialized; Backstage runs SQLite
 *   with one replica only.
 */
export class PromotionStore {
  /**
   * Connects through the plugin's database service and brings the schema up
   * to date, unless `database.migrations.skip` is set.
   */
  static async create(
    database: DatabaseService,
    options: PromotionStoreOptions = {},
  ): Promise<PromotionStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    }
    return new PromotionStore(
      client,
      options.clock ?? (() => new Date()),
      options.logger,
      options.onTransition,
    );
  }

  /**
   * Runs a query, translating a database that went away (a restart, a
   * failover) into a ServiceUnavailableError the client may retry. The
   * driver's message, SQL included, is only logged: no layer above the store
   * sees a driver error.
   */
  private async translated<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      if (error instanceof CustomErrorBase || !isDatabaseUnavailable(error)) {
        throw error;
      }
      this.logger?.warn(
        `The promotion ledger's database is unavailable: ${error}`,
      );
      throw new ServiceUnavailableError(
        'The promotion ledger is unavailable (its database cannot be reached); try again shortly',
      );
    }
  }

  private readonly supportsSkipLocked: boolean;

  private constructor(
    private readonly db: Knex,
    private readonly clock: () => Date,
    private readonly logger?: LoggerService,
    private readonly onTransition: (
      promotion: PromotionRecord,
    ) => void = () => {},
  ) {
    const client = String(db.client.config.client);
    this.supportsSkipLocked = /^(pg|postgres|postgresql|mysql2?)$/.test(client);
  }

  /**
   * Records a new promotion. With an idempotency key the same requester
   * already used for the same request (the same `requestHash`), returns that
   * promotion with `created: false` instead; the same key with another
   * request is an IdempotencyKeyReusedError (422). Keys are scoped to the
   * requester: another requester's key is another key.
   */
  async insert(promotion: NewPromotion): Promise<InsertResult> {
    const result = await this.insertOnce(promotion);
    if (result.created) this.onTransition(result.record);
    return result;
  }

  private async insertOnce(promotion: NewPromotion): Promise<InsertResult> {
    return this.translated(async () => {
      const key = promotion.idempotencyKey;
      if (
        key !== undefined &&
        (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
      ) {
        throw new InputError(
          `Idempotency key must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters long`,
        );
      }
      const row = toRow(promotion, promotion.id ?? randomUUID(), this.clock());
      if (key === undefined) {
        await this.db<PromotionRow>(PROMOTIONS_TABLE).insert(row);
        return { record: toRecord(row), created: true };
      }
      await this.db<PromotionRow>(PROMOTIONS_TABLE)
        .insert(row)
        .onConflict(['requester', 'idempotency_key'])
        .ignore();
      const stored = await this.db<PromotionRow>(PROMOTIONS_TABLE)
        .where({ idempotency_key: key, requester: promotion.requester })
        .first();
      if (!stored) {
        throw new Error(`Promotion with idempotency key '${key}' vanished`);
      }
      if (stored.id === row.id) {
        return { record: toRecord(stored), created: true };
      }
      const existing = toRecord(stored);
      assertSameRequest(existing, promotion);
      return { record: existing, created: false };
    });
  }

  /** The promotion, or undefined. */
  async get(id: string): Promise<PromotionRecord | undefined> {
    return this.translated(async () => {
      const row = await this.db<PromotionRow>(PROMOTIONS_TABLE)
        .where('id', id)
        .first();
      return row && toRecord(row);
    });
  }

  /** The promotion recorded with this idempotency key by this requester, or undefined. */
  async findByIdempotencyKey(
    key: string,
    requester: string,
  ): Promise<PromotionRecord | undefined> {
    return this.translated(async () => {
      const row = await this.db<PromotionRow>(PROMOTIONS_TABLE)
        .where({ idempotency_key: key, requester })
        .first();
      return row && toRecord(row);
    });
  }

  /** Promotions matching every given filter, newest first, one page at a time. */
  async list(query: PromotionQuery): Promise<PromotionRecord[]> {
    return this.translated(async () => {
      if (
        !Number.isInteger(query.limit) ||
        query.limit < 1 ||
        query.limit > MAX_LIST_LIMIT
      ) {
        throw new InputError(
          `limit must be an integer from 1 to ${MAX_LIST_LIMIT}`,
        );
      }
      const q = this.db<PromotionRow>(PROMOTIONS_TABLE)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(query.limit);
      if (query.entityRef !== undefined) q.where('entity_ref', query.entityRef);
      if (query.service !== undefined) q.where('service', query.service);
      if (query.environment !== undefined)
        q.where('target_env', query.environment);
      if (query.environments !== undefined)
        q.whereIn('target_env', query.environments);
      if (query.bulkId !== undefined) q.where('bulk_id', query.bulkId);
      if (query.rollbackOf !== undefined) {
        q.where('rollback_of', query.rollbackOf);
      }
      if (query.states !== undefined) q.whereIn('state', query.states);
      if (query.before !== undefined) {
        const cursor = await this.db<PromotionRow>(PROMOTIONS_TABLE)
          .where('id', query.before)
          .first('id', 'created_at');
        if (!cursor) {
          throw new InputError(`Unknown cursor '${query.before}'`);
        }
        q.where(older =>
          older
            .where('created_at', '<', cursor.created_at)
            .orWhere(same =>
              same
                .where('created_at', cursor.created_at)
                .andWhere('id', '<', cursor.id),
            ),
        );
      }
      return (await q).map(toRecord);
    });
  }

  /**
   * Applies `patch` when the promotion is in one of `expectedState` (and, with
   * `claimedBy`, still leased to that owner): a compare-and-set. Returns the
   * updated promotion, or undefined when the condition did not hold; throws
   * NotFoundError for an unknown id.
   */
  async update(
    id: string,
    patch: PromotionPatch,
    options: {
      expectedState?: PromotionState | PromotionState[];
      claimedBy?: string;
    } = {},
  ): Promise<PromotionRecord | undefined> {
    const updated = await this.updateOnce(id, patch, options);
    if (updated && patch.state !== undefined) this.onTransition(updated);
    return updated;
  }

  private async updateOnce(
    id: string,
    patch: PromotionPatch,
    options: {
      expectedState?: PromotionState | PromotionState[];
      claimedBy?: string;
    },
  ): Promise<PromotionRecord | undefined> {
    return this.translated(async () => {
      const now = this.clock();
      const changes: Record<string, unknown> = { updated_at: now };
      if (patch.state !== undefined) changes.state = patch.state;
      if (patch.stateReason !== undefined)
        changes.state_reason = patch.stateReason;
      if (patch.baseCommit !== undefined)
        changes.base_commit = patch.baseCommit;
      if (patch.branch !== undefined) changes.branch = patch.branch;
      if (patch.versions !== undefined) {
        changes.versions_json = JSON.stringify(patch.versions);
      }
      if (patch.pullRequest !== undefined) {
        changes.pull_request_url = patch.pullRequest?.url ?? null;
        changes.pull_request_number = patch.pullRequest?.number ?? null;
      }
      if (patch.commitSha !== undefined) {
        changes.commit_sha = patch.commitSha;
        changes.committed_at =
          patch.committedAt ?? this.db.raw('COALESCE(committed_at, ?)', [now]);
      }
      if (patch.state === 'deployed' || patch.deployedAt !== undefined) {
        changes.deployed_at =
          patch.deployedAt ?? this.db.raw('COALESCE(deployed_at, ?)', [now]);
      }
      if (patch.approvals !== undefined) {
        changes.approvals_json = JSON.stringify(patch.approvals);
      }
      if (patch.intent !== undefined) {
        changes.intent_json = JSON.stringify(patch.intent);
      }
      if (patch.verification !== undefined) {
        changes.verification_json = JSON.stringify(patch.verification);
      }
      if (patch.state === 'verifying' || patch.verifyingSince !== undefined) {
        changes.verifying_since = patch.verifyingSince ?? now;
      }
      const q = this.db<PromotionRow>(PROMOTIONS_TABLE).where('id', id);
      if (options.expectedState !== undefined) {
        q.whereIn(
          'state',
          ([] as PromotionState[]).concat(options.expectedState),
        );
      }
      if (options.claimedBy !== undefined) {
        q.where('claimed_by', options.claimedBy);
      }
      const count = await q.update(changes);
      if (count === 0) {
        if (!(await this.get(id))) {
          throw new NotFoundError(`No promotion with id '${id}'`);
        }
        return undefined;
      }
      return this.get(id);
    });
  }

  /**
   * Records one approver's decision on a promotion awaiting approval, under a
   * lock of its row (so concurrent decisions are counted one after the
   * other): a rejection makes it `rejected`; the `required`-th approval makes
   * it `pending`, ready to be written, and `ready` true — for exactly one of
   * the deciders. ConflictError when it no longer awaits approval or the
   * approver decided already.
   */
  async decide(
    id: string,
    decision: ApprovalDecision,
  ): Promise<{ record: PromotionRecord; ready: boolean }> {
    const result = await this.translated(() =>
      this.db.transaction(async trx => {
        const select = trx<PromotionRow>(PROMOTIONS_TABLE).where('id', id);
        if (this.supportsSkipLocked) select.forUpdate();
        const row = await select.first();
        if (!row) throw new NotFoundError(`No promotion ${id}`);
        const record = toRecord(row);
        if (record.state !== 'awaiting-approval' || !record.approvals) {
          throw new ConflictError(
            `Promotion ${id} does not await approval (it is ${record.state})`,
          );
        }
        if (
          record.approvals.decisions.some(d => d.approver === decision.approver)
        ) {
          throw new ConflictError(
            `${decision.approver} already decided on promotion ${id}`,
          );
        }
        const approvals = {
          ...record.approvals,
          decisions: [...record.approvals.decisions, decision],
        };
        const approved = approvals.decisions.filter(
          d => d.decision === 'approve',
        ).length;
        const changes: Partial<PromotionRow> = {
          approvals_json: JSON.stringify(approvals),
          updated_at: this.clock(),
        };
        let ready = false;
        if (decision.decision === 'reject') {
          changes.state = 'rejected';
          changes.state_reason = `Rejected by ${decision.approver}${
            decision.comment ? `: ${decision.comment}` : ''
          }`;
        } else if (approved >= approvals.required) {
          changes.state = 'pending';
          changes.state_reason = null;
          ready = true;
        }
        await trx<PromotionRow>(PROMOTIONS_TABLE)
          .where('id', id)
          .update(changes);
        const updated = await trx<PromotionRow>(PROMOTIONS_TABLE)
          .where('id', id)
          .first();
        return { record: toRecord(updated!), ready, changed: !!changes.state };
      }),
    );
    if (result.changed) this.onTransition(result.record);
    return { record: result.record, ready: result.ready };
  }

  /** Pauses automatic promotion; returns the pause and whether it is new. */
  async pause(
    pause: Omit<AutoPromotionPauseRecord, 'pausedAt'>,
  ): Promise<{ pause: AutoPromotionPauseRecord; created: boolean }> {
    return this.translated(async () => {
      const row: AutoPromotionPauseRow = {
        entity_ref: pause.entityRef,
        environment: pause.environment,
        reason: pause.reason ?? null,
        paused_by: pause.pausedBy,
        paused_at: this.clock(),
      };
      // The primary key decides between racing pauses; RETURNING names the winner.
      const inserted = await this.db<AutoPromotionPauseRow>(PAUSES_TABLE)
        .insert(row)
        .onConflict(['entity_ref', 'environment'])
        .ignore()
        .returning('entity_ref');
      const stored = await this.db<AutoPromotionPauseRow>(PAUSES_TABLE)
        .where({ entity_ref: pause.entityRef, environment: pause.environment })
        .first();
      return { pause: toPauseRecord(stored!), created: inserted.length > 0 };
    });
  }

  /** Removes a pause; false when there was none. */
  async resume(entityRef: string, environment: string): Promise<boolean> {
    return this.translated(async () => {
      const count = await this.db<AutoPromotionPauseRow>(PAUSES_TABLE)
        .where({ entity_ref: entityRef, environment })
        .delete();
      return count > 0;
    });
  }

  /** Every pause, newest first. */
  async pauses(): Promise<AutoPromotionPauseRecord[]> {
    return this.translated(async () =>
      (
        await this.db<AutoPromotionPauseRow>(PAUSES_TABLE).orderBy(
          'paused_at',
          'desc',
        )
      ).map(toPauseRecord),
    );
  }

  /**
   * Leases up to `limit` promotions in `states` (default: every non-final
   * state) whose lease is free or expired to `owner` for `leaseMs`, least
   * recently claimed first, and returns them. Two replicas never hold the
   * same promotion at once. With `olderThanMs`, only promotions unchanged for
   * at least that long (by the store's clock, from their last update: a
   * failed promotion taken up again counts from then) are claimed.
   */
  async claimInFlight(options: {
    owner: string;
    leaseMs: number;
    limit: number;
    states?: PromotionState[];
    olderThanMs?: number;
  }): Promise<PromotionRecord[]> {
    return this.translated(async () => {
      const { owner, leaseMs, limit, olderThanMs } = options;
      const states = options.states ?? [...IN_FLIGHT_PROMOTION_STATES];
      const now = this.clock();
      const until = new Date(now.getTime() + leaseMs);
      const claimable = (q: Knex.QueryBuilder) => {
        q.whereIn('state', states).where(free =>
          free.whereNull('claimed_until').orWhere('claimed_until', '<=', now),
        );
        if (olderThanMs !== undefined) {
          q.where('updated_at', '<=', new Date(now.getTime() - olderThanMs));
        }
        return q;
      };

      return this.db.transaction(async trx => {
        const select = claimable(trx(PROMOTIONS_TABLE).select('id'))
          // Never-claimed rows first, then the longest unclaimed: round robin.
          .orderByRaw(
            'CASE WHEN claimed_until IS NULL THEN 0 ELSE 1 END, claimed_until, created_at',
          )
          .limit(limit);
        if (this.supportsSkipLocked) {
          select.forUpdate().skipLocked();
        }
        const ids: string[] = (await select).map((r: { id: string }) => r.id);
        if (ids.length === 0) {
          return [];
        }
        await claimable(trx(PROMOTIONS_TABLE).whereIn('id', ids)).update({
          claimed_by: owner,
          claimed_until: until,
        });
        const rows: PromotionRow[] = await trx(PROMOTIONS_TABLE)
          .whereIn('id', ids)
          .where({ claimed_by: owner, claimed_until: until });
        return rows.map(toRecord);
      });
    });
  }

  /**
   * One pass of a scheduled worker: claims a batch (a lease, so one replica
   * works on each promotion), hands each promotion to `work` in turn and
   * releases every one, whatever happened. A failed `work` goes to `onError`
   * and the pass goes on. Returns how many were claimed.
   */
  async workOnClaimed(
    claim: Parameters<PromotionStore['claimInFlight']>[0],
    work: (promotion: PromotionRecord) => Promise<void>,
    onError: (promotion: PromotionRecord, error: unknown) => void,
  ): Promise<number> {
    const claimed = await this.claimInFlight(claim);
    for (const promotion of claimed) {
      try {
        await work(promotion);
      } catch (error) {
        onError(promotion, error);
      } finally {
        await this.release(promotion.id, claim.owner);
      }
    }
    return claimed.length;
  }

  /**
   * Gives up `owner`'s lease so any replica may claim the promotion at once.
   * Returns false when `owner` did not hold it.
   */
  async release(id: string, owner: string): Promise<boolean> {
    return this.translated(async () => {
      const count = await this.db<PromotionRow>(PROMOTIONS_TABLE)
        .where({ id, claimed_by: owner })
        .update({ claimed_by: null, claimed_until: this.clock() });
      return count > 0;
    });
  }

  /**
   * Deployments, lead times to the production environments, change failure
   * rates and times to restore per service and environment since `since`,
   * from the ledger and the `commits` read from git; see
   * computeDeliveryFigures. Only records created up to `lookbackDays`
   * (default 90) before `since` are read for the start of a lead time. With
   * `environments`, only promotions into those (the ones the caller may
   * read) count.
   */
  async deliveryFigures(options: {
    services: string[];
    since: Date;
    productionEnvironments: string[];
    environments?: string[];
    lookbackDays?: number;
    commits?: DeliveryFiguresInput['commits'];
  }): Promise<DeliveryFigures> {
    return this.translated(async () => {
      const until = this.clock();
      const from = new Date(
        options.since.getTime() - (options.lookbackDays ?? 90) * DAY_MS,
      );
      const records: PromotionRecord[] = [];
      const services = [...new Set(options.services)];
      for (let i = 0; i < services.length; i += 500) {
        const q = this.db<PromotionRow>(PROMOTIONS_TABLE)
          .whereIn('service', services.slice(i, i + 500))
          .where('created_at', '>=', from)
          .whereNot('state', 'rejected');
        if (options.environments) q.whereIn('target_env', options.environments);
        const rows: PromotionRow[] = await q;
        records.push(...rows.map(toRecord));
      }
      return computeDeliveryFigures({
        records,
        commits: options.commits,
        services,
        since: options.since,
        until,
        productionEnvironments: options.productionEnvironments,
      });
    });
  }
}

/**
 * Throws IdempotencyKeyReusedError unless `request` is the request the key
 * was first used with. Records from before request fingerprints are compared
 * by what they promote.
 */
export function assertSameRequest(
  existing: PromotionRecord,
  request: Pick<
    NewPromotion,
    | 'idempotencyKey'
    | 'requestHash'
    | 'service'
    | 'targetEnv'
    | 'sourceEnv'
    | 'kind'
    | 'versions'
  >,
): void {
  const same =
    existing.requestHash !== undefined
      ? existing.requestHash === request.requestHash
      : existing.service === request.service &&
        existing.targetEnv === request.targetEnv &&
        (existing.sourceEnv ?? null) === (request.sourceEnv ?? null) &&
        existing.kind === request.kind &&
        JSON.stringify(existing.versions.map(v => v.to)) ===
          JSON.stringify(request.versions.map(v => v.to));
  if (!same) {
    throw new IdempotencyKeyReusedError(
      `Idempotency key '${request.idempotencyKey}' was already used for another request (promotion ${existing.id}: ${existing.service} to ${existing.targetEnv}); send a new key for a new request`,
    );
  }
}
