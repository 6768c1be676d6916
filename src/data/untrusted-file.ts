/**
 * The one way convkit opens a file it did not write: model files and
 * checkpoints, TF.js model.json and weights, IDX files, PNGs, malware samples
 * and zip archives. Everything a stranger's file could do to a reader is
 * settled here, once:
 * - only a regular file is read. A FIFO would block the read forever,
 *   /dev/zero would grow memory without bound, a folder would fail with a
 *   bare EISDIR. The file is opened with O_NONBLOCK (so that opening a FIFO
 *   cannot block either) and the descriptor itself is fstat-ed, so what is
 *   checked is what is read, whatever happens to the path meanwhile;
 * - the size is the descriptor's size at open time. A reader checks what a
 *   header declares against it before reading or allocating the rest
 *   (readRange, then readAll with the size the header implies), and a file
 *   that grows or shrinks while it is read is refused rather than trusted;
 * - nothing is read past a cap the caller states.
 *
 * The error kind is the caller's (DataError for data, ModelFileError for
 * models), so that catching the kind catches a missing or special file too;
 * Node's own error stays the cause.
 */
import { constants, createReadStream, promises as fsp, type Stats } from 'node:fs';
import type { Readable } from 'node:stream';
import { DataError, type ConvkitError } from '../core/errors.js';

/** The typed error a reader throws: DataError, ModelFileError ... */
export type ReaderErrorKind = new (message: string, options?: ErrorOptions) => ConvkitError;

export interface OpenUntrustedOptions {
  /** What the file is to the caller, for messages: "the model file", "the IDX file" ... */
  what: string;
  /** The error class thrown (default DataError). */
  kind?: ReaderErrorKind;
  /** Refuse a symbolic link instead of following it (O_NOFOLLOW): samples, archive members' siblings. Default false. */
  noFollow?: boolean;
}

/** What a non-regular file is, in words, for messages. */
export function describeFileType(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** An open regular file and its size at open time. Close it (or use withUntrustedFile). */
export class UntrustedFile {
  constructor(
    readonly path: string,
    readonly handle: fsp.FileHandle,
    readonly stats: Stats,
    private readonly what: string,
    private readonly kind: ReaderErrorKind,
  ) {}

  get size(): number {
    return this.stats.size;
  }

  /** The typed error of this reader, naming the file. */
  error(message: string, options?: ErrorOptions): ConvkitError {
    return new this.kind(`${capitalise(this.what)} ${this.path} ${message}`, options);
  }

  /** Exactly `length` bytes from `position`; a short read means the file shrank, which is refused. */
  async readRange(position: number, length: number): Promise<Uint8Array> {
    if (position + length > this.size) {
      throw this.error(`is ${this.size} bytes; expected at least ${position + length} (it is truncated).`);
    }
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(bytes, done, length - done, position + done);
      if (bytesRead === 0) throw this.error(`shrank while it was being read (expected ${this.size} bytes, read ${position + done}).`);
      done += bytesRead;
    }
    return bytes;
  }

  /**
   * The whole file, refused before anything is read when it is over `maxBytes`.
   * The file must still end where fstat said: one more byte read means it grew.
   */
  async readAll(maxBytes: number): Promise<Uint8Array> {
    if (this.size > maxBytes) {
      throw this.error(`is ${this.size} bytes, over the cap of ${maxBytes} bytes for ${this.what}; it is not read.`);
    }
    const bytes = await this.readRange(0, this.size);
    await this.checkEnd();
    return bytes;
  }

  /** Throws when the file has bytes past the size it had at open time (it grew while being read). */
  async checkEnd(): Promise<void> {
    const { bytesRead } = await this.handle.read(new Uint8Array(1), 0, 1, this.size);
    if (bytesRead !== 0) throw this.error(`grew while it was being read (it was ${this.size} bytes when opened).`);
  }

  /** The bytes from `start` to the size at open time, as a stream (never past it). The handle stays open. */
  stream(start = 0, chunkBytes = 1 << 20): Readable {
    // end is inclusive; an empty range gives an empty stream.
    return createReadStream('', { fd: this.handle, start, end: Math.max(start, this.size) - 1, highWaterMark: chunkBytes, autoClose: false, emitClose: false });
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Opens `path` for reading if it is a regular file; throws the caller's error kind otherwise. */
export async function openUntrustedFile(path: string, options: OpenUntrustedOptions): Promise<UntrustedFile> {
  const kind = options.kind ?? DataError;
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0);
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ELOOP is what O_NOFOLLOW gives for a symbolic link.
    if (code === 'ELOOP' && options.noFollow) {
      throw new kind(`Refusing ${path} as ${options.what}: it is a symbolic link; expected a regular file (links are not followed).`, { cause: error });
    }
    // Node's message names the path and the reason (ENOENT, EACCES ...).
    throw new kind(`Cannot read ${options.what}: ${(error as Error).message}`, { cause: error });
  }
  let stats: Stats;
  try {
    stats = await handle.stat();
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw new kind(`Cannot read ${options.what}: ${(error as Error).message}`, { cause: error });
  }
  if (!stats.isFile()) {
    await handle.close().catch(() => undefined);
    throw new kind(`Refusing ${path} as ${options.what}: it is ${describeFileType(stats)}; expected a regular file.`);
  }
  return new UntrustedFile(path, handle, stats, options.what, kind);
}

/** Opens, hands the file to `use`, and closes it whatever happens. */
export async function withUntrustedFile<T>(path: string, options: OpenUntrustedOptions, use: (file: UntrustedFile) => Promise<T>): Promise<T> {
  const file = await openUntrustedFile(path, options);
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}
