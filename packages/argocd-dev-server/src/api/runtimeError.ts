import { Response } from 'express';
import { STATUS_CODES } from 'node:http';

/** gRPC status codes Argo CD's REST gateway puts in `runtimeError.code`. */
export const GrpcCode = {
  InvalidArgument: 3,
  NotFound: 5,
  PermissionDenied: 7,
  Internal: 13,
  Unauthenticated: 16,
} as const;

/**
 * Writes an error in Argo CD's `runtimeError` shape:
 * `{ error, code, message }` with the gRPC code and the matching HTTP status.
 */
export function sendRuntimeError(
  res: Response,
  httpStatus: number,
  code: number,
  message: string,
): void {
  res.status(httpStatus).json({ error: message, code, message });
}

/**
 * Ends a streaming response that fails before its first message the way
 * Argo CD's REST gateway (grpc-gateway v1) does: the matching HTTP status and
 * one `{ error: runtimeStreamError }` chunk, not followed by a newline.
 */
export function sendRuntimeStreamError(
  res: Response,
  httpStatus: number,
  code: number,
  message: string,
): void {
  res.status(httpStatus).setHeader('Content-Type', 'application/json');
  res.end(
    JSON.stringify({
      error: {
        grpc_code: code,
        http_code: httpStatus,
        message,
        http_status: STATUS_CODES[httpStatus],
      },
    }),
  );
}
