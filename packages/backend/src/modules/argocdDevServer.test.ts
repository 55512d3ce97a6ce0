import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createArgoCdDevServer } from '@internal/argocd-dev-server';
import { argocdDevServerModule } from './argocdDevServer';

// The real stand-in, observed: "started nothing" is then a fact, not a
// probe of a free port that another test worker may take meanwhile.
jest.mock('@internal/argocd-dev-server', () => {
  const actual = jest.requireActual('@internal/argocd-dev-server');
  return {
    ...actual,
    createArgoCdDevServer: jest.fn(actual.createArgoCdDevServer),
  };
});

const git = (cwd: string, ...args: string[]) =>
  promisify(execFile)(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args],
    { cwd, env: { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null' } },
  );

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('argocdDevServerModule', () => {
  let dir: string;
  let repository: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'argocd-dev-module-'));
    const work = path.join(dir, 'work');
    await fs.mkdir(path.join(work, 'envs/dev/checkout'), { recursive: true });
    await fs.writeFile(
      path.join(work, 'envs/dev/checkout/values.yaml'),
      'image:\n  repository: ghcr.io/acme/checkout\n  tag: "1.2.3"\n',
    );
    await git(work, 'init', '--quiet', '--initial-branch=main');
    await git(work, 'add', '--all');
    await git(work, 'commit', '--quiet', '-m', 'Import');
    repository = path.join(dir, 'gitops.git');
    await git(dir, 'clone', '--quiet', '--bare', work, repository);
  });

  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  const gitopsPromotion = () => ({
    repositories: [{ id: 'acme-gitops', provider: 'git', url: repository }],
    layouts: [
      {
        id: 'helm-env-dir',
        files: [
          { path: 'envs/{env}/{service}/values.yaml', keys: ['image.tag'] },
        ],
      },
    ],
    defaultLayout: 'helm-env-dir',
    environments: [{ name: 'dev', repository: 'acme-gitops' }],
  });

  it('serves the stand-in from the configured repository until shutdown', async () => {
    const port = await freePort();
    const backend = await startTestBackend({
      features: [
        argocdDevServerModule,
        mockServices.rootConfig.factory({
          data: {
            gitopsPromotion: gitopsPromotion(),
            argocdDevServer: {
              port,
              repository: 'acme-gitops',
              token: 'dev-token',
            },
          },
        }),
      ],
    });
    const url = `http://127.0.0.1:${port}/api/v1/applications`;
    const response = await fetch(url, {
      headers: { authorization: 'Bearer dev-token' },
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(
      body.items.map((a: any) => [a.metadata.name, a.status.summary.images]),
    ).toEqual([['checkout-dev', ['ghcr.io/acme/checkout:1.2.3']]]);
    expect((await fetch(url)).status).toBe(401);

    await backend.stop();
    await expect(fetch(url)).rejects.toThrow();
  });

  it('passes the configured rollout faults to the stand-in', async () => {
    const port = await freePort();
    const rolloutFaults = [
      { application: 'checkout-dev', version: '1.2.4', message: 'OOMKilled' },
      { application: 'checkout-dev' },
    ];
    const backend = await startTestBackend({
      features: [
        argocdDevServerModule,
        mockServices.rootConfig.factory({
          data: {
            gitopsPromotion: gitopsPromotion(),
            argocdDevServer: {
              port,
              repository: 'acme-gitops',
              token: 't',
              rolloutFaults,
            },
          },
        }),
      ],
    });
    const response = await fetch(
      `http://127.0.0.1:${port}/_dev/rollout-faults`,
      { headers: { authorization: 'Bearer t' } },
    );
    expect(await response.json()).toEqual({ items: rolloutFaults });
    await backend.stop();
  });

  describe('by configuration alone, whatever NODE_ENV says', () => {
    const nodeEnv = process.env.NODE_ENV;
    afterEach(() => {
      process.env.NODE_ENV = nodeEnv;
    });

    it('does nothing without an argocdDevServer section, even with NODE_ENV unset', async () => {
      delete process.env.NODE_ENV;
      jest.mocked(createArgoCdDevServer).mockClear();
      const backend = await startTestBackend({
        features: [
          argocdDevServerModule,
          mockServices.rootConfig.factory({
            data: { gitopsPromotion: gitopsPromotion() },
          }),
        ],
      });
      expect(createArgoCdDevServer).not.toHaveBeenCalled();
      await backend.stop();
    });

    it('serves with the section, even with NODE_ENV production', async () => {
      process.env.NODE_ENV = 'production';
      const port = await freePort();
      const backend = await startTestBackend({
        features: [
          argocdDevServerModule,
          mockServices.rootConfig.factory({
            data: {
              gitopsPromotion: gitopsPromotion(),
              argocdDevServer: { port, repository: 'acme-gitops', token: 't' },
            },
          }),
        ],
      });
      const response = await fetch(
        `http://127.0.0.1:${port}/api/v1/applications`,
        { headers: { authorization: 'Bearer t' } },
      );
      expect(response.status).toBe(200);
      await backend.stop();
    });
  });

  it('refuses a repository that is not configured, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          argocdDevServerModule,
          mockServices.rootConfig.factory({
            data: {
              gitopsPromotion: gitopsPromotion(),
              argocdDevServer: {
                port: await freePort(),
                repository: 'nope',
                token: 't',
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow("argocdDevServer.repository: unknown repository 'nope'");
  });
});
