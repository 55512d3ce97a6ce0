// Generated from plugins/gitops-promotion-backend/src/schema/openapi.yaml
// by `yarn generate:openapi`. Do not edit: change the spec and run it again.
/* eslint-disable */

/** @public */
export interface paths {
  '/environments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Every environment of one service.
     * @description Users and service principals. Every environment the caller may read
     *     (`gitops-promotion.environment.read`), in pipeline order, with the
     *     git version and values, Argo CD's status, drift, lag behind the
     *     upstream, active freeze windows, open pull requests, promotions in
     *     flight and, per downstream target, whether the caller may promote
     *     (`gitops-promotion.environment.promote`) and the refusal reasons.
     *     Environments the caller may not read are left out.
     */
    get: operations['getEnvironments'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/environments/history': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The git history of a service's version in one environment.
     * @description Users and service principals who may read the environment
     *     (`gitops-promotion.environment.read`; else 403). The git log of the
     *     file holding the version, newest first: commit, author, date,
     *     message, the version before and after, and the whole bundle after
     *     the commit (`versions`, what a rollback to it sends).
     */
    get: operations['getEnvironmentHistory'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/matrix': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Many services in every environment at once.
     * @description Users and service principals. The services the catalog shows the
     *     caller (each filter repeatable; with `entityRef`, those entities),
     *     in every environment the caller may read
     *     (`gitops-promotion.environment.read`): per cell the version, values,
     *     Argo CD status, drift, whether it is behind its upstream (with the
     *     lag), open pull requests and promotions in flight. Answered from a
     *     snapshot kept current per repository branch and Argo CD instance;
     *     with `If-None-Match`, 304 when nothing the caller sees changed.
     */
    get: operations['getMatrix'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/promotions/preview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Preview a promotion (or a rollback) into one or more targets.
     * @description Users and service principals who may read the source and every
     *     target (`gitops-promotion.environment.read`; else 403). Writes
     *     nothing. Per target: the exact edits, the unified diff, every rule's
     *     verdict, whether it is allowed, and the pin to confirm it with
     *     (`versions`, `baseCommit`, `sourceCommit`). Without `source`, it is
     *     the preview of a rollback to `versions`.
     */
    post: operations['previewPromotion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/promotions/bulk/preview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Preview a release train.
     * @description Users and service principals who may read the source and the target
     *     (`gitops-promotion.environment.read`; else 403). Writes nothing.
     *     Every service's preview on one snapshot of the target branch (its
     *     `baseCommit`), or why the service cannot be planned (unknown entity,
     *     no annotation, not allowed).
     */
    post: operations['previewBulkPromotion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/promotions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Promotions, newest first.
     * @description Users and service principals. Promotions into environments the
     *     caller may read (`gitops-promotion.environment.read`), of entities
     *     the catalog shows them, newest first; `before` pages on.
     */
    get: operations['listPromotions'];
    put?: never;
    /**
     * Promote (or roll back) one service into one environment.
     * @description Users only (a service principal gets 403), with
     *     `gitops-promotion.environment.promote` on the target (else 403,
     *     naming the rule). Writes exactly the pinned preview as one commit or
     *     pull request and records it; every rule is checked again (400, 403
     *     or 409 naming the rule; 409 when the source or the target's files
     *     moved since the preview, or the target already runs the versions).
     *     With an `Idempotency-Key` (scoped to the requester) a repeated
     *     request answers the first promotion with 200; the same key with
     *     another body is 422. An auditor event `promotion` is emitted.
     */
    post: operations['createPromotion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/promotions/bulk': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Promote a release train.
     * @description Users only (a service principal gets 403), with
     *     `gitops-promotion.environment.promote` on the target. Every accepted
     *     service in one commit or pull request; refused services are listed
     *     with their reason, unless `allOrNothing` (then the first refusal is
     *     the answer). One moved source refuses the whole train (409); no
     *     service promotable is 403 when for want of permission only, else
     *     409. With an `Idempotency-Key` a repeated request answers the first
     *     train (also with 201); the same key with another body is 422. An
     *     auditor event `promotion` is emitted.
     */
    post: operations['createBulkPromotion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/promotions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One promotion and its state.
     * @description Users and service principals. 404 when there is no such promotion,
     *     or the caller may not read its environment
     *     (`gitops-promotion.environment.read`) or its entity.
     */
    get: operations['getPromotion'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/promotions/{id}/approvals': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Approve or reject a promotion that awaits approval.
     * @description Users only. The caller must be a member of one of the groups the
     *     target environment's `approvals.from` names (else 403), may not
     *     decide their own request (403) and decides once (409). A rejection
     *     ends the promotion (`rejected`, nothing written); the `required`-th
     *     approval writes it, exactly as requested (the versions and the
     *     target's commit the request was checked on; 409 and `rejected` when
     *     the target's files moved since), as a commit or a pull request on
     *     which the approvals are posted as reviews (GitHub). An auditor event
     *     `promotion-approval` is emitted.
     */
    post: operations['decidePromotion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auto-promotion/pauses': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Where automatic promotion is paused.
     * @description Users and service principals: the pauses of environments the caller
     *     may read.
     */
    get: operations['listAutoPromotionPauses'];
    put?: never;
    /**
     * Pause automatic promotion for a service, an environment, or a service in an environment.
     * @description Users only, with `gitops-promotion.auto-promotion.pause` for every
     *     environment the pause covers (for a service: each environment it is
     *     automatically promoted into; else 403). Pausing again is 200 with the
     *     existing pause. An auditor event `auto-promotion-pause` is emitted.
     */
    post: operations['pauseAutoPromotion'];
    /**
     * Resume automatic promotion (remove one pause).
     * @description Users only, with `gitops-promotion.auto-promotion.pause` as for
     *     pausing. Answers the pause removed; 404 when there was none. An
     *     auditor event `auto-promotion-pause` is emitted.
     */
    delete: operations['resumeAutoPromotion'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ci/versions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Set a build's versions in the first environment(s).
     * @description Service principals only (a user gets 403), e.g. a CI token from
     *     `backend.auth.externalAccess`. Sets the versions in the first
     *     environments (those without `promotesFrom`; another one is 400) with
     *     the same rules, ledger and audit as a promotion. 201 when any
     *     environment was written, 200 when every one was answered for a
     *     repeated `Idempotency-Key` (the key is per environment: `<key>#<env>`);
     *     the same key with another body is 422.
     */
    post: operations['setCiVersions'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/services': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Register a new service's files in the GitOps repository.
     * @description Users only (a service principal gets 403), with
     *     `gitops-promotion.environment.promote` on every environment
     *     registered (else 403 naming them). Renders the layout's templates
     *     for each environment and writes them as one commit (or one pull
     *     request). 201 when this request wrote them; 200 when they are
     *     already there as rendered, the pull request is already open, or
     *     `dryRun`. 409 when some of the service's files exist otherwise.
     *     `service` must be a DNS label and `imageRepository` an OCI
     *     repository without tag (else 400). Writes emit an auditor event
     *     `service-registration`; nothing goes into the ledger.
     */
    post: operations['registerService'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/delivery': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The four DORA delivery figures, from the ledger and the GitOps repository's history.
     * @description Users and service principals. Per service the catalog shows the
     *     caller (by `entityRef` or `owner`) and per environment they may read
     *     (`gitops-promotion.environment.read`), over the last `days`:
     *
     *     - **Deployments** (frequency): promotions that reached `deployed`
     *       (by `deployedAt`), plus commits made outside the plugin that
     *       changed the service's version (the bundle's first key) in the
     *       environment's file (by their author date). A commit is the
     *       plugin's when a promotion recorded its SHA, when it carries a
     *       `Promotion-Id:` trailer, or when a promotion into the same service
     *       and environment set that version while the commit was made (a pull
     *       request merged with a merge commit); every other commit counts as a
     *       deployment made outside the plugin. Per week and per 7 days.
     *     - **Lead time** to production: for each deployment into a
     *       production environment (the pipeline's last ones; rollbacks and
     *       reverts excluded), from the earliest commit of the same versions
     *       into another environment (ledger: the whole bundle; git: the
     *       version) to the deployment. Median and 90th percentile, hours.
     *     - **Change failure rate**: failed changes / changes. Changes are the
     *       deployments plus promotions that ended `failed` after their commit
     *       (by `updatedAt`). A change failed when its promotion ended `failed`
     *       after its commit (the rollout or its verification failed), or when
     *       the next change into the same service and environment undid it: a
     *       rollback (`kind: rollback`; with `rollbackOf`, the promotion it
     *       names) or, made outside the plugin, a commit that set the version
     *       back to a value the environment had before (a revert).
     *     - **Time to restore**: from the failure (the failed promotion's
     *       `updatedAt`; for a change rolled back or reverted, its deployment)
     *       to the next deployment into the same service and environment.
     *       Median and 90th percentile, hours; failures no deployment followed
     *       yet are `unrestored`.
     *
     *     The repository's history is read from 30 days before the period on,
     *     per repository branch in one batch of file histories (at most 1,000
     *     commits per file). A branch that cannot be read leaves its outside
     *     changes out and says so in `warnings`.
     */
    get: operations['getDeliveryFigures'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
/** @public */
export type webhooks = Record<string, never>;
/** @public */
export interface components {
  schemas: {
    /** @description Backstage's error body (`ErrorResponseBody` of `@backstage/errors`). */
    Error: {
      /** @description The serialized error; other fields may be present. */
      error: {
        /** @description e.g. `InputError`, `NotAllowedError`, `NotFoundError`, `ConflictError`, `IdempotencyKeyReusedError`. */
        name: string;
        message: string;
        stack?: string;
        code?: string;
      } & {
        [key: string]: unknown;
      };
      request?: {
        method: string;
        url: string;
      };
      response: {
        statusCode: number;
      };
    };
    /**
     * @description A catalog entity ref, `[kind:][namespace/]name` (default kind
     *     `component`, or `group`/`system` for owner and system filters;
     *     default namespace `default`), following the catalog's naming rules.
     */
    EntityRef: string;
    /** @description One entity ref, or the parameter repeated. */
    EntityRefList: components['schemas']['EntityRef'][];
    /** @description A configured environment (or layout) name. */
    EnvironmentName: string;
    /**
     * @description A value of the bundle: an OCI tag, a `sha256` digest or a SemVer
     *     chart version (other values are refused by the rules with 400).
     */
    Version: string;
    /** @description Every value of the bundle, in bundle order. */
    Versions: components['schemas']['Version'][];
    /** @description A commit a preview was computed on (a full SHA of its branch, else 400). */
    CommitPin: string;
    /** Format: uuid */
    PromotionId: string;
    /** @description The body of `POST /promotions/preview`. */
    PromotionPreviewRequest: {
      entityRef: components['schemas']['EntityRef'];
      /** @description Absent for the preview of a rollback to `versions`. */
      source?: components['schemas']['EnvironmentName'];
      targets: components['schemas']['EnvironmentName'][];
      versions?: components['schemas']['Versions'];
    };
    /** @description The body of `POST /promotions`: from `source`, or a rollback to `versions`. */
    PromotionRequest:
      | {
          /**
           * @default promote
           * @enum {string}
           */
          kind?: 'promote';
          entityRef: components['schemas']['EntityRef'];
          source: components['schemas']['EnvironmentName'];
          target: components['schemas']['EnvironmentName'];
          /**
           * @description The versions the preview showed: the source must still run
           *     exactly these, else 409 and nothing is written.
           */
          versions?: components['schemas']['Versions'];
          /** @description The preview's `baseCommit`: the target's files as reviewed. */
          baseCommit?: components['schemas']['CommitPin'];
          /** @description The preview's `sourceCommit`: the source's files as reviewed. */
          sourceCommit?: components['schemas']['CommitPin'];
        }
      | {
          /** @enum {string} */
          kind: 'rollback';
          entityRef: components['schemas']['EntityRef'];
          target: components['schemas']['EnvironmentName'];
          /** @description Versions the target ran before (its history or the ledger), else 400. */
          versions: components['schemas']['Versions'];
          baseCommit?: components['schemas']['CommitPin'];
        };
    /** @description The body of `POST /promotions/bulk/preview`. */
    BulkPromotionPreviewRequest: {
      entityRefs: components['schemas']['EntityRef'][];
      source: components['schemas']['EnvironmentName'];
      target: components['schemas']['EnvironmentName'];
    };
    /** @description The body of `POST /promotions/bulk`: a release train from `source` to `target`. */
    BulkPromotionRequest: {
      entityRefs: components['schemas']['EntityRef'][];
      source: components['schemas']['EnvironmentName'];
      target: components['schemas']['EnvironmentName'];
      /**
       * @description Refuse the whole train when any service is refused.
       * @default false
       */
      allOrNothing?: boolean;
      /** @description The bulk preview's `baseCommit`. */
      baseCommit?: components['schemas']['CommitPin'];
      /** @description What the bulk preview showed, exactly one per service of `entityRefs` (else 400). */
      pins?: components['schemas']['BulkPromotionPin'][];
    };
    /** @description The versions a release train's preview showed for one service. */
    BulkPromotionPin: {
      entityRef: components['schemas']['EntityRef'];
      versions: components['schemas']['Versions'];
      sourceCommit?: components['schemas']['CommitPin'];
    };
    /** @description The body of `POST /ci/versions`. */
    CiVersionsRequest: {
      entityRef: components['schemas']['EntityRef'];
      versions: components['schemas']['Versions'];
      /** @description First environments only; default all of them. */
      environments?: components['schemas']['EnvironmentName'][];
    };
    /** @description The body of `POST /promotions/{id}/approvals`. */
    ApprovalRequest: {
      /** @enum {string} */
      decision: 'approve' | 'reject';
      /** @description Shown with the decision (and in the pull request's review); required to reject. */
      comment?: string;
    };
    /**
     * @description The body of `POST /auto-promotion/pauses`: a service (all the
     *     environments it is automatically promoted into), an environment (all
     *     services), or both (one service in one environment).
     */
    AutoPromotionPauseRequest: {
      entityRef?: components['schemas']['EntityRef'];
      environment?: components['schemas']['EnvironmentName'];
      reason?: string;
    };
    /** @description The body of `POST /services`. */
    ServiceRegistrationRequest: {
      /** @description The new service's name (a DNS label, else 400). */
      service: string;
      /** @description A configured layout with templates; default `defaultLayout`. */
      layout?: components['schemas']['EnvironmentName'];
      /** @description Default every configured environment. */
      environments?: components['schemas']['EnvironmentName'][];
      /** @description An OCI repository without tag or digest (else 400). */
      imageRepository: string;
      version: components['schemas']['Version'];
      /**
       * @description Compute and check everything, write nothing.
       * @default false
       */
      dryRun?: boolean;
    };
    /**
     * @description How a promotion is written to the GitOps repository.
     * @enum {string}
     */
    PromotionMode: 'commit' | 'pull-request';
    /**
     * @description `awaiting-approval` (where the target needs approvals) → `pending` →
     *     `committed` or `pr-open` → `syncing` → `verifying` (where the target
     *     names verification checks) → `deployed`; or `failed` / `rejected`
     *     (final states: `deployed`, `failed`, `rejected`).
     * @enum {string}
     */
    PromotionState:
      | 'awaiting-approval'
      | 'pending'
      | 'committed'
      | 'pr-open'
      | 'syncing'
      | 'verifying'
      | 'deployed'
      | 'failed'
      | 'rejected';
    /** @description One value a promotion changes. */
    PromotionValueChange: {
      path: string;
      key: string;
      /** @description Absent when the key was unset. */
      from?: string;
      to: string;
    };
    /** @description One key of an environment's bundle, or why it could not be read. */
    GitopsKeyValue: {
      path: string;
      key: string;
      value?: string;
      /**
       * @description For an image tag: the full image reference it makes with the keys
       *     beside it in the file (Helm's `registry`, `repository` or `image`,
       *     `digest`; Kustomize's `newName` or the entry's `name`), which drift
       *     compares with the images Argo CD runs. Absent when the file does not
       *     say which image.
       */
      image?: string;
      problem?: string;
    };
    /**
     * @description Git asks for something Argo CD does not run: an image of the bundle
     *     (by its full reference where the file names the image, else by its
     *     tag) that is not among the live images, or a chart version other than
     *     the one at the commit Argo CD runs (or than its revision, for a chart
     *     pulled from a Helm repository). The first difference.
     */
    Drift: {
      /** @description What git asks for (an image reference, a tag or a chart version). */
      desired: string;
      /** @description What Argo CD runs (its images, or the chart version). */
      live: string[];
    };
    /**
     * @description Why an environment has no Argo CD status.
     * @enum {string}
     */
    GitopsArgoCdUnknownReason:
      | 'application-missing'
      | 'instance-unreachable'
      | 'access-denied'
      | 'not-configured';
    /** @description Argo CD's view of one environment of a service. */
    GitopsKnownArgoCdStatus: {
      /** @constant */
      state: 'known';
      /** @description `Synced`, `OutOfSync` or `Unknown`. */
      syncStatus: string;
      revision?: string;
      revisions: string[];
      health: {
        /** @description `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing` or `Unknown`. */
        status: string;
        message?: string;
      };
      /** @description Images of the live resources. */
      images: string[];
      operation?: {
        phase: string;
        message?: string;
        revision?: string;
        revisions: string[];
        /** Format: date-time */
        finishedAt?: string;
      };
      /** Format: date-time */
      lastDeployedAt?: string;
      /** Format: date-time */
      reconciledAt?: string;
      application: {
        instance: string;
        name: string;
        namespace?: string;
        project?: string;
      };
    };
    /** @description An environment without Argo CD status; git versions are still known. */
    GitopsUnknownArgoCdStatus: {
      /** @constant */
      state: 'unknown';
      reason: components['schemas']['GitopsArgoCdUnknownReason'];
      /** @description Readable explanation. */
      message: string;
      application?: {
        instance: string;
        name?: string;
        selector?: string;
        namespace?: string;
        project?: string;
      };
    };
    /** @description The Argo CD status of one environment of a service. */
    GitopsArgoCdStatus:
      | components['schemas']['GitopsKnownArgoCdStatus']
      | components['schemas']['GitopsUnknownArgoCdStatus'];
    /** @description A promotion as the ledger records it. */
    PromotionRecord: {
      /** Format: uuid */
      id: string;
      entityRef?: string;
      service: string;
      /** @description Absent for CI sets and rollbacks. */
      sourceEnv?: string;
      targetEnv: string;
      /** @enum {string} */
      kind: 'promote' | 'rollback' | 'ci' | 'bulk';
      versions: components['schemas']['PromotionValueChange'][];
      /** @description Entity ref of the user or service that asked. */
      requester: string;
      mode: components['schemas']['PromotionMode'];
      repositoryId: string;
      branch: string;
      baseCommit?: string;
      commitSha?: string;
      pullRequest?: {
        url: string;
        number: number;
      };
      state: components['schemas']['PromotionState'];
      stateReason?: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      /** Format: date-time */
      committedAt?: string;
      /** Format: date-time */
      deployedAt?: string;
      /**
       * @description Absent when a person or CI asked. `auto-promotion`: the backend
       *     promoted by itself (an edge with `auto: true`); `auto-rollback`:
       *     the backend rolled back a promotion whose rollout or verification
       *     failed (`rollbackOf` names it).
       * @enum {string}
       */
      trigger?: 'auto-promotion' | 'auto-rollback';
      /**
       * Format: uuid
       * @description The failed promotion this automatic rollback undoes.
       */
      rollbackOf?: string;
      approvals?: components['schemas']['PromotionApprovals'];
      /** @description The target's verification checks after the rollout, in configured order. */
      verification?: components['schemas']['VerificationCheckResult'][];
    };
    /** @description What a promotion into an environment with `approvals` waits for, and the decisions so far. */
    PromotionApprovals: {
      required: number;
      /** @description Group entity refs whose members may decide. */
      from: string[];
      decisions: components['schemas']['ApprovalDecision'][];
    };
    ApprovalDecision: {
      /** @description User entity ref. */
      approver: string;
      /** @enum {string} */
      decision: 'approve' | 'reject';
      comment?: string;
      /** Format: date-time */
      at: string;
    };
    /** @description One verification check of a promotion. */
    VerificationCheckResult: {
      name: string;
      /** @enum {string} */
      type: 'argocd-health' | 'http' | 'webhook';
      /** @enum {string} */
      state: 'pending' | 'passed' | 'failed';
      message?: string;
      /**
       * Format: date-time
       * @description When it passed or failed.
       */
      at?: string;
    };
    /** @description Automatic promotion paused for a service, an environment, or both. */
    AutoPromotionPause: {
      /** @description Absent for a whole environment. */
      entityRef?: string;
      /** @description Absent for every environment of the service. */
      environment?: string;
      reason?: string;
      pausedBy: string;
      /** Format: date-time */
      pausedAt: string;
    };
    /** @description The answer of `GET /auto-promotion/pauses`. */
    AutoPromotionPauseList: {
      items: components['schemas']['AutoPromotionPause'][];
    };
    /** @description An upstream this environment is promoted from automatically. */
    AutoPromotionEdge: {
      environment: string;
      /** @description How long (ISO 8601) the upstream must run a version Synced and Healthy first. */
      after?: string;
    };
    /** @description What a promotion into the environment goes through besides the rules. */
    EnvironmentGates: {
      /** @description Upstreams whose versions are promoted here automatically. */
      autoPromotesFrom?: components['schemas']['AutoPromotionEdge'][];
      /** @description Automatic promotion into this environment is paused (for every service). */
      autoPromotionPaused?: boolean;
      approvals?: {
        required: number;
        from: string[];
      };
      /** @description Names of the checks a rollout must pass before it counts as deployed. */
      verification?: string[];
      rollbackOnFailure?: boolean;
    };
    /** @description The answer of `GET /promotions`, newest first. */
    PromotionListResponse: {
      items: components['schemas']['PromotionRecord'][];
    };
    /** @description The answer of `POST /ci/versions`: one promotion per environment set. */
    CiVersionsResponse: {
      items: components['schemas']['PromotionRecord'][];
    };
    /** @description A promotion into an environment that has not reached a final state. */
    InFlightPromotion: {
      /** Format: uuid */
      id: string;
      state: components['schemas']['PromotionState'];
      sourceEnv?: string;
      versions: components['schemas']['PromotionValueChange'][];
      commitSha?: string;
      /** Format: date-time */
      createdAt: string;
      requester?: string;
      /** @enum {string} */
      trigger?: 'auto-promotion' | 'auto-rollback';
      approvals?: components['schemas']['PromotionApprovals'];
      /**
       * @description The caller may approve or reject it now: it awaits approval, they
       *     are a member of one of `approvals.from`, did not request it and
       *     have not decided yet.
       */
      mayDecide?: boolean;
      verification?: components['schemas']['VerificationCheckResult'][];
    };
    /** @description The outcome of one promotion rule. */
    PromotionVerdict: {
      /**
       * @description `permission`, `rollback-history`, `source-pin`, `pipeline-order`,
       *     `upstream-gate`, `immutable-version`, `freeze-window`, or a rule
       *     added later.
       */
      rule: string;
      passed: boolean;
      message: string;
      /** @description The rule would have refused but the caller holds an override permission. */
      overridden?: boolean;
    };
    /** @description The preview of one target: the exact change and every rule's verdict. */
    PromotionTargetPreview: {
      environment: string;
      mode: components['schemas']['PromotionMode'];
      /** @description The commit of the target's branch the change was computed on; send it back. */
      baseCommit: string;
      /** @description The commit of the source's branch the versions were read at (absent for rollbacks); send it back. */
      sourceCommit?: string;
      /** @description Every value of the bundle this promotion writes, in bundle order; send it back. */
      versions: string[];
      edits: components['schemas']['PromotionValueChange'][];
      /** @description Unified diff of every changed file; empty when nothing changes. */
      diff: string;
      allowed: boolean;
      verdicts: components['schemas']['PromotionVerdict'][];
    };
    /** @description The answer of `POST /promotions/preview`. */
    PromotionPreviewResponse: {
      entityRef: string;
      service: string;
      source?: string;
      targets: components['schemas']['PromotionTargetPreview'][];
    };
    /** @description The answer of `POST /promotions/bulk/preview`: each service's preview, or why it cannot be planned. */
    BulkPromotionPreviewResponse: {
      source: string;
      target: string;
      /** @description The one commit of the target branch every preview was computed on; absent when no service could be planned. */
      baseCommit?: string;
      services: (
        | {
            entityRef: string;
            service: string;
            preview: components['schemas']['PromotionTargetPreview'];
          }
        | {
            entityRef: string;
            refusal: string;
          }
      )[];
    };
    /** @description The answer of `POST /promotions/bulk`: one release train. */
    BulkPromotionResponse: {
      /** Format: uuid */
      bulkId: string;
      /** @description One per promoted service; they share one commit or pull request. */
      promotions: components['schemas']['PromotionRecord'][];
      /** @description Services left out, each with why. */
      refused: {
        entityRef: string;
        reason: string;
      }[];
    };
    /** @description What the caller may do from an environment: promote into `target`. */
    PromoteOption: {
      target: string;
      allowed: boolean;
      /** @description The failed rules' messages when not allowed. */
      reasons: string[];
    };
    /** @description How far an environment is behind its first upstream. */
    EnvironmentLag: {
      upstream: string;
      upstreamVersion?: string;
      /** @description Versions the upstream went through since this version; absent when unknown. */
      versionsBehind?: number;
      /**
       * Format: date-time
       * @description When the upstream first moved past this version.
       */
      behindSince?: string;
    };
    /** @description One environment of one service (`GET /environments`). */
    EnvironmentView: {
      name: string;
      title: string;
      /** @description Direct upstreams. */
      promotesFrom: string[];
      mode: components['schemas']['PromotionMode'];
      protected: boolean;
      /** @description Names of the freeze windows active now. */
      frozen: string[];
      /** @description The bundle's first value. */
      version?: string;
      values: components['schemas']['GitopsKeyValue'][];
      /** @description The commit the values were read at; absent when the repository could not be read (each value then says why). */
      commitSha?: string;
      status: components['schemas']['GitopsArgoCdStatus'];
      drift?: components['schemas']['Drift'];
      /**
       * @description The newest commit that changed this environment's version, from
       *     the git history of its file (the last 10 commits); absent when
       *     they have none.
       */
      lastChange?: components['schemas']['EnvironmentHistoryEntry'];
      lag?: components['schemas']['EnvironmentLag'];
      openPullRequests: {
        id: string;
        url: string;
        number: number;
      }[];
      inFlight: components['schemas']['InFlightPromotion'][];
      promote: components['schemas']['PromoteOption'][];
      gates?: components['schemas']['EnvironmentGates'];
      /** @description Automatic promotion of this service into this environment is paused (by a pause of the service, the environment, or both). */
      autoPromotionPaused?: boolean;
      /** @description The caller holds `gitops-promotion.auto-promotion.pause` here (shown where the environment is promoted into automatically). */
      mayPausePromotion?: boolean;
      /**
       * @description Whether the caller holds `gitops-promotion.environment.promote`
       *     for this environment of this service (the policy may condition
       *     it on the service's owners): rollbacks into it need it.
       *     Promotions into a downstream are described by `promote`.
       */
      mayPromote: boolean;
    };
    /** @description The answer of `GET /environments?entityRef=`. */
    EnvironmentsResponse: {
      entityRef: string;
      service: string;
      /** @description In pipeline order. */
      environments: components['schemas']['EnvironmentView'][];
    };
    /** @description A commit that touched the file holding the version. */
    EnvironmentHistoryEntry: {
      commitSha: string;
      author: {
        name: string;
        email: string;
      };
      /** Format: date-time */
      date: string;
      message: string;
      /** @description Equal to `to` when the commit changed something else in the file. */
      from?: string;
      to?: string;
      /** @description Every value of the bundle after this commit (what a rollback to it sends); absent when one was unset or unreadable then. */
      versions?: string[];
    };
    /** @description The answer of `GET /environments/history`, newest first. */
    EnvironmentHistoryResponse: {
      entityRef: string;
      environment: string;
      path: string;
      key: string;
      history: components['schemas']['EnvironmentHistoryEntry'][];
    };
    /** @description An environment as a column of the matrix. */
    MatrixEnvironment: {
      name: string;
      title: string;
      promotesFrom: string[];
      mode: components['schemas']['PromotionMode'];
      protected: boolean;
      /** @description Names of the freeze windows active now. */
      frozen: string[];
      gates?: components['schemas']['EnvironmentGates'];
      /**
       * @description The caller holds `gitops-promotion.auto-promotion.pause` here
       *     (present where the environment is promoted into automatically):
       *     they may pause or resume it for every service.
       */
      mayPausePromotion?: boolean;
    };
    /**
     * @description Argo CD's view of one cell, as much as the matrix shows: sync and
     *     health (the Environments tab has the rest), or why it is unknown.
     */
    MatrixCellStatus:
      | {
          /** @constant */
          state: 'known';
          /** @description `Synced`, `OutOfSync` or `Unknown`. */
          syncStatus: string;
          health: {
            status: string;
            message?: string;
          };
        }
      | {
          /** @constant */
          state: 'unknown';
          reason: components['schemas']['GitopsArgoCdUnknownReason'];
          message: string;
        };
    /**
     * @description One service in one environment of the matrix, at its environment's
     *     position in `environments`. Nothing the environment or the service
     *     already says is repeated, and empty fields are left out, so 10,000
     *     cells stay under 2 MB.
     */
    MatrixCell: {
      /** @description The first key's value; absent when it could not be read. */
      version?: string;
      /**
       * @description Every key the environment reads, when there is more than the
       *     version to tell: several keys, or a key that could not be read
       *     (with its problem). Absent when the version is the only value.
       */
      values?: components['schemas']['GitopsKeyValue'][];
      status: components['schemas']['MatrixCellStatus'];
      drift?: components['schemas']['Drift'];
      /** @description The version differs from the first upstream's; absent when either is unknown. */
      behind?: boolean;
      /**
       * @description Present when the cell is behind: how far. Absent while
       *     `lagPending` (the history is still being read).
       */
      lag?: components['schemas']['EnvironmentLag'];
      /** @description Absent when there are none. */
      openPullRequests?: {
        id: string;
        url: string;
        number: number;
      }[];
      /** @description Absent when there are none. */
      inFlight?: {
        /** Format: uuid */
        id: string;
        state: components['schemas']['PromotionState'];
        sourceEnv?: string;
        /** @enum {string} */
        trigger?: 'auto-promotion' | 'auto-rollback';
        /** @description The caller may approve or reject it now. */
        mayDecide?: boolean;
      }[];
      /** @description Automatic promotion of this service into this environment is paused; absent when not. */
      autoPromotionPaused?: boolean;
    };
    /** @description A service as a row of the matrix. */
    MatrixService: {
      entityRef: string;
      service: string;
      title: string;
      /** @description `spec.owner` as written in the entity. */
      owner?: string;
      /** @description Entity refs of the owners (the `ownedBy` relations). */
      owners: string[];
      system?: string;
      /** @description Entity refs of the systems (the `partOf` relations). */
      systems: string[];
      /**
       * Format: date-time
       * @description The newest of its cells' last Argo CD deployments (what "last change" sorts by).
       */
      lastDeployedAt?: string;
      lifecycle?: string;
      /** @description One per environment, in the order of `environments`. */
      cells: components['schemas']['MatrixCell'][];
    };
    /** @description The answer of `GET /matrix`. */
    MatrixResponse: {
      /**
       * @description True while the lag of behind cells is still being counted: a
       *     backend that has just started reads the GitOps repository's
       *     history in the background after answering with versions and
       *     status. Ask again in a few seconds.
       */
      lagPending: boolean;
      /** @description The environments the caller may read, in pipeline order. */
      environments: components['schemas']['MatrixEnvironment'][];
      services: components['schemas']['MatrixService'][];
    };
    /**
     * @description The delivery figures of one service (or of all services asked for)
     *     in one environment over the period (see `GET /delivery`).
     */
    EnvironmentDeploymentFigures: {
      environment: string;
      /** @description Promotions that reached `deployed`, plus commits made outside the plugin that changed the version. */
      deployments: number;
      /** @description Of `deployments`, the commits made outside the plugin (no promotion of the ledger made them). */
      outsideDeployments: number;
      /** @description `deployments` per 7 days of the period. */
      perWeek: number;
      /** Format: date-time */
      lastDeployedAt?: string;
      /** @description Deployments per 7 days of the period, oldest first. */
      weekly: number[];
      /** @description Deployments plus promotions that ended `failed` after their commit. */
      changes: number;
      /**
       * @description Changes that failed: the promotion ended `failed` after its
       *     commit, or the next change rolled it back (a ledger rollback, or
       *     the one `rollbackOf` names) or reverted it outside the plugin.
       */
      failures: number;
      /** @description `failures / changes`, from 0 to 1; absent without changes. */
      changeFailureRate?: number;
      timeToRestore: components['schemas']['TimeToRestoreFigures'];
    };
    /** @description Lead time from the first environment to production. */
    LeadTimeFigures: {
      /** @description Production deployments measured. */
      samples: number;
      medianHours?: number;
      p90Hours?: number;
    };
    /**
     * @description From a failure (a failed promotion's `updatedAt`, the deployment of a
     *     change that was rolled back or reverted) to the next deployment into
     *     the same service and environment.
     */
    TimeToRestoreFigures: {
      /** @description Failures of the period that a deployment followed. */
      samples: number;
      medianHours?: number;
      p90Hours?: number;
      /** @description Failures of the period that no deployment followed yet. */
      unrestored: number;
    };
    /** @description The answer of `GET /delivery`. */
    DeliveryFiguresResponse: {
      /** Format: date-time */
      since: string;
      /** Format: date-time */
      until: string;
      services: {
        service: string;
        environments: components['schemas']['EnvironmentDeploymentFigures'][];
        leadTime: components['schemas']['LeadTimeFigures'];
      }[];
      total: {
        environments: components['schemas']['EnvironmentDeploymentFigures'][];
        leadTime: components['schemas']['LeadTimeFigures'];
      };
      /**
       * @description What the figures leave out, e.g. a repository branch whose
       *     history could not be read (its changes made outside the plugin
       *     are not counted).
       */
      warnings?: string[];
    };
    /** @description One file of a registration. */
    RegisteredFile: {
      environment: string;
      path: string;
      content: string;
      /** @description Unified diff against the branch head; empty when the file is already there as rendered. */
      diff: string;
    };
    /** @description The answer of `POST /services`. */
    ServiceRegistrationResult: {
      service: string;
      layout: string;
      environments: string[];
      version: string;
      /** @description Whether this request wrote the files (or opened the pull request). */
      created: boolean;
      dryRun: boolean;
      mode: components['schemas']['PromotionMode'];
      repository: string;
      branch: string;
      /** @description The branch head the files were compared with (and the commit was based on). */
      baseCommit: string;
      /** @description What happened, in one sentence. */
      message: string;
      commit?: {
        sha: string;
        url?: string;
      };
      pullRequest?: {
        number: number;
        url: string;
      };
      files: components['schemas']['RegisteredFile'][];
      /** @description The annotations the service's catalog entity needs. */
      annotations: {
        [key: string]: string;
      };
    };
  };
  responses: {
    /**
     * @description Bad input: the message names the field or the rule (pipeline order,
     *     immutable version, rollback history, a pin not on its branch).
     */
    BadRequest: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description No or invalid Backstage credentials. */
    Unauthorized: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description Not allowed (the wrong kind of principal, or a permission, named). */
    Forbidden: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description An unknown entity or environment, or a promotion the caller may not read. */
    NotFound: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /**
     * @description The source or the target's files moved since the preview, the
     *     environment already runs the versions, a gate or freeze window
     *     refuses for now, or (registration) the service's files exist.
     */
    Conflict: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The body is larger than 64 KB. */
    PayloadTooLarge: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The `Idempotency-Key` was already used by this requester with another body. */
    UnprocessableContent: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The GitOps repository, GitHub or the ledger's database is unavailable; try again. */
    ServiceUnavailable: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
  };
  parameters: {
    entityRefQuery: components['schemas']['EntityRef'];
    /**
     * @description Makes the request idempotent for its requester: the same key with
     *     the same body answers the first result; with another body, 422.
     */
    idempotencyKey: string;
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
}
/** @public */
export type $defs = Record<string, never>;
/** @public */
export interface operations {
  getEnvironments: {
    parameters: {
      query: {
        entityRef: components['parameters']['entityRefQuery'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The service's environments. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EnvironmentsResponse'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  getEnvironmentHistory: {
    parameters: {
      query: {
        entityRef: components['parameters']['entityRefQuery'];
        environment: components['schemas']['EnvironmentName'];
        /** @description At most this many commits. */
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The history, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EnvironmentHistoryResponse'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  getMatrix: {
    parameters: {
      query?: {
        /** @description Owners (entity refs, default kind `group`), any of them. */
        owner?: components['schemas']['EntityRefList'];
        /** @description Systems (entity refs, default kind `system`), any of them. */
        system?: components['schemas']['EntityRefList'];
        /** @description The entities' `spec.lifecycle`, any of them. */
        lifecycle?: components['schemas']['EnvironmentName'][];
        /** @description These entities only (the other filters are still validated). */
        entityRef?: components['schemas']['EntityRefList'];
      };
      header?: {
        /** @description The `ETag` of the caller's copy; answered 304 when it is still current. */
        'If-None-Match'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The matrix. */
      200: {
        headers: {
          /** @description Names this answer; send it back as `If-None-Match`. */
          ETag?: string;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MatrixResponse'];
        };
      };
      /** @description The caller's copy (`If-None-Match`) is current. */
      304: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  previewPromotion: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PromotionPreviewRequest'];
      };
    };
    responses: {
      /** @description The preview of each target, in the order asked. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PromotionPreviewResponse'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      409: components['responses']['Conflict'];
      413: components['responses']['PayloadTooLarge'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  previewBulkPromotion: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['BulkPromotionPreviewRequest'];
      };
    };
    responses: {
      /** @description Each service's preview or refusal. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['BulkPromotionPreviewResponse'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      413: components['responses']['PayloadTooLarge'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  listPromotions: {
    parameters: {
      query?: {
        entityRef?: components['schemas']['EntityRef'];
        /** @description The target environment. */
        environment?: components['schemas']['EnvironmentName'];
        /** @description At most this many. */
        limit?: number;
        /** @description The id of the last promotion of the previous page. */
        before?: components['schemas']['PromotionId'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The promotions. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PromotionListResponse'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  createPromotion: {
    parameters: {
      query?: never;
      header?: {
        /**
         * @description Makes the request idempotent for its requester: the same key with
         *     the same body answers the first result; with another body, 422.
         */
        'Idempotency-Key'?: components['parameters']['idempotencyKey'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PromotionRequest'];
      };
    };
    responses: {
      /** @description The promotion an earlier request with this idempotency key made. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PromotionRecord'];
        };
      };
      /** @description The promotion this request made. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PromotionRecord'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      409: components['responses']['Conflict'];
      413: components['responses']['PayloadTooLarge'];
      422: components['responses']['UnprocessableContent'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  createBulkPromotion: {
    parameters: {
      query?: never;
      header?: {
        /**
         * @description Makes the request idempotent for its requester: the same key with
         *     the same body answers the first result; with another body, 422.
         */
        'Idempotency-Key'?: components['parameters']['idempotencyKey'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['BulkPromotionRequest'];
      };
    };
    responses: {
      /** @description The release train (also when answered for a repeated idempotency key). */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['BulkPromotionResponse'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      409: components['responses']['Conflict'];
      413: components['responses']['PayloadTooLarge'];
      422: components['responses']['UnprocessableContent'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  getPromotion: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['schemas']['PromotionId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The promotion. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PromotionRecord'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  decidePromotion: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['schemas']['PromotionId'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ApprovalRequest'];
      };
    };
    responses: {
      /** @description The promotion after the decision. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PromotionRecord'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      409: components['responses']['Conflict'];
      413: components['responses']['PayloadTooLarge'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  listAutoPromotionPauses: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The pauses, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AutoPromotionPauseList'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  pauseAutoPromotion: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AutoPromotionPauseRequest'];
      };
    };
    responses: {
      /** @description The pause that was already there. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AutoPromotionPause'];
        };
      };
      /** @description The new pause. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AutoPromotionPause'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      413: components['responses']['PayloadTooLarge'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  resumeAutoPromotion: {
    parameters: {
      query?: {
        /** @description The service of the pause; absent for an environment's pause. */
        entityRef?: components['schemas']['EntityRef'];
        /** @description The environment of the pause; absent for a service's pause. */
        environment?: components['schemas']['EnvironmentName'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The pause removed. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AutoPromotionPause'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  setCiVersions: {
    parameters: {
      query?: never;
      header?: {
        /**
         * @description Makes the request idempotent for its requester: the same key with
         *     the same body answers the first result; with another body, 422.
         */
        'Idempotency-Key'?: components['parameters']['idempotencyKey'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CiVersionsRequest'];
      };
    };
    responses: {
      /** @description The promotions earlier requests with this idempotency key made. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CiVersionsResponse'];
        };
      };
      /** @description One promotion per environment. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CiVersionsResponse'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      409: components['responses']['Conflict'];
      413: components['responses']['PayloadTooLarge'];
      422: components['responses']['UnprocessableContent'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  registerService: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ServiceRegistrationRequest'];
      };
    };
    responses: {
      /** @description Nothing written (already registered, pull request already open, or a dry run). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ServiceRegistrationResult'];
        };
      };
      /** @description Written in one commit or pull request. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ServiceRegistrationResult'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      409: components['responses']['Conflict'];
      413: components['responses']['PayloadTooLarge'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
  getDeliveryFigures: {
    parameters: {
      query?: {
        entityRef?: components['schemas']['EntityRefList'];
        /** @description Owners (entity refs, default kind `group`). */
        owner?: components['schemas']['EntityRefList'];
        /** @description The period, ending now. */
        days?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The figures. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeliveryFiguresResponse'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      503: components['responses']['ServiceUnavailable'];
    };
  };
}
