import { useApi } from '@backstage/frontend-plugin-api';
import { PromotionPreviewRequest } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gitopsPromotionApiRef } from '../api';

/** The preview of one target: the exact diff and every rule's verdict. */
export function usePromotionPreview(request: PromotionPreviewRequest) {
  const api = useApi(gitopsPromotionApiRef);
  const { entityRef, source, targets, versions } = request;
  const key = JSON.stringify({ entityRef, source, targets, versions });
  return useAsyncRetry(async () => {
    const response = await api.previewPromotion(JSON.parse(key));
    return response.targets[0];
  }, [api, key]);
}
