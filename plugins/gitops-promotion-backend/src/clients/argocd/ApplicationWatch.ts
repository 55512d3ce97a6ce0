import { LoggerService } from '@backstage/backend-plugin-api';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationIndex } from './ApplicationIndex';
import { backoffDelay } from './backoffDelay';
import { ParsedApplication } from './parseApplication';
import { ApplicationWatchEvent } from './parseWatchStreamLine';
import { changedApplicationNames, statusChanged } from './statusChanges';

/** An instance's applications as one list showed them. */
export interface ApplicationListSnapshot {
  applications: Iterable<ParsedApplication>;
  /** The list's `metadata.resourceVersion`. */
  resourceVersion?: string;
}

/**
 * How long to wait for the stream's response before listing anyway. Argo CD
 * answers once it has subscribed the stream to changes, but only with its
 * first event: on a quiet instance the answer can take minutes.
 */
const SUBSCRIBE_GRACE_MS = 250;
/** Reconnections wait half of this to all of it, doubling with each failure up to `maxMs`. */
const BACKOFF = { initialMs: 1000, maxMs: 30_000 };
/** A stream that stayed up this long makes the next reconnection quick again. */
const STABLE_AFTER_MS = 60_000;

/** Options of {@link ApplicationWatch}. */
export interface ApplicationWatchOptions {
  /** The instance's name, for logs. */
  instance: string;
  /** Opens the instance's application stream from `resourceVersion`. */
  open(
    resourceVersion: string,
    signal: AbortSignal,
  ): Promise<AsyncIterable<ApplicationWatchEvent>>;
  /** Lists the instance's applications now (never from a cache older than the call). */
  list(): Promise<ApplicationListSnapshot>;
  /** Told the names of applications whose status changed. */
  changed(applicationNames: Iterable<string>): void;
  logger?: LoggerService;
}

/** The later of two resource versions (Argo CD compares them as integers). */
function laterVersion(current?: string, next?: string): string | undefined {
  if (current === undefined || next === undefined) return next ?? current;
  const [a, b] = [Number(current), Number(next)];
  return Number.isInteger(a) && Number.isInteger(b) && b < a ? current : next;
}

/** Waits until `promise` settles or `ms` passed; rejects when it rejects first. */
async function settledWithin(promise: Promise<unknown>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise,
      new Promise(resolve => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Keeps one instance's applications current through Argo CD's watch stream,
 * so that reading them costs no request. Started by the first
 * {@link ApplicationWatch.current}; each connection:
 *
 * 1. opens the stream from the last version seen ("0" at first: any value
 *    makes Argo CD skip its replay of every application),
 * 2. lists the applications once the stream answered (or after a short
 *    grace: Argo CD answers with its first event only), so that no change
 *    falls between the list and the stream: Argo CD never replays changes
 *    made before a stream was opened, so a reconnection needs this list too,
 * 3. applies each event to the index, one application at a time.
 *
 * When the stream breaks or ends, the index stops being served (callers
 * fall back to the cached list) until the next connection, after a
 * jittered, growing backoff, has listed again; the applications that
 * changed meanwhile are reported then.
 */
export class ApplicationWatch {
  private readonly stopping = new AbortController();
  private index?: ApplicationIndex;
  private live = false;
  private resourceVersion?: string;
  private running?: Promise<void>;
  private firstAttempt?: Promise<void>;

  constructor(private readonly options: ApplicationWatchOptions) {}

  /**
   * The applications, current to the last event, or undefined while the
   * stream is down. The first call starts the watch and waits for its first
   * connection (one list, and the stream's answer or the grace).
   */
  async current(): Promise<ApplicationIndex | undefined> {
    if (!this.running && !this.stopping.signal.aborted) {
      let attempted!: () => void;
      this.firstAttempt = new Promise(resolve => {
        attempted = resolve;
      });
      this.running = this.run(attempted);
    }
    await this.firstAttempt;
    return this.live ? this.index : undefined;
  }

  /** Closes the stream and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** Connects again and again until stopped; `attempted` once the first connection is up or over. */
  private async run(attempted: () => void): Promise<void> {
    const { instance, logger } = this.options;
    const stopped = this.stopping.signal;
    let failures = 0;
    while (!stopped.aborted) {
      let liveSince: number | undefined;
      try {
        await this.connect(() => {
          liveSince = Date.now();
          attempted();
        });
        if (!stopped.aborted) {
          logger?.info(
            `Argo CD instance '${instance}' ended the application stream`,
          );
        }
      } catch (error) {
        if (!stopped.aborted) {
          logger?.warn(
            `Argo CD application stream of instance '${instance}' is down, statuses come from the list until it is back: ${error}`,
          );
        }
      }
      this.live = false;
      attempted();
      if (
        liveSince !== undefined &&
        Date.now() - liveSince >= STABLE_AFTER_MS
      ) {
        failures = 0;
      }
      await sleep(backoffDelay(failures++, BACKOFF), undefined, {
        signal: stopped,
        ref: false,
      }).catch(() => {});
    }
  }

  /** One connection: resolves when Argo CD ends the stream, rejects when it breaks. */
  private async connect(onLive: () => void): Promise<void> {
    const connection = new AbortController();
    const abort = () => connection.abort();
    this.stopping.signal.addEventListener('abort', abort);
    try {
      const opened = this.options.open(
        this.resourceVersion ?? '0',
        connection.signal,
      );
      await settledWithin(opened, SUBSCRIBE_GRACE_MS);
      const snapshot = await this.options.list();
      if (connection.signal.aborted) return;
      this.rebase(snapshot);
      this.live = true;
      onLive();
      for await (const event of await opened) {
        this.apply(event);
      }
    } finally {
      this.stopping.signal.removeEventListener('abort', abort);
      connection.abort();
    }
  }

  /** Replaces the index with a list's, reporting what changed since the last one. */
  private rebase(snapshot: ApplicationListSnapshot): void {
    const next = new ApplicationIndex(snapshot.applications);
    if (this.index) {
      this.options.changed(changedApplicationNames(this.index, next));
    }
    this.index = next;
    this.resourceVersion = laterVersion(
      this.resourceVersion,
      snapshot.resourceVersion,
    );
  }

  private apply({ type, application }: ApplicationWatchEvent): void {
    const index = this.index!;
    const before =
      type === 'DELETED'
        ? index.remove(application)
        : index.upsert(application);
    this.resourceVersion = laterVersion(
      this.resourceVersion,
      application.resourceVersion,
    );
    if (statusChanged(before, type === 'DELETED' ? undefined : application)) {
      this.options.changed([application.name!]);
    }
  }
}
