import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { requesterGitIdentity } from '../repository/gitIdentity';
import { GitIdentity } from '../repository/types';

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
  catalog: CatalogService,
): Promise<Requester> {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    const entityRef = principal.userEntityRef;
    const user = await catalog
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
  const entityRef = `${principal.type}:${principal.subject ?? 'unknown'}`;
  return { entityRef, ...requesterGitIdentity(entityRef) };
}
