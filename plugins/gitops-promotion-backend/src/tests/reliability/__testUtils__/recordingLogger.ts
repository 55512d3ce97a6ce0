import {
  coreServices,
  createServiceFactory,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';

/** One log line as a log shipper would store it. */
export interface RecordedLine {
  level: string;
  message: string;
  meta: JsonObject;
  /** The whole line serialized: message, metadata, errors with their stacks. */
  text: string;
  /** Written by the auditor service. */
  audit: boolean;
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) {
    return {
      name: value.name,
      message: value.message,
      stack: value.stack,
      cause: serialize((value as { cause?: unknown }).cause),
      ...Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, serialize(v)]),
      ),
    };
  }
  return value;
}

class RecordingLogger implements RootLoggerService {
  constructor(
    private readonly lines: RecordedLine[],
    private readonly fields: JsonObject,
  ) {}

  error(message: string, meta?: Error | JsonObject) {
    this.log('error', message, meta);
  }
  warn(message: string, meta?: Error | JsonObject) {
    this.log('warn', message, meta);
  }
  info(message: string, meta?: Error | JsonObject) {
    this.log('info', message, meta);
  }
  debug(message: string, meta?: Error | JsonObject) {
    this.log('debug', message, meta);
  }
  child(meta: JsonObject): RootLoggerService {
    return new RecordingLogger(this.lines, { ...this.fields, ...meta });
  }

  private log(level: string, message: string, meta?: Error | JsonObject) {
    const all = {
      ...this.fields,
      ...(meta instanceof Error ? { error: meta } : meta),
    } as JsonObject;
    let text: string;
    try {
      text = JSON.stringify({ level, message, ...all }, (_key, value) =>
        serialize(value),
      );
    } catch {
      text = `${level} ${message} ${String(meta)}`;
    }
    this.lines.push({
      level,
      message,
      meta: all,
      text,
      audit: Boolean(all.isAuditEvent),
    });
  }
}

/**
 * A root logger that keeps every line of every plugin (the auditor writes its
 * events through it too), for scanning what the backend would ship.
 */
export function recordingRootLogger() {
  const lines: RecordedLine[] = [];
  return {
    lines,
    factory: createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => new RecordingLogger(lines, {}),
    }),
  };
}
