import { InputError } from '@backstage/errors';
import { RepositoryConfig } from './types';

/** What a service is called in the GitOps repository: one path segment, no tricks. */
const SERVICE_NAME_PATTERN =
  /^[a-z0-9](?:[a-z0-9-]|[._](?![._])){0,61}[a-z0-9]$|^[a-z0-9]$/;

/**
 * The repository a service's files live in: the configured one, or for a
 * repository per service (`url` with `{service}`) the service's own, with the
 * id `<configured id>/<service>` (as the ledger records it).
 */
export function repositoryOf(
  repository: RepositoryConfig,
  service: string,
): RepositoryConfig {
  if (!repository.perService) return repository;
  return {
    ...repository,
    id: `${repository.id}/${service}`,
    url: repository.url.replace(/\{service\}/g, service),
    perService: false,
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
