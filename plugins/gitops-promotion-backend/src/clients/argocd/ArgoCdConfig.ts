/**
 * How the plugin authenticates to an Argo CD instance.
 */
export type ArgoCdCredentials =
  | { kind: 'token'; token: string }
  | { kind: 'password'; username: string; password: string };

/**
 * One Argo CD instance, validated (`gitopsPromotion.argocd.instances[]`).
 */
export interface ArgoCdInstanceConfig {
  name: string;
  /** Base URL without a trailing slash. */
  url: string;
  credentials: ArgoCdCredentials;
  tls?: { caCert?: string; insecureSkipVerify: boolean };
  cacheTtlMs: number;
  timeoutMs: number;
  /**
   * Whether the instance's applications are followed through Argo CD's
   * watch stream (`GET /api/v1/stream/applications`) rather than listed
   * again once `cacheTtlMs` passed.
   */
  watch: boolean;
}

/**
 * How the applications of one environment are found
 * (`gitopsPromotion.environments[].argocd`).
 */
export interface ArgoCdEnvironmentConfig {
  environment: string;
  instance: string;
  /** Name template; used when there is no selector. */
  application: string;
  /** Label selector template. */
  selector?: string;
  project?: string;
  appNamespace?: string;
}

/**
 * The validated Argo CD configuration.
 */
export interface ArgoCdConfig {
  instances: ArgoCdInstanceConfig[];
  environments: ArgoCdEnvironmentConfig[];
  tracking: { settleMs: number; timeoutMs: number };
}
