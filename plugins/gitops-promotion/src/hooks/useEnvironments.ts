import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gitopsPromotionApiRef } from '../api';

/** Every environment of a service the user may read, with `retry` to reload. */
export function useEnvironments(entityRef: string) {
  const api = useApi(gitopsPromotionApiRef);
  return useAsyncRetry(() => api.getEnvironments(entityRef), [api, entityRef]);
}
