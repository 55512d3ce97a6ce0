import { AuthService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationPayload } from '@backstage/plugin-notifications-common';
import { ServiceEntity } from '../../clients/catalog/ServiceCatalog';
import { notificationsEnabled } from '../../config/notificationsEnabled';
import { EnvironmentConfig, GitopsPromotionConfig } from '../../config/types';
import { Drift } from '../environments/drift';
import { PromotionRecord } from '../ledger';
import { serviceOwners } from '../permissions/serviceOwners';
import { pipelineEnds } from '../policy';
import { isUserRef } from './entityLinks';
import {
  approvalNotification,
  driftNotification,
  rollbackNotification,
  outcomeNotification,
  reviewNotification,
} from './notificationPayloads';
import { NotificationSender } from './NotificationSender';

/**
 * Backstage notifications about promotions and drift, for environments with
 * notifications enabled: the requester hears how their promotion ended
 * (deployed, failed, pull request closed unmerged); the service's owners are
 * asked to review a promotion's pull request (the requester excepted) and
 * told when a protected or production environment drifts from git.
 */
export class PromotionNotifier {
  constructor(
    private readonly deps: {
      config: GitopsPromotionConfig;
      catalog: CatalogService;
      auth: AuthService;
      sender: NotificationSender;
    },
  ) {}

  /** A promotion moved to another state. */
  promotionChanged = async (promotion: PromotionRecord): Promise<void> => {
    const target = this.environment(promotion.targetEnv);
    if (!target || !notificationsEnabled(target)) return;
    const environments = {
      target,
      source: promotion.sourceEnv
        ? this.environment(promotion.sourceEnv)
        : undefined,
    };
    if (promotion.state === 'pr-open') {
      await this.askOwnersToReview(promotion, environments);
      return;
    }
    if (promotion.state === 'awaiting-approval' && promotion.approvals) {
      await this.deps.sender.send({
        recipients: {
          type: 'entity',
          entityRef: promotion.approvals.from,
          excludeEntityRef: promotion.requester,
        },
        payload: approvalNotification(promotion, environments),
      });
      return;
    }
    if (
      promotion.trigger === 'auto-rollback' &&
      promotion.state === 'committed'
    ) {
      await this.tellOwners(promotion, rollbackNotification(promotion, target));
      return;
    }
    const payload = outcomeNotification(promotion, environments);
    if (payload && isUserRef(promotion.requester)) {
      await this.deps.sender.send({
        recipients: { type: 'entity', entityRef: promotion.requester },
        payload,
      });
    }
  };

  /** The environments whose drift from git the owners are told about. */
  driftWatchedEnvironments(): EnvironmentConfig[] {
    const { environments } = this.deps.config;
    const { production } = pipelineEnds(environments);
    return environments.filter(
      e =>
        notificationsEnabled(e) &&
        (e.policy.protected || production.includes(e.name)),
    );
  }

  /** Argo CD runs other images of the service than git says. */
  async driftAppeared(
    service: ServiceEntity,
    environment: EnvironmentConfig,
    drift: Drift,
  ): Promise<void> {
    const owners = serviceOwners(service.entity);
    if (!owners.length) return;
    await this.deps.sender.send({
      recipients: { type: 'entity', entityRef: owners },
      payload: driftNotification({
        entityRef: service.entityRef,
        service: service.service,
        environment,
        drift,
      }),
    });
  }

  private async tellOwners(
    promotion: PromotionRecord,
    payload: NotificationPayload,
  ) {
    if (!promotion.entityRef) return;
    const entity = await this.deps.catalog.getEntityByRef(promotion.entityRef, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    const owners = entity ? serviceOwners(entity) : [];
    if (!owners.length) return;
    await this.deps.sender.send({
      recipients: { type: 'entity', entityRef: owners },
      payload,
    });
  }

  private async askOwnersToReview(
    promotion: PromotionRecord,
    environments: { source?: EnvironmentConfig; target: EnvironmentConfig },
  ) {
    if (!promotion.entityRef) return;
    const { items } = await this.deps.catalog.getEntitiesByRefs(
      { entityRefs: [promotion.entityRef, promotion.requester] },
      { credentials: await this.deps.auth.getOwnServiceCredentials() },
    );
    const [entity, requester] = items;
    const owners = entity ? serviceOwners(entity) : [];
    if (!owners.length) return;
    await this.deps.sender.send({
      recipients: {
        type: 'entity',
        entityRef: owners,
        // They opened it: the review is for the others.
        excludeEntityRef: promotion.requester,
      },
      payload: reviewNotification(
        promotion,
        environments,
        displayNameOf(requester) ?? promotion.requester,
      ),
    });
  }

  private environment(name: string) {
    return this.deps.config.environments.find(e => e.name === name);
  }
}

function displayNameOf(user: Entity | undefined): string | undefined {
  const profile = user?.spec?.profile as { displayName?: unknown } | undefined;
  return typeof profile?.displayName === 'string'
    ? profile.displayName
    : undefined;
}
