import { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  isFinalPromotionState,
  PromotionRecord,
} from '@internal/backstage-plugin-gitops-promotion-common';
import { useEffect, useState } from 'react';
import { gitopsPromotionApiRef } from '../api';

/** How often an in-flight promotion is asked for its state. */
export const PROMOTION_POLL_INTERVAL_MS = 2000;

/**
 * A promotion's live state: asks the backend every two seconds until the
 * promotion is deployed, failed or rejected. A failed request is retried on
 * the next tick (the last known state stays), except a 404.
 */
export function usePromotion(
  id: string,
  options?: { initial?: PromotionRecord; intervalMs?: number },
) {
  const api = useApi(gitopsPromotionApiRef);
  const intervalMs = options?.intervalMs ?? PROMOTION_POLL_INTERVAL_MS;
  const [promotion, setPromotion] = useState<PromotionRecord | undefined>(
    options?.initial,
  );
  const [error, setError] = useState<Error>();

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await api.getPromotion(id);
        if (cancelled) return;
        setPromotion(next);
        setError(undefined);
        if (isFinalPromotionState(next.state)) return;
      } catch (e) {
        if (cancelled) return;
        setError(e as Error);
        if (e instanceof ResponseError && e.statusCode === 404) return;
      }
      timer = setTimeout(poll, intervalMs);
    };
    poll();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [api, id, intervalMs]);

  return {
    promotion,
    error,
    done: promotion ? isFinalPromotionState(promotion.state) : false,
  };
}
