/**
 * A cell of the environment matrix: one service in one environment, with the
 * catalog entity's annotations that may override the Argo CD mapping.
 *
 * @public
 */
export interface ArgoCdTarget {
  /** The service name in the GitOps repository (`{service}`). */
  service: string;
  /** The environment name (`{env}`). */
  environment: string;
  /** The entity's `metadata.annotations`, for the `gitops-promotion/argocd-*` overrides. */
  annotations?: Record<string, string>;
}

/**
 * The Argo CD application a cell maps to.
 *
 * @public
 */
export interface ArgoCdApplicationRef {
  /** Name of the configured instance. */
  instance: string;
  name: string;
  namespace?: string;
  project?: string;
}

/**
 * Where the application of a cell without status was looked for.
 *
 * @public
 */
export interface ArgoCdApplicationLookup {
  /** Name of the configured instance. */
  instance: string;
  /** Set when the cell maps by name. */
  name?: string;
  /** Set when the cell maps by label selector. */
  selector?: string;
  namespace?: string;
  project?: string;
}

/**
 * A cell whose Argo CD application was found.
 *
 * @public
 */
export interface KnownArgoCdStatus {
  state: 'known';
  /** `Synced`, `OutOfSync` or `Unknown`. */
  syncStatus: string;
  /** The revision Argo CD last compared with (single-source applications). */
  revision?: string;
  /** The revisions of a multi-source application, in source order. */
  revisions: string[];
  health: {
    /** `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing` or `Unknown`. */
    status: string;
    message?: string;
  };
  /** Images of the live resources (`status.summary.images`). */
  images: string[];
  /** The last or current sync operation. */
  operation?: {
    phase: string;
    message?: string;
    /** The revision the operation syncs to. */
    revision?: string;
    revisions: string[];
    finishedAt?: string;
  };
  /** When the application last finished a deployment (ISO 8601). */
  lastDeployedAt?: string;
  /** When Argo CD last compared the application (ISO 8601). */
  reconciledAt?: string;
  application: ArgoCdApplicationRef;
}

/**
 * Why a cell has no Argo CD status.
 *
 * @public
 */
export type ArgoCdUnknownReason =
  | 'application-missing'
  | 'instance-unreachable'
  | 'access-denied'
  | 'not-configured';

/**
 * A cell without Argo CD status. Only cells of an instance that is down or
 * refuses access are affected by it.
 *
 * @public
 */
export interface UnknownArgoCdStatus {
  state: 'unknown';
  reason: ArgoCdUnknownReason;
  /** Readable explanation; never contains credentials. */
  message: string;
  /** The application looked for, when the cell is mapped. */
  application?: ArgoCdApplicationLookup;
}

/**
 * The Argo CD status of one cell.
 *
 * @public
 */
export type ArgoCdStatus = KnownArgoCdStatus | UnknownArgoCdStatus;

/**
 * One deployment in an application's `status.history`.
 *
 * @public
 */
export interface ArgoCdDeployment {
  id?: number;
  revision?: string;
  revisions: string[];
  deployStartedAt?: string;
  deployedAt?: string;
}

/**
 * Where a promotion is in Argo CD.
 *
 * - `Pending`: Argo CD has not started on the commit yet.
 * - `Syncing`: the commit is being synced, or is Synced and Healthy but not
 *   yet for the settle window.
 * - `Deployed`: Synced and Healthy at the commit for the settle window.
 * - `Failed`: Degraded, a failed sync operation, or the timeout passed.
 *
 * @public
 */
export type RolloutPhase = 'Pending' | 'Syncing' | 'Deployed' | 'Failed';

/**
 * What the tracker remembers between two evaluations. Opaque to callers:
 * pass back what the previous evaluation returned.
 *
 * @public
 */
export interface RolloutTrackerState {
  commitSha: string;
  /** When the application was first seen Synced and Healthy at the commit (ISO 8601). */
  healthySince?: string;
}

/**
 * The result of one rollout evaluation.
 *
 * @public
 */
export interface RolloutEvaluation {
  phase: RolloutPhase;
  /** Readable explanation of the phase. */
  reason: string;
  /** Pass to the next evaluation. */
  state: RolloutTrackerState;
  /** The status the evaluation was based on. */
  status: ArgoCdStatus;
}
