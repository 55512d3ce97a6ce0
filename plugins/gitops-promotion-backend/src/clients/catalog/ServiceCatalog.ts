import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  getGitopsServiceName,
  GITOPS_PROMOTION_LAYOUT_ANNOTATION,
  GITOPS_PROMOTION_SERVICE_ANNOTATION,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';

/** A catalog entity annotated for GitOps Promotion. */
export interface ServiceEntity {
  entity: Entity;
  entityRef: string;
  /** The service's name in the GitOps repository. */
  service: string;
  /** The layout the entity picks, if any. */
  layout?: string;
  annotations: Record<string, string>;
}

const ENTITY_REF_MAX = 512;
const validator = makeValidator();

/** Which services a view shows: any of the values of each field given, all fields together. */
export interface ServiceFilter {
  owner?: string[];
  system?: string[];
  lifecycle?: string[];
  entityRefs?: string[];
}

/** Looks services up in the catalog with the caller's own credentials. */
export class ServiceCatalog {
  constructor(private readonly catalog: CatalogService) {}

  async getService(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ServiceEntity> {
    const ref = normalizeEntityRef(entityRef);
    const entity = await this.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`No catalog entity ${ref}`);
    }
    return toServiceEntity(entity);
  }

  /** Annotated entities matching the filter, as the caller may see them. */
  async findServices(
    filter: ServiceFilter,
    credentials: BackstageCredentials,
  ): Promise<ServiceEntity[]> {
    // Every filter is validated, also those the entity refs make moot.
    const owners = filter.owner?.map(o => normalizeEntityRef(o, 'group'));
    const systems = filter.system?.map(s => normalizeEntityRef(s, 'system'));
    if (filter.entityRefs?.length) {
      const { items } = await this.catalog.getEntitiesByRefs(
        { entityRefs: filter.entityRefs.map(ref => normalizeEntityRef(ref)) },
        { credentials },
      );
      return items.filter(isAnnotated).map(toServiceEntity);
    }
    const conditions: Record<string, string[] | symbol> = {
      [`metadata.annotations.${GITOPS_PROMOTION_SERVICE_ANNOTATION}`]:
        CATALOG_FILTER_EXISTS,
    };
    if (owners?.length) conditions['relations.ownedBy'] = owners;
    if (systems?.length) conditions['relations.partOf'] = systems;
    if (filter.lifecycle?.length)
      conditions['spec.lifecycle'] = filter.lifecycle;
    const { items } = await this.catalog.getEntities(
      { filter: conditions },
      { credentials },
    );
    return items.filter(isAnnotated).map(toServiceEntity);
  }
}

function isAnnotated(entity: Entity | undefined): entity is Entity {
  return Boolean(entity && getGitopsServiceName(entity));
}

function toServiceEntity(entity: Entity): ServiceEntity {
  const entityRef = stringifyEntityRef(entity);
  const service = getGitopsServiceName(entity);
  if (!service) {
    throw new InputError(
      `${entityRef} is not set up for GitOps Promotion: add the ${GITOPS_PROMOTION_SERVICE_ANNOTATION} annotation`,
    );
  }
  const annotations = entity.metadata.annotations ?? {};
  return {
    entity,
    entityRef,
    service,
    layout:
      annotations[GITOPS_PROMOTION_LAYOUT_ANNOTATION]?.trim() || undefined,
    annotations,
  };
}

/**
 * A canonical entity ref, or an InputError naming what is wrong with it. Kind,
 * namespace and name must follow the catalog's naming rules (ASCII letters,
 * digits and `-_.`), so that path tricks, control characters and look-alike
 * letters are refused before anything is looked up.
 */
export function normalizeEntityRef(
  ref: string,
  defaultKind = 'component',
): string {
  if (ref.length > ENTITY_REF_MAX) {
    throw new InputError(
      `Entity ref is longer than ${ENTITY_REF_MAX} characters`,
    );
  }
  const invalid = (reason: string) =>
    new InputError(
      `Invalid entity ref ${JSON.stringify(ref.slice(0, 80))}: ${reason}`,
    );
  let parsed: ReturnType<typeof parseEntityRef>;
  try {
    parsed = parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
  } catch (error) {
    throw invalid((error as Error).message);
  }
  if (!validator.isValidKind(parsed.kind)) {
    throw invalid('the kind must be letters and digits');
  }
  if (!validator.isValidNamespace(parsed.namespace)) {
    throw invalid(
      "the namespace must be 1-63 lowercase letters, digits and '-'",
    );
  }
  if (!validator.isValidEntityName(parsed.name)) {
    throw invalid(
      "the name must be 1-63 letters, digits and '-', '_' or '.' between them",
    );
  }
  return stringifyEntityRef(parsed);
}
