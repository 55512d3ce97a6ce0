export interface Config {
  /** GitOps Promotion: where each service's version lives per environment. */
  gitopsPromotion?: {
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
       * backend's working directory.
       */
      url: string;
      /** Branch used when an environment names none. Defaults to `main`. */
      defaultBranch?: string;
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
      }>;
    }>;

    /** The layout of services that do not choose one by annotation. */
    defaultLayout: string;

    /** The environments, in pipeline order. */
    environments: Array<{
      /** Used in paths (`{env}`) and permissions. Lowercase letters, digits and dashes. */
      name: string;
      /** Shown in the UI. Defaults to the name. */
      title?: string;
      /** The environments this one is promoted from; empty or absent for a first environment. */
      promotesFrom?: string[];
      /** Id of the repository holding this environment's files. */
      repository: string;
      /** Branch of this environment; defaults to the repository's default branch. */
      branch?: string;
    }>;

    /**
     * Development only: creates the demo GitOps repository on first start. Ignored when
     * NODE_ENV is `production`.
     */
    development?: {
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
