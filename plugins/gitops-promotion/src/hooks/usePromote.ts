import { useApi } from '@backstage/frontend-plugin-api';
import { PromotionRequest } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { gitopsPromotionApiRef } from '../api';
import { useSubmit } from './useSubmit';

/**
 * Performs a promotion or rollback. The error stays until the next attempt or
 * `reset` (e.g. after refreshing a stale preview).
 */
export function usePromote() {
  const api = useApi(gitopsPromotionApiRef);
  const { state, submit, reset } = useSubmit(
    (request: PromotionRequest, idempotencyKey: string) =>
      api.promote(request, { idempotencyKey }),
    [api],
  );
  return { ...state, promote: submit, reset };
}
