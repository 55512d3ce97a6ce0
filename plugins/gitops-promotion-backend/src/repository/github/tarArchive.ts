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
/** Pax and GNU long-name records are small; a larger one means a corrupt archive. */
const MAX_META_BYTES = 1024 * 1024;
/** Pax `x`/`g` and GNU `L`/`K`: headers describing other members. */
const META_TYPES = new Set(['x', 'g', 'L', 'K']);

type State =
  | { kind: 'header' }
  | {
      kind: 'body';
      header: RawHeader;
      /** bytes left of the body and its padding to the next block */
      remaining: number;
      keep: boolean;
    }
  | { kind: 'ended' };

interface RawHeader {
  name: string;
  typeflag: string;
  size: number;
  mode: number;
  linkname: string;
}

/**
 * A streaming reader of POSIX ustar / pax archives (what `git archive` and
 * GitHub's tarballs are) that also understands GNU long names (`L`/`K`).
 * Feed it the uncompressed bytes in chunks of any size; it calls `onEntry`
 * for each member, with the content for regular files only (the bodies of
 * directories, links and other members are skipped without being buffered).
 * Memory: the bytes not yet consumed plus the current file's content.
 *
 * Pax extended headers (`x`) apply to the next member (`path`, `linkpath`,
 * `size`); pax global headers (`g`) are collected in {@link TarReader.globals}
 * (GitHub's carries `comment=<commit id>`) and not applied to members.
 */
export class TarReader {
  /** Records of the pax global headers read so far. */
  readonly globals: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private state: State = { kind: 'header' };
  /** pax `x` records and GNU long names waiting for the member they describe */
  private next: Record<string, string> = {};

  constructor(
    private readonly onEntry: (entry: TarEntry, content?: Buffer) => void,
  ) {}

  /** Consumes the next bytes of the archive. */
  write(chunk: Uint8Array): void {
    if (this.state.kind === 'ended') return; // after the end marker: padding
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (!bytes.length) return;
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    this.drain();
  }

  /** Declares the input complete; throws when the archive was cut short. */
  end(): void {
    if (this.state.kind === 'body' || this.buffered > 0) {
      throw new TarFormatError(
        'The tar archive ends in the middle of a member',
      );
    }
    if (this.state.kind !== 'ended') {
      throw new TarFormatError(
        'The tar archive ends without its end-of-archive marker',
      );
    }
  }

  private drain() {
    for (;;) {
      const state = this.state;
      if (state.kind === 'ended') {
        this.discard(this.buffered);
        return;
      }
      if (state.kind === 'header') {
        const block = this.take(BLOCK);
        if (!block) return;
        if (block.every(b => b === 0)) {
          // the first of the two zero blocks: what follows is padding
          this.state = { kind: 'ended' };
          continue;
        }
        const header = parseHeader(block);
        this.state = {
          kind: 'body',
          header,
          remaining: padded(this.sizeOf(header)),
          keep:
            META_TYPES.has(header.typeflag) ||
            entryType(header.typeflag, header.name) === 'file',
        };
        continue;
      }
      if (!state.keep) {
        state.remaining -= this.discard(state.remaining);
        if (state.remaining > 0) return;
        this.finish(state.header);
        continue;
      }
      const body = this.take(state.remaining);
      if (!body) return;
      this.finish(state.header, body.subarray(0, this.sizeOf(state.header)));
    }
  }

  /** A member's content length: a pending pax `size` overrides the header's. */
  private sizeOf(header: RawHeader): number {
    const isMeta = META_TYPES.has(header.typeflag);
    const pax = this.next.size;
    if (!isMeta && pax !== undefined) {
      if (!/^\d+$/.test(pax)) {
        throw new TarFormatError(`Invalid pax size '${pax}'`);
      }
      return Number(pax);
    }
    if (isMeta && header.size > MAX_META_BYTES) {
      throw new TarFormatError(
        `A ${header.size}-byte extended header is larger than any valid one`,
      );
    }
    return header.size;
  }

  private finish(header: RawHeader, body?: Buffer) {
    this.state = { kind: 'header' };
    switch (header.typeflag) {
      case 'x':
        applyPaxRecords(this.next, body!);
        return;
      case 'g':
        applyPaxRecords(this.globals, body!);
        return;
      case 'L':
        this.next.gnuPath = cString(body!);
        return;
      case 'K':
        this.next.gnuLinkpath = cString(body!);
        return;
      default:
    }
    const next = this.next;
    this.next = {};
    const path = next.path ?? next.gnuPath ?? header.name;
    const type = entryType(header.typeflag, path);
    const entry: TarEntry = {
      path,
      type,
      mode: header.mode,
      size: body?.length ?? this.sizeOfSkipped(header, next),
    };
    const linkTarget = next.linkpath ?? next.gnuLinkpath ?? header.linkname;
    if ((type === 'symlink' || type === 'hardlink') && linkTarget) {
      entry.linkTarget = linkTarget;
    }
    this.onEntry(entry, type === 'file' ? body : undefined);
  }

