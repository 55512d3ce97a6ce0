import { LoggerService } from '@backstage/backend-plugin-api';

/**
 * Told which applications of an Argo CD instance changed status; see
 * {@link ArgoCdClient.onStatusChange}.
 */
export type ArgoCdStatusChangeListener = (
  instance: string,
  applicationNames: string[],
) => void;

/** How long changes are collected before listeners hear of them. */
export const STATUS_CHANGE_BATCH_MS = 100;

/**
 * Collects the names of changed applications per instance and tells the
 * listeners once per batch window, so a burst of events (a commit moving
 * thousands of applications to a new revision) is one call per instance,
 * not one per event. A listener that throws is logged and does not keep
 * the others from hearing.
 */
export class StatusChangeNotifier {
  private readonly listeners = new Set<ArgoCdStatusChangeListener>();
  private readonly pending = new Map<string, Set<string>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly logger?: LoggerService,
    private readonly batchMs = STATUS_CHANGE_BATCH_MS,
  ) {}

  /** Adds a listener; call the returned function to remove it. */
  subscribe(listener: ArgoCdStatusChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Records changed applications; listeners hear of them within the batch window. */
  add(instance: string, applicationNames: Iterable<string>): void {
    if (!this.listeners.size) return;
    let names = this.pending.get(instance);
    for (const name of applicationNames) {
      if (!names) this.pending.set(instance, (names = new Set()));
      names.add(name);
    }
    if (names && !this.timer) {
      this.timer = setTimeout(() => this.flush(), this.batchMs);
      this.timer.unref();
    }
  }

  /** Drops what is pending; listeners hear of nothing more. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.listeners.clear();
  }

  private flush(): void {
    this.timer = undefined;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [instance, names] of batches) {
      for (const listener of [...this.listeners]) {
        try {
          listener(instance, [...names]);
        } catch (error) {
          this.logger?.warn(
            `A listener of Argo CD status changes failed: ${error}`,
          );
        }
      }
    }
  }
}
