import type { VerificationCheckResult } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { ArgoCdClient } from '../../clients/argocd';
import { VerificationCheckConfig } from '../../config/types';
import { PromotionRecord, toApiRecord } from '../ledger';

/** Where a verification stands after one look. */
export interface VerificationOutcome {
  results: VerificationCheckResult[];
  /** `passed` when every check passed, `failed` when one did, else `pending`. */
  outcome: 'passed' | 'failed' | 'pending';
}

type Fetch = typeof fetch;

/**
 * Runs an environment's verification checks on a promotion whose rollout
 * Argo CD reports Synced and Healthy: Argo CD health held for a window, an
 * HTTP check, a webhook answering pass or fail. A check is looked at until
 * it passes or fails; each pass of the tracker looks again at the pending
 * ones. URLs come from the configuration only; `{service}` and `{env}` are
 * filled in, encoded.
 */
export class Verifier {
  constructor(
    private readonly deps: {
      argocd?: ArgoCdClient;
      fetch?: Fetch;
      now?: () => number;
    },
  ) {}

  /** The checks' states at the start of verification: all pending. */
  static start(checks: VerificationCheckConfig[]): VerificationCheckResult[] {
    return checks.map(c => ({ name: c.name, type: c.type, state: 'pending' }));
  }

  async verify(
    promotion: PromotionRecord,
    checks: VerificationCheckConfig[],
    annotations?: Record<string, string>,
  ): Promise<VerificationOutcome> {
    const earlier = promotion.verification ?? Verifier.start(checks);
    const results: VerificationCheckResult[] = [];
    for (const check of checks) {
      const before = earlier.find(r => r.name === check.name);
      results.push(
        before && before.state !== 'pending'
          ? before
          : await this.run(check, promotion, annotations),
      );
    }
    return { results, outcome: outcomeOf(results) };
  }

  private async run(
    check: VerificationCheckConfig,
    promotion: PromotionRecord,
    annotations?: Record<string, string>,
  ): Promise<VerificationCheckResult> {
    const result = (
      state: 'pending' | 'passed' | 'failed',
      message?: string,
    ) => ({
      name: check.name,
      type: check.type,
      state,
      ...(message && { message }),
      ...(state !== 'pending' && { at: new Date(this.now()).toISOString() }),
    });
    try {
      switch (check.type) {
        case 'argocd-health':
          return await this.health(check, promotion, annotations, result);
        case 'http':
          return await this.http(check, promotion, result);
        default:
          return await this.webhook(check, promotion, result);
      }
    } catch (error) {
      return result(
        'failed',
        `could not run the check: ${(error as Error).message}`,
      );
    }
  }

  private async health(
    check: Extract<VerificationCheckConfig, { type: 'argocd-health' }>,
    promotion: PromotionRecord,
    annotations: Record<string, string> | undefined,
    result: ResultOf,
  ) {
    if (!this.deps.argocd) return result('failed', 'Argo CD is not configured');
    const status = await this.deps.argocd.getStatus({
      service: promotion.service,
      environment: promotion.targetEnv,
      ...(annotations && { annotations }),
    });
    if (status.state !== 'known') {
      return result('pending', `Argo CD cannot tell: ${status.message}`);
    }
    if (status.health.status !== 'Healthy') {
      return result(
        'failed',
        `Argo CD reports ${status.health.status}${
          status.health.message ? `: ${status.health.message}` : ''
        }`,
      );
    }
    const since = Date.parse(promotion.verifyingSince ?? promotion.updatedAt);
    const heldMs = this.now() - since;
    if (heldMs < check.forMs) {
      return result(
        'pending',
        `Healthy for ${Math.floor(heldMs / 1000)} s of ${Math.round(
          check.forMs / 1000,
        )} s`,
      );
    }
    return result('passed', `Healthy for ${Math.round(check.forMs / 1000)} s`);
  }

  private async http(
    check: Extract<VerificationCheckConfig, { type: 'http' }>,
    promotion: PromotionRecord,
    result: ResultOf,
  ) {
    const response = await this.fetch(fillUrl(check.url, promotion), {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(check.timeoutMs),
    });
    const ok =
      check.expectStatus !== undefined
        ? response.status === check.expectStatus
        : response.status >= 200 && response.status < 300;
    await response.body?.cancel();
    return ok
      ? result('passed', `HTTP ${response.status}`)
      : result(
          'failed',
          `HTTP ${response.status}, expected ${check.expectStatus ?? '2xx'}`,
        );
  }

  private async webhook(
    check: Extract<VerificationCheckConfig, { type: 'webhook' }>,
    promotion: PromotionRecord,
    result: ResultOf,
  ) {
    const response = await this.fetch(fillUrl(check.url, promotion), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        check: check.name,
        promotion: toApiRecord(promotion),
      }),
      signal: AbortSignal.timeout(check.timeoutMs),
    });
    if (response.status < 200 || response.status >= 300) {
      await response.body?.cancel();
      return result('failed', `the webhook answered HTTP ${response.status}`);
    }
    const answer = (await response.json().catch(() => undefined)) as
      | { passed?: unknown; message?: unknown }
      | undefined;
    if (typeof answer?.passed !== 'boolean') {
      return result(
        'failed',
        'the webhook did not answer { "passed": true | false }',
      );
    }
    const message =
      typeof answer.message === 'string'
        ? answer.message.slice(0, 500)
        : undefined;
    return result(answer.passed ? 'passed' : 'failed', message);
  }

  private fetch(url: string, init: RequestInit) {
    return (this.deps.fetch ?? fetch)(url, init);
  }

  private now() {
    return this.deps.now?.() ?? Date.now();
  }
}

function outcomeOf(
  results: VerificationCheckResult[],
): VerificationOutcome['outcome'] {
  if (results.some(r => r.state === 'failed')) return 'failed';
  if (results.every(r => r.state === 'passed')) return 'passed';
  return 'pending';
}

type ResultOf = (
  state: 'pending' | 'passed' | 'failed',
  message?: string,
) => VerificationCheckResult;

function fillUrl(template: string, promotion: PromotionRecord): string {
  return template
    .replace(/\{service\}/g, encodeURIComponent(promotion.service))
    .replace(/\{env\}/g, encodeURIComponent(promotion.targetEnv));
}
