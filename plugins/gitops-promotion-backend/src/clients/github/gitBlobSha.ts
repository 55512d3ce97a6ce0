import { createHash } from 'node:crypto';

/**
 * The SHA-1 git gives a blob with this content (`git hash-object`). GitHub
 * stores the `content` of a created tree entry byte for byte, so the SHA of a
 * file the provider just wrote is known without asking.
 */
export function gitBlobSha(content: string | Buffer): string {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return createHash('sha1')
    .update(`blob ${bytes.length}\0`)
    .update(bytes)
    .digest('hex');
}
