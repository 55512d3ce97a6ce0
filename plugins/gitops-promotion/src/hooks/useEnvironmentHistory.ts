import { useApi } from '@backstage/frontend-plugin-api';
import { EnvironmentHistoryEntry } from '@internal/backstage-plugin-gitops-promotion-common';
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

/** The newest commit that changed the version, if any. */
export function lastVersionChange(
  history: EnvironmentHistoryEntry[] | undefined,
): EnvironmentHistoryEntry | undefined {
  return history?.find(
    entry => entry.to !== undefined && entry.to !== entry.from,
  );
}
