import { InputError, NotFoundError } from '@backstage/errors';
import {
  EnvironmentConfig,
  GitopsPromotionConfig,
  LayoutConfig,
  RepositoryConfig,
} from '../../config/types';

/** What a service is called in the GitOps repository: one path segment, no tricks. */
const SERVICE_NAME_PATTERN =
  /^[a-z0-9](?:[a-z0-9-]|[._](?![._])){0,61}[a-z0-9]$|^[a-z0-9]$/;

/** A file of a service in one environment, placeholders substituted. */
export interface ResolvedFile {
  path: string;
  keys: string[];
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
  const repository = config.repositories.find(
    r => r.id === environment.repository,
  )!;
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
    })),
  };
}

/** The service name, or an InputError saying what is wrong with it. */
export function assertServiceName(name: string): string {
  if (!SERVICE_NAME_PATTERN.test(name)) {
    throw new InputError(
      `Invalid service name '${name.slice(
        0,
        80,
      )}': use 1-63 lowercase letters, digits, '-', '.' or '_', starting and ending with a letter or digit`,
    );
  }
  return name;
}
