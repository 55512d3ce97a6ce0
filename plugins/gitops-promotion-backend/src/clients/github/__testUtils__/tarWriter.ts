/** A member to write. */
export interface TarWriterEntry {
  /** Directories end in `/`. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  /** Permission bits (default 0o664 for files, 0o775 for directories, 0o777 for links). */
  mode?: number;
  content?: Buffer | string;
  linkTarget?: string;
}

/** How {@link writeTar} lays the archive out. */
export interface WriteTarOptions {
  /** Records of a pax global header written first (`git archive`: `comment=<commit id>`). */
  globalRecords?: Record<string, string>;
  /**
   * A path too long for ustar's 100-byte name and 155-byte prefix is written
   * as a pax `path` record (what `git archive` does, the default) or a GNU
   * `././@LongLink` member (`gnu`, which also uses GNU's magic throughout).
   */
  longNames?: 'pax' | 'gnu';
  /** Modification time of every member, seconds since the epoch. */
  mtime?: number;
}

const BLOCK = 512;
/** `git archive` pads the archive to a multiple of 20 blocks, like tar. */
const RECORD = 20 * BLOCK;

/**
 * Writes an uncompressed tar archive the way `git archive` (and so GitHub's
 * tarball endpoint) does: POSIX ustar headers, owner root, a pax global
 * header carrying the commit id, long paths split into ustar's prefix when
 * possible and otherwise written as pax extended headers.
 */
export function writeTar(
  entries: TarWriterEntry[],
  options: WriteTarOptions = {},
): Buffer {
  const gnu = options.longNames === 'gnu';
  const mtime = options.mtime ?? 0;
  const blocks: Buffer[] = [];
  const member = (fields: HeaderFields, body: Buffer = Buffer.alloc(0)) => {
    blocks.push(header(fields, gnu));
    blocks.push(body, Buffer.alloc(padding(body.length)));
  };
  const meta = (name: string, typeflag: string, body: Buffer) =>
    member({ name, typeflag, mode: 0o644, size: body.length, mtime }, body);

  if (options.globalRecords) {
    meta('pax_global_header', 'g', paxRecords(options.globalRecords));
  }
  for (const entry of entries) {
    const content =
      entry.type === 'file' ? Buffer.from(entry.content ?? '') : undefined;
    const fields: HeaderFields = {
      name: entry.path,
      typeflag: { file: '0', directory: '5', symlink: '2' }[entry.type],
      mode:
        entry.mode ??
        { file: 0o664, directory: 0o775, symlink: 0o777 }[entry.type],
      size: content?.length ?? 0,
      mtime,
      linkname: entry.linkTarget ?? '',
    };
    const pax: Record<string, string> = {};
    if (Buffer.byteLength(fields.name) > 100) {
      const split = gnu ? undefined : splitPrefix(fields.name);
      if (split) {
        fields.prefix = split.prefix;
        fields.name = split.name;
      } else if (gnu) {
        meta('././@LongLink', 'L', Buffer.from(`${entry.path}\0`));
        fields.name = truncate(entry.path);
      } else {
        pax.path = entry.path;
        fields.name = truncate(entry.path);
      }
    }
    if (Buffer.byteLength(fields.linkname ?? '') > 100) {
      if (gnu) {
        meta('././@LongLink', 'K', Buffer.from(`${fields.linkname}\0`));
      } else {
        pax.linkpath = fields.linkname!;
      }
      fields.linkname = truncate(fields.linkname!);
    }
    if (Object.keys(pax).length) {
      meta(`PaxHeaders/${truncate(entry.path, 80)}`, 'x', paxRecords(pax));
    }
    member(fields, content);
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  const size = blocks.reduce((n, b) => n + b.length, 0);
  blocks.push(Buffer.alloc((RECORD - (size % RECORD)) % RECORD));
  return Buffer.concat(blocks);
}

interface HeaderFields {
  name: string;
  prefix?: string;
  typeflag: string;
  mode: number;
  size: number;
  mtime: number;
  linkname?: string;
}

function header(fields: HeaderFields, gnu: boolean): Buffer {
  const block = Buffer.alloc(BLOCK);
  const put = (offset: number, length: number, value: string) => {
    if (Buffer.byteLength(value) > length) {
      throw new Error(`'${value}' does not fit a ${length}-byte tar field`);
    }
    block.write(value, offset, length, 'utf8');
  };
  const octal = (offset: number, length: number, value: number) =>
    put(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  put(0, 100, fields.name);
  octal(100, 8, fields.mode);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, fields.size);
  octal(136, 12, fields.mtime);
  put(148, 8, ' '.repeat(8));
  put(156, 1, fields.typeflag);
  put(157, 100, fields.linkname ?? '');
  put(257, 8, gnu ? 'ustar  \0' : 'ustar\u000000');
  put(265, 32, 'root');
  put(297, 32, 'root');
  if (!gnu) {
    octal(329, 8, 0);
    octal(337, 8, 0);
    put(345, 155, fields.prefix ?? '');
  }
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, 8, `${sum.toString(8).padStart(7, '0')}\0`);
  return block;
}

/** `git archive`'s split: the last `/` that leaves a prefix ≤ 155 and a name ≤ 100 bytes. */
function splitPrefix(
  path: string,
): { prefix: string; name: string } | undefined {
  const bytes = Buffer.from(path);
  for (let i = Math.min(155, bytes.length - 1); i > 0; i--) {
    if (bytes[i] !== 0x2f) continue;
    const rest = bytes.length - i - 1;
    if (rest > 0 && rest <= 100) {
      return {
        prefix: bytes.toString('utf8', 0, i),
        name: bytes.toString('utf8', i + 1),
      };
    }
    return undefined;
  }
  return undefined;
}

function paxRecords(records: Record<string, string>): Buffer {
  return Buffer.concat(
    Object.entries(records).map(([key, value]) => {
      const payload = ` ${key}=${value}\n`;
      const bytes = Buffer.byteLength(payload);
      let length = bytes + 1;
      while (String(length).length + bytes !== length) length++;
      return Buffer.from(`${length}${payload}`);
    }),
  );
}

/** At most `max` bytes of a name, cut at a character boundary. */
function truncate(name: string, max = 100): string {
  let out = name;
  while (Buffer.byteLength(out) > max) out = out.slice(0, -1);
  return out;
}

function padding(size: number) {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
