/**
 * One loader for every model file convkit reads, chosen by content, not by
 * name: a TF.js model.json (or the folder holding one) goes to
 * loadTfjsModel, everything else to loadModel, which names a file of another
 * known kind (data/file-kind.ts) and what reads it. The CLI's --model FILE
 * takes whatever this takes. Test: test/io/load-any-model.test.ts.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFileError } from '../core/errors.js';
import { sniffFileKind, SNIFF_BYTES } from '../data/file-kind.js';
import { withUntrustedFile } from '../data/untrusted-file.js';
import type { Sequential } from '../model/sequential.js';
import { loadModel, type LoadOptions } from './model-file.js';
import { TFJS_MODEL_FILE } from './tfjs-export.js';
import { loadTfjsModel } from './tfjs-import.js';

async function isFolderWithModelJson(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) return false;
  return (await stat(join(path, TFJS_MODEL_FILE)).catch(() => undefined)) !== undefined;
}

/** Loads a convkit model file (.safetensors) or a TF.js layers model (model.json, or its folder). */
export async function loadAnyModel(path: string, options: LoadOptions = {}): Promise<Sequential> {
  if (await isFolderWithModelJson(path)) return loadTfjsModel(path, options);
  // Read as every stranger's file is (a FIFO or a device is refused before any read blocks).
  const head = await withUntrustedFile(path, { what: 'the model file', kind: ModelFileError }, (file) => file.readRange(0, Math.min(file.size, SNIFF_BYTES)));
  return sniffFileKind(head, path)?.name === 'tfjs-model-json' ? loadTfjsModel(path, options) : loadModel(path, options);
}
