import { Config } from '@backstage/config';
import { GitopsPromotionConfigError } from '../../config/GitopsPromotionConfigError';
import { readDuration } from '../../config/readDuration';
import {
  ArgoCdConfig,
  ArgoCdCredentials,
  ArgoCdEnvironmentConfig,
  ArgoCdInstanceConfig,
} from './ArgoCdConfig';
import { parseLabelSelector } from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import { renderTemplate, unknownPlaceholders } from './templates';

const ROOT = 'gitopsPromotion';
const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DEFAULT_APPLICATION_TEMPLATE = '{service}-{env}';
const SECOND = 1000;
const DEFAULTS_MS = {
  cacheTtl: 10 * SECOND,
  timeout: 10 * SECOND,
  settle: 10 * SECOND,
  trackingTimeout: 15 * 60 * SECOND,
};

/**
 * Reads and validates the Argo CD part of the `gitopsPromotion` section once
 * at startup: `gitopsPromotion.argocd` and every `environments[].argocd`.
 * Returns undefined when neither is configured (no status is shown).
 *
 * @throws GitopsPromotionConfigError naming the key that is wrong
 */
export function readArgoCdConfig(rootConfig: Config): ArgoCdConfig | undefined {
  const root = rootConfig.getOptionalConfig(ROOT);
  const section = root?.getOptionalConfig('argocd');
  const instances = (section?.getConfigArray('instances') ?? []).map((c, i) =>
    readInstance(c, `${ROOT}.argocd.instances[${i}]`),
  );
  const seen = new Set<string>();
  for (const { name } of instances) {
    if (seen.has(name)) {
      throw new GitopsPromotionConfigError(
        `${ROOT}.argocd.instances`,
        `duplicate name '${name}'`,
      );
    }
    seen.add(name);
  }

  const environments: ArgoCdEnvironmentConfig[] = [];
  (root?.getOptionalConfigArray('environments') ?? []).forEach((env, i) => {
    const mapping = env.getOptionalConfig('argocd');
    if (mapping) {
      environments.push(
        readEnvironment(
          mapping,
          env.getString('name'),
          `${ROOT}.environments[${i}].argocd`,
          instances,
        ),
      );
    }
  });
  if (!section && environments.length === 0) {
    return undefined;
  }

  const tracking = section?.getOptionalConfig('tracking');
  const trackingKey = `${ROOT}.argocd.tracking`;
  return {
    instances,
    environments,
    tracking: {
      settleMs: readDuration(tracking, {
        key: trackingKey,
        field: 'settle',
        defaultMs: DEFAULTS_MS.settle,
        minMs: 0,
        legacy: { field: 'settleSeconds', unitMs: SECOND },
      }),
      timeoutMs: readDuration(tracking, {
        key: trackingKey,
        field: 'timeout',
        defaultMs: DEFAULTS_MS.trackingTimeout,
        minMs: SECOND,
        legacy: { field: 'timeoutSeconds', unitMs: SECOND },
      }),
    },
  };
}

function readInstance(c: Config, key: string): ArgoCdInstanceConfig {
  const name = c.getString('name');
  if (!NAME_PATTERN.test(name)) {
    throw new GitopsPromotionConfigError(
      `${key}.name`,
      `'${name}' must be lowercase letters, digits and dashes`,
    );
  }
  const url = readUrl(c.getString('url'), `${key}.url`);
  const tls = readTls(c.getOptionalConfig('tls'), `${key}.tls`, url);
  return {
    name,
    url,
    credentials: readCredentials(c, key),
    ...(tls ? { tls } : {}),
    cacheTtlMs: readDuration(c, {
      key,
      field: 'cacheTtl',
      defaultMs: DEFAULTS_MS.cacheTtl,
      minMs: 0,
      legacy: { field: 'cacheTtlSeconds', unitMs: SECOND },
    }),
    timeoutMs: readDuration(c, {
      key,
      field: 'timeout',
      defaultMs: DEFAULTS_MS.timeout,
      minMs: 1,
      legacy: { field: 'timeoutMs', unitMs: 1 },
    }),
    watch: c.getOptionalBoolean('watch') ?? true,
  };
}

