export { ApprovalDialog } from './ApprovalDialog';
export type { ApprovalDialogRequest } from './ApprovalDialog';
