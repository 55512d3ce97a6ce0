export { RelativeTime } from './RelativeTime';
export { describeError } from './errors';
export type { DescribedError } from './errors';
export { newIdempotencyKey, shortSha, titleOf } from './format';
export { useInitialFocus } from './useInitialFocus';
export { useRetained } from './useRetained';
export { visuallyHidden } from './visuallyHidden';
export { ConflictAlert } from './ConflictAlert';
export { RetryAlert } from './RetryAlert';
