import { GitIdentity } from './types';

/**
 * A promotion's commit message: a subject a person can scan in `git log`, a
 * body saying what moved, and trailers tying the commit to the Backstage user
 * who asked and to the promotion record.
 */
export function formatCommitMessage(options: {
  subject: string;
  body?: string[];
  requester: GitIdentity & { entityRef: string };
  promotionId?: string;
}): string {
  const { subject, body = [], requester, promotionId } = options;
  const trailers = [
    `Promoted-by: ${requester.entityRef}`,
    promotionId && `Promotion-Id: ${promotionId}`,
    `Co-authored-by: ${requester.name} <${requester.email}>`,
  ].filter(Boolean);
  return [
    subject,
    '',
    ...(body.length ? [...body, ''] : []),
    ...trailers,
    '',
  ].join('\n');
}
