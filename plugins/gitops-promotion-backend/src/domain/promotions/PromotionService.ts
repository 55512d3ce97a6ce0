import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { randomUUID } from 'node:crypto';
import { ArgoCdClient } from '../../clients/argocd';
import {
  normalizeEntityRef,
  ServiceCatalog,
} from '../../clients/catalog/ServiceCatalog';
import {
  IdempotencyKeyReusedError,
  PromotionKind,
  PromotionRecord,
  PromotionStore,
  toApiRecord,
} from '../ledger';
import { RecordedIntent } from '../ledger/types';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { assertSameRequest } from '../ledger/PromotionStore';
import { EnvironmentAccess } from '../permissions/EnvironmentAccess';
import { pipelineEnds, toPolicyError } from '../policy';
import { GitopsPromotionConfig } from '../../config/types';
import { GitopsWriter, otherBranch } from '../writing/GitopsWriter';
import { FileChange } from '../../clients/repository/types';
import { ChangeSet } from './buildChangeSet';
import {
  PromotionIntent,
  PromotionPlan,
  PromotionPlanner,
} from './PromotionPlanner';
import { Snapshot } from '../../clients/repository/GitopsRepository';
import { requestFingerprint } from './requestFingerprint';
import {
  recordedRequesterIdentity,
  Requester,
  requesterIdentity,
} from './requesterIdentity';
import {
  ApprovalDecision,
  ApprovalRequest,
  BulkPromotionRequest,
  PromotionRecord as PromotionApiRecord,
  PromotionTargetPreview,
  PromotionTrigger,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { setYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';

/**
 * A release train: several services into one environment, one commit or PR
 * (the spec's request, with `allOrNothing` decided).
 */
export type BulkRequest = BulkPromotionRequest & { allOrNothing: boolean };

/**
 * Promotions end to end: plan and check, record in the ledger (idempotent),
 * write as one commit or pull request, ask Argo CD to look. The scheduler
 * takes it from there (see PromotionTracker).
 */
export class PromotionService {
  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      planner: PromotionPlanner;
      catalog: ServiceCatalog;
      catalogService: CatalogService;
      auth: AuthService;
      writer: GitopsWriter;
      store: PromotionStore;
      access: EnvironmentAccess;
      repositories: (id: string) => GitopsRepository;
      argocd?: ArgoCdClient;
      logger: LoggerService;
    },
  ) {}

  /**
   * The environments a CI build sets: the first ones of the pipeline (those
   * without `promotesFrom`), all of them unless some are named; any other is
   * bad input, since it must be promoted.
   */
  ciTargets(environments?: string[]): string[] {
    const { first } = pipelineEnds(this.deps.config.environments);
    const targets = environments ?? first;
    const notFirst = targets.filter(t => !first.includes(t));
    if (notFirst.length) {
      throw new InputError(
        `CI may only set first environments (${first.join(
          ', ',
        )}); ${notFirst.join(', ')} must be promoted`,
      );
    }
    return targets;
  }

  /**
   * A CI build's versions in its first environments: one promotion each, in
   * order, with the rules, ledger and tracking of any promotion. A key makes
   * each environment's promotion idempotent (`<key>#<environment>`).
   */
  async setCiVersions(
    request: { entityRef: string; versions: string[]; targets: string[] },
    credentials: BackstageCredentials,
    idempotencyKey?: string,
  ) {
    const results = [];
    for (const target of request.targets) {
      results.push(
        await this.promote(
          {
            entityRef: request.entityRef,
            target,
            versions: request.versions,
            kind: 'ci',
            idempotencyKey: idempotencyKey && `${idempotencyKey}#${target}`,
          },
          credentials,
        ),
      );
    }
    return results;
  }

  async preview(
    request: {
      entityRef: string;
      source?: string;
      targets: string[];
      versions?: string[];
    },
    credentials: BackstageCredentials,
  ) {
    // A preview shows the environments' files: only to those who may read them.
    await this.deps.access.assertReadable(
      [...request.targets, ...(request.source ? [request.source] : [])],
      credentials,
    );
    const service = await this.deps.catalog.getService(
      request.entityRef,
      credentials,
    );
    // Without a source, only a rollback is confirmed: preview it as one.
    const kind = request.source ? 'promote' : 'rollback';
    const heads = new Map<string, Promise<Snapshot>>();
    const targets: PromotionTargetPreview[] = [];
    for (const target of request.targets) {
      const plan = await this.deps.planner.plan(
        { ...request, kind, target },
        credentials,
        { purpose: 'preview', service, heads },
      );
      targets.push(toPreview(plan));
    }
    return {
      entityRef: service.entityRef,
      service: service.service,
      source: request.source,
      targets,
    };
  }

  async promote(
    request: PromotionIntent & {
      kind: Exclude<PromotionKind, 'bulk'>;
      idempotencyKey?: string;
    },
    credentials: BackstageCredentials,
    automatic: AutomaticTrigger = {},
  ): Promise<{ promotion: PromotionApiRecord; created: boolean }> {
    const { idempotencyKey, ...intent } = request;
    const requester = await requesterIdentity(credentials, this.deps);
    const requestHash = requestFingerprint('promotion', intent);
    let failed: PromotionRecord | undefined;
    if (idempotencyKey) {
      // A retry after the first request landed: the target already runs the
      // versions, so answer with the recorded promotion before planning again.
      // Only a promotion whose write failed before anything reached git is
      // tried again. The key is the requester's own; another body is a 422.
      const existing = await this.deps.store.findByIdempotencyKey(
        idempotencyKey,
        requester.entityRef,
      );
      if (existing) {
        assertSameRequest(existing, {
          ...existing,
          idempotencyKey,
          requestHash,
        });
        if (!isRetryable(existing)) {
          return { promotion: toApiRecord(existing), created: false };
        }
      }
      failed = existing;
    }
    const plan = await this.deps.planner.plan(intent, credentials, {
      purpose: 'write',
      withoutOverrides: automatic.trigger === 'auto-promotion',
    });
    const refusal = toPolicyError(plan.evaluation);
    if (refusal) throw refusal;
    PromotionPlanner.assertChanges(plan);
    // The id is chosen once: an insert retried after its answer was lost
    // finds its own row (not "someone else's promotion with this key").
    const approvals =
      automatic.trigger === 'auto-rollback'
        ? undefined
        : plan.location.environment.approvals;
    if (approvals) {
      // Refused now, as a write would be, not at the approval.
      await this.deps
        .repositories(plan.location.repository.id)
        .assertUnmovedSince(
          plan.location.branch,
          plan.changeSet.baseCommit,
          plan.changeSet.changes.map(c => c.path),
        );
    }
    const recordToInsert = {
      ...this.newRecord(plan, intent.kind, requester, idempotencyKey),
      requestHash: idempotencyKey ? requestHash : undefined,
      id: randomUUID(),
      ...automatic,
      ...(approvals && {
        state: 'awaiting-approval' as const,
        approvals: { ...approvals, decisions: [] },
        intent: recordedIntent(plan, intent.kind),
      }),
    };
    const { record, created } = failed
      ? await this.reopen(failed, plan, recordToInsert)
      : await persistently(() => this.deps.store.insert(recordToInsert));
    if (!created || record.state === 'awaiting-approval') {
      return { promotion: toApiRecord(record), created };
    }
    const written = await this.write(
      [{ plan, record }],
      requester,
      subjectFor(plan, intent.kind),
    );
    return { promotion: toApiRecord(written[0]), created: true };
  }

  /**
   * Takes a failed promotion up again for a retry with its idempotency key;
   * of concurrent retries only one does (compare-and-set on the state), the
   * others answer with the promotion as it is.
   */
  private async reopen(
    failed: PromotionRecord,
    plan: PromotionPlan,
    retried: Partial<Pick<PromotionRecord, 'state' | 'approvals' | 'intent'>>,
  ) {
    const before = failed.versions.map(v => v.to).join(', ');
    const now = plan.changeSet.edits.map(e => e.to).join(', ');
    if (before !== now) {
      throw new ConflictError(
        `Idempotency key '${failed.idempotencyKey}' belongs to promotion ${failed.id} of ${before}, which failed; the versions to promote are now ${now}: send a new key`,
      );
    }
    const reopened = await this.deps.store.update(
      failed.id,
      {
        // Where approvals are needed, a retry waits for them again: what
        // was approved was another attempt, on another commit.
        state: retried.state ?? 'pending',
        stateReason: null,
        baseCommit: plan.changeSet.baseCommit,
        versions: plan.changeSet.edits,
        ...(retried.approvals && {
          approvals: retried.approvals,
          intent: retried.intent,
        }),
      },
      { expectedState: 'failed' },
    );
    if (!reopened) {
      const current = (await this.deps.store.get(failed.id)) ?? failed;
      return { record: current, created: false };
    }
    return { record: reopened, created: true };
  }

  /**
   * What a release train would do: each service's preview, or why it cannot
   * be planned at all (unknown entity, no annotation, version unreadable).
   */
  async previewBulk(
    request: { entityRefs: string[]; source: string; target: string },
    credentials: BackstageCredentials,
  ) {
    await this.deps.access.assertReadable(
      [request.source, request.target],
      credentials,
    );
    // One snapshot of each branch for the whole train: the previews, and
    // the commit a confirm sends back, are of one state of the repository.
    const heads = new Map<string, Promise<Snapshot>>();
    const services = [];
    let baseCommit: string | undefined;
    for (const entityRef of [...new Set(request.entityRefs)]) {
      try {
        const plan = await this.deps.planner.plan(
          { entityRef, source: request.source, target: request.target },
          credentials,
          { purpose: 'preview', heads },
        );
        baseCommit ??= plan.changeSet.baseCommit;
        services.push({
          entityRef: plan.service.entityRef,
          service: plan.service.service,
          preview: toPreview(plan),
        });
      } catch (error) {
        if (!isRefusal(error)) throw error;
        services.push({ entityRef, refusal: error.message });
      }
    }
    return {
      source: request.source,
      target: request.target,
      baseCommit,
      services,
    };
  }

  /** Several services into one environment as one commit or pull request. */
  async promoteBulk(
    request: BulkRequest,
    credentials: BackstageCredentials,
    idempotencyKey?: string,
  ) {
    if (request.entityRefs.length === 0) {
      throw new InputError('A release train needs at least one service');
    }
    const target = this.deps.config.environments.find(
      e => e.name === request.target,
    );
    if (target?.approvals) {
      throw new InputError(
        `${target.title} needs approvals for each promotion: promote the services one at a time`,
      );
    }
    const requester = await requesterIdentity(credentials, this.deps);
    const requestHash = requestFingerprint('release-train', request);
    if (idempotencyKey) {
      const first = await this.deps.store.findByIdempotencyKey(
        `${idempotencyKey}#0`,
        requester.entityRef,
      );
      if (first?.bulkId) {
        if (first.requestHash !== requestHash) {
          throw new IdempotencyKeyReusedError(
            `Idempotency key '${idempotencyKey}' was already used for another release train (${first.bulkId}); send a new key for a new request`,
          );
        }
        const promotions = await this.deps.store.list({
          bulkId: first.bulkId,
          limit: 500,
        });
        return {
          bulkId: first.bulkId,
          promotions: promotions.map(toApiRecord),
          refused: [],
        };
      }
    }
    const pins = pinsByEntity(request);
    const heads = new Map<string, Promise<Snapshot>>();
    const accepted: PromotionPlan[] = [];
    const refused: Array<{ entityRef: string; reason: string }> = [];
    let allForbidden = true;
    let allBadInput = true;
    let outdated: Error | undefined;
    for (const entityRef of [...new Set(request.entityRefs)]) {
      try {
        const pin = pins?.get(normalizeEntityRef(entityRef));
        const plan = await this.deps.planner.plan(
          {
            entityRef,
            source: request.source,
            target: request.target,
            baseCommit: request.baseCommit,
            versions: pin?.versions,
            sourceCommit: pin?.sourceCommit,
          },
          credentials,
          { purpose: 'write', heads },
        );
        if (sourceMoved(plan)) {
          // What the person reviewed moved: the train as reviewed cannot be written.
          outdated = toPolicyError(plan.evaluation);
          break;
        }
        const refusal = toPolicyError(plan.evaluation);
        if (refusal) throw refusal;
        PromotionPlanner.assertChanges(plan);
        accepted.push(plan);
      } catch (error) {
        if (request.allOrNothing) throw error;
        allForbidden &&= error instanceof NotAllowedError;
        allBadInput &&= error instanceof InputError;
        refused.push({ entityRef, reason: (error as Error).message });
      }
    }
    if (outdated) throw outdated;
    if (accepted.length === 0) {
      // Refused for want of permission alone, the train is a 403 like a single
      // promotion; for bad input alone (a baseCommit off the branch), a 400.
      let Refusal: new (message: string) => Error = ConflictError;
      if (allForbidden) Refusal = NotAllowedError;
      else if (allBadInput) Refusal = InputError;
      throw new Refusal(
        `No service of the release train can be promoted: ${refused
          .map(r => `${r.entityRef}: ${r.reason}`)
          .join(' ')}`,
      );
    }
    const mixed = otherBranch(accepted, plan => plan.location);
    if (mixed) {
      const { first, other } = mixed;
      throw new InputError(
        `A release train writes one commit: ${other.service.entityRef} lives in ${other.location.repository.id}@${other.location.branch}, not ${first.location.repository.id}@${first.location.branch}`,
      );
    }
    const bulkId = randomUUID();
    const entries = [];
    for (const [i, plan] of accepted.entries()) {
      const { record } = await this.deps.store.insert({
        ...this.newRecord(
          plan,
          'bulk',
          requester,
          idempotencyKey && `${idempotencyKey}#${i}`,
        ),
        requestHash: idempotencyKey ? requestHash : undefined,
        bulkId,
      });
      entries.push({ plan, record });
    }
    const subject = `Promote ${accepted
      .map(p => `${p.service.service} ${p.changeSet.edits[0]?.to}`)
      .join(', ')} to ${request.target}`;
    const promotions = await this.write(entries, requester, subject);
    return { bulkId, promotions: promotions.map(toApiRecord), refused };
  }

  /** A promotion the caller may see; one they may not is as unknown as a missing one. */
  async get(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<PromotionApiRecord> {
    const record = await this.deps.store.get(id);
    const [visible] = record
      ? await this.deps.access.visible([record], credentials)
      : [];
    if (!visible) throw new NotFoundError(`No promotion ${id}`);
    return toApiRecord(visible);
  }

  /** Promotions into environments the caller may read, of entities they may see. */
  async list(
    query: {
      entityRef?: string;
      environment?: string;
      limit: number;
      before?: string;
    },
    credentials: BackstageCredentials,
  ): Promise<PromotionApiRecord[]> {
    const { access, store } = this.deps;
    // The ledger records canonical refs: `checkout` finds component:default/checkout.
    const entityRef =
      query.entityRef === undefined
        ? undefined
        : normalizeEntityRef(query.entityRef);
    const readable = (await access.readable(credentials)).map(e => e.name);
    const records = await store.list({
      ...query,
      entityRef,
      environments: readable,
    });
    return (await access.visible(records, credentials)).map(toApiRecord);
  }

  /**
   * A decision on a promotion awaiting approval, by a member of one of the
   * target's approver groups who did not request it; the `required`-th
   * approval writes exactly what was requested (the values and the target's
   * commit it was checked on), with `Approved-by` trailers, and in pull
   * request mode posts the approvals as reviews.
   */
  async decide(
    id: string,
    request: ApprovalRequest,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<PromotionApiRecord> {
    const { store, access } = this.deps;
    const approver = credentials.principal.userEntityRef;
    const existing = await store.get(id);
    const [record] = existing
      ? await access.visible([existing], credentials)
      : [];
    if (!record) throw new NotFoundError(`No promotion ${id}`);
    if (record.state !== 'awaiting-approval' || !record.approvals) {
      throw new ConflictError(
        `Promotion ${id} does not await approval (it is ${record.state})`,
      );
    }
    await access.assertMayDecide(record, credentials);
    if (request.decision === 'reject' && !request.comment?.trim()) {
      throw new InputError('Say why in comment to reject a promotion');
    }
    const { record: decided, ready } = await store.decide(id, {
      approver,
      decision: request.decision,
      ...(request.comment?.trim() && { comment: request.comment.trim() }),
      at: new Date().toISOString(),
    });
    if (!ready) return toApiRecord(decided);
    return toApiRecord(await this.writeApproved(decided));
  }

  /** Writes an approved promotion as it was requested, or records why it cannot be. */
  private async writeApproved(
    record: PromotionRecord,
  ): Promise<PromotionRecord> {
    const intent = record.intent!;
    const own = await this.deps.auth.getOwnServiceCredentials();
    let plan: PromotionPlan;
    try {
      // The versions and the target's commit the request was checked on:
      // a target that moved since is a conflict, never another change.
      plan = await this.deps.planner.plan(intent, own, {
        purpose: 'write',
        withoutOverrides: true,
      });
      const refusal = toPolicyError(plan.evaluation);
      if (refusal) throw refusal;
      PromotionPlanner.assertChanges(plan);
    } catch (error) {
      await this.deps.store.update(
        record.id,
        {
          state: 'rejected',
          stateReason: `Approved, but not written: ${(error as Error).message}`,
        },
        { expectedState: 'pending' },
      );
      throw error;
    }
    const approvedBy = record.approvals!.decisions.map(d => d.approver);
    const requester = await recordedRequesterIdentity(
      record.requester,
      this.deps,
    );
    const [written] = await this.write(
      [{ plan, record }],
      requester,
      subjectFor(plan, record.kind),
      approvedBy,
    );
    if (written.pullRequest) {
      await this.postApprovals(written, record.approvals!.decisions);
    }
    return written;
  }

  private async postApprovals(
    record: PromotionRecord,
    decisions: ApprovalDecision[],
  ) {
    const repository = this.deps.repositories(record.repositoryId);
    for (const d of decisions) {
      const body = `Approved in Backstage by ${d.approver} (GitOps Promotion ${
        record.id
      })${d.comment ? `:\n\n> ${d.comment.replace(/\n/g, '\n> ')}` : ''}`;
      await repository
        .postPullRequestReview(record.pullRequest!.number, body)
        .catch(error =>
          this.deps.logger.warn(
            `Could not post ${d.approver}'s approval on pull request #${
              record.pullRequest!.number
            }: ${error}`,
          ),
        );
    }
  }

  /** One commit (or PR) for every entry; entries share one repository branch. */
  private async write(
    entries: Array<{ plan: PromotionPlan; record: PromotionRecord }>,
    requester: Requester,
    subject: string,
    approvedBy?: string[],
  ): Promise<PromotionRecord[]> {
    const { location, changeSet } = entries[0].plan;
    let outcome: Parameters<PromotionStore['update']>[1];
    try {
      const written = await this.deps.writer.write({
        target: location,
        mode: location.environment.policy.mode,
        baseCommit: changeSet.baseCommit,
        changes: mergeChanges(entries.map(e => e.plan.changeSet)),
        subject,
        summary: entries.flatMap(({ plan }) =>
          plan.changeSet.edits.map(
            e =>
              `${plan.service.service} ${e.key}: ${e.from ?? '(unset)'} -> ${
                e.to
              } (${e.path})`,
          ),
        ),
        diff: entries.map(e => e.plan.changeSet.diff).join(''),
        requester,
        promotionIds: entries.map(e => e.record.id),
        approvedBy,
        pullRequestBranch: `gitops-promotion/${entries[0].record.id}`,
      });
      outcome =
        written.mode === 'pull-request'
          ? { state: 'pr-open', pullRequest: written.pullRequest }
          : { state: 'committed', commitSha: written.commitSha };
    } catch (error) {
      const state = error instanceof ConflictError ? 'rejected' : 'failed';
      await persistently(() =>
        this.updateAll(entries, {
          state,
          stateReason: (error as Error).message,
        }),
      ).catch(ledgerError =>
        this.deps.logger.error(
          `Could not record that promotion ${entries
            .map(e => e.record.id)
            .join(', ')} ${
            state === 'rejected' ? 'was rejected' : 'failed'
          }: ${ledgerError}`,
        ),
      );
      throw error;
    }
    // The change is in git: the ledger must say so, across a database restart too.
    const updated = await persistently(() => this.updateAll(entries, outcome));
    if (outcome.state === 'committed') {
      await this.requestRefresh(entries);
    }
    return updated;
  }

  private async updateAll(
    entries: Array<{ record: PromotionRecord }>,
    patch: Parameters<PromotionStore['update']>[1],
  ) {
    const updated = [];
    for (const { record } of entries) {
      updated.push((await this.deps.store.update(record.id, patch)) ?? record);
    }
    return updated;
  }

  private async requestRefresh(entries: Array<{ plan: PromotionPlan }>) {
    const { argocd, logger } = this.deps;
    if (!argocd) return;
    for (const { plan } of entries) {
      await argocd
        .requestRefresh({
          service: plan.service.service,
          environment: plan.location.environment.name,
          annotations: plan.service.annotations,
        })
        .catch(error =>
          logger.warn(
            `Could not ask Argo CD to refresh ${plan.service.service} in ${plan.location.environment.name}: ${error}`,
          ),
        );
    }
  }

  private newRecord(
    plan: PromotionPlan,
    kind: PromotionKind,
    requester: Requester,
    idempotencyKey?: string,
  ) {
    return {
      entityRef: plan.service.entityRef,
      service: plan.service.service,
      sourceEnv: plan.source,
      targetEnv: plan.location.environment.name,
      kind,
      versions: plan.changeSet.edits,
      requester: requester.entityRef,
      mode: plan.location.environment.policy.mode,
      repositoryId: plan.location.repository.id,
      branch: plan.location.branch,
      baseCommit: plan.changeSet.baseCommit,
      idempotencyKey,
    };
  }
}

/** A promotion whose write failed before anything reached git: a retry may try again. */
function isRetryable(record: PromotionRecord): boolean {
  return record.state === 'failed' && !record.commitSha && !record.pullRequest;
}

const LEDGER_RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];

/** Runs a ledger write, trying again for a few seconds while the database is unavailable. */
async function persistently<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (
        attempt >= LEDGER_RETRY_DELAYS_MS.length ||
        !(error instanceof ServiceUnavailableError)
      ) {
        throw error;
      }
      await new Promise(resolve =>
        setTimeout(resolve, LEDGER_RETRY_DELAYS_MS[attempt]),
      );
    }
  }
}

