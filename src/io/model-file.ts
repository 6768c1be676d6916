/**
 * convkit model files on disk: saveModel writes one atomically, loadModel and
 * loadModelFile read one the way every stranger's file is read. The format and
 * its encoding and decoding live in ./model-codec.ts (Node-free), re-exported
 * here so that callers keep one import.
 */
import type { Sequential } from '../model/sequential.js';
import { writeFileAtomic } from './atomic-write.js';
import { decodeSafetensorsHeader, MAX_HEADER_BYTES, safetensorsChunks } from './safetensors.js';
import { withUntrustedFile } from '../data/untrusted-file.js';
import { ModelFileError } from '../core/errors.js';
import { decodeModel, modelFileContent, type LoadedModelFile, type LoadOptions, type SaveOptions } from './model-codec.js';

export * from './model-codec.js';

/** Writes the model file atomically: the file at `path` is the old one or the complete new one, never a mix. */
export async function saveModel(model: Sequential, path: string, options: SaveOptions = {}): Promise<void> {
  const { tensors, metadata } = modelFileContent(model, options);
  await writeFileAtomic(path, safetensorsChunks(tensors, metadata));
}

/**
 * A model file's bytes, read the way every stranger's file is (src/data/untrusted-file.ts): only a
 * regular file; the 8-byte length first, then the header, whose tensors must tile exactly the file's
 * real size; only then the data. A 2 GB file with a broken header costs its header, not 2 GB
 * (test/io/model-file-limits.test.ts).
 */
export async function readModelFileBytes(path: string): Promise<Uint8Array> {
  return withUntrustedFile(path, { what: 'the model file', kind: ModelFileError }, async (file) => {
    const length = await file.readRange(0, Math.min(file.size, 8));
    const declared = length.length === 8 ? new DataView(length.buffer).getBigUint64(0, true) : 0n;
    const headerEnd = declared <= BigInt(MAX_HEADER_BYTES) ? Math.min(file.size, 8 + Number(declared)) : 8;
    // Throws for a length past the cap or past the end, and for tensors that do not tile the file's size.
    decodeSafetensorsHeader(await file.readRange(0, headerEnd), path, file.size);
    return file.readAll(file.size);
  });
}

/** Loads a model file with everything it holds, including the epoch a checkpoint reached. */
export async function loadModelFile(path: string, options: LoadOptions = {}): Promise<LoadedModelFile> {
  return decodeModel(await readModelFileBytes(path), { ...options, source: path });
}

/** Loads a model saved by saveModel(): compiled when the file has a training config, ready for predict, evaluate or fit. */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<Sequential> {
  return (await loadModelFile(path, options)).model;
}
