import { useApi } from '@backstage/frontend-plugin-api';
import {
  PromotionRecord,
  PromotionRequest,
} from '@internal/backstage-plugin-gitops-promotion-common';
import { useCallback, useState } from 'react';
import { gitopsPromotionApiRef } from '../api';

interface PromoteState {
  loading: boolean;
  error?: Error;
  value?: PromotionRecord;
}

/**
 * Performs a promotion or rollback. The error stays until the next attempt or
 * `reset` (e.g. after refreshing a stale preview).
 */
export function usePromote() {
  const api = useApi(gitopsPromotionApiRef);
  const [state, setState] = useState<PromoteState>({ loading: false });
  const promote = useCallback(
    async (request: PromotionRequest, idempotencyKey: string) => {
      setState({ loading: true });
      try {
        const value = await api.promote(request, { idempotencyKey });
        setState({ loading: false, value });
        return value;
      } catch (error) {
        setState({ loading: false, error: error as Error });
        return undefined;
      }
    },
    [api],
  );
  const reset = useCallback(() => setState({ loading: false }), []);
  return { ...state, promote, reset };
}
