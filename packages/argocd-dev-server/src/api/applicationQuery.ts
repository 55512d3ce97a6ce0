import { Request } from 'express';
import {
  matchesLabelSelector,
  parseLabelSelector,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { DiscoveredApplication } from '../discovery/discoverApplications';
import { ResolvedDevServerOptions } from '../options';
import { asList, asString } from './queryValues';

/**
 * The filters of Argo CD's `ApplicationQuery` that the list and the watch
 * routes share: `name` (repeated or comma-separated), `projects` and its
 * legacy name `project`, `repo`, `appNamespace` and `selector` (a Kubernetes
 * label selector). Every application of the stand-in lives in the one
 * configured project, repository and namespace.
 *
 * @returns whether an application passes the filters
 * @throws when the selector does not parse
 */
export function parseApplicationQuery(
  query: Request['query'],
  options: Pick<ResolvedDevServerOptions, 'project' | 'repoURL' | 'namespace'>,
): (app: DiscoveredApplication) => boolean {
  const selector = parseLabelSelector(asString(query.selector));
  const names = asList(query.name);
  const projects = [...asList(query.projects), ...asList(query.project)];
  const repo = asString(query.repo);
  const appNamespace = asString(query.appNamespace);
  return app =>
    (!names.length || names.includes(app.name)) &&
    (!projects.length || projects.includes(options.project)) &&
    (!repo || repo === options.repoURL) &&
    (!appNamespace || appNamespace === options.namespace) &&
    matchesLabelSelector(selector, app.labels);
}
