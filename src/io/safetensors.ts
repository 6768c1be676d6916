/**
 * The safetensors file format, written and read by hand (it is small, and it
 * is the security surface of model files, so no dependency sits in between).
 *
 * Layout: an 8-byte little-endian u64 N; N bytes of UTF-8 JSON (the header);
 * then the data. The header maps each tensor name to
 * { dtype, shape, data_offsets: [begin, end] }, offsets counted from the first
 * byte after the header, plus an optional "__metadata__" map of strings.
 * Values are little-endian, row-major.
 *
 * The decoder trusts nothing in the file: every number is checked before it is
 * used, the tensors must tile the data exactly (no overlap, gap or trailing
 * byte), and nothing is allocated for a size that has not been checked against
 * the bytes actually present. The writer pads the header with spaces to a
 * multiple of 8 bytes, as the reference implementation does, so data starts
 * aligned for every dtype.
 */
import { findDuplicateKey } from './json-duplicate-keys.js';
import { parseJsonWithDepthLimit } from '../core/json-depth.js';
import { ModelFileError } from '../core/errors.js';
import { quoteString, quoteValue } from '../core/quote-value.js';

/** The dtypes convkit reads and writes; others (F16, BF16, I64 ...) are refused by name. */
export const DTYPE_SIZES = { F32: 4, F64: 8, I32: 4, U32: 4 } as const;
export type SafetensorsDType = keyof typeof DTYPE_SIZES;
export type TensorData = Float32Array | Float64Array | Int32Array | Uint32Array;

export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

export interface SafetensorsContent {
  /** Tensors in file (offset) order. */
  readonly tensors: NamedTensor[];
  readonly metadata: ReadonlyMap<string, string>;
}

/** The reference implementation's cap; real headers are kilobytes to a few megabytes. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';
const ENTRY_KEYS = ['dtype', 'shape', 'data_offsets'];

/** A safetensors buffer that cannot be read or written; a ModelFileError, so callers can catch either. */
export class SafetensorsError extends ModelFileError {
  override name = 'SafetensorsError';
}

function dtypeOf(data: TensorData): SafetensorsDType {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof Uint32Array) return 'U32';
  throw new SafetensorsError(`safetensors: tensor data must be a Float32Array, Float64Array, Int32Array or Uint32Array; received ${Object.prototype.toString.call(data)}.`);
}

// A lone UTF-16 surrogate has no UTF-8 form: other readers would refuse the header.
const LONE_SURROGATE = /\p{Surrogate}/u;

function checkName(name: string, seen: Set<string>): void {
  if (typeof name !== 'string' || name.length === 0 || LONE_SURROGATE.test(name)) {
    throw new SafetensorsError(`safetensors: a tensor name must be a non-empty, well-formed string; received ${quoteValue(name)}.`);
  }
  if (name === METADATA_KEY) throw new SafetensorsError(`safetensors: "${METADATA_KEY}" is reserved for metadata and cannot name a tensor.`);
  if (seen.has(name)) throw new SafetensorsError(`safetensors: two tensors are named ${quoteString(name)}; names must be unique.`);
  seen.add(name);
}

function toLittleEndian(data: TensorData): Uint8Array {
  const dtype = dtypeOf(data);
  const size = DTYPE_SIZES[dtype];
  const bytes = new Uint8Array(data.length * size);
  const view = new DataView(bytes.buffer);
  // DataView fixes the byte order whatever the host's; the loop costs little next to the disk write.
  for (let i = 0; i < data.length; i++) {
    const at = i * size;
    if (dtype === 'F32') view.setFloat32(at, data[i], true);
    else if (dtype === 'F64') view.setFloat64(at, data[i], true);
    else if (dtype === 'I32') view.setInt32(at, data[i], true);
    else view.setUint32(at, data[i], true);
  }
  return bytes;
}

/**
 * The file as a sequence of chunks: the length and header first, then each
 * tensor's bytes, serialised only when the consumer asks for it (a large
 * model never needs a second whole copy in memory).
 */
