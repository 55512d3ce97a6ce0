import { DateTime, Duration } from 'luxon';
import { CronSchedule } from './cron';
import type { GitopsArgoCdStatus } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';

/** How a promotion into an environment is written to the GitOps repository. */
export type PromotionMode = 'commit' | 'pull-request';

/** What the upstream (source) environment must satisfy before its version moves on. */
export interface GatePolicy {
  /** Argo CD reports the source application `Synced`. */
  requireSynced: boolean;
  /** Argo CD reports the source application `Healthy`. */
  requireHealthy: boolean;
  /** Git says the source environment runs exactly the versions being promoted. */
  requireSourceVersion: boolean;
}

/** A freeze window between two instants (either end may be open). */
export interface RangeFreezeWindow {
  type: 'range';
  name: string;
  /** IANA time zone the window is shown in (and `from`/`to` without offset are read in). */
  timeZone: string;
  from?: DateTime;
  to?: DateTime;
}

/** A recurring freeze window: starts at each cron occurrence and lasts `duration`. */
export interface CronFreezeWindow {
  type: 'cron';
  name: string;
  /** IANA time zone the cron expression is evaluated in. */
  timeZone: string;
  /** The expression as configured, for messages. */
  cron: string;
  schedule: CronSchedule;
  duration: Duration;
}

/** A configured freeze window of an environment. */
export type FreezeWindow = RangeFreezeWindow | CronFreezeWindow;

/** The promotion policy of one (target) environment, validated at startup. */
export interface EnvironmentPolicy {
  /** How promotions into the environment are written. Defaults to `commit`. */
  mode: PromotionMode;
  /** Accept promotions from any transitive upstream, not only from `promotesFrom`. */
  allowSkip: boolean;
  gate: GatePolicy;
  /** Only immutable versions (no `latest`-style tags, none matching `rejectPattern`). */
  protected: boolean;
  immutableVersions: {
    /** Versions matching this expression are refused in a protected environment. */
    rejectPattern?: RegExp;
  };
  freezeWindows: FreezeWindow[];
}

/** An environment as the pipeline graph sees it. */
export interface PipelineEnvironment {
  name: string;
  /** Environments this one is promoted from (its direct upstreams). */
  promotesFrom: string[];
}

/** The rules a promotion is checked against. */
export type PolicyRule =
  | 'permission'
  | 'rollback-history'
  | 'source-pin'
  | 'pipeline-order'
  | 'upstream-gate'
  | 'immutable-version'
  | 'freeze-window';

/** The outcome of one rule. */
export interface PolicyVerdict {
  rule: PolicyRule;
  passed: boolean;
  /** Names the rule and, on refusal, what to do to satisfy it. */
  message: string;
  /** Set when the rule would have refused but the caller holds an override permission. */
  overridden?: boolean;
}

/** The result of {@link evaluatePolicy}: allowed when every verdict passed. */
export interface PolicyEvaluation {
  allowed: boolean;
  verdicts: PolicyVerdict[];
}

/** One value of the promotion bundle. */
export interface PromotedVersion {
  /** The key in the target file, e.g. `image.tag`; used in messages. */
  key: string;
  /** The value being written to the target environment. */
  version: string;
  /** What git says the source environment has at the same bundle position. */
  sourceVersion?: string;
}

/** Where the target environment ran a rollback's versions before. */
export interface RanBefore {
  /** The commit of the target's history that set exactly these versions. */
  commitSha?: string;
  /** The ledger's promotion that deployed exactly these versions there. */
  promotionId?: string;
  /** ISO 8601 */
  date?: string;
}

/** A value of the source that differs from what the preview showed. */
export interface MovedSourceValue {
  key: string;
  path: string;
  /** What the source has now; undefined when unset. */
  now?: string;
  /** What the preview showed. */
  reviewed: string;
}

/** What is being checked: a promotion from upstream, a rollback or a CI set. */
export type PromotionKindChecked = 'promote' | 'rollback' | 'ci';

/** Everything {@link evaluatePolicy} decides on; gathered by the caller, no I/O here. */
export interface PolicyInput {
  /** Default `promote`; rules that do not apply to the kind say why. */
  kind?: PromotionKindChecked;
  /**
   * For a rollback: where the target ran exactly these versions before, or
   * null when it never did (the rollback is refused).
   */
  ranBefore?: RanBefore | null;
  /**
   * Present when the request pinned the source to what its preview showed:
   * the values that moved since (none when the source still runs them).
   */
  sourcePin?: { moved: MovedSourceValue[] };
  /**
   * The environment the version comes from. Absent for CI sets and rollbacks,
   * for which pipeline order and the upstream gate do not apply.
   */
  source?: string;
  target: string;
  /** Every configured environment with its `promotesFrom`. */
  pipeline: PipelineEnvironment[];
  versions: PromotedVersion[];
  /** Argo CD status of the source cell (required by the gate's sync/health checks). */
  sourceStatus?: GitopsArgoCdStatus;
  /**
   * The source's values (in `versions` order) at the revision Argo CD has
   * synced it to, when that revision is a commit of the GitOps repository;
   * absent when it cannot be told (e.g. a chart version).
   */
  sourceSynced?: { revision: string; values: Array<string | undefined> };
  targetPolicy: EnvironmentPolicy;
  /** Permission decisions the caller already made for the target environment. */
  permissions: {
    /** `gitops-promotion.environment.promote` allowed for the target. */
    promote: boolean;
    /** `gitops-promotion.freeze.override` allowed for the target. */
    freezeOverride: boolean;
  };
  now: DateTime;
}
