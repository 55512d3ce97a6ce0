import { oneLine, requesterGitIdentity } from '../git/gitIdentity';
import { promotionIdTrailer } from './trailers';
import { GitIdentity } from './types';

/**
 * A promotion's commit message: a subject a person can scan in `git log`, a
 * body saying what moved, and trailers tying the commit to the Backstage user
 * who asked and to the promotion records (one `Promotion-Id:` per record, in
 * order).
 *
 * Every part is kept to its own line (see {@link requesterGitIdentity} and
 * {@link oneLine}): a display name from the catalog can neither add a trailer
 * nor end the trailer block.
 */
export function formatCommitMessage(options: {
  subject: string;
  body?: string[];
  requester: GitIdentity & { entityRef: string };
  promotionIds?: string[];
  /** Entity refs of those who approved the change in the portal. */
  approvedBy?: string[];
}): string {
  const {
    subject,
    body = [],
    requester,
    promotionIds = [],
    approvedBy = [],
  } = options;
  const { name, email } = requesterGitIdentity(requester.entityRef, requester);
  const trailers = [
    `Promoted-by: ${oneLine(requester.entityRef)}`,
    ...promotionIds.map(id => promotionIdTrailer(oneLine(id))),
    ...approvedBy.map(ref => `Approved-by: ${oneLine(ref)}`),
    `Co-authored-by: ${name} <${email}>`,
  ];
  const lines = body.map(oneLine).filter(Boolean);
  return [
    oneLine(subject),
    '',
    ...(lines.length ? [...lines, ''] : []),
    ...trailers,
    '',
  ].join('\n');
}
