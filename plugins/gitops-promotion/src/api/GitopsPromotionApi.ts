import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  ApprovalRequest,
  AutoPromotionPause,
  AutoPromotionPauseList,
  AutoPromotionPauseRequest,
  BulkPromotionPreviewResponse,
  BulkPromotionRequest,
  BulkPromotionResponse,
  DeliveryFiguresQuery,
  DeliveryFiguresResponse,
  EnvironmentHistoryQuery,
  EnvironmentHistoryResponse,
  MatrixResponse,
  EnvironmentsResponse,
  PromotionPreviewRequest,
  PromotionPreviewResponse,
  PromotionRecord,
  PromotionRequest,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/**
 * The GitOps Promotion backend as the frontend uses it. Every method rejects
 * with a `ResponseError` (from `@backstage/errors`) when the backend refuses.
 *
 * @public
 */
export interface GitopsPromotionApi {
  /** Every environment of a service the caller may read, in pipeline order. */
  getEnvironments(entityRef: string): Promise<EnvironmentsResponse>;

  /** The git history of the version of a service in one environment. */
  getHistory(
    request: EnvironmentHistoryQuery,
  ): Promise<EnvironmentHistoryResponse>;

  /** The exact change a promotion would make and every rule's verdict. */
  previewPromotion(
    request: PromotionPreviewRequest,
  ): Promise<PromotionPreviewResponse>;

  /**
   * Performs a promotion or rollback. Requests with the same idempotency key
   * make one commit.
   */
  promote(
    request: PromotionRequest,
    options: { idempotencyKey: string },
  ): Promise<PromotionRecord>;

  /** One promotion with its current state. */
  getPromotion(id: string): Promise<PromotionRecord>;

  /**
   * Approves or rejects a promotion awaiting approval (a comment is required
   * to reject); answers the promotion after the decision.
   */
  decidePromotion(
    id: string,
    request: ApprovalRequest,
  ): Promise<PromotionRecord>;

  /** Where automatic promotion is paused, newest first. */
  listAutoPromotionPauses(): Promise<AutoPromotionPauseList>;

  /**
   * Pauses automatic promotion of a service, into an environment, or of a
   * service into one environment; answers the pause (an existing one when
   * it was paused already).
   */
  pauseAutoPromotion(
    request: AutoPromotionPauseRequest,
  ): Promise<AutoPromotionPause>;

  /** Removes the pause of exactly this service and/or environment; answers it. */
  resumeAutoPromotion(
    pause: Omit<AutoPromotionPauseRequest, 'reason'>,
  ): Promise<AutoPromotionPause>;

  /** Every annotated service the user may see × every environment they may read. */
  getMatrix(): Promise<MatrixResponse>;

  /** What a release train would do, service by service. */
  previewBulkPromotion(
    request: Omit<BulkPromotionRequest, 'allOrNothing'>,
  ): Promise<BulkPromotionPreviewResponse>;

  /** Promotes several services together in one commit or pull request. */
  promoteBulk(
    request: BulkPromotionRequest,
    options: { idempotencyKey: string },
  ): Promise<BulkPromotionResponse>;

  /** Deployment frequency and lead time of services (by owner or by ref). */
  getDeliveryFigures(
    request: DeliveryFiguresQuery,
  ): Promise<DeliveryFiguresResponse>;
}

/**
 * The API reference of {@link GitopsPromotionApi}.
 *
 * @public
 */
export const gitopsPromotionApiRef = createApiRef<GitopsPromotionApi>({
  id: 'plugin.gitops-promotion.api',
});
