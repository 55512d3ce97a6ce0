import { useApi } from '@backstage/frontend-plugin-api';
import { ApprovalRequest } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { gitopsPromotionApiRef } from '../api';
import { useSubmit } from './useSubmit';

/** Approves or rejects a promotion awaiting approval. */
export function useDecidePromotion() {
  const api = useApi(gitopsPromotionApiRef);
  const { state, submit } = useSubmit(
    (id: string, request: ApprovalRequest) => api.decidePromotion(id, request),
    [api],
  );
  return { ...state, decide: submit };
}
