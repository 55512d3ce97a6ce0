import { SignalsService } from '@backstage/plugin-signals-node';
import {
  GITOPS_PROMOTION_SIGNAL_CHANNEL,
  GitopsPromotionSignal,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { PromotionRecord } from '../ledger';
import { entityNameOf } from './entityLinks';

/**
 * Tells open pages that what a service shows changed, as Backstage signals on
 * {@link GITOPS_PROMOTION_SIGNAL_CHANNEL}. Every signed-in user receives them
 * (a broadcast): a message names only the service, environments, promotion id
 * and state, and pages refetch the rest through the API, which checks what
 * the reader may see.
 */
export class SignalPublisher {
  constructor(private readonly signals: SignalsService) {}

  /** A promotion moved to another state. */
  promotionChanged = async (promotion: PromotionRecord): Promise<void> => {
    await this.publish({
      type: 'promotion',
      service: entityNameOf(promotion.entityRef) ?? promotion.service,
      environments: [promotion.targetEnv],
      promotionId: promotion.id,
      state: promotion.state,
    });
  };

  /** Argo CD's sync, health or revision of the service changed in these environments. */
  async statusChanged(service: string, environments: string[]): Promise<void> {
    await this.publish({ type: 'status', service, environments });
  }

  private async publish(message: GitopsPromotionSignal) {
    await this.signals.publish<GitopsPromotionSignal>({
      recipients: { type: 'broadcast' },
      channel: GITOPS_PROMOTION_SIGNAL_CHANNEL,
      message,
    });
  }
}
