import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { GitIdentity } from '../repository/types';

/** Who asked, as the catalog knows them: the git author of the promotion. */
export interface Requester extends GitIdentity {
  /** `user:default/jane` or `plugin:ci` for service callers. */
  entityRef: string;
}

/**
 * The git identity of the caller: a user's catalog profile (display name and
 * e-mail) or, for a service principal, its subject.
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
      displayName?: string;
      email?: string;
    };
    const { name } = parseEntityRef(entityRef);
    return {
      entityRef,
      name: profile.displayName ?? name,
      email: profile.email ?? `${name}@users.backstage.invalid`,
    };
  }
  const subject = principal.subject ?? 'unknown';
  return {
    entityRef: `${principal.type}:${subject}`,
    name: subject,
    email: `${subject.replace(
      /[^A-Za-z0-9._-]/g,
      '-',
    )}@services.backstage.invalid`,
  };
}
