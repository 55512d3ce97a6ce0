import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readPluginConfig } from './readPluginConfig';

const appConfig = parseYaml(
  fs.readFileSync(
    path.resolve(__dirname, '../../../../app-config.yaml'),
    'utf8',
  ),
);

const valid = () => JSON.parse(JSON.stringify(appConfig.gitopsPromotion));

describe('readPluginConfig', () => {
  it('reads the embedded default from app-config.yaml', () => {
    const config = readPluginConfig(new ConfigReader(appConfig))!;
    expect(
      config.environments.map(e => [e.name, e.promotesFrom, e.branch]),
    ).toEqual([
      ['dev', [], 'main'],
      ['staging', ['dev'], 'main'],
      ['prod-eu', ['staging'], 'main'],
      ['prod-us', ['staging'], 'main'],
    ]);
    expect(config.layouts.map(l => l.id)).toEqual([
      'helm-env-dir',
      'helm-values-per-env',
      'kustomize-overlay',
      'umbrella-chart',
    ]);
    expect(config.development?.seedRepository?.repository).toBe('acme-gitops');
    expect(config.repositories[0].branchHeadTtlMs).toBe(2000);
  });

  it.each([
    [{ branchHeadCache: '5s' }, 5000],
    [{ branchHeadCache: { milliseconds: 500 } }, 500],
    [{ branchHeadCacheSeconds: 3 }, 3000],
    [{ branchHeadCache: 'PT0S', branchHeadCacheSeconds: 3 }, 0],
  ])('reads the branch head cache %j as %i ms', (repository, ms) => {
    const section = valid();
    Object.assign(section.repositories[0], repository);
    const config = readPluginConfig(
      new ConfigReader({ gitopsPromotion: section }),
    )!;
    expect(config.repositories[0].branchHeadTtlMs).toBe(ms);
  });

  it('returns undefined when the section is absent', () => {
    expect(readPluginConfig(new ConfigReader({}))).toBeUndefined();
  });

  it.each<[string, (c: any) => void, string]>([
    [
      'unknown provider',
      c => (c.repositories[0].provider = 'svn'),
      "gitopsPromotion.repositories[0].provider: must be 'github' or 'git', got 'svn'",
    ],
    [
      'github url that is not a repository',
      c =>
        Object.assign(c.repositories[0], {
          provider: 'github',
          url: 'https://github.com/acme',
        }),
      'gitopsPromotion.repositories[0].url: a github repository must be',
    ],
    [
      'negative branch head cache',
      c => (c.repositories[0].branchHeadCacheSeconds = -1),
      'gitopsPromotion.repositories[0].branchHeadCacheSeconds: must be a number >= 0, got -1',
    ],
    [
      'duplicate repository id',
      c => c.repositories.push({ ...c.repositories[0] }),
      "gitopsPromotion.repositories: duplicate id 'acme-gitops'",
    ],
    [
      'environment name with capitals',
      c => (c.environments[0].name = 'Dev'),
      "gitopsPromotion.environments[0].name: 'Dev' must be lowercase letters, digits and dashes",
    ],
    [
      'unknown repository',
      c => (c.environments[1].repository = 'other'),
      "gitopsPromotion.environments[1].repository: unknown repository 'other'; configured: acme-gitops",
    ],
    [
      'unknown upstream',
      c => (c.environments[2].promotesFrom = ['stagin']),
      "gitopsPromotion.environments[2].promotesFrom[0]: unknown environment 'stagin'",
    ],
    [
      'cycle',
      c => (c.environments[0].promotesFrom = ['prod-eu']),
      'promotesFrom forms a cycle',
    ],
    [
      'unknown default layout',
      c => (c.defaultLayout = 'nope'),
      "gitopsPromotion.defaultLayout: unknown layout 'nope'",
    ],
    [
      'path escaping the repository',
      c => (c.layouts[0].files[0].path = '../{service}/values.yaml'),
      "gitopsPromotion.layouts[0].files[0].path: '../{service}/values.yaml' must be a relative path",
    ],
    [
      'absolute path',
      c => (c.layouts[0].files[0].path = '/etc/{service}.yaml'),
      'gitopsPromotion.layouts[0].files[0].path',
    ],
    [
      'unknown placeholder',
      c => (c.layouts[1].files[0].path = 'charts/{app}/values-{env}.yaml'),
      'gitopsPromotion.layouts[1].files[0].path: unknown placeholder {app}',
    ],
    [
      'key that does not parse',
      c => (c.layouts[0].files[0].keys = ['image..tag']),
      'gitopsPromotion.layouts[0].files[0].keys[0]',
    ],
    [
      'no key',
      c => (c.layouts[0].files[0].keys = []),
      'gitopsPromotion.layouts[0].files[0].keys: names no key',
    ],
    [
      'a value shared by every service',
      c =>
        (c.layouts[2].files[0].keys = ['images[name=ghcr.io/acme/app].newTag']),
      'gitopsPromotion.layouts[2].files[0]: neither the path nor every key contains {service}',
    ],
    [
      'seed into an unknown repository',
      c => (c.development.seedRepository.repository = 'nope'),
      "gitopsPromotion.development.seedRepository.repository: unknown repository 'nope'",
    ],
  ])('refuses %s, naming the key', (_name, mutate, message) => {
    const section = valid();
    mutate(section);
    expect(() =>
      readPluginConfig(new ConfigReader({ gitopsPromotion: section })),
    ).toThrow(message);
  });

  it('names the key of a missing required field', () => {
    const section = valid();
    delete section.environments[3].repository;
    expect(() =>
      readPluginConfig(new ConfigReader({ gitopsPromotion: section })),
    ).toThrow('gitopsPromotion.environments[3].repository');
  });
});

