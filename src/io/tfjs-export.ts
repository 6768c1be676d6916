/**
 * Export to the TF.js layers format: model.json (Keras topology + weights
 * manifest) and one weights.bin, as `tf.loadLayersModel` reads them. Weights
 * keep their Keras names and layouts (conv [KH, KW, C, OC], dense [IN, OUT]),
 * so they are copied byte for byte: little-endian float32, concatenated in
 * manifest order. N batch, H, W, C channels, OC output channels.
 */
import { join } from 'node:path';
import type { Sequential } from '../model/sequential.js';
import { checkExportable, checkExportWeights, float32LittleEndian, type ExportOptions } from './export-common.js';
import { kerasLayerConfig } from './tfjs-layer-config.js';
import { writeExportFiles } from './export-folder.js';

export const TFJS_MODEL_FILE = 'model.json';
export const TFJS_WEIGHTS_FILE = 'weights.bin';

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface TfjsArtifacts {
  /** The model.json object (JSON.stringify it to write the file). */
  modelJson: {
    format: 'layers-model';
    generatedBy: string;
    convertedBy: null;
    modelTopology: { class_name: 'Sequential'; config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] }; keras_version: string; backend: string };
    weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  };
  /** The weights.bin bytes. */
  weightData: Uint8Array;
}

/** The model.json object and weights.bin bytes for a built float32 model. */
export function tfjsArtifacts(model: Sequential): TfjsArtifacts {
  checkExportable(model, 'TF.js');
  const weights = model.weights();
  const specs = weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: 'float32' as const }));
  const weightData = new Uint8Array(weights.reduce((sum, w) => sum + w.value.length * 4, 0));
  let offset = 0;
  for (const w of weights) {
    float32LittleEndian(w.value, weightData, offset);
    offset += w.value.length * 4;
  }
  const layers = model.layers.map((layer, i) => ({ class_name: layer.className, config: kerasLayerConfig(layer, i === 0 ? model.inputShape : undefined) }));
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'convkit',
      convertedBy: null,
      // keras_version/backend are what TF.js itself writes; loaders only display them.
      modelTopology: { class_name: 'Sequential', config: { name: model.name, layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
    },
    weightData,
  };
}

/** Writes model.json and weights.bin into `dir` (see writeExportFiles for the folder rules); returns the model.json path. */
export async function exportTfjs(model: Sequential, dir: string, options: ExportOptions = {}): Promise<string> {
  checkExportWeights(model, 'TF.js', options);
  const { modelJson, weightData } = tfjsArtifacts(model);
  // weights first: a model.json never points at a weights file that is not there yet.
  await writeExportFiles(dir, [[TFJS_WEIGHTS_FILE, weightData], [TFJS_MODEL_FILE, `${JSON.stringify(modelJson, null, 1)}\n`]], options);
  return join(dir, TFJS_MODEL_FILE);
}
