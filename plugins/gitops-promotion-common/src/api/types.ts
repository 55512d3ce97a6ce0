/**
 * The JSON the GitOps Promotion REST API (`/api/gitops-promotion`) takes and
 * answers with, as clients see it (timestamps are ISO 8601 strings). Every
 * type here is the spec's: plugins/gitops-promotion-backend/src/schema/openapi.yaml,
 * generated into ../schema/openapi.generated.ts by `yarn generate:openapi`.
 */
import type { components, operations } from '../schema/openapi.generated';

type Schemas = components['schemas'];
type Query<Operation extends keyof operations> = NonNullable<
  operations[Operation]['parameters']['query']
>;

/** @public */
export type EnvironmentHistoryQuery = Query<'getEnvironmentHistory'>;
/** @public */
export type MatrixQuery = Query<'getMatrix'>;
/** @public */
export type PromotionListQuery = Query<'listPromotions'>;
/** @public */
export type DeliveryFiguresQuery = Query<'getDeliveryFigures'>;

/** @public */
export type GitopsKeyValue = Schemas['GitopsKeyValue'];
/** @public */
export type GitopsKnownArgoCdStatus = Schemas['GitopsKnownArgoCdStatus'];
/** @public */
export type GitopsArgoCdUnknownReason = Schemas['GitopsArgoCdUnknownReason'];
/** @public */
export type GitopsUnknownArgoCdStatus = Schemas['GitopsUnknownArgoCdStatus'];
/** @public */
export type GitopsArgoCdStatus = Schemas['GitopsArgoCdStatus'];
/** @public */
export type PromotionState = Schemas['PromotionState'];
/** @public */
export type PromotionMode = Schemas['PromotionMode'];
/** @public */
export type PromotionValueChange = Schemas['PromotionValueChange'];
/** @public */
export type PromotionRecord = Schemas['PromotionRecord'];
/** @public */
export type InFlightPromotion = Schemas['InFlightPromotion'];
/** @public */
export type PromoteOption = Schemas['PromoteOption'];
/** @public */
export type EnvironmentView = Schemas['EnvironmentView'];
/** @public */
export type EnvironmentsResponse = Schemas['EnvironmentsResponse'];
/** @public */
export type EnvironmentHistoryEntry = Schemas['EnvironmentHistoryEntry'];
/** @public */
export type EnvironmentHistoryResponse = Schemas['EnvironmentHistoryResponse'];
/** @public */
export type PromotionVerdict = Schemas['PromotionVerdict'];
/** @public */
export type PromotionTargetPreview = Schemas['PromotionTargetPreview'];
/** @public */
export type PromotionPreviewResponse = Schemas['PromotionPreviewResponse'];
/** @public */
export type PromotionPreviewRequest = Schemas['PromotionPreviewRequest'];
/** @public */
export type PromotionRequest = Schemas['PromotionRequest'];
/** @public */
export type MatrixEnvironment = Schemas['MatrixEnvironment'];
/** @public */
export type EnvironmentLag = Schemas['EnvironmentLag'];
/** @public */
export type MatrixCell = Schemas['MatrixCell'];
/** @public */
export type MatrixService = Schemas['MatrixService'];
/** @public */
export type MatrixResponse = Schemas['MatrixResponse'];
/** @public */
export type BulkPromotionResponse = Schemas['BulkPromotionResponse'];
/** @public */
export type EnvironmentDeploymentFigures =
  Schemas['EnvironmentDeploymentFigures'];
/** @public */
export type LeadTimeFigures = Schemas['LeadTimeFigures'];
/** @public */
export type DeliveryFiguresResponse = Schemas['DeliveryFiguresResponse'];
/** @public */
export type BulkPromotionRequest = Schemas['BulkPromotionRequest'];
/** @public */
export type BulkPromotionPin = Schemas['BulkPromotionPin'];
/** @public */
export type BulkPromotionPreviewResponse =
  Schemas['BulkPromotionPreviewResponse'];
/** @public */
export type PromotionListResponse = Schemas['PromotionListResponse'];
/** @public */
export type CiVersionsRequest = Schemas['CiVersionsRequest'];
/** @public */
export type CiVersionsResponse = Schemas['CiVersionsResponse'];
/** @public */
export type BulkPromotionPreviewRequest =
  Schemas['BulkPromotionPreviewRequest'];
/** @public */
export type ServiceRegistrationRequest = Schemas['ServiceRegistrationRequest'];
/** @public */
export type ServiceRegistrationResult = Schemas['ServiceRegistrationResult'];
/** @public */
export type RegisteredFile = Schemas['RegisteredFile'];
/** @public */
export type ApiError = Schemas['Error'];

/**
 * States a promotion never leaves.
 *
 * @public
 */
export const FINAL_PROMOTION_STATES: readonly PromotionState[] = [
  'deployed',
  'failed',
  'rejected',
];

/**
 * True when the promotion will not change state any more.
 *
 * @public
 */
export function isFinalPromotionState(state: PromotionState): boolean {
  return FINAL_PROMOTION_STATES.includes(state);
}