function readUrl(value: string, key: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GitopsPromotionConfigError(key, `'${value}' is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GitopsPromotionConfigError(key, 'must be an http or https URL');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new GitopsPromotionConfigError(
      key,
      'must not contain credentials, a query or a fragment; use token or username and password',
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function readCredentials(c: Config, key: string): ArgoCdCredentials {
  const token = c.getOptionalString('token');
  const username = c.getOptionalString('username');
  const password = c.getOptionalString('password');
  if (token && (username || password)) {
    throw new GitopsPromotionConfigError(
      key,
      'set either token or username and password, not both',
    );
  }
  if (token) {
    return { kind: 'token', token };
  }
  if (username && password) {
    return { kind: 'password', username, password };
  }
  if (username) {
    throw new GitopsPromotionConfigError(
      `${key}.password`,
      'is required with username',
    );
  }
  if (password) {
    throw new GitopsPromotionConfigError(
      `${key}.username`,
      'is required with password',
    );
  }
  throw new GitopsPromotionConfigError(
    key,
    'needs a token, or a username and password',
  );
}

function readTls(
  c: Config | undefined,
  key: string,
  url: string,
): ArgoCdInstanceConfig['tls'] {
  if (!c) {
    return undefined;
  }
  if (!url.startsWith('https:')) {
    throw new GitopsPromotionConfigError(key, 'only applies to https URLs');
  }
  const caCert = c.getOptionalString('caCert');
  const insecureSkipVerify =
    c.getOptionalBoolean('insecureSkipVerify') ?? false;
  if (caCert !== undefined && !caCert.includes('-----BEGIN CERTIFICATE-----')) {
    throw new GitopsPromotionConfigError(
      `${key}.caCert`,
      'must be PEM text starting with -----BEGIN CERTIFICATE-----',
    );
  }
  if (caCert !== undefined && insecureSkipVerify) {
    throw new GitopsPromotionConfigError(
      key,
      'set caCert or insecureSkipVerify, not both',
    );
  }
  return { ...(caCert ? { caCert } : {}), insecureSkipVerify };
}

function readEnvironment(
  c: Config,
  environment: string,
  key: string,
  instances: ArgoCdInstanceConfig[],
): ArgoCdEnvironmentConfig {
  const instance = c.getString('instance');
  if (!instances.some(i => i.name === instance)) {
    throw new GitopsPromotionConfigError(
      `${key}.instance`,
      `unknown instance '${instance}'; configured: ${
        instances.map(i => i.name).join(', ') || 'none'
      }`,
    );
  }
  const application =
    c.getOptionalString('application') ?? DEFAULT_APPLICATION_TEMPLATE;
  assertServiceTemplate(application, `${key}.application`);
  const selector = c.getOptionalString('selector');
  if (selector !== undefined) {
    assertServiceTemplate(selector, `${key}.selector`);
    try {
      parseLabelSelector(renderTemplate(selector, { service: 'x', env: 'x' }));
    } catch (error) {
      throw new GitopsPromotionConfigError(
        `${key}.selector`,
        (error as Error).message,
      );
    }
  }
  const project = c.getOptionalString('project');
  const appNamespace = c.getOptionalString('appNamespace');
  return {
    environment,
    instance,
    application,
    ...(selector !== undefined ? { selector } : {}),
    ...(project ? { project } : {}),
    ...(appNamespace ? { appNamespace } : {}),
  };
}

function assertServiceTemplate(template: string, key: string) {
  const unknown = unknownPlaceholders(template);
  if (unknown.length) {
    throw new GitopsPromotionConfigError(
      key,
      `unknown placeholder {${unknown[0]}} in '${template}'; use {service} or {env}`,
    );
  }
  if (!template.includes('{service}')) {
    throw new GitopsPromotionConfigError(
      key,
      `'${template}' must contain {service}, otherwise every service maps to the same application`,
    );
  }
}
