import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gitopsPromotionApiRef } from '../api';

/**
 * The git history of a service's version in one environment, newest first.
 * `reloadKey` reloads it when it changes (e.g. the environment's commit).
 */
export function useEnvironmentHistory(options: {
  entityRef: string;
  environment: string;
  limit?: number;
  reloadKey?: string;
}) {
  const { entityRef, environment, limit = 20, reloadKey } = options;
  const api = useApi(gitopsPromotionApiRef);
  return useAsyncRetry(
    () => api.getHistory({ entityRef, environment, limit }),
    [api, entityRef, environment, limit, reloadKey],
  );
}
