import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { getYamlValue } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  createDemoRepository,
  DemoRepository,
} from '../../__testUtils__/demoRepository';
import {
  exampleEntities,
  testConfig,
} from '../../__testUtils__/promotionBackend';
import { readPluginConfig } from '../../config/readPluginConfig';
import { runGit } from '../../clients/git/runGit';
import { createRepositories } from '../../clients/repository/createRepositories';
import { GitopsRepository } from '../../clients/repository/GitopsRepository';
import { GithubFake } from '../../clients/github/__testUtils__/githubFake';
import {
  exampleFiles,
  providerFor,
  startGithubFake,
} from '../../clients/github/__testUtils__/startGithubFake';
import { EnvironmentAccess } from '../permissions/EnvironmentAccess';
import { GitopsWriter } from '../writing/GitopsWriter';
import { ServiceRegistrar } from './ServiceRegistrar';

jest.setTimeout(60_000);

const guest = mockCredentials.user('user:default/guest');
const request = {
  service: 'billing',
  imageRepository: 'ghcr.io/acme/billing',
  version: '1.0.0',
};

describe('ServiceRegistrar over a real git repository', () => {
  let demo: DemoRepository;
  let registrar: ServiceRegistrar;
  let denied: string[];

  beforeEach(async () => {
    demo = await createDemoRepository();
    denied = [];
    const config = readPluginConfig(
      new ConfigReader(
        testConfig({
          repository: demo.bare,
          argocdUrl: 'http://127.0.0.1:9',
          workingDirectory: path.join(demo.dir, 'cache'),
        }),
      ),
    )!;
    const repositories = createRepositories({
      config,
      rootConfig: new ConfigReader({}),
      logger: mockServices.logger.mock(),
    });
    const catalogService = catalogServiceMock({ entities: exampleEntities() });
    registrar = new ServiceRegistrar({
      config,
      repositories,
      writer: new GitopsWriter(repositories),
      auth: mockServices.auth(),
      access: new EnvironmentAccess({
        config,
        catalog: catalogService,
        userInfo: mockServices.userInfo(),
        permissions: mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => ({
              result: denied.includes(
                (r as { resourceRef?: string }).resourceRef ?? '',
              )
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
            })) as never,
        }),
      }),
      catalogService,
    });
  });
  afterEach(() => demo.cleanup());

  const git = (...args: string[]) => runGit(args, { cwd: demo.bare });
  const commitCount = async () =>
    Number((await git('rev-list', '--count', 'main')).trim());

  it('writes every environment of the default layout in one commit by the requester', async () => {
    const before = await demo.head();

    const result = await registrar.register(request, guest);

    expect(result).toMatchObject({
      service: 'billing',
      layout: 'helm-env-dir',
      environments: ['dev', 'staging', 'prod-eu', 'prod-us'],
      created: true,
      dryRun: false,
      mode: 'commit',
      repository: 'acme-gitops',
      branch: 'main',
      baseCommit: before,
      commit: { sha: await demo.head() },
      annotations: {
        'gitops-promotion/service': 'billing',
        'gitops-promotion/layout': 'helm-env-dir',
      },
    });
    expect(result.commit!.url).toBeUndefined();
    expect(result.message).toBe(
      `Registered billing 1.0.0 in dev, staging, prod-eu, prod-us with commit ${result.commit!.sha.slice(
        0,
        12,
      )} on acme-gitops@main`,
    );
    expect(
      (await git('rev-list', `${before}..main`)).trim().split('\n'),
    ).toEqual([result.commit!.sha]);
    expect(
      (await git('show', '--name-status', '--format=', 'main'))
        .trim()
        .split('\n'),
    ).toEqual(
      ['dev', 'prod-eu', 'prod-us', 'staging'].map(
        env => `A\tenvs/${env}/billing/values.yaml`,
      ),
    );
    expect(await git('log', '-1', '--format=%an <%ae>|%cn', 'main')).toBe(
      'Guest <guest@acme.test>|GitOps Promotion\n',
    );
    const message = await git('log', '-1', '--format=%B', 'main');
    expect(message).toContain(
      'Register billing 1.0.0 in dev, staging, prod-eu, prod-us\n',
    );
    expect(message).toContain(
      'envs/prod-us/billing/values.yaml (new, prod-us)',
    );
    expect(message).toContain('Promoted-by: user:default/guest');
    const file = await demo.show('envs/staging/billing/values.yaml');
    expect(getYamlValue(file, 'image.tag')).toBe('1.0.0');
    expect(getYamlValue(file, 'image.repository')).toBe('ghcr.io/acme/billing');
    expect(file).toContain('# billing — staging\n');
    expect(result.files.map(f => [f.environment, f.path])).toEqual(
      ['dev', 'staging', 'prod-eu', 'prod-us'].map(env => [
        env,
        `envs/${env}/billing/values.yaml`,
      ]),
    );
    expect(result.files[1].content).toBe(file);
    expect(result.files[1].diff.split('\n').slice(0, 4)).toEqual([
      '--- /dev/null',
      '+++ b/envs/staging/billing/values.yaml',
      `@@ -0,0 +1,${file.split('\n').length - 1} @@`,
      '+# billing — staging',
    ]);
  });

  it('changes nothing when run again, and says so', async () => {
    await registrar.register(request, guest);
    const count = await commitCount();

    const again = await registrar.register(request, guest);

    expect(again.created).toBe(false);
    expect(again.commit).toBeUndefined();
    expect(again.message).toMatch(
      /^billing is already registered in dev, staging, prod-eu, prod-us of acme-gitops@main \([0-9a-f]{12}\); nothing to change$/,
    );
    expect(again.files.every(f => f.diff === '')).toBe(true);
    expect(await commitCount()).toBe(count);
  });

  it('registers a subset of environments with another layout, in pipeline order', async () => {
    const result = await registrar.register(
      {
        ...request,
        layout: 'umbrella-chart',
        environments: ['staging', 'dev'],
        version: '0.3.0',
      },
      guest,
    );
    expect(result.environments).toEqual(['dev', 'staging']);
    expect(result.files.map(f => f.path)).toEqual([
      'apps/billing/dev/Chart.yaml',
      'apps/billing/dev/values.yaml',
      'apps/billing/staging/Chart.yaml',
      'apps/billing/staging/values.yaml',
    ]);
    const chart = await demo.show('apps/billing/dev/Chart.yaml');
    expect(getYamlValue(chart, 'dependencies[name=service-base].version')).toBe(
      '1.4.2',
    );
    expect(
      getYamlValue(
        await demo.show('apps/billing/staging/values.yaml'),
        'service-base.image.tag',
      ),
    ).toBe('0.3.0');
    await expect(
      demo.show('apps/billing/prod-eu/Chart.yaml'),
    ).rejects.toThrow();
  });

  it('shows the files and their diff in a dry run and writes nothing', async () => {
    const count = await commitCount();

    const result = await registrar.register(
      { ...request, environments: ['dev'], dryRun: true },
      guest,
    );

    expect(result).toMatchObject({ created: false, dryRun: true });
    expect(result.message).toMatch(
      /^Would commit 1 new file\(s\) on acme-gitops@main \([0-9a-f]{12}\): Register billing 1\.0\.0 in dev$/,
    );
    expect(result.files[0].diff).toContain('+  tag: "1.0.0"\n');
    expect(await commitCount()).toBe(count);
  });

  it('reports a partly registered service and writes nothing', async () => {
    await registrar.register({ ...request, environments: ['dev'] }, guest);
    await demo.commit('Bump billing in dev by hand', [
      {
        file: 'envs/dev/billing/values.yaml',
        key: 'image.tag',
        value: '1.0.1',
      },
    ]);
    const count = await commitCount();

    const attempt = registrar.register(request, guest);

    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(
      /^billing already has files in acme-gitops@main \([0-9a-f]{12}\); nothing was written\. Existing: envs\/dev\/billing\/values\.yaml \(different\)\. /,
    );
    await expect(
      registrar.register(
        { ...request, environments: ['dev', 'staging'] },
        {
          ...guest,
        },
      ),
    ).rejects.toThrow(ConflictError);
    expect(await commitCount()).toBe(count);
  });

  it('reports a service existing in another environment as it would be written, and writes nothing', async () => {
    await registrar.register({ ...request, environments: ['dev'] }, guest);
    await expect(registrar.register(request, guest)).rejects.toThrow(
      'Existing: envs/dev/billing/values.yaml (as it would be written)',
    );
  });

  it('reports a name taken by a directory of other files, such as a shared chart, and writes nothing', async () => {
    const count = await commitCount();
    await expect(
      registrar.register(
        { ...request, service: 'service', layout: 'helm-values-per-env' },
        guest,
      ),
    ).rejects.toThrow(
      /Existing: charts\/service\/ \(3 other file\(s\): charts\/service\/Chart\.yaml, charts\/service\/templates\/deployment\.yaml, charts\/service\/values\.yaml\)\./,
    );
    expect(await commitCount()).toBe(count);
  });

  it('stays idempotent when other files were added next to a registered service', async () => {
    await registrar.register({ ...request, environments: ['dev'] }, guest);
    // someone adds a file to the service's directory
    const work = path.join(demo.dir, 'extra');
    const inWork = (...args: string[]) =>
      runGit(args, {
        cwd: work,
        env: {
          GIT_AUTHOR_NAME: 'Bob',
          GIT_AUTHOR_EMAIL: 'bob@acme.test',
          GIT_COMMITTER_NAME: 'Bob',
          GIT_COMMITTER_EMAIL: 'bob@acme.test',
        },
      });
    await runGit(['clone', '--quiet', demo.bare, work], { cwd: demo.dir });
    await fs.writeFile(
      path.join(work, 'envs/dev/billing/secrets.yaml'),
      'sealed: true\n',
    );
    await inWork('add', '--all');
    await inWork('commit', '--quiet', '-m', 'Add billing secrets in dev');
    await inWork('push', '--quiet', 'origin', 'main');

    const again = await registrar.register(
      { ...request, environments: ['dev'] },
      guest,
    );
    expect(again.created).toBe(false);
    await expect(
      registrar.register(
        { ...request, environments: ['dev', 'staging'] },
        guest,
      ),
    ).rejects.toThrow(
      'Existing: envs/dev/billing/values.yaml (as it would be written)',
    );
  });

  it.each<[string, object, string]>([
    [
      'a name that is not a DNS label',
      { service: 'Billing_API' },
      "Invalid service name 'Billing_API': a new service's name must be a DNS label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    ],
    [
      'a path trick as name',
      { service: '../checkout' },
      "Invalid service name '../checkout'",
    ],
    [
      'an unknown layout',
      { layout: 'helm-umbrella' },
      "Unknown layout 'helm-umbrella'; configured: helm-env-dir, helm-values-per-env, kustomize-overlay, umbrella-chart",
    ],
    [
      'a layout whose file is shared by services',
      { layout: 'kustomize-overlay' },
      "Layout 'kustomize-overlay' cannot register new services: its file overlays/{env}/kustomization.yaml is shared by services, so add the service to it by hand. Layouts that can: helm-env-dir, helm-values-per-env, umbrella-chart",
    ],
    [
      'unknown environments',
      { environments: ['dev', 'qa', 'perf'] },
      "Unknown environments 'qa', 'perf'; configured: dev, staging, prod-eu, prod-us",
    ],
    [
      'an image with a tag',
      { imageRepository: 'ghcr.io/acme/billing:1.0.0' },
      "Invalid image repository 'ghcr.io/acme/billing:1.0.0': use a repository without tag or digest, like ghcr.io/acme/billing",
    ],
    [
      'an image that would inject YAML',
      { imageRepository: 'ghcr.io/acme/billing\n  tag: evil' },
      'Invalid image repository',
    ],
    [
      'a version that would inject YAML',
      { version: '1.0.0"\nreplicaCount: 0' },
      'Invalid version "1.0.0\\"\\nreplicaCount: 0" for image.tag: contains a line break',
    ],
    [
      'a moving tag in a protected environment',
      { version: 'latest' },
      "Registration refused. Immutable versions: prod-eu is protected and accepts only immutable versions, but image.tag 'latest' is a tag that moves.",
    ],
  ])('refuses %s with a 400', async (_name, change, message) => {
    const count = await commitCount();
    const attempt = registrar.register({ ...request, ...change }, guest);
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(message);
    expect(await commitCount()).toBe(count);
  });

  it('accepts a moving tag where no environment is protected', async () => {
    const result = await registrar.register(
      { ...request, version: 'latest', environments: ['dev'] },
      guest,
    );
    expect(result.created).toBe(true);
  });

  it('refuses environments the caller may not promote into with a 403 naming them', async () => {
    denied = ['prod-eu', 'prod-us'];
    const count = await commitCount();

    const attempt = registrar.register(request, guest);

    await expect(attempt).rejects.toThrow(NotAllowedError);
    await expect(attempt).rejects.toThrow(
      'You may not register billing in prod-eu, prod-us: it needs the permission gitops-promotion.environment.promote for each environment. Ask an administrator to grant it, or register the other environments',
    );
    expect(await commitCount()).toBe(count);
    const allowed = await registrar.register(
      { ...request, environments: ['dev', 'staging'] },
      guest,
    );
    expect(allowed.created).toBe(true);
  });
});

