import { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { PULL_REQUEST_HOSTS, pullRequestHostOf } from './pullRequestHosts';
import { parseKeyPath } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { GitopsPromotionConfigError } from './GitopsPromotionConfigError';
import { readDuration } from './readDuration';
import { readPolicyConfig } from '../domain/policy/readPolicyConfig';
import {
  readApprovals,
  readPromotesFrom,
  readVerification,
} from './readEnvironmentGates';
import {
  inspectRenderedFiles,
  PROBE_VERSION,
  renderFileTemplate,
  unknownPlaceholders,
} from './fileTemplates';
import {
  EnvironmentConfig,
  GitopsPromotionConfig,
  LayoutConfig,
  RepositoryConfig,
  SeedRepositoryConfig,
} from './types';

const ROOT = 'gitopsPromotion';
const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PLACEHOLDER_PATTERN = /\{([^}]*)\}/g;
const KNOWN_PLACEHOLDERS = new Set(['service', 'env']);
const DEFAULT_BRANCH_HEAD_CACHE_MS = 2000;

/**
 * Reads and validates the `gitopsPromotion` section once at startup.
 * Returns undefined when the section is absent (the plugin then serves no services).
 */
export function readPluginConfig(
  rootConfig: Config,
): GitopsPromotionConfig | undefined {
  const config = rootConfig.getOptionalConfig(ROOT);
  if (!config) {
    return undefined;
  }
  const repositories = config
    .getConfigArray('repositories')
    .map((c, i) => readRepository(c, `${ROOT}.repositories[${i}]`));
  assertUnique(
    repositories.map(r => r.id),
    `${ROOT}.repositories`,
    'id',
  );

  const layouts = config
    .getConfigArray('layouts')
    .map((c, i) => readLayout(c, `${ROOT}.layouts[${i}]`));
  assertUnique(
    layouts.map(l => l.id),
    `${ROOT}.layouts`,
    'id',
  );

  const defaultLayout = config.getString('defaultLayout');
  assertOneOf(
    defaultLayout,
    layouts.map(l => l.id),
    `${ROOT}.defaultLayout`,
    'layout',
  );

  const environments = config
    .getConfigArray('environments')
    .map((c, i) =>
      readEnvironment(c, `${ROOT}.environments[${i}]`, repositories),
    );
  assertUnique(
    environments.map(e => e.name),
    `${ROOT}.environments`,
    'name',
  );
  assertPipeline(environments);
  const integrations = ScmIntegrations.fromConfig(rootConfig);
  assertNoSharedValue(layouts, environments, repositories);
  environments.forEach((env, i) => {
    const repository = repositories.find(r => r.id === env.repository)!;
    if (
      env.policy.mode === 'pull-request' &&
      repository.provider !== 'github' &&
      !pullRequestHostOf(integrations, repository.url)
    ) {
      throw new GitopsPromotionConfigError(
        `${ROOT}.environments[${i}].mode`,
        `'pull-request' needs a repository with pull requests: provider github, or a git url on a host configured under integrations.${PULL_REQUEST_HOSTS.join(
          ', integrations.',
        )}; '${repository.id}' is not`,
      );
    }
  });

  const seed = config.getOptionalConfig('development.seedRepository');
  const seedRepository = seed && readSeed(seed, repositories);

  return {
    committer: {
      name: config.getOptionalString('committer.name') ?? 'GitOps Promotion',
      email:
        config.getOptionalString('committer.email') ??
        'gitops-promotion@backstage.invalid',
    },
    workingDirectory: config.getOptionalString('workingDirectory'),
    repositories,
    layouts,
    defaultLayout,
    environments,
    development: seedRepository ? { seedRepository } : undefined,
    autoPromotion: {
      token: config.getOptionalString('autoPromotion.token'),
      frequencyMs: readDuration(config.getOptionalConfig('autoPromotion'), {
        key: `${ROOT}.autoPromotion`,
        field: 'frequency',
        defaultMs: 30_000,
        minMs: 1000,
      }),
    },
  };
}

function readRepository(c: Config, key: string): RepositoryConfig {
  const id = readName(c, 'id', key);
  const provider = c.getString('provider');
  if (provider !== 'github' && provider !== 'git') {
    throw new GitopsPromotionConfigError(
      `${key}.provider`,
      `must be 'github' or 'git', got '${provider}'`,
    );
  }
  const url = c.getString('url');
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url)) {
    // The url is not repeated: it holds a secret.
    throw new GitopsPromotionConfigError(
      `${key}.url`,
      'must not carry credentials (user:password@); configure them under integrations for its host',
    );
  }
  const unknown = [...url.matchAll(PLACEHOLDER_PATTERN)]
    .map(m => m[1])
    .filter(name => name !== 'service');
  if (unknown.length) {
    throw new GitopsPromotionConfigError(
      `${key}.url`,
      `unknown placeholder {${unknown[0]}}; a url may only hold {service} (one repository per service)`,
    );
  }
  if (
    provider === 'github' &&
    !/^https:\/\/[^/]+\/[^/]+\/[^/]+?(\.git)?$/.test(
      url.replace(/\{service\}/g, 'service'),
    )
  ) {
    throw new GitopsPromotionConfigError(
      `${key}.url`,
      `a github repository must be https://<host>/<owner>/<repo>, got '${url}'`,
    );
  }
  return {
    id,
    provider,
    url,
    perService: url.includes('{service}'),
    defaultBranch: c.getOptionalString('defaultBranch') ?? 'main',
    branchHeadTtlMs: readDuration(c, {
      key,
      field: 'branchHeadCache',
      defaultMs: DEFAULT_BRANCH_HEAD_CACHE_MS,
      minMs: 0,
      legacy: { field: 'branchHeadCacheSeconds', unitMs: 1000 },
    }),
  };
}

