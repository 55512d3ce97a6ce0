import { Response } from 'express';

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
