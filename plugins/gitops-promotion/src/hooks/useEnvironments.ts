import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useMemo } from 'react';
import { gitopsPromotionApiRef } from '../api';
import { useGitopsPromotionSignal } from './useGitopsPromotionSignal';
import { useRefetchable } from './useRefetchable';

/**
 * Every environment of a service the user may read, with `retry` to reload.
 * Fetched again in the background, the current environments still shown,
 * when the backend signals that a promotion of the service moved or Argo CD's
 * status of it changed.
 */
export function useEnvironments(entityRef: string) {
  const api = useApi(gitopsPromotionApiRef);
  const environments = useRefetchable(
    () => api.getEnvironments(entityRef),
    [api, entityRef],
  );
  const service = useMemo(
    () => new Set([parseEntityRef(entityRef).name]),
    [entityRef],
  );
  useGitopsPromotionSignal(service, environments.refetch);
  return environments;
}
