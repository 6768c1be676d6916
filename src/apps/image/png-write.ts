/**
 * convkit's one PNG writer: 8-bit greyscale (colour type 0) or RGB (colour
 * type 2), with optional tEXt chunks and a zlib level from 0 (stored) to 9.
 * Two ways in:
 * - PngWriter streams to a file: samples go in raster order, chunk by chunk,
 *   and the rows are compressed in segments on zlib's thread pool while the
 *   caller reads and hashes the next chunk. The row count must be known up
 *   front (IHDR comes first), which a byteplot knows from the file size. The
 *   last row is padded with zeros. binimg writes its byteplots this way.
 * - encodePng builds a whole (small) image in memory: inspect's pictures.
 *
 * Filter None for every row keeps the output a pure function of the pixels
 * (and fast): the same pixels always give the same PNG bytes for a given zlib.
 * Only 8-bit grey and RGB are written because they are all convkit draws (no
 * alpha, no 16-bit); reading (./png-read.ts, through pngjs) takes every PNG.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import zlib from 'node:zlib';
import { adler32 } from './adler32.js';
import { ConfigError, ShapeError } from '../../core/errors.js';
import { quoteValue } from '../../core/quote-value.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** zlib.crc32 (Node >= 20.15) runs in C; the table version covers older Node 20 releases. */
const nativeCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

function crc32(parts: Uint8Array[]): number {
  if (nativeCrc32) {
    let value = 0;
    for (const part of parts) value = nativeCrc32(part, value);
    return value >>> 0;
  }
  let c = 0xffffffff;
  for (const part of parts) for (let i = 0; i < part.length; i++) c = CRC_TABLE[(c ^ part[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const typeBytes = Buffer.from(type, 'latin1');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(data.length, 0);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(crc32([typeBytes, data]), 0);
  return Buffer.concat([header, typeBytes, data, trailer]);
}

/** 'grey': one byte per pixel (PNG colour type 0); 'rgb': three, R G B (colour type 2). */
export type PngColour = 'grey' | 'rgb';

const COLOUR_TYPE: Record<PngColour, number> = { grey: 0, rgb: 2 };
const CHANNELS: Record<PngColour, number> = { grey: 1, rgb: 3 };

function checkColour(colour: PngColour): void {
  if (!(colour in COLOUR_TYPE)) throw new ConfigError(`A PNG colour is 'grey' or 'rgb'; received ${quoteValue(colour)}.`);
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new ConfigError(`A PNG needs a positive integer width and height; received ${width} x ${height}.`);
  }
}

function checkLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new ConfigError(`The zlib level must be an integer from 0 to 9; received ${level}.`);
}

function ihdr(width: number, height: number, colour: PngColour): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = 8; // bit depth
  data[9] = COLOUR_TYPE[colour];
  data[10] = 0; // compression: deflate
  data[11] = 0; // filter method 0
  data[12] = 0; // no interlace
  return pngChunk('IHDR', data);
}

function text(keyword: string, value: string): Buffer {
  return pngChunk('tEXt', Buffer.from(`${keyword}\0${value}`, 'latin1'));
}

export interface PngWriterOptions {
  width: number;
  height: number;
  /** Default 'grey'. */
  colour?: PngColour;
  /**
   * zlib level 0-9; 1 by default: byteplots of code compress little better
   * at 9, and 1 is much faster (bench/phases/binimg-throughput.ts measures
   * the conversion at levels 1 and 0). Level 0 writes stored (uncompressed)
   * deflate blocks directly, without zlib.
   */
  compressionLevel?: number;
  /** Filtered bytes per independently compressed segment (default 1 MiB; tests use small ones). */
  segmentBytes?: number;
}

/**
 * Segment size: large enough that per-call overhead and the sync-flush
 * markers (5 bytes each) are negligible, small enough that a few segments in
 * flight keep memory flat.
 */
const SEGMENT_BYTES = 1 << 20;
/** Deflate's window: each segment is primed with the last 32 KiB of the one before. */
const WINDOW_BYTES = 32 * 1024;
/** Segments compressed at once on libuv's thread pool (4 threads by default); output order is fixed regardless. */
const MAX_IN_FLIGHT = 4;
const STORED_BLOCK_MAX = 65535;

/** The 2-byte zlib header that zlib itself writes for `level` (CMF 0x78: deflate, 32 KiB window; FLEVEL as zlib sets it). */
export function zlibHeader(level: number): Uint8Array {
  const flevel = level < 2 ? 0 : level < 6 ? 1 : level === 6 ? 2 : 3;
  let header = (0x78 << 8) | (flevel << 6);
  header += 31 - (header % 31);
  return Uint8Array.of(header >>> 8, header & 0xff);
}

