import { PolicyInput, PolicyVerdict } from '../types';
import type {
  GitopsArgoCdStatus,
  GitopsArgoCdUnknownReason,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

const UNKNOWN_REMEDIES: Record<
  GitopsArgoCdUnknownReason,
  (env: string) => string
> = {
  'not-configured': env =>
    `configure the Argo CD application of ${env} (gitopsPromotion.environments[].argocd)`,
  'application-missing': env =>
    `check that the Argo CD application of ${env} exists and matches the configured name or selector`,
  'instance-unreachable': () => 'retry once Argo CD is reachable again',
  'access-denied': () =>
    "ask an administrator to give the plugin's Argo CD account read access",
};

/**
 * The source environment must run the versions being promoted (git), and be
 * Synced and Healthy in Argo CD, as far as the target's gate requires.
 */
export function checkUpstreamGate(
  input: Pick<
    PolicyInput,
    | 'kind'
    | 'source'
    | 'target'
    | 'versions'
    | 'sourceStatus'
    | 'sourceSynced'
    | 'targetPolicy'
  >,
): PolicyVerdict {
  const { source, target, versions } = input;
  const gate = input.targetPolicy.gate;
  const verdict = (passed: boolean, message: string): PolicyVerdict => ({
    rule: 'upstream-gate',
    passed,
    message: `Upstream gate: ${message}`,
  });
  if (input.kind === 'rollback') {
    return verdict(
      true,
      `does not apply to a rollback: rolling ${target} back is the escape hatch when an upstream is broken.`,
    );
  }
  if (source === undefined) {
    return verdict(
      true,
      `does not apply: ${target} gets its version directly, not from an upstream environment.`,
    );
  }
  if (
    !gate.requireSourceVersion &&
    !gate.requireSynced &&
    !gate.requireHealthy
  ) {
    return verdict(true, `disabled for ${target}.`);
  }
  const shown = versions.map(v => v.version).join(', ');
  const problems: string[] = [];
  const remedies: string[] = [];
  const relaxed: string[] = [];

  if (gate.requireSourceVersion) {
    const mismatches = versions.filter(v => v.sourceVersion !== v.version);
    if (mismatches.length > 0) {
      problems.push(
        ...mismatches.map(
          v =>
            `${source} has ${v.key} ${
              v.sourceVersion === undefined ? 'unset' : v.sourceVersion
            }, not ${v.version}`,
        ),
      );
      remedies.push(`promote ${shown} to ${source} first`);
      relaxed.push('requireSourceVersion');
    }
  }
  if (gate.requireSynced || gate.requireHealthy) {
    checkStatus(input.sourceStatus, source, gate, problems, remedies, relaxed);
  }
  // Synced is Synced to a revision: right after a commit, Argo CD still
  // reports the one before it, which may not carry the versions yet.
  const synced = input.sourceSynced;
  if (
    gate.requireSynced &&
    input.sourceStatus?.state === 'known' &&
    input.sourceStatus.syncStatus === 'Synced' &&
    synced
  ) {
    const behind = versions.flatMap((v, i) =>
      synced.values[i] === v.version
        ? []
        : [`${v.key} is ${synced.values[i] ?? 'unset'}`],
    );
    if (behind.length > 0) {
      problems.push(
        `Argo CD has synced ${source} to ${synced.revision.slice(
          0,
          7,
        )}, where ${behind.join(', ')}, not ${shown}`,
      );
      remedies.push(`wait for Argo CD to sync ${source} to ${shown}`);
      relaxed.push('requireSynced');
    }
  }

  const required = [
    gate.requireSourceVersion ? `runs ${shown}` : undefined,
    gate.requireSynced ? 'Synced' : undefined,
    gate.requireHealthy ? 'Healthy' : undefined,
  ].filter(Boolean);
  if (problems.length === 0) {
    return verdict(true, `${source} ${required.join(', ')}.`);
  }
  return verdict(
    false,
    `${target} takes versions only from an upstream that ${required.join(
      ', ',
    )}, but ${problems.join('; ')}. To promote, ${remedies.join(
      ', then ',
    )}; or ask an administrator to turn off gate.${[...new Set(relaxed)].join(
      '/gate.',
    )} for ${target}.`,
  );
}

function checkStatus(
  status: GitopsArgoCdStatus | undefined,
  source: string,
  gate: { requireSynced: boolean; requireHealthy: boolean },
  problems: string[],
  remedies: string[],
  relaxed: string[],
) {
  const flags = [
    gate.requireSynced ? 'requireSynced' : undefined,
    gate.requireHealthy ? 'requireHealthy' : undefined,
  ].filter((f): f is string => Boolean(f));
  if (!status || status.state === 'unknown') {
    const reason = status?.reason ?? 'not-configured';
    problems.push(
      `the Argo CD status of ${source} is unknown (${reason}${
        status?.message ? `: ${status.message}` : ''
      })`,
    );
    remedies.push(UNKNOWN_REMEDIES[reason](source));
    relaxed.push(...flags);
    return;
  }
  if (gate.requireSynced && status.syncStatus !== 'Synced') {
    problems.push(`${source} is ${status.syncStatus} in Argo CD`);
    remedies.push(`wait for Argo CD to sync ${source}`);
    relaxed.push('requireSynced');
  }
  if (gate.requireHealthy && status.health.status !== 'Healthy') {
    problems.push(
      `${source} is ${status.health.status}${
        status.health.message ? ` (${status.health.message})` : ''
      } in Argo CD`,
    );
    remedies.push(
      status.health.status === 'Progressing'
        ? `wait until ${source} is Healthy`
        : `fix ${source} until Argo CD reports it Healthy`,
    );
    relaxed.push('requireHealthy');
  }
}
