import {
  GITOPS_PROMOTION_ARGOCD_APP_ANNOTATION,
  GITOPS_PROMOTION_ARGOCD_INSTANCE_ANNOTATION,
  GITOPS_PROMOTION_ARGOCD_SELECTOR_ANNOTATION,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { ArgoCdConfig } from './ArgoCdConfig';
import {
  LabelRequirement,
  parseLabelSelector,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { renderTemplate, unknownPlaceholders } from './templates';
import { ArgoCdTarget } from './types';

/** Kubernetes object names: what an application name may be. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * Where a cell's application is: on which instance, found by name or by
 * label selector, restricted to a project and namespace.
 */
export type ApplicationMapping =
  | {
      kind: 'mapped';
      instance: string;
      /** Set when found by name. */
      name?: string;
      /** Set when found by label selector (and `selectorText` is its text). */
      selector?: LabelRequirement[];
      selectorText?: string;
      project?: string;
      appNamespace?: string;
    }
  | { kind: 'not-configured'; message: string };

const quote = (value: string) =>
  `'${value.length > 80 ? `${value.slice(0, 80)}…` : value}'`;

/**
 * Maps a cell to its application from the environment's `argocd` config and
 * the entity's `gitops-promotion/argocd-*` annotations. The instance
 * annotation may only name a configured instance; anything else (a URL in
 * particular) leaves the cell not-configured.
 */
export function resolveApplicationMapping(
  target: ArgoCdTarget,
  config: ArgoCdConfig,
): ApplicationMapping {
  const env = config.environments.find(
    e => e.environment === target.environment,
  );
  if (!env) {
    return {
      kind: 'not-configured',
      message: `Environment ${quote(
        target.environment,
      )} has no Argo CD mapping (gitopsPromotion.environments[].argocd)`,
    };
  }
  const annotations = target.annotations ?? {};
  const values = { service: target.service, env: target.environment };

  const instanceOverride =
    annotations[GITOPS_PROMOTION_ARGOCD_INSTANCE_ANNOTATION]?.trim();
  if (
    instanceOverride &&
    !config.instances.some(i => i.name === instanceOverride)
  ) {
    return {
      kind: 'not-configured',
      message: `Annotation ${GITOPS_PROMOTION_ARGOCD_INSTANCE_ANNOTATION} names ${quote(
        instanceOverride,
      )}, which is not a configured Argo CD instance; configured: ${config.instances
        .map(i => i.name)
        .join(', ')}`,
    };
  }
  const base = {
    kind: 'mapped' as const,
    instance: instanceOverride || env.instance,
    ...(env.project ? { project: env.project } : {}),
    ...(env.appNamespace ? { appNamespace: env.appNamespace } : {}),
  };

  const appAnnotation =
    annotations[GITOPS_PROMOTION_ARGOCD_APP_ANNOTATION]?.trim();
  const selectorAnnotation =
    annotations[GITOPS_PROMOTION_ARGOCD_SELECTOR_ANNOTATION]?.trim();
  const nameTemplate =
    appAnnotation ||
    (selectorAnnotation || env.selector ? undefined : env.application);
  if (nameTemplate) {
    const source = appAnnotation
      ? `annotation ${GITOPS_PROMOTION_ARGOCD_APP_ANNOTATION}`
      : `the application template of environment ${target.environment}`;
    const name = renderTemplate(nameTemplate, values);
    if (unknownPlaceholders(nameTemplate).length || !OBJECT_NAME.test(name)) {
      return {
        kind: 'not-configured',
        message: `${source} gives ${quote(
          name,
        )}, which is not a valid application name`,
      };
    }
    return { ...base, name };
  }

  const selectorTemplate = (selectorAnnotation || env.selector)!;
  const selectorText = renderTemplate(selectorTemplate, values);
  try {
    if (unknownPlaceholders(selectorTemplate).length)
      throw new Error('unknown placeholder');
    const selector = parseLabelSelector(selectorText);
    if (!selector.length) throw new Error('empty selector');
    return { ...base, selector, selectorText };
  } catch (error) {
    return {
      kind: 'not-configured',
      message: `The label selector ${quote(selectorText)} is not valid: ${
        (error as Error).message
      }`,
    };
  }
}
