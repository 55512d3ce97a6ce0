import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { requesterGitIdentity } from '../../clients/git/gitIdentity';
import { GitIdentity } from '../../clients/repository/types';

/** Who asked, as the catalog knows them: the git author of the promotion. */
export interface Requester extends GitIdentity {
  /** `user:default/jane` or `plugin:ci` for service callers. */
  entityRef: string;
}

/**
 * The git identity of the caller: a user's catalog profile (display name and
 * e-mail) or, for a service principal, its subject; made safe for a commit
 * by {@link requesterGitIdentity}.
 */
export async function requesterIdentity(
  credentials: BackstageCredentials,
  services: { auth: AuthService; catalogService: CatalogService },
): Promise<Requester> {
  const { auth } = services;
  if (auth.isPrincipal(credentials, 'user')) {
    return userIdentity(
      credentials.principal.userEntityRef,
      credentials,
      services,
    );
  }
  const entityRef = auth.isPrincipal(credentials, 'service')
    ? `service:${credentials.principal.subject}`
    : 'none:unknown';
  return { entityRef, ...requesterGitIdentity(entityRef) };
}

/**
 * The git identity of a requester the ledger recorded (`user:…` or
 * `service:…`), for a write made later on their behalf (once approved).
 */
export async function recordedRequesterIdentity(
  entityRef: string,
  services: { auth: AuthService; catalogService: CatalogService },
): Promise<Requester> {
  if (!entityRef.startsWith('user:')) {
    return { entityRef, ...requesterGitIdentity(entityRef) };
  }
  const credentials = await services.auth.getOwnServiceCredentials();
  return userIdentity(entityRef, credentials, services);
}

async function userIdentity(
  entityRef: string,
  credentials: BackstageCredentials,
  services: { catalogService: CatalogService },
): Promise<Requester> {
  const user = await services.catalogService
    .getEntityByRef(entityRef, { credentials })
    .catch(() => undefined);
  const profile = (user?.spec?.profile ?? {}) as {
    displayName?: unknown;
    email?: unknown;
  };
  return {
    entityRef,
    ...requesterGitIdentity(entityRef, {
      name: profile.displayName,
      email: profile.email,
    }),
  };
}
