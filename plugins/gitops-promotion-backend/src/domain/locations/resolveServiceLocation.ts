import { InputError, NotFoundError } from '@backstage/errors';
import { assertServiceName, repositoryOf } from '../../config/serviceNames';
import {
  EnvironmentConfig,
  GitopsPromotionConfig,
  LayoutConfig,
  RepositoryConfig,
} from '../../config/types';

/** A file of a service in one environment, placeholders substituted. */
export interface ResolvedFile {
  path: string;
  keys: string[];
  /** A key the file lacks is inserted (see LayoutFileConfig.createMissingKeys). */
  createMissingKeys: boolean;
}

/** Where one service's version lives in one environment. */
export interface ServiceLocation {
  service: string;
  environment: EnvironmentConfig;
  repository: RepositoryConfig;
  branch: string;
  layout: LayoutConfig;
  /** The promotion bundle: every key of every file. The first key is the version shown. */
  files: ResolvedFile[];
}

/**
 * Resolves a service's files for an environment from configuration only: the
 * catalog can name the service and pick a configured layout, nothing else.
 */
export function resolveServiceLocation(
  config: GitopsPromotionConfig,
  request: { service: string; layout?: string; environment: string },
): ServiceLocation {
  const service = assertServiceName(request.service);
  const environment = config.environments.find(
    e => e.name === request.environment,
  );
  if (!environment) {
    throw new NotFoundError(
      `Unknown environment '${
        request.environment
      }'; configured: ${config.environments.map(e => e.name).join(', ')}`,
    );
  }
  const layoutId = request.layout ?? config.defaultLayout;
  const layout = config.layouts.find(l => l.id === layoutId);
  if (!layout) {
    throw new InputError(
      `The gitops-promotion/layout annotation names unknown layout '${layoutId}'; configured: ${config.layouts
        .map(l => l.id)
        .join(', ')}`,
    );
  }
  const repository = repositoryOf(
    config.repositories.find(r => r.id === environment.repository)!,
    service,
  );
  const fill = (template: string) =>
    template
      .replace(/\{service\}/g, service)
      .replace(/\{env\}/g, environment.name);
  return {
    service,
    environment,
    repository,
    branch: environment.branch,
    layout,
    files: layout.files.map(f => ({
      path: fill(f.path),
      keys: f.keys.map(fill),
      createMissingKeys: Boolean(f.createMissingKeys),
    })),
  };
}
