/**
 * Why a request to an Argo CD instance failed, in the plugin's terms.
 * `access-denied`: the instance refused the credentials (401/403);
 * `unreachable`: network error, timeout, TLS failure, 5xx or a response that
 * is not Argo CD's; `not-found`: the application does not exist (404).
 */
export type ArgoCdFailureKind = 'access-denied' | 'unreachable' | 'not-found';

/**
 * A failed request to an Argo CD instance. The message names the instance
 * and the upstream status, never a credential.
 */
export class ArgoCdRequestError extends Error {
  constructor(readonly kind: ArgoCdFailureKind, message: string) {
    super(message);
    this.name = 'ArgoCdRequestError';
  }
}
