/**
 * One file of a layout, in the shape of `gitopsPromotion.layouts[].files[]`.
 *
 * @public
 */
export interface DevServerLayoutFile {
  /** Path template with `{service}` and `{env}`, e.g. `envs/{env}/{service}/values.yaml`. */
  path: string;
  /** Version keys, e.g. `image.tag` or `images[name=ghcr.io/acme/{service}].newTag`. */
  keys: string[];
}

/**
 * A layout, in the shape of `gitopsPromotion.layouts[]`.
 *
 * @public
 */
export interface DevServerLayout {
  id: string;
  files: DevServerLayoutFile[];
}

/**
 * Where the stand-in writes what it does. Structurally compatible with
 * Backstage's LoggerService.
 *
 * @public
 */
export interface DevServerLogger {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * Makes rollouts of an application fail: once such a rollout completes, the
 * application is Synced to the new revision (the sync operation Succeeded) but
 * its health is Degraded with `message`, until a rollout that no fault matches
 * completes.
 *
 * @public
 */
export interface DevServerRolloutFault {
  /** Application name, e.g. `checkout-dev` (service `checkout` in `dev`). */
  application: string;
  /**
   * Fails every rollout to this version value (the application's first layout
   * key, e.g. `image.tag`). Absent: fails the next rollout of the application
   * only, whatever its version, then the fault is used up.
   */
  version?: string;
  /** `status.health.message`. Defaults to `Deployment "{service}" exceeded its progress deadline`. */
  message?: string;
}

/**
 * Options of {@link createArgoCdDevServer}.
 *
 * @public
 */
export interface ArgoCdDevServerOptions {
  /** The GitOps repository (bare or not) the applications are reconciled from. */
  repositoryPath: string;
  /** Branch every application tracks. Defaults to `main`. */
  branch?: string;
  /** Environment names: the values `{env}` may take in path templates. */
  environments: string[];
  /** Layouts used to discover applications in the repository. */
  layouts: DevServerLayout[];
  /** Application name template. Defaults to `{service}-{env}`. */
  applicationNameTemplate?: string;
  /**
   * Image repository used for a `tag` key that has no sibling `repository`.
   * Defaults to `ghcr.io/acme/{service}`.
   */
  imageRepositoryTemplate?: string;
  /**
   * Labels put on every application (templates). Defaults to the demo
   * ApplicationSet's `acme.io/service: {service}` and `acme.io/env: {env}`.
   */
  labelTemplates?: Record<string, string>;
  /** `spec.project` of every application. Defaults to `default`. */
  project?: string;
  /** `metadata.namespace` of every application (the control plane namespace). Defaults to `argocd`. */
  namespace?: string;
  /** `spec.source.repoURL` reported for every application. */
  repoURL?: string;
  /** Time from noticing a change to Synced and Healthy. Defaults to 5000 ms. */
  syncDelayMs?: number;
  /** How often the repository is polled for a new head. Defaults to 3000 ms. */
  pollIntervalMs?: number;
  /** A static bearer token accepted on every request (like an Argo CD API key). */
  token?: string;
  /** Local users for `POST /api/v1/session`: username to password. */
  users?: Record<string, string>;
  /** Lifetime of tokens issued by `POST /api/v1/session`. Defaults to 24 h. */
  sessionTtlSeconds?: number;
  /** Applications that are Degraded from the start. */
  degraded?: string[];
  /** Rollouts to fail; more can be added at runtime (`POST /_dev/rollout-faults`). */
  rolloutFaults?: DevServerRolloutFault[];
  /** Added to every response, to simulate network and server latency in benchmarks. Defaults to 0. */
  latencyMs?: number;
  /** Defaults to silence. */
  logger?: DevServerLogger;
}

/** Options with every default applied. */
export interface ResolvedDevServerOptions
  extends Required<
    Omit<
      ArgoCdDevServerOptions,
      'token' | 'users' | 'degraded' | 'rolloutFaults' | 'logger'
    >
  > {
  token?: string;
  users: Record<string, string>;
  degraded: string[];
  rolloutFaults: DevServerRolloutFault[];
  logger: DevServerLogger;
}

const silent: DevServerLogger = { info() {}, warn() {} };

/** Applies the defaults. */
export function resolveOptions(
  options: ArgoCdDevServerOptions,
): ResolvedDevServerOptions {
  if (!options.token && !Object.keys(options.users ?? {}).length) {
    throw new Error(
      'The Argo CD dev server needs a token or users, it never runs without authentication',
    );
  }
  return {
    repositoryPath: options.repositoryPath,
    branch: options.branch ?? 'main',
    environments: options.environments,
    layouts: options.layouts,
    applicationNameTemplate:
      options.applicationNameTemplate ?? '{service}-{env}',
    imageRepositoryTemplate:
      options.imageRepositoryTemplate ?? 'ghcr.io/acme/{service}',
    labelTemplates: options.labelTemplates ?? {
      'acme.io/service': '{service}',
      'acme.io/env': '{env}',
    },
    project: options.project ?? 'default',
    namespace: options.namespace ?? 'argocd',
    repoURL: options.repoURL ?? 'https://github.com/acme/gitops.git',
    syncDelayMs: options.syncDelayMs ?? 5000,
    pollIntervalMs: options.pollIntervalMs ?? 3000,
    token: options.token,
    users: options.users ?? {},
    sessionTtlSeconds: options.sessionTtlSeconds ?? 24 * 3600,
    degraded: options.degraded ?? [],
    rolloutFaults: options.rolloutFaults ?? [],
    latencyMs: options.latencyMs ?? 0,
    logger: options.logger ?? silent,
  };
}