export function* safetensorsChunks(tensors: readonly NamedTensor[], metadata: Readonly<Record<string, string>> = {}): Generator<Uint8Array> {
  const seen = new Set<string>();
  const entries: string[] = [];
  const metaKeys = Object.keys(metadata);
  for (const key of metaKeys) {
    if (typeof metadata[key] !== 'string' || LONE_SURROGATE.test(key) || LONE_SURROGATE.test(metadata[key])) {
      throw new SafetensorsError(`safetensors: metadata must map strings to well-formed strings; ${quoteString(key)} maps to ${quoteValue(metadata[key])}.`);
    }
  }
  if (metaKeys.length > 0) entries.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const tensor of tensors) {
    checkName(tensor.name, seen);
    const dtype = dtypeOf(tensor.data);
    const elements = tensor.shape.reduce((a, b) => a * b, 1);
    if (!tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || elements !== tensor.data.length) {
      throw new SafetensorsError(`safetensors: tensor ${quoteString(tensor.name)} has shape [${tensor.shape.join(', ')}] but ${tensor.data.length} values.`);
    }
    const end = offset + elements * DTYPE_SIZES[dtype];
    // Entries are written by hand, in this order: an object would move integer-like names first.
    entries.push(`${JSON.stringify(tensor.name)}:${JSON.stringify({ dtype, shape: tensor.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  let header = `{${entries.join(',')}}`;
  const unpadded = new TextEncoder().encode(header).length;
  header += ' '.repeat((8 - (unpadded % 8)) % 8);
  const headerBytes = new TextEncoder().encode(header);
  const prefix = new Uint8Array(8 + headerBytes.length);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  prefix.set(headerBytes, 8);
  yield prefix;
  for (const tensor of tensors) yield toLittleEndian(tensor.data);
}

/** The whole file in one buffer. */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const chunks = [...safetensorsChunks(tensors, metadata)];
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

export interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseEntry(name: string, value: unknown, fail: (why: string) => never): Entry {
  if (!isPlainObject(value)) fail(`tensor ${quoteString(name)} must be an object { dtype, shape, data_offsets }; received ${quoteValue(value)}.`);
  const extra = Object.keys(value).filter((k) => !ENTRY_KEYS.includes(k));
  const missing = ENTRY_KEYS.filter((k) => !Object.hasOwn(value, k));
  if (extra.length > 0 || missing.length > 0) {
    fail(`tensor ${quoteString(name)} must have exactly the fields dtype, shape, data_offsets; ${missing.length > 0 ? `missing ${missing.join(', ')}` : `unexpected ${extra.map((k) => quoteString(k)).join(', ')}`}.`);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_SIZES, dtype)) {
    fail(`tensor ${quoteString(name)} has dtype ${quoteValue(dtype)}; convkit reads ${Object.keys(DTYPE_SIZES).join(', ')}.`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`tensor ${quoteString(name)} has shape ${quoteValue(shape)}; expected a list of non-negative integers.`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(`tensor ${quoteString(name)} has data_offsets ${quoteValue(offsets)}; expected [begin, end] with 0 <= begin <= end.`);
  }
  const size = DTYPE_SIZES[dtype as SafetensorsDType];
  let bytes = size;
  for (const d of shape as number[]) {
    bytes *= d;
    // A product past 2^53 is no longer exact: refuse it rather than compare a rounded number.
    if (!Number.isSafeInteger(bytes)) fail(`tensor ${quoteString(name)}: shape [${shape.join(', ')}] of ${dtype} overflows the byte count.`);
  }
  const [begin, end] = offsets as number[];
  if (end - begin !== bytes) {
    fail(`tensor ${quoteString(name)}: shape [${shape.join(', ')}] of ${dtype} needs ${bytes} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}.`);
  }
  return { name, dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end };
}

function parseMetadata(value: unknown, fail: (why: string) => never): Map<string, string> {
  if (!isPlainObject(value)) fail(`"${METADATA_KEY}" must be an object of strings; received ${quoteValue(value)}.`);
  const metadata = new Map<string, string>();
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== 'string') fail(`"${METADATA_KEY}" must map strings to strings; ${quoteString(key)} maps to ${quoteValue(text)}.`);
    metadata.set(key, text);
  }
  return metadata;
}

function readData(bytes: Uint8Array, at: number, entry: Entry): TensorData {
  const count = (entry.end - entry.begin) / DTYPE_SIZES[entry.dtype];
  // Through DataView: the data may be unaligned in files from other writers, and the host may be big-endian.
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, entry.end - entry.begin);
  switch (entry.dtype) {
    case 'F32': return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
    case 'F64': return Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
    case 'I32': return Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
    case 'U32': return Uint32Array.from({ length: count }, (_, i) => view.getUint32(i * 4, true));
  }
}

/** A checked header: the tensors it lists (in offset order, tiling the data) and the metadata. */
export interface SafetensorsHeader {
  readonly entries: readonly Entry[];
  readonly metadata: Map<string, string>;
  /** Where the data starts: 8 + the header length. */
  readonly dataStart: number;
}

/**
 * Parses and checks the header at the start of `bytes`, for a file of `fileLength` bytes (default: all of
 * `bytes`, when the whole file is in memory). A reader of a file on disk calls it with only the first
 * 8 + N bytes, so the declared tensors are checked against the file's real size before the data is read
 * (src/io/model-file.ts). Throws SafetensorsError naming the first problem found.
 */
export function decodeSafetensorsHeader(bytes: Uint8Array, source = 'safetensors data', fileLength = bytes.length): SafetensorsHeader {
  // Annotated so that TypeScript narrows after each fail(...) call.
  const fail: (why: string) => never = (why) => {
    throw new SafetensorsError(`${source} is not a valid safetensors file: ${why}`);
  };
  if (fileLength < 8 || bytes.length < 8) fail(`it is ${fileLength} bytes long; a safetensors file starts with an 8-byte header length.`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) fail(`the header length is ${declared} bytes, above the ${MAX_HEADER_BYTES}-byte cap.`);
  const headerLength = Number(declared);
  if (8 + headerLength > fileLength) {
    fail(`the header length is ${headerLength} bytes, past the end of the file (${fileLength - 8} bytes follow the length).`);
  }
  if (8 + headerLength > bytes.length) fail(`only ${bytes.length - 8} bytes of its ${headerLength}-byte header were given.`);
  let text: string;
  try {
    // fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM keeps a BOM so that JSON.parse refuses it.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    return fail('the header is not valid UTF-8.');
  }
  // Depth first: JSON.parse (and any walk of its result) recurses once per level.
  const header = parseJsonWithDepthLimit(text, (why) => fail(`the header ${why}`));
  if (!isPlainObject(header)) fail(`the header must be a JSON object; received ${Array.isArray(header) ? 'an array' : quoteValue(header)}.`);
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) fail(`the header has the key ${quoteString(duplicate)} twice; each key must appear once.`);

  let metadata = new Map<string, string>();
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value, fail);
    else entries.push(parseEntry(name, value, fail));
  }

  // The tensors must tile the data from byte 0 to the end of the file, in offset order.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataLength = fileLength - 8 - headerLength;
  let expected = 0;
  for (const entry of entries) {
    if (entry.begin < expected) fail(`tensor ${quoteString(entry.name)} starts at byte ${entry.begin}, inside the previous tensor (which ends at ${expected}).`);
    if (entry.begin > expected) fail(`tensor ${quoteString(entry.name)} starts at byte ${entry.begin}, leaving a gap after byte ${expected}; tensors must be contiguous from 0.`);
    if (entry.end > dataLength) fail(`tensor ${quoteString(entry.name)} ends at byte ${entry.end}, past the end of the data (${dataLength} bytes).`);
    expected = entry.end;
  }
  if (expected !== dataLength) fail(`${dataLength - expected} trailing bytes follow the last tensor (data is ${dataLength} bytes, tensors cover ${expected}).`);
  return { entries, metadata, dataStart: 8 + headerLength };
}

/**
 * Parses and checks a whole safetensors file. `source` names it in errors.
 * Throws SafetensorsError naming the first problem found.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsContent {
  const { entries, metadata, dataStart } = decodeSafetensorsHeader(bytes, source);
  const tensors = entries.map((entry) => ({ name: entry.name, shape: entry.shape, data: readData(bytes, dataStart + entry.begin, entry) }));
  return { tensors, metadata };
}
