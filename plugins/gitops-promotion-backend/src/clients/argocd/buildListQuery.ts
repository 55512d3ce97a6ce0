import { ArgoCdEnvironmentConfig } from './ArgoCdConfig';
import {
  formatLabelSelector,
  LabelRequirement,
  parseLabelRequirement,
  splitLabelSelector,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { renderTemplate } from './templates';

/** Query parameters of an instance's one `GET /api/v1/applications`. */
export interface ApplicationListQuery {
  selector?: string;
  projects: string[];
  appNamespace?: string;
}

/** The requirements of an environment's selector that hold for all its services. */
function environmentWideRequirements(mapping: ArgoCdEnvironmentConfig) {
  return splitLabelSelector(mapping.selector ?? '')
    .filter(text => !text.includes('{service}'))
    .map(text =>
      parseLabelRequirement(
        renderTemplate(text, { service: '', env: mapping.environment }),
      ),
    );
}

/**
 * The narrowest selector every mapped cell of the instance still satisfies:
 * requirements shared by all its environments, equalities on the same key
 * merged into `key in (...)` (e.g. `acme.io/env in (dev,staging)`).
 * Requirements with `{service}` vary per cell and are left to the client.
 */
function sharedSelector(
  mappings: ArgoCdEnvironmentConfig[],
): string | undefined {
  if (!mappings.length || mappings.some(m => !m.selector)) return undefined;
  const perEnvironment = mappings.map(environmentWideRequirements);
  const shared: LabelRequirement[] = [];
  const [first, ...rest] = perEnvironment;
  for (const requirement of first) {
    const text = formatLabelSelector([requirement]);
    if (rest.every(reqs => reqs.some(r => formatLabelSelector([r]) === text))) {
      shared.push(requirement);
      continue;
    }
    const isEquality = (r: LabelRequirement) =>
      r.operator === 'in' && r.values.length === 1;
    if (!isEquality(requirement)) continue;
    const values = perEnvironment.map(reqs =>
      reqs.find(r => r.key === requirement.key && isEquality(r)),
    );
    if (values.every(Boolean)) {
      shared.push({
        key: requirement.key,
        operator: 'in',
        values: [
          ...new Set(values.flatMap(v => (v as { values: string[] }).values)),
        ],
      });
    }
  }
  const unique = new Map(shared.map(r => [formatLabelSelector([r]), r]));
  return unique.size ? formatLabelSelector([...unique.values()]) : undefined;
}

/**
 * The one list query of an instance, from the environments mapped to it:
 * the same for every refresh and every set of requested cells, so one
 * cached response serves them all. Projects and namespace only narrow the
 * list when every environment sets them.
 */
export function buildListQuery(
  mappings: ArgoCdEnvironmentConfig[],
): ApplicationListQuery {
  const projects = mappings.every(m => m.project)
    ? [...new Set(mappings.map(m => m.project!))]
    : [];
  const namespaces = new Set(mappings.map(m => m.appNamespace));
  const appNamespace = namespaces.size === 1 ? [...namespaces][0] : undefined;
  const selector = sharedSelector(mappings);
  return {
    ...(selector ? { selector } : {}),
    projects: mappings.length ? projects : [],
    ...(appNamespace ? { appNamespace } : {}),
  };
}
