import { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import { SignalApi, SignalSubscriber } from '@backstage/plugin-signals-react';
import {
  isFinalPromotionState,
  PromotionRecord,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { useMemo, useSyncExternalStore } from 'react';
import { GitopsPromotionApi, gitopsPromotionApiRef } from '../api';
import { coalesce } from './coalesce';
import {
  subscribeToGitopsPromotionSignals,
  useSignalApi,
} from './useGitopsPromotionSignal';

/**
 * How often an in-flight promotion is asked for its state when the app has no
 * signals, and after a failed request.
 */
export const PROMOTION_POLL_INTERVAL_MS = 2000;

/**
 * How often it is asked when the backend signals its moves: a signal sent
 * while the socket reconnects is lost for good, and this bounds how long the
 * page can stay behind.
 */
export const PROMOTION_MISSED_SIGNAL_INTERVAL_MS = 30_000;

interface PromotionState {
  promotion?: PromotionRecord;
  error?: Error;
}

/**
 * One promotion followed until it is deployed, failed or rejected: one
 * follower, however many components show it (the promote dialog and the
 * Environments tab), running while any of them is mounted. It asks for the
 * state when the backend signals a move of the promotion, else on a timer. A
 * failed request is retried (the last known state stays), except a 404.
 */
class PromotionFollower {
  private state: PromotionState;
  private readonly listeners = new Set<() => void>();
  private timer?: ReturnType<typeof setTimeout>;
  private signals?: SignalSubscriber;
  private following = false;
  private finished = false;

  constructor(
    private readonly api: GitopsPromotionApi,
    private readonly signalApi: SignalApi | undefined,
    private readonly id: string,
    private readonly intervalMs: number,
    initial?: PromotionRecord,
  ) {
    this.state = { promotion: initial };
  }

  readonly getState = () => this.state;

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  };

  private start() {
    if (this.finished) return;
    this.following = true;
    if (this.signalApi) {
      this.signals = subscribeToGitopsPromotionSignals(
        this.signalApi,
        signal => {
          if (signal.type === 'promotion' && signal.promotionId === this.id) {
            this.refresh();
          }
        },
      );
    }
    this.refresh();
  }

  private stop() {
    this.following = false;
    clearTimeout(this.timer);
    this.signals?.unsubscribe();
    this.signals = undefined;
  }

  private readonly refresh = coalesce(async () => {
    clearTimeout(this.timer);
    const failed = await this.fetchState();
    if (this.finished) this.stop();
    else if (this.following) {
      const delay =
        this.signals && !failed
          ? PROMOTION_MISSED_SIGNAL_INTERVAL_MS
          : this.intervalMs;
      this.timer = setTimeout(this.refresh, delay);
    }
  });

  /** Asks for the state; true when that failed. */
  private async fetchState(): Promise<boolean> {
    try {
      const promotion = await this.api.getPromotion(this.id);
      if (this.following) {
        this.update({ promotion });
        this.finished = isFinalPromotionState(promotion.state);
      }
      return false;
    } catch (error) {
      if (this.following) {
        this.update({ ...this.state, error: error as Error });
        this.finished =
          error instanceof ResponseError && error.statusCode === 404;
      }
      return true;
    }
  }

  private update(state: PromotionState) {
    this.state = state;
    this.listeners.forEach(listener => listener());
  }
}

const followers = new WeakMap<
  GitopsPromotionApi,
  Map<string, PromotionFollower>
>();

/** The follower of a promotion, shared by every caller with the same API. */
function followerOf(
  api: GitopsPromotionApi,
  signalApi: SignalApi | undefined,
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
    follower = new PromotionFollower(api, signalApi, id, intervalMs, initial);
    byKey.set(key, follower);
  }
  return follower;
}

/**
 * A promotion's live state until it is deployed, failed or rejected, shared
 * with every other component following the same promotion: asked again when
 * the backend signals that it moved, or every two seconds (`intervalMs`) when
 * the app has no signals.
 */
export function usePromotion(
  id: string,
  options?: { initial?: PromotionRecord; intervalMs?: number },
) {
  const api = useApi(gitopsPromotionApiRef);
  const signalApi = useSignalApi();
  const intervalMs = options?.intervalMs ?? PROMOTION_POLL_INTERVAL_MS;
  const initial = options?.initial;
  const follower = useMemo(
    () => followerOf(api, signalApi, id, intervalMs, initial),
    // `initial` only seeds a new follower; a later one does not restart it
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, signalApi, id, intervalMs],
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
