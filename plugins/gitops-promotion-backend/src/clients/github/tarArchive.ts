import { extract, Extract, ExtractEvents, Header } from 'tar-stream';

/** What kind of entry a tar header announces. */
export type TarEntryType =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'other';

/** One member of a tar archive, its long-name extensions applied. */
export interface TarEntry {
  /** The full path: pax `path`, else a GNU long name, else ustar prefix + name. */
  path: string;
  type: TarEntryType;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Content bytes (pax `size` applied). */
  size: number;
  /** The target of a symlink or hard link. */
  linkTarget?: string;
}

/** The archive is not a tar archive, is corrupt or ends early. */
export class TarFormatError extends Error {
  name = 'TarFormatError';
}

const BLOCK = 512;

const TYPES: Partial<Record<string, TarEntryType>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
};

/** tar-stream's errors that have a clearer wording. */
const MESSAGES: Record<string, string> = {
  'Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?':
    'A tar header has a wrong checksum: the archive is corrupt or not a tar archive',
  'Unexpected end of data': 'The tar archive ends in the middle of a member',
};

/** What tar-stream keeps that its types leave out. */
type Extractor = Extract & {
  /** the records of the last pax global header */
  _paxGlobal: Record<string, string> | null;
};
/** `byteOffset`: where the member's body starts in the archive. */
type DecodedHeader = Header & { byteOffset: number };

/**
 * A streaming reader of tar archives (POSIX ustar / pax, which `git archive`
 * and GitHub's tarballs are, and GNU long names) on top of tar-stream's
 * `extract()`. Feed it the uncompressed bytes in chunks of any size; it calls
 * `onEntry` for each member, with the content for regular files only (the
 * bodies of other members are skipped without being buffered). Memory: the
 * current file's content and tar-stream's buffer, which `write` keeps bounded
 * by waiting for it to drain.
 *
 * Pax `path`, `linkpath` and `size` apply to the next member; pax global
 * headers are collected in {@link TarReader.globals} (GitHub's carries
 * `comment=<commit id>`).
 */
export class TarReader {
  /** Records of the pax global headers read so far. */
  readonly globals: Record<string, string> = {};
  // accept pre-POSIX headers (no ustar magic) as well
  private readonly extract = extract({
    allowUnknownFormat: true,
  } as object) as Extractor;
  private readonly finished: Promise<void>;
  private failure?: Error;
  private written = 0;
  /** The offset where the last member's body and its padding end. */
  private membersEnd = 0;

  constructor(
    private readonly onEntry: (entry: TarEntry, content?: Buffer) => void,
  ) {
    this.finished = new Promise((resolve, reject) => {
      this.extract.on('finish', resolve);
      this.extract.on('error', (error: Error) => {
        this.failure ??= new TarFormatError(
          MESSAGES[error.message] ??
            `The tar archive is invalid: ${error.message}`,
        );
        reject(this.failure);
      });
    });
    this.finished.catch(() => {}); // reported by write() and end()
    this.extract.on('entry', (header, body, next) =>
      this.read(header as DecodedHeader, body, next),
    );
  }

  /** Consumes the next bytes of the archive; resolves once they may be dropped. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    this.written += chunk.length;
    if (!this.extract.write(chunk)) {
      await Promise.race([
        new Promise<void>(resolve => this.extract.once('drain', resolve)),
        this.finished,
      ]);
    }
  }

  /** Declares the input complete; rejects when the archive was cut short. */
  async end(): Promise<void> {
    this.extract.end(null); // no last chunk (streamx types want an argument)
    await this.finished;
    this.collectGlobals();
    // tar-stream reads the zero blocks that end an archive as nothing
    if (this.written < this.membersEnd + BLOCK) {
      throw new TarFormatError(
        'The tar archive ends without its end-of-archive marker',
      );
    }
  }

  private read(
    header: DecodedHeader,
    body: ExtractEvents['entry'][1],
    next: ExtractEvents['entry'][2],
  ) {
    this.collectGlobals();
    const entry = toEntry(header);
    this.membersEnd = header.byteOffset + Math.ceil(entry.size / BLOCK) * BLOCK;
    const chunks: Buffer[] = [];
    const done = () => {
      try {
        const content =
          entry.type === 'file' ? Buffer.concat(chunks) : undefined;
        this.onEntry(entry, content);
        next();
      } catch (error) {
        this.failure = error as Error;
        next(this.failure);
      }
    };
    // tar-stream gives a directory no body: its stream ends only if the size is 0
    if (header.type === 'directory') {
      done();
      return;
    }
    body.on('data', chunk => {
      if (entry.type === 'file') chunks.push(chunk as Buffer);
    });
    body.on('end', done);
  }

  /** Merges the last pax global header; an empty value unsets a key, as POSIX says. */
  private collectGlobals() {
    const records = this.extract._paxGlobal ?? {};
    for (const [key, value] of Object.entries(records)) {
      if (value) this.globals[key] = value;
      else delete this.globals[key];
    }
  }
}

/** Reads a whole (uncompressed) archive held in memory. */
export async function readTar(archive: Uint8Array): Promise<{
  entries: (TarEntry & { content?: Buffer })[];
  globals: Record<string, string>;
}> {
  const entries: (TarEntry & { content?: Buffer })[] = [];
  const reader = new TarReader((entry, content) =>
    entries.push(content ? { ...entry, content } : entry),
  );
  await reader.write(archive);
  await reader.end();
  return { entries, globals: reader.globals };
}

function toEntry(header: Header): TarEntry {
  const path = header.name;
  let type = TYPES[header.type] ?? 'other';
  // pre-POSIX archives mark directories only by a trailing slash
  if (header.type === 'file' && path.endsWith('/')) type = 'directory';
  const entry: TarEntry = {
    path,
    type,
    mode: header.mode & 0o7777,
    size: header.size,
  };
  if ((type === 'symlink' || type === 'hardlink') && header.linkname) {
    entry.linkTarget = header.linkname;
  }
  return entry;
}
