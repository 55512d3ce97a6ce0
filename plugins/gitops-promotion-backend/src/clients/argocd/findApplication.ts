import { ApplicationIndex } from './ApplicationIndex';
import { matchesLabelSelector } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { ParsedApplication } from './parseApplication';
import { ApplicationMapping } from './resolveApplicationMapping';

/** The outcome of looking a cell's application up in an instance's list. */
export type FoundApplication =
  | { kind: 'found'; application: ParsedApplication; name: string }
  | { kind: 'missing'; message: string }
  | { kind: 'ambiguous'; message: string };

/**
 * Finds the application of a mapped cell among an instance's listed
 * applications, by name or label selector, honouring the configured project
 * and namespace (when the listing carries them).
 */
export function findApplication(
  index: ApplicationIndex,
  mapping: Extract<ApplicationMapping, { kind: 'mapped' }>,
): FoundApplication {
  const selector = mapping.selector ?? [];
  const candidates: ParsedApplication[] = [];
  for (const app of mapping.name !== undefined
    ? index.named(mapping.name)
    : index.candidatesFor(selector)) {
    if (
      (!mapping.appNamespace ||
        !app.namespace ||
        app.namespace === mapping.appNamespace) &&
      (!mapping.project || !app.project || app.project === mapping.project) &&
      (mapping.name !== undefined || matchesLabelSelector(selector, app.labels))
    ) {
      candidates.push(app);
    }
  }
  const where = `on Argo CD instance '${mapping.instance}'${
    mapping.project ? ` in project '${mapping.project}'` : ''
  }`;
  if (candidates.length === 1) {
    const [application] = candidates;
    return { kind: 'found', application, name: application.name! };
  }
  if (candidates.length === 0) {
    return {
      kind: 'missing',
      message:
        mapping.name !== undefined
          ? `No application '${mapping.name}' ${where}`
          : `No application matches '${mapping.selectorText}' ${where}`,
    };
  }
  return {
    kind: 'ambiguous',
    message: `${candidates.length} applications match '${
      mapping.selectorText ?? mapping.name
    }' ${where} (${candidates
      .slice(0, 5)
      .map(a => a.name)
      .join(', ')}); the selector must match one`,
  };
}
