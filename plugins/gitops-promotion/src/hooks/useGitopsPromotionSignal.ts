import { useApiHolder } from '@backstage/frontend-plugin-api';
import {
  SignalApi,
  signalApiRef,
  SignalSubscriber,
} from '@backstage/plugin-signals-react';
import {
  GITOPS_PROMOTION_SIGNAL_CHANNEL,
  GitopsPromotionSignal,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useEffect, useRef } from 'react';

/** The app's signals API; undefined when the app has none (callers poll). */
export function useSignalApi(): SignalApi | undefined {
  return useApiHolder().get(signalApiRef);
}

/** Every message on the gitops-promotion channel, one call each. */
export function subscribeToGitopsPromotionSignals(
  signalApi: SignalApi,
  onSignal: (signal: GitopsPromotionSignal) => void,
): SignalSubscriber {
  return signalApi.subscribe<GitopsPromotionSignal>(
    GITOPS_PROMOTION_SIGNAL_CHANNEL,
    onSignal,
  );
}

/**
 * Calls `onChange` for every gitops-promotion signal about one of `services`
 * (catalog entity names): a promotion of one moved, or Argo CD's status of one
 * changed. Nothing happens when the app has no signals.
 *
 * It subscribes itself rather than through useSignal: useSignal hands over
 * one `lastSignal` per render, and of a burst React may render only the last,
 * hiding the message about a service shown here.
 */
export function useGitopsPromotionSignal(
  services: ReadonlySet<string>,
  onChange: () => void,
) {
  const signalApi = useSignalApi();
  const latest = useRef({ services, onChange });
  latest.current = { services, onChange };

  useEffect(() => {
    if (!signalApi) return undefined;
    const subscriber = subscribeToGitopsPromotionSignals(signalApi, signal => {
      if (latest.current.services.has(signal.service)) {
        latest.current.onChange();
      }
    });
    return () => subscriber.unsubscribe();
  }, [signalApi]);
}
