import { createRouter, RouterOptions } from '../../../service/router';

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
  return routesOf((router as unknown as { stack: Layer[] }).stack);
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  /** A mounted router's own layers. */
  handle?: { stack?: Layer[] };
}

/** The routes of a router's layers and of the routers it mounts. */
function routesOf(stack: Layer[]): Route[] {
  return stack.flatMap(layer => {
    if (!layer.route) return routesOf(layer.handle?.stack ?? []);
    const { path, methods } = layer.route;
    return Object.keys(methods)
      .filter(method => methods[method])
      .map(method => ({ method: method.toUpperCase(), path }));
  });
}

/** `POST /promotions`: the key route tables use. */
export function routeKey(route: Route) {
  return `${route.method} ${route.path}`;
}
