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
