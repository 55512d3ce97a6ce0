import { SignalApi } from '@backstage/plugin-signals-react';
import {
  GITOPS_PROMOTION_SIGNAL_CHANNEL,
  GitopsPromotionSignal,
  PromotionState,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { promotion } from './fixtures';

type OnSignal = (signal: GitopsPromotionSignal) => void;

/**
 * A signals API as the app's, without a socket: `publish` hands a message to
 * every subscriber of the gitops-promotion channel, as the backend would.
 */
export function mockSignalApi() {
  const subscribers = new Set<OnSignal>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const subscriber = onMessage as unknown as OnSignal;
      if (channel === GITOPS_PROMOTION_SIGNAL_CHANNEL) {
        subscribers.add(subscriber);
      }
      return { unsubscribe: () => subscribers.delete(subscriber) };
    },
  };
  return Object.assign(api, {
    publish(signal: GitopsPromotionSignal) {
      [...subscribers].forEach(onSignal => onSignal(signal));
    },
  });
}

/** The backend's message that a promotion (checkout's unless told) moved. */
export function promotionMoved(
  state: PromotionState,
  options: { service?: string; promotionId?: string } = {},
): GitopsPromotionSignal {
  return {
    type: 'promotion',
    service: options.service ?? 'checkout',
    environments: ['prod-eu'],
    promotionId: options.promotionId ?? promotion().id,
    state,
  };
}

/** The backend's message that Argo CD's status of a service changed. */
export function statusChanged(service = 'checkout'): GitopsPromotionSignal {
  return { type: 'status', service, environments: ['prod-eu'] };
}