/** Raw deflate stored blocks for `data` (BFINAL on the last block when `final`), as parts that reference `data` without copying it. */
export function storedBlocks(data: Uint8Array, final: boolean): Uint8Array[] {
  const parts: Uint8Array[] = [];
  if (data.length === 0) {
    if (final) parts.push(Uint8Array.of(1, 0, 0, 0xff, 0xff));
    return parts;
  }
  for (let at = 0; at < data.length; at += STORED_BLOCK_MAX) {
    const length = Math.min(STORED_BLOCK_MAX, data.length - at);
    const last = final && at + length === data.length;
    parts.push(Uint8Array.of(last ? 1 : 0, length & 0xff, length >>> 8, ~length & 0xff, (~length >>> 8) & 0xff));
    parts.push(data.subarray(at, at + length));
  }
  return parts;
}

function deflateSegment(data: Uint8Array, level: number, dictionary: Uint8Array | undefined, final: boolean): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const options: zlib.ZlibOptions = { level, finishFlush: final ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH };
    if (dictionary) options.dictionary = dictionary;
    zlib.deflateRaw(data, options, (error, result) => (error ? reject(error) : resolve([result])));
  });
}

/**
 * The image data is one zlib stream cut into segments of about 1 MiB of
 * filtered rows, each compressed on its own (pigz's scheme): a segment is
 * raw-deflated with the previous segment's last 32 KiB as its dictionary and
 * ends with a sync flush (an empty stored block that byte-aligns it), so the
 * segments concatenate into one valid deflate stream, with matches still
 * reaching back across segment boundaries. The segments run in parallel on
 * zlib's thread pool while the caller reads and hashes the next chunk; the
 * Adler-32 of the whole stream is computed here. Each segment is a
 * deterministic function of its bytes, so the PNG does not depend on thread
 * timing. Every row uses filter 0 (None): the filtered stream is the pixels
 * with a zero byte before each row, so a byteplot needs no per-pixel work.
 */
export class PngWriter {
  readonly width: number;
  readonly height: number;
  readonly colour: PngColour;
  /** Bytes per row without the filter byte: width times the channels of the colour. */
  private readonly rowSamples: number;
  private readonly level: number;
  private readonly out: WriteStream;
  private readonly segmentCapacity: number;
  private segment: Buffer;
  private segmentUsed = 0;
  /** Dictionary for the next segment: the last 32 KiB of the filtered stream so far. */
  private tail: Uint8Array | undefined;
  private adler = 1;
  private readonly inFlight: Promise<Uint8Array[]>[] = [];
  private wroteHeader = false;
  /** Position inside the current row (0 = at the filter byte). */
  private column = 0;
  private rows = 0;
  private failure: Error | undefined;
  private readonly outClosed: Promise<void>;

  constructor(path: string, options: PngWriterOptions) {
    const { width, height } = options;
    const colour = options.colour ?? 'grey';
    checkSize(width, height);
    checkColour(colour);
    const level = options.compressionLevel ?? 1;
    checkLevel(level);
    this.width = width;
    this.height = height;
    this.colour = colour;
    this.rowSamples = width * CHANNELS[colour];
    this.level = level;
    const rowBytes = this.rowSamples + 1;
    // Whole rows per segment, so that a row is never split between two buffers.
    this.segmentCapacity = Math.max(rowBytes, Math.floor((options.segmentBytes ?? SEGMENT_BYTES) / rowBytes) * rowBytes);
    this.segment = Buffer.allocUnsafe(this.segmentCapacity);
    // 'wx': never overwrite an existing file; the caller writes to a fresh temporary name.
    this.out = createWriteStream(path, { flags: 'wx', mode: 0o644 });
    this.outClosed = new Promise((resolve, reject) => {
      this.out.on('close', resolve);
      this.out.on('error', (error) => { this.failure ??= error; reject(error); });
    });
    this.outClosed.catch(() => undefined);
    this.out.write(Buffer.concat([SIGNATURE, ihdr(width, height, colour)]));
  }

  /** Writes one IDAT chunk holding `parts` (no copy: length, type, parts and CRC go to the stream as they are). */
  private async writeIdat(parts: Uint8Array[]): Promise<void> {
    if (!this.wroteHeader) {
      parts.unshift(zlibHeader(this.level));
      this.wroteHeader = true;
    }
    const type = Buffer.from('IDAT', 'latin1');
    const length = parts.reduce((n, p) => n + p.length, 0);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(length, 0);
    type.copy(header, 4);
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32BE(crc32([type, ...parts]), 0);
    this.out.cork();
    this.out.write(header);
    for (const part of parts) if (part.length > 0) this.out.write(part);
    const ok = this.out.write(trailer);
    this.out.uncork();
    if (!ok && !this.failure) await this.drained();
    if (this.failure) throw this.failure;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }

