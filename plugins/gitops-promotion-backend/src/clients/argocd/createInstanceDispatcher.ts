import { Agent } from 'undici';
import { ArgoCdInstanceConfig } from './ArgoCdConfig';

/**
 * The HTTP connection pool of one instance. Its TLS settings (a private CA,
 * or skipping verification) live in this Agent only: nothing process-wide
 * (no NODE_TLS_REJECT_UNAUTHORIZED, no global dispatcher or agent) changes.
 */
export function createInstanceDispatcher(
  instance: ArgoCdInstanceConfig,
): Agent {
  return new Agent({
    headersTimeout: instance.timeoutMs,
    bodyTimeout: instance.timeoutMs,
    connect: {
      timeout: instance.timeoutMs,
      ...(instance.tls?.caCert ? { ca: instance.tls.caCert } : {}),
      ...(instance.tls?.insecureSkipVerify
        ? { rejectUnauthorized: false }
        : {}),
    },
  });
}
