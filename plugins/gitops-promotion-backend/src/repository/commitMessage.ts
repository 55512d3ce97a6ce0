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
  /** One `Promotion-Id:` trailer each (a release train has several). */
  promotionIds?: string[];
}): string {
  const { subject, body = [], requester, promotionIds = [] } = options;
  const trailers = [
    `Promoted-by: ${oneLine(requester.entityRef)}`,
    ...promotionIds.map(id => `Promotion-Id: ${id}`),
    `Co-authored-by: ${oneLine(requester.name).replace(/[<>]/g, '')} <${
      /^[^\s<>@]+@[^\s<>@]+$/.test(requester.email)
        ? requester.email
        : 'unknown@users.backstage.invalid'
    }>`,
  ];
  return [
    subject,
    '',
    ...(body.length ? [...body, ''] : []),
    ...trailers,
    '',
  ].join('\n');
}

/** Control characters and line separators of a catalog profile become spaces: no injected trailer lines. */
function oneLine(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}
