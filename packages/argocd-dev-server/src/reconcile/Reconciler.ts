import {
  discoverApplications,
  DiscoveredApplication,
} from '../discovery/discoverApplications';
import { GitRepositoryReader } from '../git/GitRepositoryReader';
import { ResolvedDevServerOptions } from '../options';
import {
  FileContents,
  fingerprintApplication,
  imagesOfApplication,
  versionOfApplication,
} from './applicationState';
import {
  ApplicationChangeListener,
  ApplicationChanges,
  ApplicationChangeType,
} from './ApplicationChanges';
import { buildInitialHistory } from './buildInitialHistory';
import {
  completeDueRollout,
  nextRolloutStepAt,
  startDueSync,
  viewApplication,
} from './rolloutTimeline';
import { RolloutFaults } from './RolloutFaults';
import { ApplicationRuntime, ApplicationView, PendingRollout } from './types';

const DEFAULT_DEGRADED_MESSAGE =
  'Deployment has 0 of 2 ready replicas: back-off restarting failed container';

/**
 * Plays Argo CD's application controller against the local repository: on
 * every poll (or `refresh`) it compares the branch head with what it last
 * saw, discovers applications, starts a rollout for each application whose
 * files changed and moves the others to the new revision. Rollouts advance
 * by the clock (see rolloutTimeline), each step when it is due. Every change
 * of an application takes a new resourceVersion and is published to the
 * watchers. Polls never overlap.
 */
export class Reconciler {
  /** Rollouts to fail, checked as each rollout completes. */
  readonly rolloutFaults: RolloutFaults;
  private readonly applications = new Map<string, ApplicationRuntime>();
  private readonly changes = new ApplicationChanges();
  private readonly rolloutTimers = new Map<
    ApplicationRuntime,
    NodeJS.Timeout
  >();
  private readonly degradedAtStart: Set<string>;
  private head?: string;
  private queue: Promise<void> = Promise.resolve();
  private queued?: Promise<void>;
  private resourceVersion = 1;
  private waitingReported = false;

  constructor(
    private readonly options: ResolvedDevServerOptions,
    private readonly repository = new GitRepositoryReader(
      options.repositoryPath,
    ),
  ) {
    this.degradedAtStart = new Set(options.degraded);
    this.rolloutFaults = new RolloutFaults(options.rolloutFaults);
  }

  /** Whether the repository has been read at least once. */
  get hasObservedRepository(): boolean {
    return this.head !== undefined;
  }

  /** The list's `metadata.resourceVersion`. */
  get listResourceVersion(): string {
    return String(this.resourceVersion);
  }

  /**
   * Polls the repository after any poll already running. Callers arriving
   * while a poll waits to start share it, so slow polls never pile up.
   */
  reconcile(): Promise<void> {
    if (!this.queued) {
      this.queued = this.queue
        .then(() => {
          this.queued = undefined;
          return this.poll();
        })
        .catch(error =>
          this.options.logger.warn(
            `Argo CD dev server could not reconcile: ${error}`,
          ),
        );
      this.queue = this.queued;
    }
    return this.queued;
  }

  /**
   * Calls `listener` with every later change of an application (ADDED,
   * MODIFIED, DELETED); call the returned function to stop.
   */
  watch(listener: ApplicationChangeListener): () => void {
    return this.changes.subscribe(listener);
  }

  /** How many watchers are subscribed. */
  get watcherCount(): number {
    return this.changes.listenerCount;
  }

  /** Cancels the pending rollout steps; they happen on the next read instead. */
  stop(): void {
    for (const runtime of [...this.rolloutTimers.keys()]) {
      this.cancelRolloutStep(runtime);
    }
  }

  /** Every application with its state at `now`, sorted by name. */
  list(
    now = Date.now(),
  ): Array<{ runtime: ApplicationRuntime; view: ApplicationView }> {
    return [...this.applications.values()]
      .sort((a, b) => a.app.name.localeCompare(b.app.name))
      .map(runtime => ({ runtime, view: this.view(runtime, now) }));
  }

