import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * The entity refs of a service's owners: its ownedBy relations, or its
 * `spec.owner` when the entity carries no relations (not processed by the
 * catalog).
 */
export function serviceOwners(entity: Entity): string[] {
  const owners = (entity.relations ?? [])
    .filter(relation => relation.type === RELATION_OWNED_BY)
    .map(relation => relation.targetRef);
  if (owners.length) return owners;
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) return [];
  return [
    stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    ),
  ];
}