function readLayout(c: Config, key: string): LayoutConfig {
  const id = readName(c, 'id', key);
  const files = c.getConfigArray('files').map((f, i) => {
    const fileKey = `${key}.files[${i}]`;
    const path = f.getString('path');
    assertPathTemplate(path, `${fileKey}.path`);
    const keys = f.getStringArray('keys');
    if (keys.length === 0) {
      throw new GitopsPromotionConfigError(`${fileKey}.keys`, 'names no key');
    }
    keys.forEach((k, j) => assertKeyTemplate(k, `${fileKey}.keys[${j}]`));
    const template = f.getOptionalString('template');
    const createMissingKeys = f.getOptionalBoolean('createMissingKeys');
    return {
      path,
      keys,
      ...(template !== undefined && { template }),
      ...(createMissingKeys && { createMissingKeys }),
    };
  });
  if (files.length === 0) {
    throw new GitopsPromotionConfigError(`${key}.files`, 'names no file');
  }
  assertFileTemplates(files, key);
  return { id, title: c.getOptionalString('title') ?? id, files };
}

/**
 * Templates of a new service's files (see `POST /services`): on every file of
 * the layout or on none, only on files of one service, and rendered with
 * example values each one must hold its keys, one of them `${{ version }}`.
 */
function assertFileTemplates(files: LayoutConfig['files'], key: string) {
  const templated = files.filter(f => f.template !== undefined).length;
  if (templated === 0) return;
  // A shared file taking new keys gets the new service's keys inserted.
  const insertsKeys = (file: LayoutConfig['files'][number]) =>
    file.template === undefined &&
    !file.path.includes('{service}') &&
    file.createMissingKeys;
  files.forEach((file, i) => {
    const fileKey = `${key}.files[${i}]`;
    if (insertsKeys(file)) return;
    if (file.template === undefined) {
      throw new GitopsPromotionConfigError(
        `${fileKey}.template`,
        'is missing: a layout registers new services only when every file has a template (or is shared and sets createMissingKeys)',
      );
    }
    if (!file.path.includes('{service}')) {
      throw new GitopsPromotionConfigError(
        `${fileKey}.template`,
        `'${file.path}' is shared by services (no {service} in the path); a template would overwrite the other services' values`,
      );
    }
    const unknown = unknownPlaceholders(file.template);
    if (unknown.length) {
      throw new GitopsPromotionConfigError(
        `${fileKey}.template`,
        `unknown placeholder \${{ ${unknown[0]} }}; use \${{ service }}, \${{ env }}, \${{ imageRepository }} or \${{ version }}`,
      );
    }
  });
  const example = {
    service: 'example-service',
    env: 'example-env',
    imageRepository: 'registry.example.com/example-service',
    version: PROBE_VERSION,
  };
  const fill = (template: string) =>
    template
      .replace(/\{service\}/g, example.service)
      .replace(/\{env\}/g, example.env);
  const inspection = inspectRenderedFiles(
    files
      .filter(f => f.template !== undefined)
      .map(f => ({
        path: fill(f.path),
        keys: f.keys.map(fill),
        content: renderFileTemplate(f.template!, example),
      })),
    PROBE_VERSION,
  );
  const [problem] = inspection.problems;
  if (problem) {
    throw new GitopsPromotionConfigError(
      `${key}.files[${problem.file}].template`,
      problem.message,
    );
  }
  if (inspection.versionKeys.length === 0 && !files.some(insertsKeys)) {
    throw new GitopsPromotionConfigError(
      `${key}.files`,
      `no template sets a key of the layout to \${{ version }}, so a new service would have no version`,
    );
  }
}

function readEnvironment(
  c: Config,
  key: string,
  repositories: RepositoryConfig[],
): EnvironmentConfig {
  const name = readName(c, 'name', key);
  const repositoryId = c.getString('repository');
  assertOneOf(
    repositoryId,
    repositories.map(r => r.id),
    `${key}.repository`,
    'repository',
  );
  const repository = repositories.find(r => r.id === repositoryId)!;
  return {
    name,
    title: c.getOptionalString('title') ?? name,
    ...readPromotesFrom(c, key),
    approvals: readApprovals(c, key),
    verification: readVerification(c, key),
    rollbackOnFailure: c.getOptionalBoolean('rollbackOnFailure') ?? false,
    repository: repositoryId,
    branch: c.getOptionalString('branch') ?? repository.defaultBranch,
    policy: readPolicyConfig(c, key),
    notifications: { enabled: c.getOptionalBoolean('notifications.enabled') },
  };
}

