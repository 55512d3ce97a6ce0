import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEffect, useMemo } from 'react';
import { gitopsPromotionApiRef } from '../api';
import { useGitopsPromotionSignal } from './useGitopsPromotionSignal';
import { useRefetchable } from './useRefetchable';

/** How long to wait before asking again while the backend counts the lag. */
export const LAG_PENDING_REFETCH_MS = 3000;

/**
 * Every service × environment the user may see; `retry` reloads. Fetched again
 * in the background when the backend signals a change to one of its services:
 * a release train moving twenty services costs the request in flight and one
 * more, not twenty. While the backend is still counting the lag
 * (`lagPending`), fetched again 3 s after each answer until it is counted.
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

  // Armed by each answer (a value, or an error while the last value was
  // pending), so asks never overlap; cleared on unmount.
  const { value, error, refetch } = matrix;
  useEffect(() => {
    if (!value?.lagPending) return undefined;
    const timer = setTimeout(refetch, LAG_PENDING_REFETCH_MS);
    return () => clearTimeout(timer);
  }, [value, error, refetch]);

  return matrix;
}
