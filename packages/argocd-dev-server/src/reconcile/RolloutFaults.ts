import { DevServerRolloutFault } from '../options';

const FIELDS = ['application', 'version', 'message'];

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * Checks that `value` is a {@link DevServerRolloutFault} and returns a copy
 * with only its fields; throws an Error saying what is wrong otherwise.
 */
export function parseRolloutFault(value: unknown): DevServerRolloutFault {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(
      'A rollout fault is an object {application, version?, message?}',
    );
  }
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).filter(key => !FIELDS.includes(key));
  if (unknown.length) {
    throw new Error(
      `Unknown field ${unknown.join(
        ', ',
      )}: a rollout fault has application, version and message`,
    );
  }
  const { application, version, message } = fields;
  if (!isNonEmptyString(application)) {
    throw new Error(
      'application is required: the name of an Argo CD application, e.g. checkout-dev',
    );
  }
  if (version !== undefined && !isNonEmptyString(version)) {
    throw new Error(
      'version must be a non-empty string, e.g. the image tag "2.4.0"; leave it out to fail the next rollout whatever its version',
    );
  }
  if (message !== undefined && !isNonEmptyString(message)) {
    throw new Error('message must be a non-empty string');
  }
  return {
    application,
    ...(version !== undefined ? { version } : {}),
    ...(message !== undefined ? { message } : {}),
  };
}

/**
 * The rollout faults in force, oldest first. A fault without a version is
 * used up by the rollout it fails.
 */
export class RolloutFaults {
  private faults: DevServerRolloutFault[] = [];

  /** Adds `initial` (e.g. from the options); throws naming the first invalid one. */
  constructor(initial: unknown[] = []) {
    initial.forEach((fault, index) => {
      try {
        this.add(fault);
      } catch (error) {
        throw new Error(`rolloutFaults[${index}]: ${(error as Error).message}`);
      }
    });
  }

  /** Validates and adds a fault; returns what was added. */
  add(fault: unknown): DevServerRolloutFault {
    const parsed = parseRolloutFault(fault);
    this.faults.push(parsed);
    return { ...parsed };
  }

  list(): DevServerRolloutFault[] {
    return this.faults.map(fault => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * The health message a completed rollout of `app` to `version` fails with,
   * or undefined when no fault matches. The oldest matching fault wins; one
   * without a version is removed.
   */
  take(
    app: { name: string; service: string },
    version: string | undefined,
  ): string | undefined {
    const index = this.faults.findIndex(
      fault =>
        fault.application === app.name &&
        (fault.version === undefined || fault.version === version),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    if (fault.version === undefined) this.faults.splice(index, 1);
    return (
      fault.message ??
      `Deployment "${app.service}" exceeded its progress deadline`
    );
  }
}