describe('ServiceRegistrar in pull-request mode (GitHub)', () => {
  let fake: GithubFake;
  let registrar: ServiceRegistrar;

  beforeEach(async () => {
    fake = await startGithubFake();
    fake.push('main', exampleFiles(), { message: 'Seed' });
    // The configured URL names the repository; the fake serves it.
    const section = testConfig({
      repository: 'https://github.com/acme/gitops',
      argocdUrl: 'http://127.0.0.1:9',
      workingDirectory: '/nonexistent',
    });
    section.gitopsPromotion.repositories[0].provider = 'github';
    section.gitopsPromotion.environments[2].mode = 'pull-request';
    const config = readPluginConfig(new ConfigReader(section))!;
    const repository = new GitopsRepository('acme-gitops', providerFor(fake));
    const catalogService = catalogServiceMock({ entities: exampleEntities() });
    registrar = new ServiceRegistrar({
      config,
      repositories: () => repository,
      writer: new GitopsWriter(() => repository),
      access: new EnvironmentAccess({
        config,
        catalog: catalogService,
        userInfo: mockServices.userInfo(),
        permissions: mockServices.permissions(),
      }),
      catalogService,
      auth: mockServices.auth(),
    });
  });
  afterEach(async () => {
    await fake.close();
    fake.assertNoViolations();
  });

  it('opens one pull request when an environment asks for one, and finds it when run again', async () => {
    const head = fake.head('main');

    const result = await registrar.register(request, guest);

    expect(result).toMatchObject({
      created: true,
      mode: 'pull-request',
      pullRequest: { number: 1, url: `${fake.url}/acme/gitops/pull/1` },
    });
    expect(result.message).toBe(
      `Opened pull request #1 registering billing: ${fake.url}/acme/gitops/pull/1`,
    );
    expect(fake.head('main')).toBe(head);
    expect(fake.pulls).toHaveLength(1);
    for (const env of ['dev', 'staging', 'prod-eu', 'prod-us']) {
      expect(
        fake.read(
          'gitops-promotion/register-billing',
          `envs/${env}/billing/values.yaml`,
        ),
      ).toContain('tag: "1.0.0"');
    }

    const again = await registrar.register(request, guest);
    expect(again).toMatchObject({ created: false, pullRequest: { number: 1 } });
    expect(again.message).toBe(
      `A pull request registering billing is already open: ${fake.url}/acme/gitops/pull/1`,
    );
    expect(fake.pulls).toHaveLength(1);
  });

  it('links the commit on GitHub in commit mode', async () => {
    const result = await registrar.register(
      { ...request, environments: ['dev', 'staging'] },
      guest,
    );
    expect(result.mode).toBe('commit');
    expect(result.commit).toEqual({
      sha: fake.head('main'),
      url: `https://github.com/acme/gitops/commit/${fake.head('main')}`,
    });
  });
});
