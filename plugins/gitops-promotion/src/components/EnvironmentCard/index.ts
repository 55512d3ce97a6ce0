export { EnvironmentCard } from './EnvironmentCard';
export type { AutoPromotionPauseAction } from './EnvironmentCard';
export type { ApprovalDecisionKind } from './InFlightNotices';
export { versionsText } from './InFlightNotices';
