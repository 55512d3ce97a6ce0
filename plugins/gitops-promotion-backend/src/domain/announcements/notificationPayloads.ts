import { NotificationPayload } from '@backstage/plugin-notifications-common';
import { EnvironmentConfig } from '../../config/types';
import { Drift } from '../environments/drift';
import { PromotionRecord } from '../ledger';
import { environmentsTabLink } from './entityLinks';

/** The topic of every notification of the plugin (users can mute it in their settings). */
export const NOTIFICATION_TOPIC = 'gitops-promotion';

/** An environment as the UI names it (`title`). */
type Environment = Pick<EnvironmentConfig, 'name' | 'title'>;

/**
 * What the requester is told when their promotion ends: deployed, failed, or
 * rejected because its pull request was closed unmerged. Undefined for any
 * other state, and for a rejection at write time (the requester got it as
 * the answer to their request).
 */
export function outcomeNotification(
  promotion: PromotionRecord,
  environments: { source?: Environment; target: Environment },
): NotificationPayload | undefined {
  const what = subjectOf(promotion);
  const target = environments.target.title;
  const common = {
    link: environmentsTabLink(promotion.entityRef),
    topic: NOTIFICATION_TOPIC,
    // A retried promotion's later outcome replaces the earlier one.
    scope: `promotion:${promotion.id}`,
  };
  switch (promotion.state) {
    case 'deployed':
      return {
        ...common,
        title: `${what} is deployed to ${target}`,
        description: `Your ${kindOf(promotion)} of ${what}${
          environments.source ? ` from ${environments.source.title}` : ''
        } to ${target} is deployed: Argo CD runs it synced and healthy.`,
        severity: 'normal',
      };
    case 'failed':
      return {
        ...common,
        title: `${capitalized(
          kindOf(promotion),
        )} of ${what} to ${target} failed`,
        description: `Reason: ${promotion.stateReason ?? 'none was recorded'}`,
        severity: 'high',
      };
    case 'rejected':
      if (!promotion.pullRequest) return undefined;
      return {
        ...common,
        title: `${capitalized(
          kindOf(promotion),
        )} of ${what} to ${target} was rejected`,
        description: `${
          promotion.stateReason ??
          `Pull request #${promotion.pullRequest.number} was closed without merging`
        }: ${promotion.pullRequest.url}`,
        severity: 'normal',
      };
    default:
      return undefined;
  }
}

/** What the service's owners are told when a promotion's pull request waits for review. */
export function reviewNotification(
  promotion: PromotionRecord,
  environments: { source?: Environment; target: Environment },
  requesterName: string,
): NotificationPayload {
  const what = subjectOf(promotion);
  const target = environments.target.title;
  const pullRequest = promotion.pullRequest
    ? ` Review pull request #${promotion.pullRequest.number}: ${promotion.pullRequest.url}`
    : '';
  return {
    title: `${what} to ${target} waits for review`,
    description: `${requesterName} asks to promote ${what}${
      environments.source ? ` from ${environments.source.title}` : ''
    } to ${target}.${pullRequest}`,
    link: environmentsTabLink(promotion.entityRef),
    topic: NOTIFICATION_TOPIC,
    scope: `promotion:${promotion.id}`,
    severity: 'normal',
  };
}

/** What the approver groups are told when a promotion waits for their approval. */
export function approvalNotification(
  promotion: PromotionRecord,
  environments: { source?: Environment; target: Environment },
): NotificationPayload {
  const what = subjectOf(promotion);
  const target = environments.target.title;
  const who =
    promotion.trigger === 'auto-promotion'
      ? 'Automatic promotion'
      : promotion.requester;
  return {
    title: `${what} to ${target} awaits your approval`,
    description: `${who} asks to promote ${what}${
      environments.source ? ` from ${environments.source.title}` : ''
    } to ${target}; ${
      promotion.approvals!.required
    } approval(s) needed. Approve or reject it in the Environments tab.`,
    link: environmentsTabLink(promotion.entityRef),
    topic: NOTIFICATION_TOPIC,
    scope: `promotion:${promotion.id}`,
    severity: 'high',
  };
}

/** What the service's owners are told when a failed promotion was rolled back automatically. */
export function rollbackNotification(
  promotion: PromotionRecord,
  target: Environment,
): NotificationPayload {
  return {
    title: `${promotion.service} in ${
      target.title
    } was rolled back automatically to ${versionsOf(promotion)}`,
    description: `Promotion ${promotion.rollbackOf} failed its rollout or verification in ${target.title}, so the versions it replaced were promoted back (promotion ${promotion.id}).`,
    link: environmentsTabLink(promotion.entityRef),
    topic: NOTIFICATION_TOPIC,
    scope: `promotion:${promotion.id}`,
    severity: 'high',
  };
}

/** What the service's owners are told when Argo CD runs other images than git says. */
export function driftNotification(options: {
  entityRef: string;
  service: string;
  environment: Environment;
  drift: Drift;
}): NotificationPayload {
  const { entityRef, service, environment, drift } = options;
  const live = drift.live.join(', ');
  return {
    title: `${service} in ${environment.title} drifts from git`,
    description: `Git says ${service} runs ${drift.desired} in ${environment.title}, but Argo CD reports ${live}.`,
    link: environmentsTabLink(entityRef),
    topic: NOTIFICATION_TOPIC,
    // One notification per cell: a later drift of it updates this one.
    scope: `drift:${entityRef}:${environment.name}`,
    severity: 'high',
  };
}

/** The service and the versions it moves to, e.g. `checkout 2.6.0`. */
function subjectOf(promotion: PromotionRecord): string {
  const versions = versionsOf(promotion);
  return versions ? `${promotion.service} ${versions}` : promotion.service;
}

/** The versions a promotion sets, each once. */
function versionsOf(promotion: PromotionRecord): string {
  return [...new Set(promotion.versions.map(v => v.to))].join(', ');
}

function kindOf(promotion: PromotionRecord): string {
  switch (promotion.kind) {
    case 'rollback':
      return 'rollback';
    case 'ci':
      return 'CI release';
    case 'bulk':
      return 'release train promotion';
    default:
      return 'promotion';
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toLocaleUpperCase('en-US') + text.slice(1);
}
