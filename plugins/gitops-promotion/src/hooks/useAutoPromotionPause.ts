import { useApi } from '@backstage/frontend-plugin-api';
import { AutoPromotionPauseRequest } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gitopsPromotionApiRef } from '../api';
import { useSubmit } from './useSubmit';

/** Pauses automatic promotion (of a service, into an environment, or both). */
export function usePauseAutoPromotion() {
  const api = useApi(gitopsPromotionApiRef);
  const { state, submit } = useSubmit(
    (request: AutoPromotionPauseRequest) => api.pauseAutoPromotion(request),
    [api],
  );
  return { ...state, pause: submit };
}

/** Removes one pause: exactly the service and/or environment it names. */
export function useResumeAutoPromotion() {
  const api = useApi(gitopsPromotionApiRef);
  const { state, submit } = useSubmit(
    (pause: Omit<AutoPromotionPauseRequest, 'reason'>) =>
      api.resumeAutoPromotion(pause),
    [api],
  );
  return { ...state, resume: submit };
}

/** Every pause of automatic promotion the user may see, newest first. */
export function useAutoPromotionPauses() {
  const api = useApi(gitopsPromotionApiRef);
  return useAsyncRetry(
    async () => (await api.listAutoPromotionPauses()).items,
    [api],
  );
}