/**
 * No two services may share one value: a layout file whose path and keys do
 * not all hold `{service}` is only possible where every environment writes to
 * a repository of its own per service (its url holds `{service}`).
 */
function assertNoSharedValue(
  layouts: LayoutConfig[],
  environments: EnvironmentConfig[],
  repositories: RepositoryConfig[],
) {
  const shared = environments.find(
    env => !repositories.find(r => r.id === env.repository)!.perService,
  );
  if (!shared) return;
  layouts.forEach((layout, l) =>
    layout.files.forEach((file, f) => {
      if (
        file.path.includes('{service}') ||
        file.keys.every(k => k.includes('{service}'))
      ) {
        return;
      }
      throw new GitopsPromotionConfigError(
        `${ROOT}.layouts[${l}].files[${f}]`,
        `neither the path nor every key contains {service}, so all services would share one value in environment '${shared.name}' (its repository '${shared.repository}' is shared by services; a repository per service has {service} in its url)`,
      );
    }),
  );
}

function readSeed(
  c: Config,
  repositories: RepositoryConfig[],
): SeedRepositoryConfig {
  const key = `${ROOT}.development.seedRepository`;
  const repository = c.getString('repository');
  assertOneOf(
    repository,
    repositories.map(r => r.id),
    `${key}.repository`,
    'repository',
  );
  const seeded = repositories.find(r => r.id === repository)!;
  if (seeded.provider !== 'git' || seeded.perService) {
    throw new GitopsPromotionConfigError(
      `${key}.repository`,
      `'${repository}' must use the git provider with a local path (one repository, not one per service)`,
    );
  }
  return {
    repository,
    from: c.getString('from'),
    history: c.getString('history'),
  };
}

function readName(c: Config, field: string, key: string): string {
  const value = c.getString(field);
  if (!NAME_PATTERN.test(value)) {
    throw new GitopsPromotionConfigError(
      `${key}.${field}`,
      `'${value}' must be lowercase letters, digits and dashes`,
    );
  }
  return value;
}

function assertUnique(values: string[], key: string, field: string) {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) {
      throw new GitopsPromotionConfigError(
        key,
        `duplicate ${field} '${value}'`,
      );
    }
    seen.add(value);
  }
}

function assertOneOf(
  value: string,
  known: string[],
  key: string,
  what: string,
) {
  if (!known.includes(value)) {
    throw new GitopsPromotionConfigError(
      key,
      `unknown ${what} '${value}'; configured: ${known.join(', ') || 'none'}`,
    );
  }
}

function assertPlaceholders(template: string, key: string) {
  for (const [, name] of template.matchAll(PLACEHOLDER_PATTERN)) {
    if (!KNOWN_PLACEHOLDERS.has(name)) {
      throw new GitopsPromotionConfigError(
        key,
        `unknown placeholder {${name}} in '${template}'; use {service} or {env}`,
      );
    }
  }
}

function assertPathTemplate(path: string, key: string) {
  assertPlaceholders(path, key);
  const segments = path.split('/');
  if (
    path.startsWith('/') ||
    path.includes('\\') ||
    segments.some(s => s === '' || s === '.' || s === '..')
  ) {
    throw new GitopsPromotionConfigError(
      key,
      `'${path}' must be a relative path inside the repository without empty, '.' or '..' segments`,
    );
  }
}

function assertKeyTemplate(template: string, key: string) {
  assertPlaceholders(template, key);
  try {
    parseKeyPath(template.replace(PLACEHOLDER_PATTERN, 'x'));
  } catch (error) {
    throw new GitopsPromotionConfigError(key, (error as Error).message);
  }
}

function assertPipeline(environments: EnvironmentConfig[]) {
  const names = environments.map(e => e.name);
  environments.forEach((env, i) =>
    env.promotesFrom.forEach((upstream, j) =>
      assertOneOf(
        upstream,
        names.filter(n => n !== env.name),
        `${ROOT}.environments[${i}].promotesFrom[${j}]`,
        'environment',
      ),
    ),
  );
  const byName = new Map(environments.map(e => [e.name, e]));
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (done.has(name)) return;
    if (visiting.has(name)) {
      throw new GitopsPromotionConfigError(
        `${ROOT}.environments`,
        `promotesFrom forms a cycle: ${[...path, name].join(' <- ')}`,
      );
    }
    visiting.add(name);
    byName.get(name)!.promotesFrom.forEach(u => visit(u, [...path, name]));
    visiting.delete(name);
    done.add(name);
  };
  names.forEach(n => visit(n, []));
}
