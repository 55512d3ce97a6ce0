import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { LocalCatalogDirectory } from '../LocalCatalogDirectory';

/** A folder name that is also a valid entity name: no path tricks. */
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Where {@link createRegisterLocalEntityAction} writes and what it refreshes.
 *
 * @public
 */
export interface LocalCatalogOptions {
  catalog: CatalogService;
  /** Where entities go: `<directory>/<name>/catalog-info.yaml`. */
  directory: LocalCatalogDirectory;
  /** How long to wait for the entity to appear in the catalog. */
  waitMs: number;
  /** Between two looks at the catalog. Defaults to 500 ms. */
  pollMs?: number;
}

/**
 * Creates the development-only `gitops-promotion:register-local-entity`
 * action: the local stand-in for publishing a repository and `catalog:register`
 * when there is no Git host. It copies the entity file the template produced
 * into a directory the catalog reads through a `file` location, asks the
 * catalog to read that directory again now instead of at its next processing
 * cycle, minutes away, and waits until the entity is there.
 *
 * @public
 */
export function createRegisterLocalEntityAction(options: LocalCatalogOptions) {
  const { catalog, directory, waitMs } = options;
  const { locationEntityRef } = directory;
  const pollMs = options.pollMs ?? 500;
  return createTemplateAction({
    id: 'gitops-promotion:register-local-entity',
    description:
      "Development only: registers the workspace's catalog-info.yaml in the local catalog (no Git host needed) and waits until the entity is in the catalog.",
    supportsDryRun: true,
    schema: {
      input: {
        catalogInfoPath: z =>
          z
            .string()
            .optional()
            .describe(
              'The entity file in the workspace; default: catalog-info.yaml',
            ),
      },
      output: {
        entityRef: z => z.string().describe('The registered entity'),
        catalogInfoPath: z =>
          z.string().describe('Where the entity file was written'),
      },
    },
    async handler(ctx) {
      const source = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.catalogInfoPath ?? 'catalog-info.yaml',
      );
      const text = await fs.readFile(source, 'utf8').catch(() => {
        throw new InputError(
          `No ${path.relative(
            ctx.workspacePath,
            source,
          )} in the workspace; fetch a skeleton with one first`,
        );
      });
      const entity = readEntity(text);
      const entityRef = stringifyEntityRef(entity);
      const target = directory.entityPath(entity.metadata.name);
      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoPath', target);

      if (ctx.isDryRun) {
        if (
          (await directory.compare(entity.metadata.name, text)) === 'different'
        ) {
          throw new ConflictError(
            `${target} already holds another entity named ${entity.metadata.name}; remove it or choose another name`,
          );
        }
        ctx.logger.info(`Would write ${entityRef} to ${target}:\n${text}`);
        return;
      }
      const written = await directory.writeEntity(entity.metadata.name, text);
      ctx.logger.info(
        written === 'written'
          ? `Wrote ${entityRef} to ${target}`
          : `${target} already holds ${entityRef}`,
      );

      const credentials = await ctx.getInitiatorCredentials();
      await catalog.refreshEntity(locationEntityRef, { credentials });
      const deadline = Date.now() + waitMs;
      for (;;) {
        const found = await catalog.getEntityByRef(entityRef, { credentials });
        if (found) {
          ctx.logger.info(`${entityRef} is in the catalog`);
          return;
        }
        if (Date.now() >= deadline || ctx.signal?.aborted) {
          ctx.logger.warn(
            `${entityRef} is not in the catalog after ${Math.round(
              waitMs / 1000,
            )} s; it appears once the catalog has processed ${locationEntityRef}`,
          );
          return;
        }
        await new Promise(resolve => setTimeout(resolve, pollMs));
      }
    },
  });
}

function readEntity(text: string): Entity & { metadata: { name: string } } {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [];
  if (list.length !== 1 || list[0].errors.length) {
    throw new InputError(
      'The entity file must be one valid YAML document holding one entity',
    );
  }
  const entity = list[0].toJS() as Partial<Entity> | null;
  const name = entity?.metadata?.name;
  if (!entity?.apiVersion || !entity.kind || typeof name !== 'string') {
    throw new InputError(
      'The entity file needs apiVersion, kind and metadata.name',
    );
  }
  if (!NAME.test(name)) {
    throw new InputError(
      `Entity name '${name.slice(
        0,
        80,
      )}' must be 1-63 lowercase letters, digits and '-' to be registered locally`,
    );
  }
  return {
    ...(entity as Entity),
    metadata: {
      ...entity.metadata,
      name,
      namespace: entity.metadata?.namespace ?? DEFAULT_NAMESPACE,
    },
  };
}
