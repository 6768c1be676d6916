/**
 * IDX files (LeCun's MNIST container): a 4-byte magic (0, 0, type, rank), rank
 * big-endian uint32 dimensions, then the row-major elements, big-endian.
 *
 * Decisions worth knowing:
 * - A dimension of 0 is accepted: an empty split is a real array, and numpy-style
 *   writers produce it. The data section must then be empty. Loaders that need
 *   at least one item (e.g. loadIdxDataset) reject it themselves.
 * - Rank must be 1..MAX_IDX_RANK. Rank 0 has no use in any IDX data set, and a
 *   rank byte of, say, 200 is far likelier to be a wrong file than a real array.
 * - Nothing is allocated from header numbers alone: the element count is checked
 *   against the bytes actually present before any typed array is created.
 * - The returned data is always a copy, never a view on the file buffer, so the
 *   caller can keep it without pinning (or being surprised by) the raw bytes.
 */
import { writeFile } from 'node:fs/promises';
import { constants as bufferConstants } from 'node:buffer';
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { ConfigError, DataError, ShapeError } from '../core/errors.js';
import { gunzipIdxFile } from './idx-gunzip.js';
import { withUntrustedFile } from './untrusted-file.js';
import { sniffFileKind, SNIFF_BYTES, wrongKindMessage } from './file-kind.js';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export interface IdxTypedArrays {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** A parsed IDX array; narrowing on `type` gives `data` its exact typed-array kind. */
export type IdxArray = {
  [T in IdxType]: { type: T; shape: number[]; data: IdxTypedArrays[T] };
}[IdxType];

/** What encodeIdx accepts: any numbers, checked to be representable in `type`. */
export interface IdxInput {
  type: IdxType;
  shape: readonly number[];
  data: ArrayLike<number>;
}

export interface ParseIdxOptions {
  /** Upper bound on the gunzipped size, so a corrupt or hostile .gz fails cleanly. */
  maxDecompressedBytes?: number;
}

export const MAX_IDX_RANK = 16;
const HEADER_PREFIX_BYTES = 4;
const MAX_DIMENSION = 0xffffffff;

/** Raised for any malformed IDX input; `source` names the file (or buffer) at fault. */
export class IdxFormatError extends DataError {
  override name = 'IdxFormatError';
  readonly source: string;
  constructor(source: string, message: string, options?: ErrorOptions) {
    super(`${source}: ${message}`, options);
    this.source = source;
  }
}

interface ElementCodec {
  code: number;
  bytes: number;
  read(view: DataView, offset: number): number;
  write(view: DataView, offset: number, value: number): void;
  /** Integer range; undefined for floating-point types. */
  range?: readonly [number, number];
}

// `false` everywhere = big-endian, as the format requires.
const CODECS: { readonly [T in IdxType]: ElementCodec } = {
  uint8: { code: 0x08, bytes: 1, range: [0, 255], read: (v, o) => v.getUint8(o), write: (v, o, x) => v.setUint8(o, x) },
  int8: { code: 0x09, bytes: 1, range: [-128, 127], read: (v, o) => v.getInt8(o), write: (v, o, x) => v.setInt8(o, x) },
  int16: { code: 0x0b, bytes: 2, range: [-32768, 32767], read: (v, o) => v.getInt16(o, false), write: (v, o, x) => v.setInt16(o, x, false) },
  int32: { code: 0x0c, bytes: 4, range: [-2147483648, 2147483647], read: (v, o) => v.getInt32(o, false), write: (v, o, x) => v.setInt32(o, x, false) },
  float32: { code: 0x0d, bytes: 4, read: (v, o) => v.getFloat32(o, false), write: (v, o, x) => v.setFloat32(o, x, false) },
  float64: { code: 0x0e, bytes: 8, read: (v, o) => v.getFloat64(o, false), write: (v, o, x) => v.setFloat64(o, x, false) },
};

const TYPE_BY_CODE = new Map<number, IdxType>(
  (Object.keys(CODECS) as IdxType[]).map((type) => [CODECS[type].code, type]),
);

const hex = (byte: number): string => `0x${byte.toString(16).padStart(2, '0')}`;
const KNOWN_TYPES = (Object.keys(CODECS) as IdxType[]).map((t) => `${hex(CODECS[t].code)} (${t})`).join(', ');

export function idxElementBytes(type: IdxType): number {
  return CODECS[type].bytes;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Element count of a shape, or undefined when it is not exactly representable.
 * A zero dimension anywhere makes the count 0 however large the others are.
 */
function elementCount(shape: readonly number[]): number | undefined {
  if (shape.includes(0)) return 0;
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    if (count > Number.MAX_SAFE_INTEGER) return undefined;
  }
  return count;
}

function describeShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function gunzip(bytes: Uint8Array, source: string, maxBytes: number, finishFlush?: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes, ...(finishFlush === undefined ? {} : { finishFlush }) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new IdxFormatError(
      source,
      `the file starts with the gzip magic 1f 8b but could not be decompressed (limit ${maxBytes} bytes): ${reason}. ` +
        'Re-download it or gunzip it by hand to check it.',
    );
  }
}

