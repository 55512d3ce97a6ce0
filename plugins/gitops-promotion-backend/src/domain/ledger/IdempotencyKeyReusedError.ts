import { CustomErrorBase } from '@backstage/errors';

/**
 * A request reused an idempotency key of the same requester with another
 * body: 422 Unprocessable Content, never the earlier promotion. Backstage's
 * error middleware answers with the `statusCode` of an error.
 */
export class IdempotencyKeyReusedError extends CustomErrorBase {
  name = 'IdempotencyKeyReusedError' as const;
  readonly statusCode = 422;
}