  /** Compresses the current segment (in the background unless level 0) and writes finished segments in order. */
  private async dispatch(final: boolean): Promise<void> {
    const data = this.segment.subarray(0, this.segmentUsed);
    this.adler = adler32(data, this.adler);
    const job = this.level === 0 ? Promise.resolve(storedBlocks(data, final)) : deflateSegment(data, this.level, this.tail, final);
    job.catch(() => undefined); // awaited in order below; this only keeps an early failure from being reported as unhandled
    this.inFlight.push(job);
    if (!final) {
      // The segment buffer now belongs to the job; the next rows go to a fresh one.
      this.tail = data.length >= WINDOW_BYTES ? data.subarray(data.length - WINDOW_BYTES) : concatTail(this.tail, data);
      this.segment = Buffer.allocUnsafe(this.segmentCapacity);
      this.segmentUsed = 0;
    }
    while (this.inFlight.length >= (final ? 1 : MAX_IN_FLIGHT)) {
      const parts = await this.inFlight.shift()!;
      await this.writeIdat(parts);
    }
  }

  /** Appends samples in raster order (for 'rgb', R G B of each pixel in turn); a call may end anywhere, even inside a pixel. */
  async write(pixels: Uint8Array): Promise<void> {
    let i = 0;
    const width = this.rowSamples;
    while (i < pixels.length) {
      if (this.column === 0) {
        if (this.rows === this.height) throw new ShapeError(`Too many pixels for a ${this.width} x ${this.height} PNG.`);
        if (this.segmentUsed + width + 1 > this.segmentCapacity) await this.dispatch(false);
        this.segment[this.segmentUsed++] = 0; // filter: None
      }
      const take = Math.min(width - this.column, pixels.length - i);
      this.segment.set(pixels.subarray(i, i + take), this.segmentUsed);
      this.segmentUsed += take;
      this.column += take;
      i += take;
      if (this.column === width) {
        this.column = 0;
        this.rows++;
      }
    }
  }

  /** Pads the last row with zeros, adds the text chunks and closes the file. */
  async finish(textChunks: Record<string, string> = {}): Promise<void> {
    if (this.column > 0) {
      this.segment.fill(0, this.segmentUsed, this.segmentUsed + this.rowSamples - this.column);
      this.segmentUsed += this.rowSamples - this.column;
      this.column = 0;
      this.rows++;
    }
    if (this.rows !== this.height) throw new ShapeError(`The PNG was laid out for ${this.height} rows but received ${this.rows}.`);
    await this.dispatch(true);
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32BE(this.adler, 0);
    await this.writeIdat([checksum]);
    for (const chunk of textChunksOf(textChunks)) this.out.write(chunk);
    this.out.end(pngChunk('IEND', new Uint8Array(0)));
    await this.outClosed;
    if (this.failure) throw this.failure;
  }

  /** Stops writing after an error; the caller removes the file. */
  async abort(): Promise<void> {
    this.inFlight.length = 0;
    this.out.destroy();
    await this.outClosed.catch(() => undefined);
  }
}

function concatTail(previous: Uint8Array | undefined, data: Uint8Array): Uint8Array {
  const joined = previous ? Buffer.concat([previous, data]) : Uint8Array.from(data);
  return joined.subarray(Math.max(0, joined.length - WINDOW_BYTES));
}

function textChunksOf(entries: Record<string, string>): Buffer[] {
  return Object.entries(entries).map(([key, value]) => text(key, value));
}

/** An image held whole in memory: row-major samples, 1 byte per pixel for 'grey', 3 (R G B) for 'rgb'. */
export interface PngImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface EncodePngOptions {
  colour: PngColour;
  /**
   * zlib level 0-9, 9 by default: inspect's pictures are small and written
   * once, so the smallest file is worth the time (pngjs, which wrote them
   * before, also deflated at 9).
   */
  compressionLevel?: number;
  /** tEXt chunks (keyword -> Latin-1 value), written after the image data. */
  text?: Record<string, string>;
}

/** The PNG file of `image` as one buffer: the same chunks, filter and determinism as PngWriter, without a file or segments. */
export function encodePng(image: PngImage, options: EncodePngOptions): Buffer {
  const { width, height, data } = image;
  const { colour } = options;
  checkSize(width, height);
  checkColour(colour);
  const level = options.compressionLevel ?? 9;
  checkLevel(level);
  const rowSamples = width * CHANNELS[colour];
  if (data.length !== rowSamples * height) {
    throw new ShapeError(`A ${width} x ${height} ${colour} PNG takes ${rowSamples * height} bytes (${CHANNELS[colour]} per pixel); received ${data.length}.`);
  }
  const filtered = Buffer.alloc((rowSamples + 1) * height); // filter byte 0 (None) before each row
  for (let y = 0; y < height; y++) filtered.set(data.subarray(y * rowSamples, (y + 1) * rowSamples), y * (rowSamples + 1) + 1);
  return Buffer.concat([
    SIGNATURE,
    ihdr(width, height, colour),
    pngChunk('IDAT', zlib.deflateSync(filtered, { level })),
    ...textChunksOf(options.text ?? {}),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}