  /** One application with its state at `now`. */
  get(
    name: string,
    now = Date.now(),
  ): { runtime: ApplicationRuntime; view: ApplicationView } | undefined {
    const runtime = this.applications.get(name);
    return runtime && { runtime, view: this.view(runtime, now) };
  }

  /** Makes an application report Degraded health until {@link recover}. */
  degrade(name: string, message?: string): boolean {
    const runtime = this.applications.get(name);
    if (!runtime) return false;
    runtime.degradedMessage = message || DEFAULT_DEGRADED_MESSAGE;
    runtime.healthChangedAt = new Date().toISOString();
    this.changed('MODIFIED', runtime);
    return true;
  }

  /** Makes a degraded application (or one whose rollout failed) Healthy again. */
  recover(name: string): boolean {
    const runtime = this.applications.get(name);
    if (!runtime) return false;
    if (
      runtime.degradedMessage !== undefined ||
      runtime.rolloutFailure !== undefined
    ) {
      runtime.degradedMessage = undefined;
      runtime.rolloutFailure = undefined;
      runtime.healthChangedAt = new Date().toISOString();
      this.changed('MODIFIED', runtime);
    }
    return true;
  }

  private view(runtime: ApplicationRuntime, now: number): ApplicationView {
    const { syncDelayMs } = this.options;
    if (
      completeDueRollout(runtime, now, syncDelayMs, rollout =>
        this.failureOf(runtime, rollout),
      ) ||
      startDueSync(runtime, now, syncDelayMs)
    ) {
      this.changed('MODIFIED', runtime);
    }
    return viewApplication(runtime, syncDelayMs);
  }

  private failureOf(
    runtime: ApplicationRuntime,
    rollout: PendingRollout,
  ): string | undefined {
    const failure = this.rolloutFaults.take(runtime.app, rollout.version);
    if (failure !== undefined) {
      this.options.logger.info(
        `Argo CD dev server failed the rollout of ${runtime.app.name} to ${
          rollout.version ?? 'an unknown version'
        } at ${rollout.revision.slice(0, 7)} (rollout fault): ${failure}`,
      );
    }
    return failure;
  }

  private changed(type: ApplicationChangeType, runtime: ApplicationRuntime) {
    runtime.resourceVersion = ++this.resourceVersion;
    this.changes.publish({
      type,
      runtime,
      view: viewApplication(runtime, this.options.syncDelayMs),
    });
  }

  /** Takes the next step of the application's rollout when it is due. */
  private followRollout(runtime: ApplicationRuntime): void {
    this.cancelRolloutStep(runtime);
    const dueAt = nextRolloutStepAt(runtime, this.options.syncDelayMs);
    if (dueAt === undefined) return;
    const timer = setTimeout(() => {
      this.view(runtime, Date.now());
      this.followRollout(runtime);
    }, Math.max(0, dueAt - Date.now()));
    timer.unref();
    this.rolloutTimers.set(runtime, timer);
  }

  private cancelRolloutStep(runtime: ApplicationRuntime): void {
    clearTimeout(this.rolloutTimers.get(runtime));
    this.rolloutTimers.delete(runtime);
  }

  private async poll(): Promise<void> {
    const now = Date.now();
    const { repositoryPath, branch, logger } = this.options;
    const head =
      (await this.repository.exists()) &&
      (await this.repository.resolveBranch(branch));
    if (!head) {
      if (!this.waitingReported) {
        logger.info(
          `Argo CD dev server is waiting for branch ${branch} in ${repositoryPath}`,
        );
        this.waitingReported = true;
      }
      return;
    }
    const reconciledAt = new Date(now).toISOString();
    for (const runtime of this.applications.values()) {
      runtime.reconciledAt = reconciledAt;
    }
    if (head !== this.head) {
      await this.observe(head, now);
      this.head = head;
    }
    for (const runtime of this.applications.values()) {
      this.view(runtime, now);
    }
  }

