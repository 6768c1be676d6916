/**
 * What a file is, from its first bytes: the one place that tells a loader
 * handed the wrong kind of file what it was given and what reads it, instead
 * of a parse error about the wrong format ("header length is
 * 7886488381929032315 bytes" for a model.json given to the safetensors
 * loader). Signatures, not file names, decide; a name only separates a Keras
 * .keras archive from other zips when its first entry does not.
 *
 * Every loader reads the file's start anyway, so sniffing costs no extra read:
 * SNIFF_BYTES is enough for every signature here. Tests:
 * test/data/file-kind.test.ts (one per kind) and the loaders' tests.
 */

/** The most bytes of a file's start that sniffFileKind looks at. */
export const SNIFF_BYTES = 4096;

export type FileKindName = 'safetensors' | 'tfjs-model-json' | 'png' | 'onnx' | 'keras-h5' | 'keras-zip' | 'zip' | 'idx' | 'gzip';

export interface FileKind {
  readonly name: FileKindName;
  /** What the file is, as a noun phrase: "a TF.js layers model (model.json)". */
  readonly description: string;
  /** Which convkit command or function reads it, or what to do when none does. */
  readonly readBy: string;
}

const KINDS: Record<FileKindName, Omit<FileKind, 'name'>> = {
  safetensors: {
    description: 'a safetensors file (a convkit model)',
    readBy: 'read it with loadModel() or loadModelFile(), or pass it as --model to predict, evaluate, export, inspect or summary',
  },
  'tfjs-model-json': {
    description: 'a TF.js layers model (model.json)',
    readBy: 'read it with loadTfjsModel(), or pass it (or its folder) as --model to predict, evaluate, export, inspect or summary',
  },
  png: {
    description: 'a PNG image',
    readBy: "convkit predict reads PNG images (convkit predict --model m.safetensors digit.png), as do inspect --png and the malware commands (byteplots)",
  },
  onnx: {
    description: 'an ONNX model',
    readBy: 'convkit writes ONNX (convkit export --format onnx) but does not read it; run it with ONNX Runtime (onnxruntime-node), or load the convkit or TF.js model it was exported from',
  },
  'keras-h5': {
    description: 'a Keras HDF5 model (.h5)',
    readBy: "convkit does not read HDF5; in Python, save it as a TF.js layers model (tensorflowjs.converters.save_keras_model(model, 'out')) and load out/model.json with loadTfjsModel() or --model",
  },
  'keras-zip': {
    description: 'a Keras model archive (.keras)',
    readBy: "convkit does not read .keras archives; in Python, save it as a TF.js layers model (tensorflowjs.converters.save_keras_model(model, 'out')) and load out/model.json with loadTfjsModel() or --model",
  },
  zip: {
    description: 'a zip archive',
    readBy: 'convkit reads zip archives of samples in the malware commands (convkit malware predict / evaluate / train)',
  },
  idx: {
    description: 'an IDX array file (MNIST format)',
    readBy: 'read it with readIdxFile(), pass image files to convkit predict, or a folder of them as --data',
  },
  gzip: {
    description: 'a gzip-compressed file',
    readBy: 'convkit reads gzipped IDX files (MNIST .gz) with readIdxFile(), convkit predict and --data',
  },
};

function kind(name: FileKindName): FileKind {
  return { name, ...KINDS[name] };
}

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  return bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP_ENTRY = [0x50, 0x4b, 0x03, 0x04];
const GZIP = [0x1f, 0x8b];
/** IDX element type codes (uint8, int8, int16, int32, float32, float64): src/data/idx.ts. */
const IDX_TYPES = new Set([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e]);
/** ONNX ModelProto field tags that follow ir_version (field 1): producer_name, producer_version, domain, model_version, doc_string, graph, opset_import. */
const ONNX_NEXT_TAGS = new Set([0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42]);
/** The entries a Keras 3 .keras archive starts with. */
const KERAS_ENTRIES = new Set(['metadata.json', 'config.json', 'model.weights.h5']);

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

function firstZipEntryName(bytes: Uint8Array): string {
  if (bytes.length < 30) return '';
  const nameLength = bytes[26]! | (bytes[27]! << 8);
  return latin1(bytes.subarray(30, Math.min(bytes.length, 30 + nameLength)));
}

function isSafetensors(bytes: Uint8Array): boolean {
  // An 8-byte little-endian header length (never near 2^32 in practice), then the JSON header.
  return bytes.length >= 9 && bytes[4] === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0 && bytes[8] === 0x7b;
}

function isTfjsModelJson(bytes: Uint8Array): boolean {
  let at = 0;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) at = 3;
  while (at < bytes.length && (bytes[at] === 0x20 || bytes[at] === 0x0a || bytes[at] === 0x0d || bytes[at] === 0x09)) at++;
  if (bytes[at] !== 0x7b) return false;
  return /"(modelTopology|weightsManifest)"\s*:/.test(latin1(bytes.subarray(at, SNIFF_BYTES)));
}

function isOnnx(bytes: Uint8Array): boolean {
  // ir_version (field 1, varint; 1 to 20 so far), then another ModelProto field.
  return bytes.length >= 3 && bytes[0] === 0x08 && bytes[1]! >= 1 && bytes[1]! <= 20 && ONNX_NEXT_TAGS.has(bytes[2]!);
}

function isIdx(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && IDX_TYPES.has(bytes[2]!) && bytes[3]! >= 1 && bytes[3]! <= 8;
}

/**
 * The kind of file whose first bytes are `head` (SNIFF_BYTES are enough), or undefined when it is
 * none of the kinds above. `name` (a path) only tells a .keras archive whose first entry is unusual.
 */
export function sniffFileKind(head: Uint8Array, name = ''): FileKind | undefined {
  if (startsWith(head, PNG)) return kind('png');
  if (startsWith(head, HDF5) || startsWith(head, HDF5, 512)) return kind('keras-h5');
  if (startsWith(head, ZIP_ENTRY)) return KERAS_ENTRIES.has(firstZipEntryName(head)) || /\.keras$/i.test(name) ? kind('keras-zip') : kind('zip');
  if (startsWith(head, GZIP)) return kind('gzip');
  if (isIdx(head)) return kind('idx');
  if (isSafetensors(head)) return kind('safetensors');
  if (isTfjsModelJson(head)) return kind('tfjs-model-json');
  if (isOnnx(head)) return kind('onnx');
  return undefined;
}

/**
 * The message for a loader that expected `expected` and was given a file of another known kind:
 * "m.json is a TF.js layers model (model.json), not a convkit model file (.safetensors): read it with ...".
 */
export function wrongKindMessage(source: string, found: FileKind, expected: string): string {
  return `${source} is ${found.description}, not ${expected}: ${found.readBy}.`;
}
