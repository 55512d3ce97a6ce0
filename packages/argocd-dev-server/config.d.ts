export interface Config {
  /**
   * Development only: runs the Argo CD API stand-in inside the backend, reconciling
   * from a local GitOps repository of `gitopsPromotion.repositories`. Enabled by this
   * section alone (NODE_ENV plays no part): the root app-config.yaml sets it for
   * `yarn start`, app-config.production.yaml removes it with `argocdDevServer: null`.
   * @visibility backend
   */
  argocdDevServer?: {
    /** Port to listen on (127.0.0.1), e.g. 7009. */
    port: number;
    /** Id of a `git` repository in `gitopsPromotion.repositories` whose url is a local path. */
    repository: string;
    /**
     * Bearer token the stand-in accepts, like an Argo CD API key.
     * @visibility secret
     */
    token?: string;
    /**
     * Local users for `POST /api/v1/session`, username to password.
     * @visibility secret
     */
    users?: { [username: string]: string };
    /** Time from a commit being noticed to Synced and Healthy. Defaults to 5000 ms. */
    syncDelayMs?: number;
    /** How often the repository is polled. Defaults to 3000 ms. */
    pollIntervalMs?: number;
    /** Application name template. Defaults to `{service}-{env}`. */
    applicationNameTemplate?: string;
    /** Image used for a `tag` key without a sibling `repository`. Defaults to `ghcr.io/acme/{service}`. */
    imageRepositoryTemplate?: string;
    /** Applications reported Degraded from the start, for demos. */
    degraded?: string[];
    /**
     * Rollouts to fail, for tests and demos: once a rollout of `application` to
     * `version` (its first layout key, e.g. the image tag) completes, it is
     * Synced but Degraded with `message`. Without `version`, only the next
     * rollout of the application fails. More at runtime: `POST /_dev/rollout-faults`.
     */
    rolloutFaults?: Array<{
      /** Application name, e.g. `checkout-dev`. */
      application: string;
      /** Version value that fails, e.g. `2.4.0`; absent: the next rollout, once. */
      version?: string;
      /** Health message. Defaults to `Deployment "{service}" exceeded its progress deadline`. */
      message?: string;
    }>;
  };
}