  private async observe(head: string, now: number): Promise<void> {
    const tree = await this.repository.listTree(head);
    const readFiles = async (paths: string[]): Promise<FileContents> => {
      const blobs = await this.repository.readObjects(
        paths.map(p => tree.get(p)!).filter(Boolean),
      );
      const contents: FileContents = new Map();
      for (const path of paths) {
        const text = blobs.get(tree.get(path) ?? '');
        if (text !== undefined) contents.set(path, text);
      }
      return contents;
    };
    const discovered = await discoverApplications(
      tree,
      readFiles,
      this.options,
    );
    const contents = await readFiles(
      discovered.flatMap(app => app.files.map(f => f.path)),
    );
    this.repository.retainContents(new Set(tree.values()));

    const firstObservation = this.head === undefined;
    const history = firstObservation
      ? await buildInitialHistory(this.repository, head, discovered, now)
      : undefined;
    const seen = new Set<string>();
    for (const app of discovered) {
      seen.add(app.name);
      const fingerprint = fingerprintApplication(app, tree, contents);
      const images = () =>
        imagesOfApplication(
          app,
          contents,
          this.options.imageRepositoryTemplate,
        );
      const rolloutOfHead = (): PendingRollout => ({
        revision: head,
        fingerprint,
        version: versionOfApplication(app, contents),
        images: images(),
        detectedAt: now,
        syncStarted: false,
      });
      const existing = this.applications.get(app.name);
      if (!existing) {
        const created = firstObservation
          ? this.createSynced(app, head, fingerprint, images(), history!, now)
          : this.createRollingOut(app, rolloutOfHead(), now);
        this.applications.set(app.name, created);
        this.changed('ADDED', created);
        this.followRollout(created);
        continue;
      }
      existing.app = app;
      const target =
        existing.rollout?.fingerprint ?? existing.syncedFingerprint;
      if (target !== fingerprint) {
        existing.rollout = rolloutOfHead();
      } else if (existing.rollout) {
        // Argo CD syncs the branch head, so the rollout now targets it.
        existing.rollout.revision = head;
      } else {
        existing.syncedRevision = head;
      }
      this.changed('MODIFIED', existing);
      this.followRollout(existing);
    }
    for (const [name, runtime] of [...this.applications]) {
      if (!seen.has(name)) {
        this.applications.delete(name);
        this.cancelRolloutStep(runtime);
        this.changed('DELETED', runtime);
      }
    }
    this.options.logger.info(
      `Argo CD dev server reconciled ${
        discovered.length
      } applications at ${head.slice(0, 7)}`,
    );
  }

  private createSynced(
    app: DiscoveredApplication,
    head: string,
    fingerprint: string,
    images: string[],
    history: Map<string, ApplicationRuntime['history']>,
    now: number,
  ): ApplicationRuntime {
    const entries = history.get(app.name) ?? [];
    const last = entries[entries.length - 1];
    const createdAt = new Date(
      Math.min(Date.parse(entries[0]?.deployStartedAt ?? ''), now) || now,
    ).toISOString();
    return this.withStartState({
      app,
      createdAt,
      syncedRevision: head,
      syncedFingerprint: fingerprint,
      liveImages: images,
      history: entries,
      nextHistoryId: entries.length,
      operation: last && {
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        revision: last.revision,
        startedAt: last.deployStartedAt,
        finishedAt: last.deployedAt,
      },
      healthChangedAt: last?.deployedAt ?? createdAt,
      reconciledAt: new Date(now).toISOString(),
      resourceVersion: 0,
    });
  }

  private createRollingOut(
    app: DiscoveredApplication,
    rollout: PendingRollout,
    now: number,
  ): ApplicationRuntime {
    const createdAt = new Date(now).toISOString();
    return this.withStartState({
      app,
      createdAt,
      liveImages: [],
      history: [],
      nextHistoryId: 0,
      rollout,
      healthChangedAt: createdAt,
      reconciledAt: createdAt,
      resourceVersion: 0,
    });
  }

  private withStartState(runtime: ApplicationRuntime): ApplicationRuntime {
    if (this.degradedAtStart.delete(runtime.app.name)) {
      runtime.degradedMessage = DEFAULT_DEGRADED_MESSAGE;
    }
    return runtime;
  }
}
