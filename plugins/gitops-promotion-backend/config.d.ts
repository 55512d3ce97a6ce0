import { HumanDuration } from '@backstage/types';

export interface Config {
  /** GitOps Promotion: where each service's version lives per environment. */
  gitopsPromotion?: {
    /**
     * The identity recorded as committer of promotion commits (a service account); the Backstage
     * user who asked is the author and is named in a `Promoted-by` trailer. GitHub Apps and tokens
     * may record their own identity instead. Defaults to `GitOps Promotion`.
     */
    committer?: { name: string; email: string };
    /** Where the git provider keeps its caches of remote repositories. Defaults to the OS temp dir. */
    workingDirectory?: string;
    /** GitOps repositories the plugin may read and write. Writes never go anywhere else. */
    repositories: Array<{
      /** Referenced by environments. Lowercase letters, digits and dashes. */
      id: string;
      /**
       * `github`: GitHub through @octokit/rest, credentials from `integrations.github`
       * (GitHub App or token). `git`: any git remote URL or a local path, through the git CLI.
       */
      provider: 'github' | 'git';
      /**
       * github: `https://github.com/<owner>/<repo>` (or the GitHub Enterprise host configured in
       * integrations). git: a remote URL or a local path; relative paths resolve against the
       * backend's working directory. `{service}` makes it one repository per service
       * (`https://github.com/acme/{service}-delivery`): each service's files are read from and
       * written to its own repository, and layouts need no `{service}` in their paths or keys
       * when every environment uses such a repository.
       */
      url: string;
      /** Branch used when an environment names none. Defaults to `main`. */
      defaultBranch?: string;
      /**
       * How long a branch head looked up for a preview, the matrix or the history serves later
       * reads of the branch, so that a page of requests makes one `ls-remote` (or one GitHub ref
       * request), not one each. Reads may be that long behind commits made elsewhere; writes and
       * checks of a confirmed promotion always ask the remote, and a commit made here is seen at
       * once. Concurrent lookups are shared even at 0. A duration (`'2s'`, `'PT2S'`,
       * `{ seconds: 2 }`); defaults to 2 seconds.
       */
      branchHeadCache?: HumanDuration | string;
      /** @deprecated Use `branchHeadCache`; a number of seconds, read when that is not set. */
      branchHeadCacheSeconds?: number;
    }>;

    /**
     * How a service's files are laid out. A service uses `defaultLayout` unless its catalog entity
     * picks another one with the `gitops-promotion/layout` annotation.
     */
    layouts: Array<{
      /** Referenced by `defaultLayout` and by the `gitops-promotion/layout` annotation. */
      id: string;
      /** Shown in the UI. */
      title?: string;
      /** One or more files; all their keys together form the promotion bundle. */
      files: Array<{
        /**
         * Path template inside the repository with `{service}` and `{env}` placeholders, e.g.
         * `envs/{env}/{service}/values.yaml`, `charts/{service}/values-{env}.yaml`,
         * `overlays/{env}/kustomization.yaml`. Relative, no `..` segments.
         */
        path: string;
        /**
         * Keys of the version value(s): dotted paths with list selectors, e.g. `image.tag`,
         * `images[name=ghcr.io/acme/{service}].newTag`, `dependencies[name=my-chart].version`.
         * `{service}` and `{env}` are substituted.
         */
        keys: string[];
        /**
         * The content of this file for a new service, written by `POST /services` (the scaffolder
         * action `gitops-promotion:register-service`). Placeholders: `${{ service }}`, `${{ env }}`,
         * `${{ imageRepository }}` and `${{ version }}`. Rendered, the file must be valid YAML
         * holding every key of `keys`; a key filled from `${{ version }}` must be exactly that
         * (quote it, `tag: "${{ version }}"`, so `1.10` stays a string), and at least one key of
         * the layout must be. Keys with a literal value (e.g. the platform chart's version of an
         * umbrella chart) keep it. A layout registers services only when every file has a
         * template, and only files of one service (`{service}` in the path) may have one:
         * shared files such as a Kustomize overlay are refused. Checked at startup.
         */
        template?: string;
        /**
         * When the target environment's file lacks a key (the version is inherited from a
         * base values file, or a shared Kustomize overlay has no `images[]` entry for the
         * service yet), a promotion inserts it with the fewest lines, in the file's own
         * indentation, quoting and line endings. Without it, such a promotion is refused (400).
         */
        createMissingKeys?: boolean;
      }>;
    }>;

    /** The layout of services that do not choose one by annotation. */
    defaultLayout: string;

    /** Automatic promotion along `promotesFrom` entries with `auto: true`, and automatic rollbacks. */
    autoPromotion?: {
      /**
       * A static token of `backend.auth.externalAccess`: automatic promotions and rollbacks are
       * made as its service principal, with its access restrictions deciding the permissions.
       * Without it the backend acts as itself (`plugin:gitops-promotion`).
       * @visibility secret
       */
      token?: string;
      /** How often versions to promote are looked for. Defaults to 30s. */
      frequency?: string;
    };
    /** The environments, in pipeline order. */
    environments: Array<{
      /** Used in paths (`{env}`) and permissions. Lowercase letters, digits and dashes. */
      name: string;
      /** Shown in the UI. Defaults to the name. */
      title?: string;
      /**
       * The environments this one is promoted from; empty or absent for a first environment.
       * An entry is a name, or `{ environment, auto: true, after: PT30M }`: the backend then
       * promotes a version by itself once the upstream has run it Synced and Healthy for
       * `after` (default at once) and every rule passes, as the `autoPromotion` principal.
       */
      promotesFrom?: Array<
        string | { environment: string; auto?: boolean; after?: string }
      >;
      /**
       * Promotions into this environment wait (`awaiting-approval`) until `required` members
       * of the `from` groups (other than the requester) approve in the portal; one rejection
       * ends them. Automatic rollbacks do not wait.
       */
      approvals?: {
        /** Defaults to 1. */
        required?: number;
        /** Group entity refs, e.g. group:default/release-managers. */
        from: string[];
      };
      /**
       * Checks a rollout must pass after Argo CD reports it Synced and Healthy before the
       * promotion counts as deployed (`verifying` until then). URLs come from here only,
       * never from an annotation; `{service}` and `{env}` are filled in.
       */
      verification?: Array<
        | {
            name: string;
            type: 'argocd-health';
            /** Healthy without a break for this long (ISO 8601 or Backstage duration). Defaults to PT5M. */
            for?: string;
          }
        | {
            name: string;
            type: 'http';
            url: string;
            /** Defaults to any 2xx. */
            expectStatus?: number;
            /** Defaults to PT10S. */
            timeout?: string;
          }
        | {
            name: string;
            type: 'webhook';
            /** POSTed `{ promotion }`; answers `{ "passed": boolean, "message"?: string }`. */
            url: string;
            timeout?: string;
          }
      >;
      /**
       * When a promotion's rollout or verification fails, promote the versions it replaced
       * back automatically (a rollback linked to it). Defaults to false.
       */
      rollbackOnFailure?: boolean;
      /** Id of the repository holding this environment's files. */
      repository: string;
      /** Branch of this environment; defaults to the repository's default branch. */
      branch?: string;
      /**
       * How promotions into this environment are written: `commit` pushes to the branch,
       * `pull-request` opens a pull request (needs a provider with pull requests: `github`).
       * Defaults to `commit`.
       */
      mode?: 'commit' | 'pull-request';
      /**
       * Accept promotions from any environment upstream of this one, not only from those in
       * `promotesFrom` (e.g. dev straight to prod-eu). Defaults to false.
       */
      allowSkip?: boolean;
      /** What the source environment must satisfy before its version moves here. Each check defaults to true. */
      gate?: {
        /** Argo CD reports the source application Synced. */
        requireSynced?: boolean;
        /** Argo CD reports the source application Healthy. */
        requireHealthy?: boolean;
        /** Git says the source environment has exactly the versions being promoted. */
        requireSourceVersion?: boolean;
      };
      /**
       * Only immutable versions: tags that move (`latest`, `stable`, `main`, `master`, `head`, ...)
       * and tags matching `immutableVersions.rejectPattern` are refused; digests (`sha256:<64 hex>`,
       * `<tag>@sha256:<64 hex>`) are always accepted. Defaults to false.
       */
      protected?: boolean;
      /** Extra rules of a protected environment (only allowed with `protected: true`). */
      immutableVersions?: {
        /** JavaScript regular expression; a matching tag is refused, e.g. `-SNAPSHOT$`. */
        rejectPattern?: string;
      };
      /**
       * Periods in which only holders of `gitops-promotion.freeze.override` may promote here.
       * Either a range (`from` and/or `to`) or a recurring window (`cron` with `duration`).
       */
      freezeWindows?: Array<{
        /** Shown in refusals; unique within the environment. */
        name: string;
        /** IANA time zone, e.g. `Europe/Berlin`. Cron runs in it; `from`/`to` without an offset are read in it. */
        timeZone: string;
        /** ISO 8601 date or date-time the freeze starts (inclusive). */
        from?: string;
        /** ISO 8601 date or date-time the freeze ends (exclusive). */
        to?: string;
        /** 5-field cron (minute hour day-of-month month day-of-week) of each start, e.g. `0 18 * * FRI`. */
        cron?: string;
        /**
         * ISO 8601 duration of each occurrence (1 minute to 31 days). Hours are elapsed time, days are
         * calendar days: after Friday 18:00, `PT63H` ends Monday 08:00 in a week that leaves summer
         * time, while `P2DT15H` always ends Monday 09:00 local time.
         */
        duration?: string;
      }>;
      /**
       * The Argo CD application of each service in this environment. Without it the
       * environment shows no sync or health status.
       */
      argocd?: {
        /** Name of one of `gitopsPromotion.argocd.instances`. */
        instance: string;
        /**
         * Application name template with `{service}` and `{env}`. Defaults to
         * `{service}-{env}`. Ignored when `selector` is set.
         */
        application?: string;
        /**
         * Label selector template finding the application instead of its name, e.g.
         * `acme.io/service={service},acme.io/env={env}`. Must match one application.
         */
        selector?: string;
        /** Only applications of this Argo CD project count. */
        project?: string;
        /** Namespace of the Application resources (Argo CD "apps in any namespace"). */
        appNamespace?: string;
      };
      /**
       * Backstage notifications (needs the notifications backend plugin) about this environment:
       * to the requester when a promotion into it is deployed, fails or has its pull request
       * closed unmerged; to the service's owners when a promotion into it waits for review and,
       * for a protected or last (production) environment, when Argo CD runs other images than
       * git says (drift).
       */
      notifications?: {
        /**
         * Defaults to true for environments promoted from another one (`promotesFrom` set) and
         * to false for first environments (such as `dev`), which CI sets on every build.
         */
        enabled?: boolean;
      };
    }>;

    /**
     * The scheduled check of Argo CD (when configured) that tells open pages when a service's
     * sync status, health, live images or last deployment changed (a Backstage signal) and the
     * owners when a protected or production environment drifts from git (a notification). Runs
     * on every replica; a pass costs one catalog query, the statuses Argo CD's watch stream keeps
     * (an application list per instance only while a stream is down) and, for drift, the git
     * reads of the matrix.
     */
    matrix?: {
      /**
       * How often each replica brings its prepared matrix (every catalog service in every
       * environment) up to date, a duration (`'30s'`); a pass costs one catalog query and one
       * branch-head lookup per repository branch when nothing changed. `GET /matrix` checks
       * the heads itself too, so a page never waits for a pass. Defaults to 30 seconds.
       */
      refreshFrequency?: HumanDuration | string;
    };

    statusWatcher?: {
      /**
       * How often Argo CD is checked, a duration (`'15s'`). Defaults to 15 seconds. With the
       * watch stream (`argocd.instances[].watch`), a check also runs as soon as a change streams
       * in, so pages hear of it within a second.
       */
      frequency?: HumanDuration | string;
      /**
       * How long a drift must last before the owners are notified, a duration (`'5m'`), so that
       * a commit Argo CD is about to sync is no drift. Drifts of a cell with a promotion in flight
       * are never notified. Defaults to 5 minutes.
       */
      driftGracePeriod?: HumanDuration | string;
    };

    /**
     * Argo CD instances reporting sync status, health and live images per environment.
     * Read with one application list call per instance, then kept current through Argo CD's
     * watch stream (see `instances[].watch`), or listed again once the cache expired.
     */
    argocd?: {
      instances: Array<{
        /**
         * Referenced by `environments[].argocd.instance` and by the
         * `gitops-promotion/argocd-instance` annotation. Lowercase letters, digits and dashes.
         */
        name: string;
        /** Base URL of the Argo CD API server, e.g. `https://argocd.example.com`. */
        url: string;
        /**
         * An Argo CD API token (account with `apiKey` capability). Either this or
         * `username` and `password`.
         * @visibility secret
         */
        token?: string;
        /** Local Argo CD user exchanged for a session token at `POST /api/v1/session`. */
        username?: string;
        /** @visibility secret */
        password?: string;
        /** TLS settings of this instance only; they never change process-wide settings. */
        tls?: {
          /** PEM certificate(s) of the CA that signed the server certificate. */
          caCert?: string;
          /** Accept any server certificate. Never use it in production. */
          insecureSkipVerify?: boolean;
        };
        /**
         * How long an application list is reused, a duration (`'10s'`): always with `watch: false`,
         * and while the watch stream is down. Defaults to 10 seconds.
         */
        cacheTtl?: HumanDuration | string;
        /** @deprecated Use `cacheTtl`; a number of seconds, read when that is not set. */
        cacheTtlSeconds?: number;
        /**
         * Timeout of one request to this instance, a duration (`'10s'`); for the watch stream, of
         * connecting (it then stays open, and is given up after 5 minutes without a word).
         * Defaults to 10 seconds.
         */
        timeout?: HumanDuration | string;
        /** @deprecated Use `timeout`; a number of milliseconds, read when that is not set. */
        timeoutMs?: number;
        /**
         * Follow the instance's applications through Argo CD's watch stream
         * (`GET /api/v1/stream/applications`, one connection per instance per replica, opened
         * on first use): after one list, each change reaches the statuses within moments and
         * no further list is made. While the stream is down (it reconnects by itself, with
         * backoff, and lists once to catch up) statuses come from the list cached for
         * `cacheTtl`. The account needs the same `applications, get` permission as for the
         * list. `false` lists again whenever `cacheTtl` passed. Defaults to true.
         */
        watch?: boolean;
      }>;
      /** Tracking a promotion until Argo CD runs it. */
      tracking?: {
        /**
         * How long an application must stay Synced and Healthy at the promoted commit before
         * the rollout counts as deployed, a duration (`'10s'`). Defaults to 10 seconds.
         */
        settle?: HumanDuration | string;
        /** @deprecated Use `settle`; a number of seconds, read when that is not set. */
        settleSeconds?: number;
        /**
         * When a rollout that has not been deployed counts as failed, a duration (`'15m'`).
         * Defaults to 15 minutes.
         */
        timeout?: HumanDuration | string;
        /** @deprecated Use `timeout`; a number of seconds, read when that is not set. */
        timeoutSeconds?: number;
      };
    };

    /**
     * Development only, enabled by configuration alone (NODE_ENV plays no part): the root
     * app-config.yaml sets it for `yarn start`, app-config.production.yaml removes it with
     * `development: null`. See also `localCatalog` (scaffolder-backend-module-gitops-promotion).
     * @visibility backend
     */
    development?: {
      /**
       * Creates the demo GitOps repository on first start (an existing repository is kept).
       * Without it nothing is seeded.
       * @visibility backend
       */
      seedRepository?: {
        /** Id of a `git` repository whose `url` is a local path; created there as a bare repository. */
        repository: string;
        /** Directory with the repository's initial files, e.g. `../../examples/gitops-repo`. */
        from: string;
        /** YAML file with the version bumps replayed as commits on top of the initial files. */
        history: string;
      };
    };
  };
}
