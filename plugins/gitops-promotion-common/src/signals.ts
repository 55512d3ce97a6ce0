import { PromotionState } from './api/types';

/**
 * The signals channel on which the backend announces that what a service
 * shows has changed: a promotion moved state, or Argo CD's status of one of
 * its environments changed. Pages refetch through the REST API on a signal;
 * the message itself carries no versions and nothing a reader may not see.
 *
 * @public
 */
export const GITOPS_PROMOTION_SIGNAL_CHANNEL = 'gitops-promotion';

/**
 * A message on {@link GITOPS_PROMOTION_SIGNAL_CHANNEL}.
 *
 * @public
 */
export type GitopsPromotionSignal =
  | {
      type: 'promotion';
      /** The service's name (its catalog entity's `metadata.name`). */
      service: string;
      environments: string[];
      promotionId: string;
      state: PromotionState;
    }
  | {
      type: 'status';
      service: string;
      environments: string[];
    };
