import { createRouteRef } from '@backstage/core-plugin-api';

/** The team view's route in the legacy frontend system. */
export const rootRouteRef = createRouteRef({ id: 'gitops-promotion' });

/** The Environments tab's route on the legacy entity page. */
export const entityContentRouteRef = createRouteRef({
  id: 'gitops-promotion:entity-content',
});
