import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  getYamlValue,
  setYamlValue,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import { demoConfig } from '../../__testUtils__/demoConfig';
import { createRepositories } from './createRepositories';
import { GithubFake } from '../github/__testUtils__/githubFake';
import {
  exampleFiles,
  startGithubFake,
  TEST_TOKEN,
} from '../github/__testUtils__/startGithubFake';

// GitHub writes are spaced by a second as GitHub asks (production request policy).
jest.setTimeout(30_000);

describe('createRepositories', () => {
  let demo: Awaited<ReturnType<typeof createDemoRepository>>;
  let fake: GithubFake;
  beforeAll(async () => {
    demo = await createDemoRepository();
    fake = await startGithubFake();
    fake.push('main', exampleFiles());
  });
  afterAll(async () => {
    await fake.close();
    await demo.cleanup();
  });

  const setup = () => {
    const config = {
      ...demoConfig(),
      workingDirectory: `${demo.dir}/work`,
      repositories: [
        {
          id: 'local',
          provider: 'git' as const,
          url: demo.bare,
          defaultBranch: 'main',
          branchHeadTtlMs: 0,
          perService: false,
        },
        {
          id: 'hub',
          provider: 'github' as const,
          url: fake.repositoryUrl,
          defaultBranch: 'main',
          branchHeadTtlMs: 0,
          perService: false,
        },
      ],
    };
    const rootConfig = new ConfigReader({
      integrations: {
        github: [{ host: fake.host, apiBaseUrl: fake.url, token: TEST_TOKEN }],
      },
    });
    return createRepositories({
      config,
      rootConfig,
      logger: mockServices.logger.mock(),
    });
  };

  it.each(['local', 'hub'])(
    'reads the %s repository through its configured provider',
    async id => {
      const repository = setup()(id);
      const snapshot = await repository.snapshot('main');
      const text = await repository.readFile(
        snapshot,
        'charts/search/values-prod-eu.yaml',
      );
      expect(getYamlValue(text!, 'image.tag')).toBeDefined();
    },
  );

  it('opens one pull request per promotion on GitHub, and finds it again when asked twice', async () => {
    const repository = setup()('hub');
    const snapshot = await repository.snapshot('main');
    const file = 'envs/prod-eu/checkout/values.yaml';
    const request = {
      branch: 'main',
      baseCommit: snapshot.commitSha,
      changes: [
        {
          path: file,
          content: setYamlValue(
            (await repository.readFile(snapshot, file))!,
            'image.tag',
            '2.6.1',
          ),
        },
      ],
      message: 'Promote checkout 2.6.1 to prod-eu',
      author: { name: 'Alice Example', email: 'alice@acme.test' },
      pullRequestBranch: 'gitops-promotion/checkout/prod-eu/2.6.1',
      title: 'Promote checkout 2.6.1 to prod-eu',
      body: 'From staging, requested by user:default/alice',
    };

    const first = await repository.proposeChanges(request);
    const second = await repository.proposeChanges(request);

    expect(first.reused).toBe(false);
    expect(second).toEqual({ pullRequest: first.pullRequest, reused: true });
    expect(first.pullRequest).toMatchObject({
      state: 'open',
      branch: 'gitops-promotion/checkout/prod-eu/2.6.1',
    });
    expect(
      fake.requests.filter(r => r.operationId === 'pulls/create'),
    ).toHaveLength(1);
    expect(
      getYamlValue(
        fake.repository.read(request.pullRequestBranch, file)!,
        'image.tag',
      ),
    ).toBe('2.6.1');
    expect(fake.repository.head('main')).toBe(snapshot.commitSha);
    expect(fake.violations).toEqual([]);
  });

  it.each(['local', 'hub'])(
    'tells whether a deployed revision contains a promotion commit (%s)',
    async id => {
      const repository = setup()(id);
      const file = 'charts/storefront/values-prod-eu.yaml';
      const other = 'charts/storefront/values-prod-us.yaml';
      const write = async (path: string, value: string) => {
        const snapshot = await repository.snapshot('main');
        const text = (await repository.readFile(snapshot, path))!;
        const result = await repository.commitChanges({
          branch: 'main',
          baseCommit: snapshot.commitSha,
          changes: [{ path, content: setYamlValue(text, 'image.tag', value) }],
          message: `Set ${path} to ${value}`,
          author: { name: 'Alice', email: 'alice@acme.test' },
        });
        return result.commitSha;
      };
      const promoted = await write(file, `sha-${id}1`);
      const unrelated = await write(other, `sha-${id}2`);
      const superseding = await write(file, `sha-${id}3`);

      expect(await repository.containsCommit(promoted, promoted, [file])).toBe(
        true,
      );
      expect(await repository.containsCommit(promoted, unrelated, [file])).toBe(
        true,
      );
      expect(
        await repository.containsCommit(unrelated, promoted, [other]),
      ).toBe(false);
      // by ancestry on both providers (GitHub: the compare API): the later commit contains it
      expect(
        await repository.containsCommit(promoted, superseding, [file]),
      ).toBe(true);
    },
  );

  it('refuses pull requests on a plain git repository', async () => {
    const repository = setup()('local');
    const snapshot = await repository.snapshot('main');
    await expect(
      repository.proposeChanges({
        branch: 'main',
        baseCommit: snapshot.commitSha,
        changes: [],
        message: 'x',
        author: { name: 'a', email: 'a@acme.test' },
        pullRequestBranch: 'gitops-promotion/x',
        title: 'x',
        body: 'x',
      }),
    ).rejects.toThrow("Repository 'local' cannot open pull requests");
  });

  it('fails at startup when a GitHub repository has no integration', () => {
    const config = {
      ...demoConfig(),
      repositories: [
        {
          id: 'hub',
          provider: 'github' as const,
          url: 'https://github.example.com/acme/gitops',
          defaultBranch: 'main',
          branchHeadTtlMs: 0,
          perService: false,
        },
      ],
    };
    expect(() =>
      createRepositories({
        config,
        rootConfig: new ConfigReader({}),
        logger: mockServices.logger.mock(),
      }),
    ).toThrow("No integrations.github entry for host 'github.example.com'");
  });
});
