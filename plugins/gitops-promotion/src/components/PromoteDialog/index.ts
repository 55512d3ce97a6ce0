export { PromoteDialog } from './PromoteDialog';
export type { PromoteDialogRequest } from './PromoteDialog';
export { VerdictList } from './VerdictList';
