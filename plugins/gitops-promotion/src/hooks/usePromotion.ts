import { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  isFinalPromotionState,
  PromotionRecord,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useMemo, useSyncExternalStore } from 'react';
import { GitopsPromotionApi, gitopsPromotionApiRef } from '../api';

/** How often an in-flight promotion is asked for its state. */
export const PROMOTION_POLL_INTERVAL_MS = 2000;

interface PromotionState {
  promotion?: PromotionRecord;
  error?: Error;
}

/**
 * One promotion followed until it is deployed, failed or rejected: one poll,
 * however many components show it (the promote dialog and the Environments
 * tab), running while any of them is mounted. A failed request is retried on
 * the next tick (the last known state stays), except a 404.
 */
class PromotionFollower {
  private state: PromotionState;
  private readonly listeners = new Set<() => void>();
  private timer?: ReturnType<typeof setTimeout>;
  private polling = false;

  constructor(
    private readonly api: GitopsPromotionApi,
    private readonly id: string,
    private readonly intervalMs: number,
    initial?: PromotionRecord,
  ) {
    this.state = { promotion: initial };
  }

  readonly getState = () => this.state;

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    if (!this.polling) {
      this.polling = true;
      this.poll();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  };

  private async poll() {
    try {
      const promotion = await this.api.getPromotion(this.id);
      if (!this.polling) return;
      this.update({ promotion });
      if (isFinalPromotionState(promotion.state)) return;
    } catch (error) {
      if (!this.polling) return;
      this.update({ ...this.state, error: error as Error });
      if (error instanceof ResponseError && error.statusCode === 404) return;
    }
    this.timer = setTimeout(() => this.poll(), this.intervalMs);
  }

  private update(state: PromotionState) {
    this.state = state;
    this.listeners.forEach(listener => listener());
  }

  private stop() {
    this.polling = false;
    if (this.timer) clearTimeout(this.timer);
  }
}

const followers = new WeakMap<
  GitopsPromotionApi,
  Map<string, PromotionFollower>
>();

/** The follower of a promotion, shared by every caller with the same API. */
function followerOf(
  api: GitopsPromotionApi,
  id: string,
  intervalMs: number,
  initial?: PromotionRecord,
): PromotionFollower {
  let byKey = followers.get(api);
  if (!byKey) {
    byKey = new Map();
    followers.set(api, byKey);
  }
  const key = `${id}@${intervalMs}`;
  let follower = byKey.get(key);
  if (!follower) {
    follower = new PromotionFollower(api, id, intervalMs, initial);
    byKey.set(key, follower);
  }
  return follower;
}

/**
 * A promotion's live state: asked every two seconds until the promotion is
 * deployed, failed or rejected, by one poll shared with every other component
 * following the same promotion.
 */
export function usePromotion(
  id: string,
  options?: { initial?: PromotionRecord; intervalMs?: number },
) {
  const api = useApi(gitopsPromotionApiRef);
  const intervalMs = options?.intervalMs ?? PROMOTION_POLL_INTERVAL_MS;
  const initial = options?.initial;
  const follower = useMemo(
    () => followerOf(api, id, intervalMs, initial),
    // `initial` only seeds a new follower; a later one does not restart it
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, id, intervalMs],
  );
  const { promotion, error } = useSyncExternalStore(
    follower.subscribe,
    follower.getState,
  );
  return {
    promotion,
    error,
    done: promotion ? isFinalPromotionState(promotion.state) : false,
  };
}