const REFUSALS = [
  'InputError',
  'NotFoundError',
  'NotAllowedError',
  'ConflictError',
];

function isRefusal(error: unknown): error is Error {
  return isError(error) && REFUSALS.includes(error.name);
}

export function toPreview(plan: PromotionPlan): PromotionTargetPreview {
  return {
    environment: plan.location.environment.name,
    mode: plan.location.environment.policy.mode,
    baseCommit: plan.changeSet.baseCommit,
    sourceCommit: plan.sourceCommit,
    versions: plan.values,
    edits: plan.changeSet.edits,
    diff: plan.changeSet.diff,
    allowed: plan.evaluation.allowed && plan.changeSet.changes.length > 0,
    verdicts: plan.evaluation.verdicts,
  };
}

/** The plan's source no longer runs what the request's preview showed. */
function sourceMoved(plan: PromotionPlan): boolean {
  return plan.evaluation.verdicts.some(
    v => v.rule === 'source-pin' && !v.passed,
  );
}

/**
 * The pins of a release train by canonical entity ref; with pins, every
 * service of the train has exactly one.
 */
function pinsByEntity(request: BulkRequest) {
  if (!request.pins) return undefined;
  const pins = new Map(
    request.pins.map(pin => [normalizeEntityRef(pin.entityRef), pin]),
  );
  const refs = new Set(request.entityRefs.map(ref => normalizeEntityRef(ref)));
  const unpinned = [...refs].filter(ref => !pins.has(ref));
  const extra = [...pins.keys()].filter(ref => !refs.has(ref));
  if (unpinned.length || extra.length || pins.size !== request.pins.length) {
    throw new InputError(
      `pins must name each service of entityRefs exactly once${
        unpinned.length ? `; missing: ${unpinned.join(', ')}` : ''
      }${extra.length ? `; not in entityRefs: ${extra.join(', ')}` : ''}`,
    );
  }
  return pins;
}