  private sizeOfSkipped(header: RawHeader, next: Record<string, string>) {
    return next.size !== undefined ? Number(next.size) : header.size;
  }

  /** Exactly `n` bytes when that many are buffered, else undefined (nothing consumed). */
  private take(n: number): Buffer | undefined {
    if (this.buffered < n) return undefined;
    if (n === 0) return Buffer.alloc(0);
    let out: Buffer;
    if (this.chunks[0].length >= n) {
      out = this.chunks[0].subarray(0, n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      for (const chunk of this.chunks) {
        if (filled === n) break;
        filled += chunk.copy(
          out,
          filled,
          0,
          Math.min(chunk.length, n - filled),
        );
      }
    }
    this.discard(n);
    return out;
  }

  /** Drops up to `n` buffered bytes; returns how many were dropped. */
  private discard(n: number): number {
    let dropped = 0;
    while (dropped < n && this.chunks.length) {
      const first = this.chunks[0];
      const count = Math.min(first.length, n - dropped);
      if (count === first.length) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
      dropped += count;
    }
    this.buffered -= dropped;
    return dropped;
  }
}

/** Reads a whole (uncompressed) archive held in memory. */
export function readTar(archive: Uint8Array): {
  entries: (TarEntry & { content?: Buffer })[];
  globals: Record<string, string>;
} {
  const entries: (TarEntry & { content?: Buffer })[] = [];
  const reader = new TarReader((entry, content) =>
    entries.push(content ? { ...entry, content } : entry),
  );
  reader.write(archive);
  reader.end();
  return { entries, globals: reader.globals };
}

function padded(size: number) {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function entryType(typeflag: string, path: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '7':
      return 'file';
    case '\0':
      // pre-POSIX archives mark directories only by a trailing slash
      return path.endsWith('/') ? 'directory' : 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

function parseHeader(block: Buffer): RawHeader {
  const stored = parseNumber(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  if (stored !== unsigned && stored !== signed) {
    throw new TarFormatError(
      'A tar header has a wrong checksum: the archive is corrupt or not a tar archive',
    );
  }
  const magic = block.toString('latin1', 257, 263);
  const name = cString(block.subarray(0, 100));
  // POSIX ustar keeps the leading directories of a long path in `prefix`;
  // GNU tar ("ustar  ") uses that area for other fields
  const prefix = magic === 'ustar\0' ? cString(block.subarray(345, 500)) : '';
  return {
    name: prefix ? `${prefix}/${name}` : name,
    typeflag: String.fromCharCode(block[156]),
    size: parseNumber(block, 124, 12),
    mode: parseNumber(block, 100, 8) & 0o7777,
    linkname: cString(block.subarray(157, 257)),
  };
}

/** An octal field, or GNU's base-256 encoding (high bit set) for large values. */
function parseNumber(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return value;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!text) return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw new TarFormatError(`Invalid numeric field '${text}' in a tar header`);
  }
  return parseInt(text, 8);
}

/**
 * `<length> <key>=<value>\n` records (length counts the whole record in
 * bytes) set on `records`; an empty value unsets the key, as POSIX says.
 */
function applyPaxRecords(records: Record<string, string>, body: Buffer) {
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === 0) break; // NUL padding
    const space = body.indexOf(0x20, pos);
    const length = Number(body.toString('latin1', pos, space));
    const end = pos + length;
    if (
      space < 0 ||
      !Number.isInteger(length) ||
      length <= space - pos ||
      end > body.length ||
      body[end - 1] !== 0x0a
    ) {
      throw new TarFormatError('A pax extended header is malformed');
    }
    const record = body.subarray(space + 1, end - 1);
    const equals = record.indexOf(0x3d);
    if (equals < 0) {
      throw new TarFormatError('A pax record has no key=value');
    }
    const key = record.toString('utf8', 0, equals);
    const value = record.toString('utf8', equals + 1);
    if (value) records[key] = value;
    else delete records[key];
    pos = end;
  }
}

/** A NUL-terminated (or field-filling) UTF-8 string. */
function cString(field: Buffer): string {
  const nul = field.indexOf(0);
  return field.toString('utf8', 0, nul < 0 ? field.length : nul);
}
