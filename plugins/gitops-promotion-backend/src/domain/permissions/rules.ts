import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import {
  EnvironmentResource,
  environmentPermissionResourceRef,
} from './environmentResource';

/** `prod-*` → /^prod-.*$/; only `*` is special. */
function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/**
 * Matches environments by name; `*` matches any characters, so a policy can
 * say `prod-*`.
 *
 * @public
 */
export const isEnvironment = createPermissionRule({
  name: 'IS_ENVIRONMENT',
  description:
    'Allow environments whose name matches one of the given names (`*` matches any characters, e.g. prod-*)',
  resourceRef: environmentPermissionResourceRef,
  paramsSchema: z.object({
    names: z
      .array(z.string())
      .describe('Environment names or patterns such as prod-*'),
  }),
  apply: (environment: EnvironmentResource, { names }) =>
    names.some(name => globToRegExp(name).test(environment.name)),
  toQuery: () => {
    throw new Error('Environments are matched in memory, not queried');
  },
});

/**
 * Matches the environments a given environment promotes into, e.g. everything
 * downstream of staging.
 *
 * @public
 */
export const isPromotedFrom = createPermissionRule({
  name: 'IS_PROMOTED_FROM',
  description:
    'Allow environments that are promoted from the given environment',
  resourceRef: environmentPermissionResourceRef,
  paramsSchema: z.object({
    environment: z.string().describe('The upstream environment'),
  }),
  apply: (environment: EnvironmentResource, params) =>
    environment.promotesFrom.includes(params.environment),
  toQuery: () => {
    throw new Error('Environments are matched in memory, not queried');
  },
});

/**
 * Matches promotions of a service owned by one of the claims, like the
 * catalog's IS_ENTITY_OWNER: a policy passes the user's ownership entity refs.
 * Never matches when no service is known (the environment was named alone).
 *
 * @public
 */
export const isServiceOwner = createPermissionRule({
  name: 'IS_SERVICE_OWNER',
  description:
    'Allow promotions of services owned by one of the given claims (never when no service is known)',
  resourceRef: environmentPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe(
        "User and group entity refs, e.g. the user's ownershipEntityRefs",
      ),
  }),
  apply: (environment: EnvironmentResource, { claims }) => {
    // Entity refs are case-insensitive: `group:default/Team-A` is team-a.
    const owners = new Set(environment.serviceOwners?.map(lowerCase));
    return claims.some(claim => owners.has(lowerCase(claim)));
  },
  toQuery: () => {
    throw new Error('Environments are matched in memory, not queried');
  },
});

function lowerCase(ref: string) {
  return ref.toLocaleLowerCase('en-US');
}

/**
 * Every rule of the environment resource.
 *
 * @public
 */
export const environmentPermissionRules = {
  isEnvironment,
  isPromotedFrom,
  isServiceOwner,
};
