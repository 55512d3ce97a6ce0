import { ResponseError } from '@backstage/errors';

/** What the server said, without the HTTP framing. */
export interface DescribedError {
  status?: number;
  message: string;
}

export function describeError(error: unknown): DescribedError {
  if (error instanceof ResponseError) {
    return {
      status: error.statusCode,
      message: error.cause?.message || error.message,
    };
  }
  if (error instanceof Error) {
    return { message: error.message };
  }
  return { message: String(error) };
}
