/**
 * The JSON the GitOps Promotion REST API (`/api/gitops-promotion`) answers
 * with, as clients see it: timestamps are ISO 8601 strings.
 */

/**
 * One key of an environment's bundle, or why it could not be read.
 *
 * @public
 */
export interface GitopsKeyValue {
  path: string;
  key: string;
  value?: string;
  problem?: string;
}

/**
 * Argo CD's view of one environment of a service.
 *
 * @public
 */
export interface GitopsKnownArgoCdStatus {
  state: 'known';
  /** `Synced`, `OutOfSync` or `Unknown`. */
  syncStatus: string;
  revision?: string;
  revisions: string[];
  health: {
    /** `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing` or `Unknown`. */
    status: string;
    message?: string;
  };
  /** Images of the live resources. */
  images: string[];
  operation?: {
    phase: string;
    message?: string;
    revision?: string;
    revisions: string[];
    finishedAt?: string;
  };
  lastDeployedAt?: string;
  reconciledAt?: string;
  application: {
    instance: string;
    name: string;
    namespace?: string;
    project?: string;
  };
}

/**
 * Why an environment has no Argo CD status.
 *
 * @public
 */
export type GitopsArgoCdUnknownReason =
  | 'application-missing'
  | 'instance-unreachable'
  | 'access-denied'
  | 'not-configured';

/**
 * An environment without Argo CD status; git versions are still known.
 *
 * @public
 */
export interface GitopsUnknownArgoCdStatus {
  state: 'unknown';
  reason: GitopsArgoCdUnknownReason;
  /** Readable explanation. */
  message: string;
  application?: {
    instance: string;
    name?: string;
    selector?: string;
    namespace?: string;
    project?: string;
  };
}

/**
 * The Argo CD status of one environment of a service.
 *
 * @public
 */
export type GitopsArgoCdStatus =
  | GitopsKnownArgoCdStatus
  | GitopsUnknownArgoCdStatus;

/**
 * Where a promotion is: `pending` → `committed` or `pr-open` → `syncing` →
 * `deployed`; or `failed` / `rejected`.
 *
 * @public
 */
export type PromotionState =
  | 'pending'
  | 'committed'
  | 'pr-open'
  | 'syncing'
  | 'deployed'
  | 'failed'
  | 'rejected';

/**
 * States a promotion never leaves.
 *
 * @public
 */
export const FINAL_PROMOTION_STATES: readonly PromotionState[] = [
  'deployed',
  'failed',
  'rejected',
];

/**
 * True when the promotion will not change state any more.
 *
 * @public
 */
export function isFinalPromotionState(state: PromotionState): boolean {
  return FINAL_PROMOTION_STATES.includes(state);
}

/**
 * How a promotion is written to the GitOps repository.
 *
 * @public
 */
export type PromotionMode = 'commit' | 'pull-request';

/**
 * One value a promotion changes.
 *
 * @public
 */
export interface PromotionValueChange {
  path: string;
  key: string;
  /** Absent when the key was unset. */
  from?: string;
  to: string;
}

/**
 * A promotion as the ledger records it.
 *
 * @public
 */
export interface PromotionRecord {
  id: string;
  entityRef?: string;
  service: string;
  /** Absent for CI sets and rollbacks. */
  sourceEnv?: string;
  targetEnv: string;
  kind: 'promote' | 'rollback' | 'ci' | 'bulk';
  versions: PromotionValueChange[];
  /** Entity ref of the user or service that asked. */
  requester: string;
  mode: PromotionMode;
  repositoryId: string;
  branch: string;
  baseCommit?: string;
  commitSha?: string;
  pullRequest?: { url: string; number: number };
  state: PromotionState;
  stateReason?: string;
  createdAt: string;
  updatedAt: string;
  committedAt?: string;
  deployedAt?: string;
}

/**
 * A promotion into an environment that has not reached a final state.
 *
 * @public
 */
export type InFlightPromotion = Pick<
  PromotionRecord,
  'id' | 'state' | 'sourceEnv' | 'versions' | 'commitSha' | 'createdAt'
>;

/**
 * What the caller may do from an environment: promote into `target`.
 *
 * @public
 */
export interface PromoteOption {
  target: string;
  allowed: boolean;
  /** The failed rules' messages when not allowed. */
  reasons: string[];
}

/**
 * One environment of one service (`GET /environments`).
 *
 * @public
 */
