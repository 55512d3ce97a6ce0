import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';

const DEFAULT_TTL_MS = 60_000;
const MAX_ENTRIES = 5_000;

/**
 * The `metadata.annotations` of catalog entities as the plugin itself sees
 * them (its own service credentials), for background work that has no caller:
 * the tracker maps a promotion to its Argo CD application with the same
 * `gitops-promotion/argocd-*` annotations the planner used. Each entity is
 * read at most once per `ttlMs`; an entity that is gone has no annotations.
 * A catalog failure is not cached and rejects.
 */
export class EntityAnnotations {
  private readonly cache = new Map<
    string,
    { expiresAt: number; value: Promise<Record<string, string> | undefined> }
  >();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      ttlMs?: number;
      /** The clock, for tests. */
      now?: () => number;
    },
  ) {
    this.ttlMs = deps.ttlMs ?? DEFAULT_TTL_MS;
    this.now = deps.now ?? Date.now;
  }

  /** The entity's annotations, or undefined when the catalog does not have it. */
  get(entityRef: string): Promise<Record<string, string> | undefined> {
    const now = this.now();
    const cached = this.cache.get(entityRef);
    if (cached && cached.expiresAt > now) return cached.value;
    const value = this.read(entityRef);
    this.cache.delete(entityRef);
    this.cache.set(entityRef, { expiresAt: now + this.ttlMs, value });
    value.catch(() => {
      if (this.cache.get(entityRef)?.value === value) {
        this.cache.delete(entityRef);
      }
    });
    if (this.cache.size > MAX_ENTRIES) {
      this.cache.delete(this.cache.keys().next().value!);
    }
    return value;
  }

  private async read(
    entityRef: string,
  ): Promise<Record<string, string> | undefined> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const entity = await this.deps.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    return entity?.metadata.annotations;
  }
}
