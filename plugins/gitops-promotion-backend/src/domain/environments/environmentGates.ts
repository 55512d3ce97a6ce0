import { Duration } from 'luxon';
import type {
  EnvironmentGates,
  InFlightPromotion,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { EnvironmentConfig } from '../../config/types';
import { AutoPromotionPauseRecord, PromotionRecord } from '../ledger';
import { isEnvironmentPaused } from '../automation/AutoPromotionPauses';

/**
 * What a promotion into the environment goes through besides the rules:
 * automatic upstreams, approvals, verification checks, automatic rollback.
 * Undefined when none applies, so most columns carry nothing more.
 */
export function environmentGates(
  env: EnvironmentConfig,
  pauses: AutoPromotionPauseRecord[],
): EnvironmentGates | undefined {
  const gates: EnvironmentGates = {
    ...(env.autoPromotesFrom.length > 0 && {
      autoPromotesFrom: env.autoPromotesFrom.map(edge => ({
        environment: edge.environment,
        ...(edge.afterMs > 0 && {
          after: Duration.fromMillis(edge.afterMs).rescale().toISO()!,
        }),
      })),
      ...(isEnvironmentPaused(pauses, env.name) && {
        autoPromotionPaused: true,
      }),
    }),
    ...(env.approvals && { approvals: env.approvals }),
    ...(env.verification.length > 0 && {
      verification: env.verification.map(c => c.name),
    }),
    ...(env.rollbackOnFailure && { rollbackOnFailure: true }),
  };
  return Object.keys(gates).length > 0 ? gates : undefined;
}

/** A promotion in flight as the Environments tab shows it. */
export function inFlightView(
  p: PromotionRecord,
  mayDecide: boolean,
): InFlightPromotion {
  return {
    id: p.id,
    state: p.state,
    sourceEnv: p.sourceEnv,
    versions: p.versions,
    commitSha: p.commitSha,
    createdAt: p.createdAt,
    requester: p.requester,
    ...(p.trigger && { trigger: p.trigger }),
    ...(p.approvals && { approvals: p.approvals }),
    ...(p.state === 'awaiting-approval' && { mayDecide }),
    ...(p.verification && { verification: p.verification }),
  };
}
