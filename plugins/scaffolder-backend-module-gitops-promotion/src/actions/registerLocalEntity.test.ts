import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalCatalogDirectory } from '../LocalCatalogDirectory';
import { createRegisterLocalEntityAction } from './registerLocalEntity';

const location = 'location:default/scaffolded-entities';
const entityText = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing
  annotations:
    gitops-promotion/service: billing
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-checkout
`;

describe('gitops-promotion:register-local-entity', () => {
  let dir: string;
  let workspace: string;
  let directory: string;
  let inCatalog: boolean;
  const catalog = catalogServiceMock.mock({
    refreshEntity: jest.fn(async () => {
      inCatalog = true;
    }),
    getEntityByRef: jest.fn(async () =>
      inCatalog ? ({ kind: 'Component' } as Entity) : undefined,
    ),
  });

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'register-local-'));
    workspace = path.join(dir, 'workspace');
    directory = path.join(dir, 'scaffolded');
    await fs.mkdir(workspace);
    await fs.writeFile(path.join(workspace, 'catalog-info.yaml'), entityText);
    inCatalog = false;
    jest.clearAllMocks();
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const action = (waitMs = 5_000) =>
    createRegisterLocalEntityAction({
      catalog,
      directory: new LocalCatalogDirectory(directory),
      waitMs,
      pollMs: 10,
    });
  async function run(
    input: Record<string, unknown> = {},
    options: { dryRun?: boolean; waitMs?: number } = {},
  ) {
    const logger = mockServices.logger.mock();
    const outputs: Record<string, unknown> = {};
    await action(options.waitMs).handler({
      ...createMockActionContext({
        input: input as never,
        workspacePath: workspace,
        logger,
      }),
      isDryRun: options.dryRun,
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
    } as never);
    return { outputs, logger };
  }
  const target = () => path.join(directory, 'billing', 'catalog-info.yaml');

  it('writes the entity where the catalog reads it, refreshes that location and waits for the entity', async () => {
    const { outputs } = await run();

    expect(outputs).toEqual({
      entityRef: 'component:default/billing',
      catalogInfoPath: target(),
    });
    expect(await fs.readFile(target(), 'utf8')).toBe(entityText);
    expect(catalog.refreshEntity).toHaveBeenCalledWith(location, {
      credentials: expect.anything(),
    });
    expect(catalog.getEntityByRef).toHaveBeenLastCalledWith(
      'component:default/billing',
      { credentials: expect.anything() },
    );
  });

  it('is idempotent for the same entity and refuses another one under the same name', async () => {
    await run();
    await run();
    expect(await fs.readFile(target(), 'utf8')).toBe(entityText);

    await fs.writeFile(
      path.join(workspace, 'catalog-info.yaml'),
      entityText.replace('experimental', 'production'),
    );
    await expect(run()).rejects.toThrow(ConflictError);
    expect(await fs.readFile(target(), 'utf8')).toBe(entityText);
  });

  it('writes nothing in a dry run', async () => {
    const { outputs, logger } = await run({}, { dryRun: true });
    expect(outputs.entityRef).toBe('component:default/billing');
    await expect(fs.stat(target())).rejects.toThrow();
    expect(catalog.refreshEntity).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining(
        `Would write component:default/billing to ${target()}`,
      ),
    );
  });

  it('warns instead of failing when the catalog is slower than the wait', async () => {
    catalog.refreshEntity.mockResolvedValueOnce(undefined);
    const { logger } = await run({}, { waitMs: 30 });
    expect(logger.warn).toHaveBeenCalledWith(
      `component:default/billing is not in the catalog after 0 s; it appears once the catalog has processed ${location}`,
    );
  });

  it.each([
    [
      'a path outside the workspace',
      { catalogInfoPath: '../x.yaml' },
      '',
      'Relative path is not allowed to refer to a directory outside its parent',
    ],
    [
      'a missing file',
      { catalogInfoPath: 'nope.yaml' },
      '',
      'No nope.yaml in the workspace; fetch a skeleton with one first',
    ],
    [
      'a name that is a path',
      {},
      entityText.replace('name: billing', 'name: ../billing'),
      "Entity name '../billing' must be 1-63 lowercase letters, digits and '-' to be registered locally",
    ],
    [
      'two documents',
      {},
      `${entityText}---\n${entityText}`,
      'The entity file must be one valid YAML document holding one entity',
    ],
  ])('refuses %s', async (_name, input, text, message) => {
    if (text) {
      await fs.writeFile(path.join(workspace, 'catalog-info.yaml'), text);
    }
    await expect(run(input)).rejects.toThrow(message);
    await expect(fs.readdir(directory)).rejects.toThrow();
  });
});
