import request from 'supertest';
import {
  asUser,
  createTestGitopsRepository,
  startGitopsPromotionTestBackend,
} from '.';
import { serviceComponent } from './bareRepository';

// The published test utilities, as an adopter's test would use them.
describe('testUtils', () => {
  const values = (tag: string) => `image:\n  tag: "${tag}"\n`;

  it('serves a service from a test repository and sees commits made behind its back', async () => {
    const repository = await createTestGitopsRepository({
      files: {
        'envs/dev/payments/values.yaml': values('1.0.0'),
        'envs/prod/payments/values.yaml': values('0.9.0'),
      },
    });
    const backend = await startGitopsPromotionTestBackend({
      config: {
        repositories: [
          {
            id: 'gitops',
            provider: 'git',
            url: repository.url,
            branchHeadCache: '0s',
          },
        ],
        layouts: [
          {
            id: 'helm',
            files: [
              { path: 'envs/{env}/{service}/values.yaml', keys: ['image.tag'] },
            ],
          },
        ],
        defaultLayout: 'helm',
        environments: [
          { name: 'dev', repository: 'gitops' },
          { name: 'prod', repository: 'gitops', promotesFrom: ['dev'] },
        ],
        workingDirectory: `${repository.dir}/cache`,
      },
      entities: [serviceComponent('payments')],
    });
    try {
      const versions = async () => {
        const res = await request(backend.server)
          .get(
            '/api/gitops-promotion/environments?entityRef=component:default/payments',
          )
          .set('Authorization', asUser());
        expect(res.status).toBe(200);
        return Object.fromEntries(
          res.body.environments.map((e: { name: string; version: string }) => [
            e.name,
            e.version,
          ]),
        );
      };
      expect(await versions()).toEqual({ dev: '1.0.0', prod: '0.9.0' });

      const sha = await repository.commit('Deploy 1.1.0 to dev', {
        'envs/dev/payments/values.yaml': values('1.1.0'),
      });

      expect(await repository.head()).toBe(sha);
      expect(await repository.show('envs/dev/payments/values.yaml')).toBe(
        values('1.1.0'),
      );
      expect(await versions()).toEqual({ dev: '1.1.0', prod: '0.9.0' });
      await expect(backend.runScheduledTask('nightly')).rejects.toThrow(
        "No scheduled task 'nightly'; the plugin scheduled: gitops-promotion-auto-promote, gitops-promotion-track-promotions",
      );
    } finally {
      await backend.stop();
      await repository.cleanup();
    }
  });
});
