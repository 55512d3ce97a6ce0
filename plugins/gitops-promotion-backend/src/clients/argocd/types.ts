import type {
  GitopsArgoCdStatus,
  GitopsKnownArgoCdStatus,
  GitopsUnknownArgoCdStatus,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/**
 * The Argo CD application a cell maps to.
 */
export type ArgoCdApplicationRef = GitopsKnownArgoCdStatus['application'];
/**
 * Where the application of a cell without status was looked for.
 */
export type ArgoCdApplicationLookup = NonNullable<
  GitopsUnknownArgoCdStatus['application']
>;

/**
 * A cell of the environment matrix: one service in one environment, with the
 * catalog entity's annotations that may override the Argo CD mapping.
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
 */
export type RolloutPhase = 'Pending' | 'Syncing' | 'Deployed' | 'Failed';

/**
 * What the tracker remembers between two evaluations. Opaque to callers:
 * pass back what the previous evaluation returned.
 */
export interface RolloutTrackerState {
  commitSha: string;
  /** When the application was first seen Synced and Healthy at the commit (ISO 8601). */
  healthySince?: string;
}

/**
 * The result of one rollout evaluation.
 */
export interface RolloutEvaluation {
  phase: RolloutPhase;
  /** Readable explanation of the phase. */
  reason: string;
  /** Pass to the next evaluation. */
  state: RolloutTrackerState;
  /** The status the evaluation was based on. */
  status: GitopsArgoCdStatus;
}