/** Deflate writes at most 1032 bytes for each byte it reads (a 258-byte match in a 2-bit code, repeated). */
const DEFLATE_MAX_RATIO = 1032;
/** Compressed bytes inflated to find the header: a header is at most 4 + 4 x 255 bytes. */
const HEADER_PROBE_BYTES = 2048;

/**
 * A gzipped IDX buffer, inflated no further than its own header declares, as readIdxFile does for a
 * file (./idx-gunzip.ts): the header comes from an inflated prefix, a declared size that the
 * compressed bytes could not even produce is refused before anything is allocated, and the whole
 * inflation stops past the declared size (fuzz target idx-gz; test/data/idx.test.ts).
 */
function gunzipIdx(bytes: Uint8Array, source: string, maxBytes: number): Uint8Array {
  const head = gunzip(bytes.subarray(0, Math.min(bytes.length, HEADER_PROBE_BYTES)), source, Math.min(maxBytes, HEADER_PROBE_BYTES * DEFLATE_MAX_RATIO), zlibConstants.Z_SYNC_FLUSH);
  const declared = possibleIdxSize(head, source, bytes.length);
  return gunzip(bytes, source, declared === undefined ? maxBytes : Math.min(maxBytes, declared));
}

/** Decodes an IDX buffer (gzipped or not). `sourceName` appears in every error. */
export function parseIdx(buffer: Uint8Array, sourceName = '<buffer>', options: ParseIdxOptions = {}): IdxArray {
  const maxBytes = Math.min(options.maxDecompressedBytes ?? bufferConstants.MAX_LENGTH, bufferConstants.MAX_LENGTH);
  return parseIdxBytes(isGzip(buffer) ? gunzipIdx(buffer, sourceName, maxBytes) : buffer, sourceName);
}

/** What an IDX header declares: the element type, the shape, and the bytes the header and the data take. */
export interface IdxHeader {
  type: IdxType;
  shape: number[];
  headerBytes: number;
  /** Bytes of the data section the shape needs. */
  dataBytes: number;
}

