import { Config } from '@backstage/config';
import path from 'node:path';

const KEY = 'gitopsPromotion.development.localCatalog';

/** Where the local stand-in for `catalog:register` writes, and what it refreshes. */
export interface LocalCatalogConfig {
  /** Absolute directory of the entity files. */
  directory: string;
  waitMs: number;
}

/**
 * Reads `gitopsPromotion.development.localCatalog` once at startup; undefined
 * when it is absent (development only by configuration: NODE_ENV plays no
 * part, and app-config.production.yaml removes the section the root
 * app-config.yaml sets for `yarn start`). The directory's index must be read by a
 * `file` location in `catalog.locations` (`<directory>/catalog-info.yaml`), or
 * the catalog would never see the entities: that is refused with the key named.
 */
export function readLocalCatalogConfig(
  config: Config,
): LocalCatalogConfig | undefined {
  const local = config.getOptionalConfig(KEY);
  if (!local) return undefined;
  const configured = local.getString('directory');
  const directory = path.resolve(configured);
  const index = path.join(directory, 'catalog-info.yaml');
  const location = (config.getOptionalConfigArray('catalog.locations') ?? [])
    .filter(l => l.getString('type') === 'file')
    .map(l => path.resolve(l.getString('target')))
    .find(target => target === index);
  if (!location) {
    const relative = path.join(configured, 'catalog-info.yaml');
    throw new Error(
      `Invalid configuration at ${KEY}.directory: no catalog location reads '${configured}'; add { type: file, target: ${relative} } to catalog.locations (catalog.rules must allow Location and the entities' kinds)`,
    );
  }
  const waitSeconds = local.getOptionalNumber('waitSeconds') ?? 60;
  if (!(waitSeconds >= 0 && waitSeconds <= 600)) {
    throw new Error(
      `Invalid configuration at ${KEY}.waitSeconds: must be between 0 and 600, got ${waitSeconds}`,
    );
  }
  return { directory, waitMs: waitSeconds * 1000 };
}
