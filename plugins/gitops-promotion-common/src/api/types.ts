/**
 * The JSON the GitOps Promotion REST API (`/api/gitops-promotion`) takes and
 * answers with, as clients see it (timestamps are ISO 8601 strings). Every
 * type here is the spec's: plugins/gitops-promotion-backend/src/schema/openapi.yaml,
 * generated into ../schema/openapi.generated.ts by `yarn generate:openapi`.
 */
import type { components, operations } from '../schema/openapi.generated';

/** Every schema of the spec, by name. @public */
export type ApiSchemas = components['schemas'];
/** The query parameters of an operation of the spec. @public */
export type ApiQuery<Operation extends keyof operations> = NonNullable<
  operations[Operation]['parameters']['query']
>;

/** @public */
export type EnvironmentHistoryQuery = ApiQuery<'getEnvironmentHistory'>;
/** @public */
export type MatrixQuery = ApiQuery<'getMatrix'>;
/** @public */
export type PromotionListQuery = ApiQuery<'listPromotions'>;
/** @public */
export type DeliveryFiguresQuery = ApiQuery<'getDeliveryFigures'>;

/** @public */
export type GitopsKeyValue = ApiSchemas['GitopsKeyValue'];
/** @public */
export type GitopsKnownArgoCdStatus = ApiSchemas['GitopsKnownArgoCdStatus'];
/** @public */
export type GitopsArgoCdUnknownReason = ApiSchemas['GitopsArgoCdUnknownReason'];
/** @public */
export type GitopsUnknownArgoCdStatus = ApiSchemas['GitopsUnknownArgoCdStatus'];
/** @public */
export type GitopsArgoCdStatus = ApiSchemas['GitopsArgoCdStatus'];
/** @public */
export type PromotionState = ApiSchemas['PromotionState'];
/** @public */
export type PromotionMode = ApiSchemas['PromotionMode'];
/** @public */
export type PromotionValueChange = ApiSchemas['PromotionValueChange'];
/** @public */
export type PromotionRecord = ApiSchemas['PromotionRecord'];
/** @public */
export type InFlightPromotion = ApiSchemas['InFlightPromotion'];
/** @public */
export type PromoteOption = ApiSchemas['PromoteOption'];
/** @public */
export type EnvironmentView = ApiSchemas['EnvironmentView'];
/** @public */
export type EnvironmentsResponse = ApiSchemas['EnvironmentsResponse'];
/** @public */
export type EnvironmentHistoryEntry = ApiSchemas['EnvironmentHistoryEntry'];
/** @public */
export type EnvironmentHistoryResponse =
  ApiSchemas['EnvironmentHistoryResponse'];
/** @public */
export type PromotionVerdict = ApiSchemas['PromotionVerdict'];
/** @public */
export type PromotionTargetPreview = ApiSchemas['PromotionTargetPreview'];
/** @public */
export type PromotionPreviewResponse = ApiSchemas['PromotionPreviewResponse'];
/** @public */
export type PromotionPreviewRequest = ApiSchemas['PromotionPreviewRequest'];
/** @public */
export type PromotionRequest = ApiSchemas['PromotionRequest'];
/** @public */
export type MatrixEnvironment = ApiSchemas['MatrixEnvironment'];
/** @public */
export type EnvironmentLag = ApiSchemas['EnvironmentLag'];
/** @public */
export type Drift = ApiSchemas['Drift'];
/** @public */
export type MatrixCellStatus = ApiSchemas['MatrixCellStatus'];
/** @public */
export type MatrixCell = ApiSchemas['MatrixCell'];
/** @public */
export type MatrixService = ApiSchemas['MatrixService'];
/** @public */
export type MatrixResponse = ApiSchemas['MatrixResponse'];
/** @public */
export type BulkPromotionResponse = ApiSchemas['BulkPromotionResponse'];
/** @public */
export type EnvironmentDeploymentFigures =
  ApiSchemas['EnvironmentDeploymentFigures'];
/** @public */
export type LeadTimeFigures = ApiSchemas['LeadTimeFigures'];
/** @public */
export type DeliveryFiguresResponse = ApiSchemas['DeliveryFiguresResponse'];
/** @public */
export type BulkPromotionRequest = ApiSchemas['BulkPromotionRequest'];
/** @public */
export type BulkPromotionPin = ApiSchemas['BulkPromotionPin'];
/** @public */
export type BulkPromotionPreviewResponse =
  ApiSchemas['BulkPromotionPreviewResponse'];
/** @public */
export type PromotionListResponse = ApiSchemas['PromotionListResponse'];
/** @public */
export type CiVersionsRequest = ApiSchemas['CiVersionsRequest'];
/** @public */
export type CiVersionsResponse = ApiSchemas['CiVersionsResponse'];
/** @public */
export type BulkPromotionPreviewRequest =
  ApiSchemas['BulkPromotionPreviewRequest'];
/** @public */
export type ServiceRegistrationRequest =
  ApiSchemas['ServiceRegistrationRequest'];
/** @public */
export type ServiceRegistrationResult = ApiSchemas['ServiceRegistrationResult'];
/** @public */
export type RegisteredFile = ApiSchemas['RegisteredFile'];
/** @public */
export type ApiError = ApiSchemas['Error'];
/** @public */
export type ApprovalRequest = ApiSchemas['ApprovalRequest'];
/** @public */
export type PromotionApprovals = ApiSchemas['PromotionApprovals'];
/** @public */
export type ApprovalDecision = ApiSchemas['ApprovalDecision'];
/** @public */
export type VerificationCheckResult = ApiSchemas['VerificationCheckResult'];
/** @public */
export type AutoPromotionPause = ApiSchemas['AutoPromotionPause'];
/** @public */
export type AutoPromotionPauseRequest = ApiSchemas['AutoPromotionPauseRequest'];
/** @public */
export type AutoPromotionPauseList = ApiSchemas['AutoPromotionPauseList'];
/** @public */
export type EnvironmentGates = ApiSchemas['EnvironmentGates'];
/** @public */
export type PromotionTrigger = NonNullable<PromotionRecord['trigger']>;

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
