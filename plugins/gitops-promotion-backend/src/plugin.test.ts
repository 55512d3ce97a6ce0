import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gitopsPromotionPlugin } from './plugin';

const examples = path.resolve(__dirname, '../../../examples');

describe('gitopsPromotionPlugin', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'plugin-test-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const config = (repoUrl: string) => ({
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
      development: {
        seedRepository: {
          repository: 'demo',
          from: path.join(examples, 'gitops-repo'),
          history: path.join(examples, 'gitops-repo-history.yaml'),
        },
      },
    },
  });

  it('fails to start on invalid configuration, naming the key', async () => {
    const bad = config(path.join(dir, 'x.git'));
    bad.gitopsPromotion.environments[0].repository = 'missing';
    await expect(
      startTestBackend({
        features: [
          gitopsPromotionPlugin,
          mockServices.rootConfig.factory({ data: bad }),
        ],
      }),
    ).rejects.toThrow(
      "gitopsPromotion.environments[0].repository: unknown repository 'missing'",
    );
  });
});