function subjectFor(plan: PromotionPlan, kind: PromotionKind) {
  const version = plan.changeSet.edits[0]?.to;
  const { service } = plan.service;
  const env = plan.location.environment.name;
  switch (kind) {
    case 'rollback':
      return `Roll back ${service} to ${version} in ${env}`;
    case 'ci':
      return `Release ${service} ${version} to ${env}`;
    default:
      return `Promote ${service} ${version} to ${env}`;
  }
}

/**
 * The release train's changes as one change per file: when several services
 * live in one file (a shared Kustomize overlay), the later services' edits
 * are applied on top of the earlier ones' content.
 */
function mergeChanges(changeSets: ChangeSet[]): FileChange[] {
  const byPath = new Map<string, FileChange>();
  for (const { changes, edits } of changeSets) {
    for (const change of changes) {
      const earlier = byPath.get(change.path);
      const content = earlier
        ? edits
            .filter(e => e.path === change.path)
            .reduce(
              (text, e) =>
                setYamlValue(text, e.key, e.to, {
                  // a key this change set created is created here too
                  createMissing: e.from === undefined,
                }),
              earlier.content,
            )
        : change.content;
      byPath.set(change.path, { path: change.path, content });
    }
  }
  return [...byPath.values()];
}

/** What made the backend promote by itself; empty when a person or CI asked. */
export interface AutomaticTrigger {
  trigger?: PromotionTrigger;
  /** For an automatic rollback: the failed promotion it undoes. */
  rollbackOf?: string;
}

/** The request as checked: written exactly so once approved. */
function recordedIntent(
  plan: PromotionPlan,
  kind: Exclude<PromotionKind, 'bulk'>,
): RecordedIntent {
  return {
    entityRef: plan.service.entityRef,
    kind,
    source: plan.source,
    target: plan.location.environment.name,
    versions: plan.values,
    baseCommit: plan.changeSet.baseCommit,
    sourceCommit: plan.sourceCommit,
  };
}
