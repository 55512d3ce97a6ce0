import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { gitopsPromotionApiRef } from '../api';

/**
 * Delivery figures over the last `days` of the services owned by `owners`
 * (every service the user may see when undefined).
 */
export function useDeliveryFigures(owners: string[] | undefined, days: number) {
  const api = useApi(gitopsPromotionApiRef);
  const key = owners?.join('\n');
  return useAsync(
    () => api.getDeliveryFigures({ owner: owners, days }),
    // owners by content: a new array of the same owners is the same request
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key, days],
  );
}
