import {
  PromotionRecord as PromotionApiRecord,
  type PromotionMode,
  type PromotionApprovals,
  type PromotionValueChange,
  type VerificationCheckResult,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import {
  AutoPromotionPauseRecord,
  NewPromotion,
  PromotionKind,
  PromotionRecord,
  PromotionState,
  RecordedIntent,
} from './types';

/** The table the ledger lives in. */
export const PROMOTIONS_TABLE = 'promotions';

/** A value a timestamp column returns: a Date (PostgreSQL) or epoch ms (SQLite). */
export type DbTimestamp = Date | number | string;

/** A row of the `promotions` table. */
export interface PromotionRow {
  id: string;
  entity_ref: string | null;
  service: string;
  source_env: string | null;
  target_env: string;
  kind: string;
  versions_json: string;
  requester: string;
  mode: string;
  repository_id: string;
  branch: string;
  base_commit: string | null;
  commit_sha: string | null;
  pull_request_url: string | null;
  pull_request_number: number | null;
  state: string;
  state_reason: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  bulk_id: string | null;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
  committed_at: DbTimestamp | null;
  deployed_at: DbTimestamp | null;
  claimed_by: string | null;
  claimed_until: DbTimestamp | null;
  trigger: string | null;
  rollback_of: string | null;
  approvals_json: string | null;
  intent_json: string | null;
  verification_json: string | null;
  verifying_since: DbTimestamp | null;
}

/** The row of a new promotion. */
export function toRow(
  promotion: NewPromotion,
  id: string,
  now: Date,
): PromotionRow {
  return {
    id,
    entity_ref: promotion.entityRef ?? null,
    service: promotion.service,
    source_env: promotion.sourceEnv ?? null,
    target_env: promotion.targetEnv,
    kind: promotion.kind,
    versions_json: JSON.stringify(promotion.versions),
    requester: promotion.requester,
    mode: promotion.mode,
    repository_id: promotion.repositoryId,
    branch: promotion.branch,
    base_commit: promotion.baseCommit ?? null,
    commit_sha: promotion.commitSha ?? null,
    pull_request_url: promotion.pullRequest?.url ?? null,
    pull_request_number: promotion.pullRequest?.number ?? null,
    state: promotion.state ?? 'pending',
    state_reason: promotion.stateReason ?? null,
    idempotency_key: promotion.idempotencyKey ?? null,
    request_hash: promotion.requestHash ?? null,
    bulk_id: promotion.bulkId ?? null,
    created_at: now,
    updated_at: now,
    committed_at: promotion.commitSha ? now : null,
    deployed_at: promotion.state === 'deployed' ? now : null,
    claimed_by: null,
    claimed_until: null,
    trigger: promotion.trigger ?? null,
    rollback_of: promotion.rollbackOf ?? null,
    approvals_json: promotion.approvals
      ? JSON.stringify(promotion.approvals)
      : null,
    intent_json: promotion.intent ? JSON.stringify(promotion.intent) : null,
    verification_json: null,
    verifying_since: null,
  };
}

/** The record of a row, timestamps as ISO 8601 in UTC. */
export function toRecord(row: PromotionRow): PromotionRecord {
  return omitUndefined({
    id: row.id,
    entityRef: row.entity_ref ?? undefined,
    service: row.service,
    sourceEnv: row.source_env ?? undefined,
    targetEnv: row.target_env,
    kind: row.kind as PromotionKind,
    versions: JSON.parse(row.versions_json) as PromotionValueChange[],
    requester: row.requester,
    mode: row.mode as PromotionMode,
    repositoryId: row.repository_id,
    branch: row.branch,
    baseCommit: row.base_commit ?? undefined,
    commitSha: row.commit_sha ?? undefined,
    pullRequest:
      row.pull_request_url && row.pull_request_number !== null
        ? { url: row.pull_request_url, number: Number(row.pull_request_number) }
        : undefined,
    state: row.state as PromotionState,
    stateReason: row.state_reason ?? undefined,
    idempotencyKey: row.idempotency_key ?? undefined,
    requestHash: row.request_hash ?? undefined,
    bulkId: row.bulk_id ?? undefined,
    createdAt: toIso(row.created_at)!,
    updatedAt: toIso(row.updated_at)!,
    committedAt: toIso(row.committed_at),
    deployedAt: toIso(row.deployed_at),
    claimedBy: row.claimed_by ?? undefined,
    claimedUntil: toIso(row.claimed_until),
    trigger: (row.trigger ?? undefined) as PromotionRecord['trigger'],
    rollbackOf: row.rollback_of ?? undefined,
    approvals: row.approvals_json
      ? (JSON.parse(row.approvals_json) as PromotionApprovals)
      : undefined,
    verification: row.verification_json
      ? (JSON.parse(row.verification_json) as VerificationCheckResult[])
      : undefined,
    verifyingSince: toIso(row.verifying_since),
    intent: row.intent_json
      ? (JSON.parse(row.intent_json) as RecordedIntent)
      : undefined,
  });
}

/**
 * A record as the REST API answers it: without the idempotency key, the
 * request fingerprint, the train id and the scheduler's lease, which are
 * the backend's own.
 */
export function toApiRecord(record: PromotionRecord): PromotionApiRecord {
  const {
    idempotencyKey: _key,
    requestHash: _hash,
    bulkId: _bulk,
    claimedBy: _by,
    claimedUntil: _until,
    verifyingSince: _verifying,
    intent: _intent,
    ...api
  } = record;
  return api;
}

/** The table pauses of automatic promotion live in. */
export const PAUSES_TABLE = 'auto_promotion_pauses';

/** A row of the `auto_promotion_pauses` table; `*` stands for every service or environment. */
export interface AutoPromotionPauseRow {
  entity_ref: string;
  environment: string;
  reason: string | null;
  paused_by: string;
  paused_at: DbTimestamp;
}

export function toPauseRecord(
  row: AutoPromotionPauseRow,
): AutoPromotionPauseRecord {
  return omitUndefined({
    entityRef: row.entity_ref,
    environment: row.environment,
    reason: row.reason ?? undefined,
    pausedBy: row.paused_by,
    pausedAt: toIso(row.paused_at)!,
  });
}

/** ISO 8601 of a timestamp column value. */
export function toIso(value: DbTimestamp | null): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  const date = new Date(
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
  );
  return date.toISOString();
}

function omitUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
