import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gitopsPromotionApiRef } from '../api';

/** Every service × environment the user may see, fetched once; `retry` reloads. */
export function useMatrix() {
  const api = useApi(gitopsPromotionApiRef);
  return useAsyncRetry(() => api.getMatrix(), [api]);
}
