import { ServiceUnavailableError } from '@backstage/errors';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { GithubClient } from './createOctokit';
import { gitBlobSha } from './gitBlobSha';
import { TarFormatError, TarReader } from './tarArchive';

/** The repository a tarball is read from. */
export interface TarballSource {
  octokit: GithubClient;
  owner: string;
  repo: string;
}

/**
 * The largest uncompressed tarball read by default (256 MiB). A repository of
 * values files is a few MB; past this the caller reads blobs one by one.
 */
export const DEFAULT_MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;

/**
 * The text of every regular file of a commit, keyed by its git blob SHA, from
 * GitHub's tarball of the commit: one REST request
 * (`repos/download-tarball-archive`), which GitHub answers with a 302 to a
 * short-lived codeload link that fetch follows (codeload downloads are not
 * counted against the REST rate limit). The body is streamed through gunzip
 * and a tar reader, and each file is hashed as git hashes a blob
 * (`blob <len>\0<content>`), so a key is always the SHA of the text it maps
 * to. Directories, symlinks and submodules are left out; a file the archive
 * changed (`export-subst`, LFS objects included in archives) appears under the
 * SHA of the archived content, which no tree names.
 *
 * Memory: the result (every distinct file's text once) plus the file being
 * read and a compressed chunk; the uncompressed archive is never held whole,
 * and one larger than `maxBytes` is abandoned.
 *
 * Failures of the request are GitHub's (the caller maps them); a corrupt,
 * oversized or wrong archive is a ServiceUnavailableError.
 */
export async function readGithubTarball(
  source: TarballSource,
  commitSha: string,
  options: { maxBytes?: number } = {},
): Promise<Map<string, string>> {
  const { octokit, owner, repo } = source;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ARCHIVE_BYTES;
  const invalid = (detail: string) =>
    new ServiceUnavailableError(
      `The tarball of commit ${commitSha} from ${owner}/${repo} ${detail}`,
    );

  const response = await octokit.rest.repos.downloadTarballArchive({
    owner,
    repo,
    ref: commitSha,
    request: { parseSuccessResponseBody: false },
  });

  const blobs = new Map<string, string>();
  const reader = new TarReader((_entry, content) => {
    if (!content) return;
    const sha = gitBlobSha(content);
    if (!blobs.has(sha)) blobs.set(sha, content.toString('utf8'));
  });
  let inflated = 0;
  // what stopped the read; aborting the body makes pipeline report an AbortError instead
  let refusal: Error | undefined;
  try {
    await pipeline(
      bodyStream(response.data),
      createGunzip(),
      async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) {
          inflated += chunk.length;
          if (inflated > maxBytes) {
            refusal = invalid(`is larger than ${maxBytes} bytes uncompressed`);
            throw refusal;
          }
          try {
            await reader.write(chunk);
          } catch (error) {
            refusal = error as Error;
            throw error;
          }
        }
        await reader.end();
      },
    );
  } catch (caught) {
    const error = refusal ?? caught;
    if (error instanceof TarFormatError || isZlibError(error)) {
      throw invalid(`is not a valid gzipped tar archive: ${error.message}`);
    }
    throw error;
  }
  const { comment } = reader.globals;
  if (comment !== undefined && comment !== commitSha) {
    throw invalid(`is the archive of ${comment}`);
  }
  return blobs;
}

/** The response body: a web stream normally, bytes if a custom fetch buffered it. */
function bodyStream(data: unknown): Readable {
  const kind = Object.prototype.toString.call(data);
  if (kind === '[object ArrayBuffer]') {
    return Readable.from([Buffer.from(data as ArrayBuffer)]);
  }
  if (ArrayBuffer.isView(data)) {
    return Readable.from([
      Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    ]);
  }
  if (data && typeof data === 'object' && Symbol.asyncIterator in data) {
    return Readable.from(data as AsyncIterable<Uint8Array>);
  }
  return Readable.from([]);
}

function isZlibError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
