/**
 * What the TF.js and ONNX exports share: which models can be exported, and
 * float32 weights as little-endian bytes (both formats store them so).
 */
import type { Sequential } from '../model/sequential.js';
import { checkSavable } from './layer-allowlist.js';
import { ConfigError } from '../core/errors.js';
import { quoteString } from '../core/quote-value.js';
import { checkFinite } from './finite-check.js';
import type { ExportFolderOptions } from './export-folder.js';

/** exportTfjs / exportOnnx options: the folder rules, and whether NaN or infinite weights may be written. */
export interface ExportOptions extends ExportFolderOptions {
  /** Write a model whose weights hold NaN or Infinity (refused by default, as saveModel refuses it). */
  allowNonFinite?: boolean;
}

const EXPORT_REMEDY = 'a diverged model is not exported. Pass { allowNonFinite: true } (--allow-non-finite on the command line) to export it anyway.';

/** The export files' weights are finite unless asked otherwise: a NaN kernel would predict one class for every input wherever it runs. */
export function checkExportWeights(model: Sequential, format: string, options: ExportOptions): void {
  if (options.allowNonFinite) return;
  for (const weight of model.weights()) checkFinite('weight', weight.name, weight.value, `${format} export of model ${quoteString(model.name)}`, EXPORT_REMEDY);
}

/** Float32 bytes little-endian regardless of the host (all Node platforms are LE today, but the format says LE). */
export function float32LittleEndian(values: ArrayLike<number>, out: Uint8Array, offset: number): void {
  const view = new DataView(out.buffer, out.byteOffset + offset, values.length * 4);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
}

export function checkExportable(model: Sequential, format: string): void {
  if (model.dtype !== 'float32') {
    throw new ConfigError(`${format} export needs a float32 model; "${model.name}" is ${model.dtype} (float64 is for gradient checks). Rebuild it with dtype 'float32'.`);
  }
  model.weights(); // builds it, or says how to (an unbuilt model has no input shape to export)
  // The same rule as saveModel(): only allowlisted layers with plain names, so imports can read them back.
  model.layers.forEach(checkSavable);
}
