import { parseEntityRef } from '@backstage/catalog-model';

/** The entity's `metadata.name`, or undefined without a (valid) ref. */
export function entityNameOf(
  entityRef: string | undefined,
): string | undefined {
  return entityRef ? parseRef(entityRef)?.name : undefined;
}

/**
 * The app path of the entity's Environments tab
 * (`/catalog/<namespace>/<kind>/<name>/environments`), or undefined without a
 * (valid) ref.
 */
export function environmentsTabLink(
  entityRef: string | undefined,
): string | undefined {
  const ref = entityRef ? parseRef(entityRef) : undefined;
  if (!ref) return undefined;
  const path = [ref.namespace, ref.kind.toLocaleLowerCase('en-US'), ref.name]
    .map(encodeURIComponent)
    .join('/');
  return `/catalog/${path}/environments`;
}

/** Whether the ref names a user (not a service principal such as CI). */
export function isUserRef(ref: string): boolean {
  return parseRef(ref)?.kind.toLocaleLowerCase('en-US') === 'user';
}

function parseRef(ref: string) {
  try {
    return parseEntityRef(ref, { defaultNamespace: 'default' });
  } catch {
    return undefined;
  }
}
