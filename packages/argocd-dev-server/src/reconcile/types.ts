import { DiscoveredApplication } from '../discovery/discoverApplications';

/** One `status.history` entry. */
export interface HistoryEntry {
  id: number;
  revision: string;
  deployStartedAt: string;
  deployedAt: string;
}

/** The last (or current) sync operation. */
export interface OperationRecord {
  phase: 'Running' | 'Succeeded' | 'Failed';
  message: string;
  revision: string;
  startedAt: string;
  finishedAt?: string;
}

/** A change Argo CD noticed and has not finished rolling out. */
export interface PendingRollout {
  /** The commit being rolled out (the branch head). */
  revision: string;
  fingerprint: string;
  /** The application's version value at `revision` (see versionOfApplication). */
  version?: string;
  /** Live images once the rollout is done. */
  images: string[];
  /** When the change was noticed (ms since epoch). */
  detectedAt: number;
  /** Whether the sync operation has started (the application is Progressing). */
  syncStarted: boolean;
}

/** Everything the stand-in knows about one application. */
export interface ApplicationRuntime {
  app: DiscoveredApplication;
  createdAt: string;
  /** The revision the live state was last compared with and found in sync. */
  syncedRevision?: string;
  syncedFingerprint?: string;
  liveImages: string[];
  history: HistoryEntry[];
  nextHistoryId: number;
  operation?: OperationRecord;
  rollout?: PendingRollout;
  /** Set through degrade(): Degraded whatever the rollouts do, until recover(). */
  degradedMessage?: string;
  /** Health message while the last completed rollout is failed by a rollout fault. */
  rolloutFailure?: string;
  healthChangedAt: string;
  reconciledAt: string;
  resourceVersion: number;
}

/** What an application reports at one moment. */
export interface ApplicationView {
  syncStatus: 'Synced' | 'OutOfSync';
  revision?: string;
  health: { status: string; message?: string; lastTransitionTime: string };
  operation?: OperationRecord;
}
