export { RelativeTime } from './RelativeTime';
export { describeError } from './errors';
export type { DescribedError } from './errors';
export { durationText } from './duration';
export {
  newIdempotencyKey,
  plural,
  shortRef,
  shortSha,
  titleOf,
} from './format';
export { useInitialFocus } from './useInitialFocus';
export { useRetained } from './useRetained';
export { visuallyHidden } from './visuallyHidden';
export { ConflictAlert } from './ConflictAlert';
export { RetryAlert } from './RetryAlert';
export { RetainedDialog } from './RetainedDialog';
export { SubmitErrorAlert, WriteErrorAlert } from './SubmitErrorAlert';
export { autoFromSentence, autoFromText } from './gates';
export { approvalTally, approverGroupsText } from './approvals';
