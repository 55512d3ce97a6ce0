/** The trailer line that ties a commit to a promotion record. */
export function promotionIdTrailer(promotionId: string): string {
  return `Promotion-Id: ${promotionId}`;
}

/**
 * Whether `message` has `trailer` as one of its lines (surrounding blanks
 * ignored): `Promotion-Id: <a>` does not match a line `Promotion-Id: <a>-b`.
 */
export function hasTrailerLine(message: string, trailer: string): boolean {
  return message.split(/\r?\n/).some(line => line.trim() === trailer);
}

/** The values of a commit message's `Promotion-Id:` trailer lines. */
export function promotionIdsIn(message: string): string[] {
  return message.split(/\r?\n/).flatMap(line => {
    const match = /^Promotion-Id:\s*(\S+)$/.exec(line.trim());
    return match ? [match[1]] : [];
  });
}