export interface EnvironmentView {
  name: string;
  title: string;
  /** Direct upstreams. */
  promotesFrom: string[];
  mode: PromotionMode;
  protected: boolean;
  /** Names of the freeze windows active now. */
  frozen: string[];
  /** The bundle's first value. */
  version?: string;
  values: GitopsKeyValue[];
  /** The commit the values were read at. */
  commitSha: string;
  status: GitopsArgoCdStatus;
  /** Git's version is not among the live images. */
  drift?: { desired: string; live: string[] };
  lag?: {
    upstream: string;
    upstreamVersion?: string;
    versionsBehind?: number;
    behindSince?: string;
  };
  openPullRequests: Array<{ id: string; url: string; number: number }>;
  inFlight: InFlightPromotion[];
  promote: PromoteOption[];
}

/**
 * The answer of `GET /environments?entityRef=`.
 *
 * @public
 */
export interface EnvironmentsResponse {
  entityRef: string;
  service: string;
  /** In pipeline order. */
  environments: EnvironmentView[];
}

/**
 * A commit that touched the file holding the version.
 *
 * @public
 */
export interface EnvironmentHistoryEntry {
  commitSha: string;
  author: { name: string; email: string };
  date: string;
  message: string;
  /** Equal when the commit changed something else in the file. */
  from?: string;
  to?: string;
  /**
   * Every value of the bundle after this commit, in bundle order (what a
   * rollback to this commit sends as `versions`); absent when one of them was
   * unset or unreadable then.
   */
  versions?: string[];
}

/**
 * The answer of `GET /environments/history`, newest first.
 *
 * @public
 */
export interface EnvironmentHistoryResponse {
  entityRef: string;
  environment: string;
  path: string;
  key: string;
  history: EnvironmentHistoryEntry[];
}

/**
 * The outcome of one promotion rule.
 *
 * @public
 */
export interface PromotionVerdict {
  rule:
    | 'permission'
    | 'rollback-history'
    | 'pipeline-order'
    | 'upstream-gate'
    | 'immutable-version'
    | 'freeze-window'
    | (string & {});
  passed: boolean;
  message: string;
  /** The rule would have refused but the caller holds an override permission. */
  overridden?: boolean;
}

/**
 * The preview of one target: the exact change and every rule's verdict.
 *
 * @public
 */
export interface PromotionTargetPreview {
  environment: string;
  mode: PromotionMode;
  /** The commit of the target's branch the change was computed on; send it back. */
  baseCommit: string;
  /**
   * The commit of the source's branch the versions were read at (absent for
   * rollbacks and CI sets); send it back.
   */
  sourceCommit?: string;
  /**
   * Every value of the bundle this promotion writes, in bundle order; send it
   * back as `versions`. A confirm writes exactly these, or answers 409.
   */
  versions: string[];
  edits: PromotionValueChange[];
  /** Unified diff of every changed file; empty when nothing changes. */
  diff: string;
  allowed: boolean;
  verdicts: PromotionVerdict[];
}

/**
 * The answer of `POST /promotions/preview`.
 *
 * @public
 */
export interface PromotionPreviewResponse {
  entityRef: string;
  service: string;
  source?: string;
  targets: PromotionTargetPreview[];
}

/**
 * The body of `POST /promotions/preview`.
 *
 * @public
 */
export interface PromotionPreviewRequest {
  entityRef: string;
  source?: string;
  targets: string[];
  versions?: string[];
}

/**
 * The body of `POST /promotions`: from `source`, or a rollback to `versions`.
 *
 * @public
 */
export type PromotionRequest =
  | {
      kind?: 'promote';
      entityRef: string;
      source: string;
      target: string;
      /**
       * The versions the preview showed (its `versions`): the source must
       * still run exactly these, else 409 and nothing is written.
       */
      versions?: string[];
      /** The preview's `baseCommit`: the target's files as reviewed. */
      baseCommit?: string;
      /** The preview's `sourceCommit`: the source's files as reviewed. */
      sourceCommit?: string;
    }
  | {
      kind: 'rollback';
      entityRef: string;
      target: string;
      versions: string[];
      baseCommit?: string;
    };

/**
 * An environment as a column of the matrix.
 *
 * @public
 */
export interface MatrixEnvironment {
  name: string;
  title: string;
  promotesFrom: string[];
  mode: PromotionMode;
  protected: boolean;
  /** Names of the freeze windows active now. */
  frozen: string[];
}

