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

/**
 * Overrides the Argo CD application name of this service: a template that may
 * use `{env}` (and `{service}`), e.g. `shop-{env}`. Replaces the environment's
 * `argocd.application` template and selector.
 *
 * @public
 */
export const GITOPS_PROMOTION_ARGOCD_APP_ANNOTATION =
  'gitops-promotion/argocd-app';

/**
 * Finds this service's Argo CD application by label selector instead, a
 * template that may use `{env}` and `{service}`, e.g.
 * `app.kubernetes.io/name=shop,acme.io/env={env}`. Ignored when
 * `gitops-promotion/argocd-app` is set.
 *
 * @public
 */
export const GITOPS_PROMOTION_ARGOCD_SELECTOR_ANNOTATION =
  'gitops-promotion/argocd-selector';

/**
 * Picks another of the Argo CD instances configured under
 * `gitopsPromotion.argocd.instances` for this service, by name. Anything that
 * is not a configured instance name (a URL in particular) is refused: catalog
 * authors never choose where the backend sends requests.
 *
 * @public
 */
export const GITOPS_PROMOTION_ARGOCD_INSTANCE_ANNOTATION =
  'gitops-promotion/argocd-instance';
