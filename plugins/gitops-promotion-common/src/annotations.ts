import { Entity } from '@backstage/catalog-model';

/**
 * Names the service in the GitOps repository (the `{service}` placeholder of the
 * configured path templates). Its presence opts the entity in.
 *
 * @public
 */
export const GITOPS_PROMOTION_SERVICE_ANNOTATION = 'gitops-promotion/service';

/**
 * Chooses one of the layouts configured under `gitopsPromotion.layouts` for this
 * service. Catalog authors can only pick a configured layout by id: never a
 * repository URL or a path.
 *
 * @public
 */
export const GITOPS_PROMOTION_LAYOUT_ANNOTATION = 'gitops-promotion/layout';

/**
 * True when the entity is annotated for GitOps Promotion.
 *
 * @public
 */
export function isGitopsPromotionAvailable(entity: Entity): boolean {
  return Boolean(
    entity.metadata.annotations?.[GITOPS_PROMOTION_SERVICE_ANNOTATION]?.trim(),
  );
}

/**
 * The service name the entity is known by in the GitOps repository, or
 * undefined when the entity is not annotated.
 *
 * @public
 */
export function getGitopsServiceName(entity: Entity): string | undefined {
  return (
    entity.metadata.annotations?.[
      GITOPS_PROMOTION_SERVICE_ANNOTATION
    ]?.trim() || undefined
  );
}
