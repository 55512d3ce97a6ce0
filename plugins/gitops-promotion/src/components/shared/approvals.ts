import { PromotionApprovals } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { shortRef } from './format';

/** Who approved a promotion so far, and how many approvals it still needs. */
export function approvalTally(approvals: PromotionApprovals) {
  const approvers = approvals.decisions
    .filter(d => d.decision === 'approve')
    .map(d => shortRef(d.approver));
  return {
    approvers,
    /** "1 of 2" */
    count: `${approvers.length} of ${approvals.required}`,
    rejection: approvals.decisions.find(d => d.decision === 'reject'),
  };
}

/** The groups whose members may decide, as people say them. */
export function approverGroupsText(from: string[]) {
  return from.map(shortRef).join(', ');
}
