import { ApplicationRuntime, ApplicationView } from './types';

/** The event types of Argo CD's `v1alpha1ApplicationWatchEvent`. */
export type ApplicationChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change of an application, with its state right after the change. */
export interface ApplicationChange {
  type: ApplicationChangeType;
  runtime: ApplicationRuntime;
  view: ApplicationView;
}

/** Receives every change of every application, synchronously. */
export type ApplicationChangeListener = (change: ApplicationChange) => void;

/** The listeners of application changes. */
export class ApplicationChanges {
  private readonly listeners = new Set<ApplicationChangeListener>();

  /** Adds a listener; call the returned function to remove it. */
  subscribe(listener: ApplicationChangeListener): () => void {
    // wrapped so subscribing the same function twice gives two subscriptions
    const subscription: ApplicationChangeListener = change => listener(change);
    this.listeners.add(subscription);
    return () => {
      this.listeners.delete(subscription);
    };
  }

  /** How many listeners are subscribed. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  publish(change: ApplicationChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
