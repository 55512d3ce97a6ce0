import { LoggerService } from '@backstage/backend-plugin-api';
import { PromotionRecord } from '../ledger';

/** Told of a promotion whose state changed, as the ledger now has it. */
export type PromotionListener = (promotion: PromotionRecord) => Promise<void>;

interface Subscription {
  name: string;
  listener: PromotionListener;
  /** The listener's deliveries so far, chained: each waits for the one before. */
  delivered: Promise<void>;
}

/**
 * Announces every state change the ledger stores (whoever made it: the
 * service, the tracker or the reconciler) to each listener once, in the order
 * the changes were made. Delivery is off the caller's path: a promotion never
 * waits for, or fails because of, a slow or failing listener; a listener's
 * failure is logged as a warning. Each listener has its own queue, so a slow
 * one does not hold the others up.
 */
export class PromotionEvents {
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly logger: LoggerService) {}

  /** Adds a listener of every change announced from now on; `name` is used in logs. */
  subscribe(name: string, listener: PromotionListener): void {
    this.subscriptions.push({ name, listener, delivered: Promise.resolve() });
  }

  /** Queues the change for every listener and returns at once. */
  announce = (promotion: PromotionRecord): void => {
    for (const subscription of this.subscriptions) {
      subscription.delivered = subscription.delivered
        .then(() => subscription.listener(promotion))
        .catch(error =>
          this.logger.warn(
            `Could not tell ${subscription.name} that promotion ${promotion.id} is ${promotion.state}: ${error}`,
          ),
        );
    }
  };

  /**
   * Resolves once every change announced so far has reached every listener,
   * or after `timeoutMs` (a listener may hang on a remote service).
   */
  async settled(options: { timeoutMs?: number } = {}): Promise<void> {
    const delivered = Promise.all(this.subscriptions.map(s => s.delivered));
    if (options.timeoutMs === undefined) {
      await delivered;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      delivered,
      new Promise(resolve => {
        timer = setTimeout(resolve, options.timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
