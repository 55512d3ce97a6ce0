import { createRouter, RouterOptions } from '../../router';

/** A route of the plugin's router, e.g. `POST /promotions`. */
export interface Route {
  method: string;
  path: string;
}

/**
 * Every route the plugin's router serves, read from the router itself, so
 * that a route added later is covered by the route tables or fails them.
 */
export async function routesOfRouter(): Promise<Route[]> {
  // Building the router only registers handlers; none of the options is used.
  const router = await createRouter({} as RouterOptions);
  const stack = (
    router as unknown as {
      stack: Array<{ route?: { path: string; methods: Record<string, true> } }>;
    }
  ).stack;
  return stack.flatMap(layer =>
    layer.route
      ? Object.keys(layer.route.methods).map(method => ({
          method: method.toUpperCase(),
          path: layer.route!.path,
        }))
      : [],
  );
}

/** `POST /promotions`: the key route tables use. */
export function routeKey(route: Route) {
  return `${route.method} ${route.path}`;
}
