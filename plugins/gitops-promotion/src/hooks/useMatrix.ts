import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useMemo } from 'react';
import { gitopsPromotionApiRef } from '../api';
import { useGitopsPromotionSignal } from './useGitopsPromotionSignal';
import { useRefetchable } from './useRefetchable';

/**
 * Every service × environment the user may see; `retry` reloads. Fetched again
 * in the background when the backend signals a change to one of its services:
 * a release train moving twenty services costs the request in flight and one
 * more, not twenty.
 */
export function useMatrix() {
  const api = useApi(gitopsPromotionApiRef);
  const matrix = useRefetchable(() => api.getMatrix(), [api]);
  const services = useMemo(
    () =>
      new Set(
        matrix.value?.services.map(s => parseEntityRef(s.entityRef).name),
      ),
    [matrix.value],
  );
  useGitopsPromotionSignal(services, matrix.refetch);
  return matrix;
}