/** The header's length once its first 4 bytes (magic, type, rank) are known; checks those 4 bytes. */
function idxHeaderLength(bytes: Uint8Array, sourceName: string): number {
  if (bytes.length < HEADER_PREFIX_BYTES) {
    throw new IdxFormatError(
      sourceName,
      `too short for an IDX header: expected at least ${HEADER_PREFIX_BYTES} bytes (magic, type, rank); received ${bytes.length} bytes.`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(
      sourceName,
      `not an IDX file: expected magic bytes 0x00 0x00; received ${hex(bytes[0]!)} ${hex(bytes[1]!)}.`,
    );
  }
  if (!TYPE_BY_CODE.has(bytes[2]!)) {
    throw new IdxFormatError(sourceName, `unknown IDX element type: expected one of ${KNOWN_TYPES}; received ${hex(bytes[2]!)}.`);
  }
  const rank = bytes[3]!;
  if (rank < 1 || rank > MAX_IDX_RANK) {
    throw new IdxFormatError(sourceName, `unsupported IDX rank: expected 1 to ${MAX_IDX_RANK}; received ${rank}.`);
  }
  return HEADER_PREFIX_BYTES + 4 * rank;
}

/**
 * Parses the header at the start of `bytes` (which may hold more than the header). `available` is how many
 * bytes the whole IDX content has, for the message when the shape cannot be addressed.
 */
export function parseIdxHeader(bytes: Uint8Array, sourceName: string, available = bytes.length): IdxHeader {
  const headerBytes = idxHeaderLength(bytes, sourceName);
  const rank = bytes[3]!;
  if (bytes.length < headerBytes) {
    throw new IdxFormatError(
      sourceName,
      `too short for an IDX header of rank ${rank}: expected at least ${headerBytes} bytes; received ${bytes.length} bytes.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = TYPE_BY_CODE.get(bytes[2]!)!;
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(HEADER_PREFIX_BYTES + 4 * i, false));
  const count = elementCount(shape);
  if (count === undefined) {
    throw new IdxFormatError(
      sourceName,
      `IDX shape ${describeShape(shape)} has more elements than can be addressed (over 2^53 - 1); ` +
        `received only ${available - headerBytes} data bytes. The header is corrupt.`,
    );
  }
  return { type, shape, headerBytes, dataBytes: count * CODECS[type].bytes };
}

/** The size check of every IDX reader: the data section must be exactly what the shape needs. */
function checkDataSize(header: IdxHeader, dataBytes: number, sourceName: string): void {
  if (dataBytes === header.dataBytes) return;
  const { type, shape, headerBytes } = header;
  const problem = dataBytes < header.dataBytes ? 'the file is truncated' : 'the file has trailing bytes';
  throw new IdxFormatError(
    sourceName,
    `IDX data size mismatch: shape ${describeShape(shape)} of ${type} needs ${header.dataBytes} data bytes ` +
      `(${header.dataBytes / CODECS[type].bytes} x ${CODECS[type].bytes}); received ${dataBytes} bytes after the ${headerBytes}-byte header (${problem}).`,
  );
}

/** Header plus data bytes that the header at the start of `bytes` declares; undefined while the header is incomplete. */
function declaredIdxSize(bytes: Uint8Array, sourceName: string): number | undefined {
  if (bytes.length < HEADER_PREFIX_BYTES) return undefined;
  const headerBytes = idxHeaderLength(bytes, sourceName);
  if (bytes.length < headerBytes) return undefined;
  const header = parseIdxHeader(bytes.subarray(0, headerBytes), sourceName);
  return header.headerBytes + header.dataBytes;
}

/** declaredIdxSize, refusing a declared size that `gzipped` compressed bytes cannot inflate to. */
function possibleIdxSize(inflated: Uint8Array, source: string, gzipped: number): number | undefined {
  const declared = declaredIdxSize(inflated, source);
  const possible = gzipped * DEFLATE_MAX_RATIO;
  if (declared !== undefined && declared > possible) {
    throw new IdxFormatError(source, `the header declares ${declared} bytes (header and data), more than ${gzipped} gzipped bytes can inflate to (at most ${possible}): a corrupt or hostile file.`);
  }
  return declared;
}

/** Decodes plain (never gzipped) IDX bytes: a gzip inside a gzip is not unpacked again. */
function parseIdxBytes(bytes: Uint8Array, sourceName: string): IdxArray {
  const header = parseIdxHeader(bytes, sourceName);
  checkDataSize(header, bytes.length - header.headerBytes, sourceName);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = header.dataBytes / CODECS[header.type].bytes;
  return { type: header.type, shape: header.shape, data: decodeElements(header.type, view, header.headerBytes, count) } as IdxArray;
}

function decodeElements(type: IdxType, view: DataView, offset: number, count: number): IdxTypedArrays[IdxType] {
  // Single-byte types have no byte order: a straight copy is both correct and fastest.
  if (type === 'uint8' || type === 'int8') {
    const copy = new Uint8Array(view.buffer, view.byteOffset + offset, count).slice();
    return type === 'uint8' ? copy : new Int8Array(copy.buffer);
  }
  const codec = CODECS[type];
  const data = createTypedArray(type, count);
  for (let i = 0, at = offset; i < count; i++, at += codec.bytes) data[i] = codec.read(view, at);
  return data;
}

function createTypedArray(type: IdxType, length: number): IdxTypedArrays[IdxType] {
  switch (type) {
    case 'uint8': return new Uint8Array(length);
    case 'int8': return new Int8Array(length);
    case 'int16': return new Int16Array(length);
    case 'int32': return new Int32Array(length);
    case 'float32': return new Float32Array(length);
    case 'float64': return new Float64Array(length);
  }
}

/**
 * Reads and decodes an IDX file, plain or gzipped (detected by content, not by name). Only a regular
 * file is read (./untrusted-file.ts). A plain file's header is read first and the size it declares is
 * checked against the file's real size before the rest is read; a gzipped file is inflated as a stream
 * and stopped as soon as it passes what its own header declares (./idx-gunzip.ts), so a small .gz
 * cannot expand to gigabytes (test/data/idx-limits.test.ts).
 */
export async function readIdxFile(path: string, options: ParseIdxOptions = {}): Promise<IdxArray> {
  const maxBytes = Math.min(options.maxDecompressedBytes ?? bufferConstants.MAX_LENGTH, bufferConstants.MAX_LENGTH);
  return withUntrustedFile(path, { what: 'the IDX file', kind: DataError }, async (file) => {
    const magic = await file.readRange(0, Math.min(file.size, 2));
    if (isGzip(magic)) return parseIdxBytes(await gunzipIdxFile(file, maxBytes, (inflated) => possibleIdxSize(inflated, path, file.size)), path);
    const found = sniffFileKind(await file.readRange(0, Math.min(file.size, SNIFF_BYTES)), path);
    if (found && found.name !== 'idx') throw new DataError(wrongKindMessage(path, found, 'an IDX file'));
    const prefix = await file.readRange(0, Math.min(file.size, HEADER_PREFIX_BYTES));
    const headerLength = idxHeaderLength(prefix, path);
    const header = parseIdxHeader(await file.readRange(0, Math.min(file.size, headerLength)), path, file.size);
    // Checked before the data is read or allocated: a header cannot make convkit read more than the file holds.
    checkDataSize(header, file.size - header.headerBytes, path);
    return parseIdxBytes(await file.readAll(file.size), path);
  });
}

/**
 * Encodes an array as IDX. Values are checked rather than silently wrapped, so an
 * export can never write a label 256 as 0 or a pixel 3.5 as 3.
 */
export function encodeIdx(array: IdxInput, options: { gzip?: boolean } = {}): Buffer {
  const { type, shape, data } = array;
  const codec = CODECS[type];
  if (codec === undefined) {
    throw new ConfigError(`encodeIdx: unknown element type: expected one of ${Object.keys(CODECS).join(', ')}; received ${String(type)}.`);
  }
  if (shape.length < 1 || shape.length > MAX_IDX_RANK) {
    throw new ShapeError(`encodeIdx: expected a shape of rank 1 to ${MAX_IDX_RANK}; received ${describeShape(shape)} (rank ${shape.length}).`);
  }
  shape.forEach((dim, axis) => {
    if (!Number.isInteger(dim) || dim < 0 || dim > MAX_DIMENSION) {
      throw new ShapeError(`encodeIdx: expected every dimension to be an integer in [0, ${MAX_DIMENSION}]; received ${dim} at axis ${axis}.`);
    }
  });
  const count = elementCount(shape);
  if (count !== data.length) {
    throw new ShapeError(
      `encodeIdx: shape ${describeShape(shape)} needs ${count ?? 'more than 2^53 - 1'} elements; received ${data.length}.`,
    );
  }
  if (codec.range !== undefined) checkRepresentable(type, codec.range, data);

  const headerBytes = HEADER_PREFIX_BYTES + 4 * shape.length;
  const out = Buffer.alloc(headerBytes + count * codec.bytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[2] = codec.code;
  out[3] = shape.length;
  shape.forEach((dim, i) => view.setUint32(HEADER_PREFIX_BYTES + 4 * i, dim, false));
  for (let i = 0, at = headerBytes; i < count; i++, at += codec.bytes) codec.write(view, at, data[i]!);
  return options.gzip ? gzipSync(out) : out;
}

function checkRepresentable(type: IdxType, [min, max]: readonly [number, number], data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new DataError(`encodeIdx: ${type} holds integers in [${min}, ${max}]; received ${value} at index ${i}.`);
    }
  }
}

/** Writes an IDX file; gzipped when asked, or by default when the name ends in .gz. */
export async function writeIdxFile(path: string, array: IdxInput, options: { gzip?: boolean } = {}): Promise<void> {
  await writeFile(path, encodeIdx(array, { gzip: options.gzip ?? path.endsWith('.gz') }));
}
