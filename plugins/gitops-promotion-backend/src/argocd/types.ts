import type {
  GitopsArgoCdStatus,
  GitopsArgoCdUnknownReason,
  GitopsKnownArgoCdStatus,
  GitopsUnknownArgoCdStatus,
} from '@internal/backstage-plugin-gitops-promotion-common';

/**
 * The status types are the REST API's, declared once in -common.
 *
 * @public
 */
export type KnownArgoCdStatus = GitopsKnownArgoCdStatus;
/** @public */
export type UnknownArgoCdStatus = GitopsUnknownArgoCdStatus;
/** @public */
export type ArgoCdUnknownReason = GitopsArgoCdUnknownReason;
/** @public */
export type ArgoCdStatus = GitopsArgoCdStatus;
/**
 * The Argo CD application a cell maps to.
 *
 * @public
 */
export type ArgoCdApplicationRef = GitopsKnownArgoCdStatus['application'];
/**
 * Where the application of a cell without status was looked for.
 *
 * @public
 */
export type ArgoCdApplicationLookup = NonNullable<
  GitopsUnknownArgoCdStatus['application']
>;

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