describe('readPluginConfig: hosts and credentials', () => {
  const withRepository = (
    repository: object,
    integrations: object = {},
    mode = 'pull-request',
  ) => {
    const section = valid();
    Object.assign(section.repositories[0], repository);
    section.environments.find((e: any) => e.name === 'prod-eu').mode = mode;
    delete section.development;
    return readPluginConfig(
      new ConfigReader({ integrations, gitopsPromotion: section }),
    );
  };

  it('refuses credentials in a repository url without repeating them', () => {
    expect(() =>
      withRepository({
        url: 'https://ci:s3cr3t@gitlab.acme.test/acme/gitops.git',
      }),
    ).toThrow(
      /^Invalid configuration at gitopsPromotion.repositories\[0\].url: must not carry credentials(?!.*s3cr3t)/,
    );
  });

  it.each([
    [
      'gitlab',
      'https://gitlab.acme.test/acme/gitops.git',
      {
        gitlab: [
          {
            host: 'gitlab.acme.test',
            apiBaseUrl: 'https://gitlab.acme.test/api/v4',
            token: 't',
          },
        ],
      },
    ],
    [
      'bitbucketCloud',
      'https://bitbucket.org/acme/gitops.git',
      { bitbucketCloud: [{ username: 'u', appPassword: 'p' }] },
    ],
    [
      'bitbucketServer',
      'https://bitbucket.acme.test/scm/ACME/gitops.git',
      { bitbucketServer: [{ host: 'bitbucket.acme.test', token: 't' }] },
    ],
    [
      'azure',
      'https://dev.azure.com/acme/ops/_git/gitops',
      {
        azure: [
          {
            host: 'dev.azure.com',
            credentials: [{ personalAccessToken: 'x' }],
          },
        ],
      },
    ],
    [
      'gitea',
      'https://gitea.acme.test/acme/gitops.git',
      { gitea: [{ host: 'gitea.acme.test', username: 'u', password: 'p' }] },
    ],
  ])(
    'accepts pull-request mode for a git repository on %s',
    (_, url, integrations) => {
      const config = withRepository({ provider: 'git', url }, integrations)!;
      expect(
        config.environments.find(e => e.name === 'prod-eu')!.policy.mode,
      ).toBe('pull-request');
    },
  );

  it.each([
    ['a local path', '/srv/gitops.git'],
    ['a host no integration names', 'https://git.example.org/gitops.git'],
  ])('refuses pull-request mode for %s, naming the key', (_, url) => {
    expect(() => withRepository({ provider: 'git', url })).toThrow(
      /environments\[\d\]\.mode: 'pull-request' needs a repository with pull requests/,
    );
  });
});
