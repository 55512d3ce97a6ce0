import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { GitopsPromotionConfigError } from './GitopsPromotionConfigError';
import { readDuration } from './readDuration';
import {
  ApprovalsConfig,
  AutoPromotionEdge,
  VerificationCheckConfig,
} from './types';

const CHECK_TYPES = ['argocd-health', 'http', 'webhook'] as const;
const DEFAULT_HEALTH_WINDOW_MS = 5 * 60_000;
const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

/**
 * `promotesFrom` of one environment: each entry an environment name, or
 * `{ environment, auto, after }` for an edge promoted automatically.
 */
export function readPromotesFrom(
  c: Config,
  key: string,
): { promotesFrom: string[]; autoPromotesFrom: AutoPromotionEdge[] } {
  if (!c.has('promotesFrom')) return { promotesFrom: [], autoPromotesFrom: [] };
  const entries = c.get<unknown[]>('promotesFrom');
  if (!Array.isArray(entries)) {
    throw new GitopsPromotionConfigError(
      `${key}.promotesFrom`,
      'must be a list of environment names or { environment, auto, after } entries',
    );
  }
  const promotesFrom: string[] = [];
  const autoPromotesFrom: AutoPromotionEdge[] = [];
  entries.forEach((entry, i) => {
    const entryKey = `${key}.promotesFrom[${i}]`;
    if (typeof entry === 'string') {
      promotesFrom.push(entry);
      return;
    }
    const edge = c.getConfigArray('promotesFrom')[i];
    const environment = edge.getString('environment');
    promotesFrom.push(environment);
    const auto = edge.getOptionalBoolean('auto') ?? false;
    if (!auto) {
      if (edge.has('after')) {
        throw new GitopsPromotionConfigError(
          `${entryKey}.after`,
          'only applies with auto: true',
        );
      }
      return;
    }
    autoPromotesFrom.push({
      environment,
      afterMs: readDuration(edge, {
        key: entryKey,
        field: 'after',
        defaultMs: 0,
        minMs: 0,
      }),
    });
  });
  return { promotesFrom, autoPromotesFrom };
}

/** `approvals: { required, from }`, or undefined. */
export function readApprovals(
  c: Config,
  key: string,
): ApprovalsConfig | undefined {
  const section = c.getOptionalConfig('approvals');
  if (!section) return undefined;
  const required = section.getOptionalNumber('required') ?? 1;
  if (!Number.isInteger(required) || required < 1 || required > 10) {
    throw new GitopsPromotionConfigError(
      `${key}.approvals.required`,
      `must be a whole number from 1 to 10, got ${required}`,
    );
  }
  const from = section.getStringArray('from').map((ref, i) => {
    try {
      return stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'group' }));
    } catch (error) {
      throw new GitopsPromotionConfigError(
        `${key}.approvals.from[${i}]`,
        `'${ref}' is not a group entity ref: ${(error as Error).message}`,
      );
    }
  });
  if (from.length === 0) {
    throw new GitopsPromotionConfigError(
      `${key}.approvals.from`,
      'name at least one group whose members may approve',
    );
  }
  return { required, from };
}

/** `verification: [...]`: the checks a rollout must pass. */
export function readVerification(
  c: Config,
  key: string,
): VerificationCheckConfig[] {
  const checks = (c.getOptionalConfigArray('verification') ?? []).map(
    (check, i) => readCheck(check, `${key}.verification[${i}]`),
  );
  const names = new Set<string>();
  checks.forEach((check, i) => {
    if (names.has(check.name)) {
      throw new GitopsPromotionConfigError(
        `${key}.verification[${i}].name`,
        `duplicate check name '${check.name}'`,
      );
    }
    names.add(check.name);
  });
  return checks;
}

function readCheck(c: Config, key: string): VerificationCheckConfig {
  const name = c.getString('name').trim();
  if (!name) {
    throw new GitopsPromotionConfigError(`${key}.name`, 'must not be empty');
  }
  const type = c.getString('type');
  if (!(CHECK_TYPES as readonly string[]).includes(type)) {
    throw new GitopsPromotionConfigError(
      `${key}.type`,
      `must be one of ${CHECK_TYPES.join(', ')}, got '${type}'`,
    );
  }
  if (type === 'argocd-health') {
    return {
      type,
      name,
      forMs: readDuration(c, {
        key,
        field: 'for',
        defaultMs: DEFAULT_HEALTH_WINDOW_MS,
        minMs: 0,
      }),
    };
  }
  const url = readUrl(c, key);
  const timeoutMs = readDuration(c, {
    key,
    field: 'timeout',
    defaultMs: DEFAULT_CHECK_TIMEOUT_MS,
    minMs: 100,
  });
  if (type === 'webhook') return { type, name, url, timeoutMs };
  const expectStatus = c.getOptionalNumber('expectStatus');
  if (
    expectStatus !== undefined &&
    !(
      Number.isInteger(expectStatus) &&
      expectStatus >= 100 &&
      expectStatus <= 599
    )
  ) {
    throw new GitopsPromotionConfigError(
      `${key}.expectStatus`,
      `must be an HTTP status code, got ${expectStatus}`,
    );
  }
  return { type: 'http', name, url, timeoutMs, expectStatus };
}

/** An http(s) URL template; `{service}` and `{env}` are the only placeholders. */
function readUrl(c: Config, key: string): string {
  const url = c.getString('url');
  const unknown = [...url.matchAll(/\{([^}]*)\}/g)]
    .map(m => m[1])
    .filter(p => p !== 'service' && p !== 'env');
  if (unknown.length) {
    throw new GitopsPromotionConfigError(
      `${key}.url`,
      `unknown placeholder {${unknown[0]}}; use {service} or {env}`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/\{(service|env)\}/g, 'x'));
  } catch {
    throw new GitopsPromotionConfigError(
      `${key}.url`,
      `'${url}' is not an absolute URL`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GitopsPromotionConfigError(
      `${key}.url`,
      `must be http or https, got ${parsed.protocol}`,
    );
  }
  return url;
}
