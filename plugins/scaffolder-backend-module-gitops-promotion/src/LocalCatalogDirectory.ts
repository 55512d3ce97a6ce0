import { ConflictError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

const INDEX = 'catalog-info.yaml';
const LOCATION_NAME = 'scaffolded-entities';
const HEADER = `# Entities created from software templates on this machine, one folder each, written by
# the scaffolder action gitops-promotion:register-local-entity (development only). The
# catalog reads this file through catalog.locations; created at startup.
`;

/**
 * A directory the catalog reads through one `file` location: an index
 * (`<directory>/catalog-info.yaml`, a Location entity globbing
 * `./*\/catalog-info.yaml`, optional so an empty directory is no error) and
 * one folder per entity. Refreshing the index's Location entity makes the
 * catalog read the folders again.
 *
 * @public
 */
export class LocalCatalogDirectory {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly directory: string) {}

  /** The Location entity of the index, to refresh after a write. */
  readonly locationEntityRef = `location:default/${LOCATION_NAME}`;

  get indexPath() {
    return path.join(this.directory, INDEX);
  }

  entityPath(name: string) {
    return path.join(this.directory, name, INDEX);
  }

  /** Creates the directory and the index when they are missing (or outdated). */
  ensureIndex(): Promise<void> {
    return this.serialized(async () => {
      const index = `${HEADER}${stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Location',
        metadata: {
          name: LOCATION_NAME,
          description:
            'Entities created from software templates on this machine',
        },
        spec: { type: 'file', target: `./*/${INDEX}`, presence: 'optional' },
      })}`;
      const current = await fs
        .readFile(this.indexPath, 'utf8')
        .catch(() => undefined);
      if (current === index) return;
      await fs.mkdir(this.directory, { recursive: true });
      // Written whole, then renamed: the catalog never reads half a file.
      const temporary = `${this.indexPath}.${process.pid}.tmp`;
      await fs.writeFile(temporary, index);
      await fs.rename(temporary, this.indexPath);
    });
  }

  /** Whether an entity file would be new, the same, or replace other content. */
  async compare(name: string, text: string) {
    const existing = await fs
      .readFile(this.entityPath(name), 'utf8')
      .catch(() => undefined);
    if (existing === undefined) return 'new';
    return existing === text ? 'same' : 'different';
  }

  /**
   * Writes an entity file. The same content again changes nothing; other
   * content under the same name is refused.
   */
  writeEntity(name: string, text: string): Promise<'written' | 'unchanged'> {
    return this.serialized(async () => {
      const state = await this.compare(name, text);
      if (state === 'different') {
        throw new ConflictError(
          `${this.entityPath(
            name,
          )} already holds another entity named ${name}; remove it or choose another name`,
        );
      }
      if (state === 'same') return 'unchanged';
      await fs.mkdir(path.dirname(this.entityPath(name)), { recursive: true });
      await fs.writeFile(this.entityPath(name), text);
      return 'written';
    });
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
