import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import { NetworkErrorStyle, describeNetworkError } from './redactSecrets';

/** A failed call to a Git host, as the host's mapper reads it. */
export interface HostFailure {
  /** The HTTP status; undefined when no answer arrived. */
  status?: number;
  /** The host's own message (redacted here), or what went wrong on the way. */
  message: string;
  /** Lower-case response headers (`retry-after` is read). */
  headers?: Record<string, string>;
  /** No answer arrived (refused connection, timeout): the host was not reached. */
  network?: boolean;
}

/** What the provider was doing when the call failed, for the message. */
export interface HostFailureContext {
  /** The host's display name, e.g. `GitLab`, `Azure DevOps`. */
  hostName: string;
  /** When set, messages say `<hostName> at <host>`. */
  host?: string;
  /** The repository as messages name it. */
  repository: string;
  /** A verb phrase, e.g. `read pull request #3`. */
  action: string;
  /** The message of the NotFoundError a 404 becomes (the caller says what is missing). */
  notFound?: string;
  /** Removes credentials from anything the host answered. */
  redact: (text: string) => string;
  /** Appended to the refused-credentials message, e.g. `check integrations.gitea`. */
  credentialsHint?: string;
}

/** How a failed answer is classified. */
export type HostFailureKind =
  | 'notFound'
  | 'rateLimited'
  | 'refused'
  | 'conflict'
  | 'failed';

/** The pieces the messages are made of. */
export interface HostFailureParts {
  context: HostFailureContext;
  failure: HostFailure;
  /** `<hostName>` or `<hostName> at <host>`. */
  subject: string;
  status: number;
  /** The host's message, redacted and trimmed. */
  detail: string;
  /** `: <detail>`, or empty. */
  suffix: string;
  /** `in N seconds` (from Retry-After) or `later`. */
  retry: string;
}

/** A host's own rules and words, where they differ from the shared ones. */
export interface HostRules {
  /**
   * Runs before the shared classification: an error for a case only this
   * host has, a kind for a status this host classifies its own way, or
   * undefined for the shared rules.
   */
  special?: (
    failure: HostFailure,
    parts: HostFailureParts,
  ) => Error | HostFailureKind | undefined;
  /** How a failure without an answer is described. */
  network?: NetworkErrorStyle;
  /** The host's wording of some messages. */
  wording?: Partial<
    Record<
      Exclude<HostFailureKind, 'notFound'>,
      (parts: HostFailureParts) => string
    >
  >;
}

/** Errors that are already ours (a mapped failure, a check of the input) leave as they are. */
const TRANSLATED = new Set([
  'NotFoundError',
  'ServiceUnavailableError',
  'ConflictError',
  'InputError',
]);

/** True for an error that already is one of the @backstage/errors a provider throws. */
export function isTranslatedError(error: unknown): error is Error {
  return isError(error) && TRANSLATED.has(error.name);
}

const DEFAULT_WORDING: Required<NonNullable<HostRules['wording']>> = {
  rateLimited: ({ context, status, retry }) =>
    `${possessive(context.hostName)} rate limit${
      context.host ? ` at ${context.host}` : ''
    } for ${context.repository} is exhausted (HTTP ${status}) when trying to ${
      context.action
    }; try again ${retry}`,
  refused: ({ context, subject, status, suffix }) =>
    `${subject} refused the plugin's credentials for ${
      context.repository
    } (HTTP ${status}) when trying to ${context.action}${suffix}${
      context.credentialsHint ? `; ${context.credentialsHint}` : ''
    }`,
  conflict: ({ context, suffix }) =>
    `${context.hostName} could not ${context.action} for ${context.repository} (HTTP 409${suffix})`,
  failed: ({ context, subject, status, suffix }) =>
    `${subject} could not ${context.action} for ${
      context.repository
    } (HTTP ${status}${suffix})${status >= 500 ? '; try again later' : ''}`,
};

/**
 * Translates a failed call to a Git host into an @backstage/errors error
 * before it leaves the provider, so no upstream status reaches our callers:
 * 404 becomes NotFoundError when the context says what is missing, 409 a
 * ConflictError, everything else a ServiceUnavailableError (the host's
 * 401/403 must never become our user's 401/403; 429 says the rate limit is
 * exhausted). Messages never carry credentials.
 *
 * `failure` is undefined when `error` is no answer of the host: errors that
 * are already translated pass through, anything else is a network failure
 * described as `rules.network` says.
 */
export function mapHostFailure(
  error: unknown,
  failure: HostFailure | undefined,
  context: HostFailureContext,
  rules: HostRules = {},
): Error {
  const subject = `${context.hostName}${
    context.host ? ` at ${context.host}` : ''
  }`;
  if (!failure || failure.network || failure.status === undefined) {
    if (!failure && isTranslatedError(error)) return error;
    const reason = failure
      ? failure.message
      : describeNetworkError(error, rules.network);
    return new ServiceUnavailableError(
      `Could not reach ${subject} for ${context.repository} when trying to ${
        context.action
      }: ${context.redact(reason)}; try again later`,
    );
  }
  const { status } = failure;
  const detail = context.redact(failure.message).trim();
  const retryAfter = failure.headers?.['retry-after'];
  const parts: HostFailureParts = {
    context,
    failure,
    subject,
    status,
    detail,
    suffix: detail ? `: ${detail}` : '',
    retry:
      retryAfter && /^\d+$/.test(retryAfter)
        ? `in ${retryAfter} seconds`
        : 'later',
  };
  const special = rules.special?.(failure, parts);
  if (special instanceof Error) return special;
  const kind = special ?? classify(status, context);
  if (kind === 'notFound' && context.notFound) {
    return new NotFoundError(context.notFound);
  }
  const word = (k: Exclude<HostFailureKind, 'notFound'>) =>
    (rules.wording?.[k] ?? DEFAULT_WORDING[k])(parts);
  switch (kind) {
    case 'rateLimited':
      return new ServiceUnavailableError(word('rateLimited'));
    case 'refused':
      return new ServiceUnavailableError(word('refused'));
    case 'conflict':
      return new ConflictError(word('conflict'));
    default:
      return new ServiceUnavailableError(word('failed'));
  }
}

function classify(
  status: number,
  context: HostFailureContext,
): HostFailureKind {
  if (status === 404 && context.notFound) return 'notFound';
  if (status === 429) return 'rateLimited';
  if (status === 401 || status === 403) return 'refused';
  if (status === 409) return 'conflict';
  return 'failed';
}

/** `GitLab's`, `Azure DevOps'`. */
function possessive(name: string): string {
  return name.endsWith('s') ? `${name}'` : `${name}'s`;
}
