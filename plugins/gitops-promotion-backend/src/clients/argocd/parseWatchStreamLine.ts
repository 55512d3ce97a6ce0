import { parseApplication, ParsedApplication } from './parseApplication';

/** A change of one application, as Argo CD's watch stream reports it. */
export interface ApplicationWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  application: ParsedApplication;
}

/** What one line of the watch stream says. */
export type WatchStreamLine =
  | { kind: 'event'; event: ApplicationWatchEvent }
  | { kind: 'error'; message: string }
  | { kind: 'ignored' };

const EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED']);

const messageOf = (value: unknown) =>
  typeof value === 'string' && value ? value.slice(0, 200) : 'no message';

type JsonObject = Record<string, unknown>;

const objectAt = (value: unknown): JsonObject | undefined =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;

/**
 * Reads one line of `GET /api/v1/stream/applications`
 * (ApplicationService_Watch): `{"result": v1alpha1ApplicationWatchEvent}`,
 * or an error Argo CD ends the stream with, either the swagger's
 * `{"error": runtimeStreamError}` or a gateway's `runtimeError`
 * (`{"code", "message"}`) written after the status line. Other event types
 * (e.g. a `BOOKMARK`) and lines of unknown shape are ignored.
 */
export function parseWatchStreamLine(json: unknown): WatchStreamLine {
  const line = objectAt(json) ?? {};
  const result = objectAt(line.result);
  if (result) {
    const application = parseApplication(result.application);
    return typeof result.type === 'string' &&
      EVENT_TYPES.has(result.type) &&
      application?.name !== undefined
      ? {
          kind: 'event',
          event: {
            type: result.type as ApplicationWatchEvent['type'],
            application,
          },
        }
      : { kind: 'ignored' };
  }
  const streamError = objectAt(line.error);
  if (streamError) {
    return { kind: 'error', message: messageOf(streamError.message) };
  }
  if (line.code !== undefined || typeof line.error === 'string') {
    return { kind: 'error', message: messageOf(line.message ?? line.error) };
  }
  return { kind: 'ignored' };
}
