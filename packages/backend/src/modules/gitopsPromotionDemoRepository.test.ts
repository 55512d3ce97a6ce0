import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import gitopsPromotionPlugin from '@gitops-promotion/backstage-plugin-gitops-promotion-backend';
import { gitopsPromotionDemoRepositoryModule } from './gitopsPromotionDemoRepository';

const examples = path.resolve(__dirname, '../../../../examples');

/** The demo seed runs by configuration alone: NODE_ENV plays no part. */
describe('gitopsPromotionDemoRepositoryModule', () => {
  const nodeEnv = process.env.NODE_ENV;
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'seed-config-test-'));
  });
  afterEach(async () => {
    process.env.NODE_ENV = nodeEnv;
    await fs.rm(dir, { recursive: true, force: true });
  });

  const config = (repoUrl: string, development?: object) => ({
    gitopsPromotion: {
      repositories: [{ id: 'demo', provider: 'git', url: repoUrl }],
      layouts: [
        {
          id: 'helm',
          files: [
            { path: 'envs/{env}/{service}/values.yaml', keys: ['image.tag'] },
          ],
        },
      ],
      defaultLayout: 'helm',
      environments: [{ name: 'dev', repository: 'demo' }],
      ...(development && { development }),
    },
  });
  const seedRepository = {
    repository: 'demo',
    from: path.join(examples, 'gitops-repo'),
    history: path.join(examples, 'gitops-repo-history.yaml'),
  };

  const start = async (data: object) => {
    const backend = await startTestBackend({
      features: [
        gitopsPromotionDemoRepositoryModule,
        mockServices.rootConfig.factory({ data }),
      ],
    });
    await backend.stop();
  };
  const exists = (file: string) =>
    fs.stat(file).then(
      () => true,
      () => false,
    );
  const setNodeEnv = (value: string) => {
    if (value === 'unset') delete process.env.NODE_ENV;
    else process.env.NODE_ENV = value;
  };

  it.each([['unset'], ['development'], ['test']])(
    'seeds nothing without development.seedRepository (NODE_ENV %s)',
    async value => {
      setNodeEnv(value);
      const repo = path.join(dir, 'gitops-repo.git');
      await start(config(repo));
      expect(await exists(repo)).toBe(false);
    },
  );

  it('seeds nothing when development is only an empty section', async () => {
    delete process.env.NODE_ENV;
    const repo = path.join(dir, 'gitops-repo.git');
    await start(config(repo, {}));
    expect(await exists(repo)).toBe(false);
  });

  it.each([['unset'], ['production']])(
    'seeds the repository with development.seedRepository (NODE_ENV %s)',
    async value => {
      setNodeEnv(value);
      const repo = path.join(dir, 'gitops-repo.git');
      await start(config(repo, { seedRepository }));
      expect(await exists(path.join(repo, 'HEAD'))).toBe(true);
    },
  );

  it('creates the repository before the gitops-promotion plugin starts on it', async () => {
    const repo = path.join(dir, 'gitops-repo.git');
    const backend = await startTestBackend({
      features: [
        gitopsPromotionPlugin,
        gitopsPromotionDemoRepositoryModule,
        mockServices.rootConfig.factory({
          data: config(repo, { seedRepository }),
        }),
      ],
    });
    await expect(fs.stat(path.join(repo, 'HEAD'))).resolves.toBeTruthy();
    await backend.stop();
  });

  it('refuses a repository that is not configured, naming the key', async () => {
    await expect(
      start(
        config(path.join(dir, 'x.git'), {
          seedRepository: { ...seedRepository, repository: 'nope' },
        }),
      ),
    ).rejects.toThrow(
      "gitopsPromotion.development.seedRepository.repository: unknown repository 'nope'",
    );
  });
});