/**
 * How far an environment is behind its first upstream.
 *
 * @public
 */
export interface EnvironmentLag {
  upstream: string;
  upstreamVersion?: string;
  /** Versions the upstream went through since this version; absent when unknown. */
  versionsBehind?: number;
  /** When the upstream first moved past this version (ISO 8601). */
  behindSince?: string;
}

/**
 * One service in one environment of the matrix.
 *
 * @public
 */
export interface MatrixCell {
  environment: string;
  version?: string;
  values: GitopsKeyValue[];
  status: GitopsArgoCdStatus;
  drift?: { desired: string; live: string[] };
  /** The version differs from the first upstream's; absent when either is unknown. */
  behind?: boolean;
  upstreamVersion?: string;
  lag?: EnvironmentLag;
  openPullRequests: Array<{ id: string; url: string; number: number }>;
  inFlight: Array<Pick<PromotionRecord, 'id' | 'state' | 'sourceEnv'>>;
}

/**
 * A service as a row of the matrix.
 *
 * @public
 */
export interface MatrixService {
  entityRef: string;
  service: string;
  title: string;
  /** `spec.owner` as written in the entity. */
  owner?: string;
  /** Entity refs of the owners (the `ownedBy` relations). */
  owners: string[];
  system?: string;
  /** Entity refs of the systems (the `partOf` relations). */
  systems: string[];
  lifecycle?: string;
  /** One per environment, in the order of `environments`. */
  cells: MatrixCell[];
}

/**
 * The answer of `GET /matrix`.
 *
 * @public
 */
export interface MatrixResponse {
  /** The environments the caller may read, in pipeline order. */
  environments: MatrixEnvironment[];
  services: MatrixService[];
}

/**
 * The answer of `POST /promotions/bulk`: one release train.
 *
 * @public
 */
export interface BulkPromotionResponse {
  bulkId: string;
  /** One per promoted service; they share one commit or pull request. */
  promotions: PromotionRecord[];
  /** Services left out, each with why. */
  refused: Array<{ entityRef: string; reason: string }>;
}

/**
 * Deployments of one service (or team) into one environment in a period.
 *
 * @public
 */
export interface EnvironmentDeploymentFigures {
  environment: string;
  deployments: number;
  perWeek: number;
  lastDeployedAt?: string;
  /** Deployments per 7 days of the period, oldest first. */
  weekly: number[];
}

/**
 * Lead time from the first environment to production.
 *
 * @public
 */
export interface LeadTimeFigures {
  samples: number;
  medianHours?: number;
  p90Hours?: number;
}

/**
 * The answer of `GET /delivery`.
 *
 * @public
 */
export interface DeliveryFiguresResponse {
  since: string;
  until: string;
  services: Array<{
    service: string;
    environments: EnvironmentDeploymentFigures[];
    leadTime: LeadTimeFigures;
  }>;
  total: {
    environments: EnvironmentDeploymentFigures[];
    leadTime: LeadTimeFigures;
  };
}

/**
 * The body of `POST /promotions/bulk`: a release train from `source` to `target`.
 *
 * @public
 */
export interface BulkPromotionRequest {
  entityRefs: string[];
  source: string;
  target: string;
  /** Refuse the whole train when any service is refused. */
  allOrNothing?: boolean;
  /**
   * The bulk preview's `baseCommit`: every service's target files as
   * reviewed (the train is one commit on one branch).
   */
  baseCommit?: string;
  /**
   * What the bulk preview showed, one per service of `entityRefs`: each
   * service's source must still run exactly these versions, else 409 and
   * nothing is written.
   */
  pins?: BulkPromotionPin[];
}

/**
 * The versions a release train's preview showed for one service.
 *
 * @public
 */
export interface BulkPromotionPin {
  entityRef: string;
  /** The service preview's `versions`. */
  versions: string[];
  /** The service preview's `sourceCommit`. */
  sourceCommit?: string;
}

/**
 * The answer of `POST /promotions/bulk/preview`: each service's preview, or
 * why it cannot be planned.
 *
 * @public
 */
export interface BulkPromotionPreviewResponse {
  source: string;
  target: string;
  /**
   * The one commit of the target branch every service's preview was
   * computed on, when the train can be written (send it back); absent when
   * no service could be planned.
   */
  baseCommit?: string;
  services: Array<
    | { entityRef: string; service: string; preview: PromotionTargetPreview }
    | { entityRef: string; refusal: string }
  >;
}
