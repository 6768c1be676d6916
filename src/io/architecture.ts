/**
 * A Sequential model's architecture as JSON: its name, dtype, per-sample input
 * shape and, per layer, { className, config } from layer.getConfig(). Rebuilt
 * only through the layer allowlist, after checking that the weights the
 * architecture would allocate are held by the file (so a few bytes of JSON
 * cannot make the loader allocate gigabytes).
 */
import type { BackendChoice } from '../backend/select-backend.js';
import type { DType } from '../core/tensor.js';
import type { Layer } from '../layers/layer.js';
import { Sequential } from '../model/sequential.js';
import { findDuplicateKey } from './json-duplicate-keys.js';
import { parseJsonWithDepthLimit } from '../core/json-depth.js';
import { createLayer } from './layer-allowlist.js';
import { ModelFileError } from '../core/errors.js';
import { quoteString, quoteValue } from '../core/quote-value.js';

export interface ArchitectureSpec {
  name: string;
  dtype: DType;
  inputShape: number[];
  layers: { className: string; config: Record<string, unknown> }[];
}

/** More than any Sequential CNN needs; bounds the work a file can ask for. */
export const MAX_LAYERS = 1000;

export function describeArchitecture(model: Sequential): ArchitectureSpec {
  return {
    name: model.name,
    dtype: model.dtype,
    inputShape: [...model.inputShape],
    // trainable is written only when false, so a model without frozen layers saves as it always has.
    layers: model.layers.map((layer) => ({ className: layer.className, config: layer.trainable ? layer.getConfig() : { ...layer.getConfig(), trainable: false } })),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the "architecture" metadata string and checks its outer structure (layers are checked by the allowlist). */
export function parseArchitecture(text: string, where: string): ArchitectureSpec {
  const spec = parseJsonWithDepthLimit(text, (why) => {
    throw new ModelFileError(`${where}: the architecture ${why}`);
  });
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) throw new ModelFileError(`${where}: the architecture has the key ${quoteString(duplicate)} twice in one object.`);
  const keys = ['name', 'dtype', 'inputShape', 'layers'];
  if (!isObject(spec) || Object.keys(spec).some((k) => !keys.includes(k))) {
    throw new ModelFileError(`${where}: the architecture must be an object with the keys ${keys.join(', ')}.`);
  }
  const { name, dtype, inputShape, layers } = spec;
  if (typeof name !== 'string' || name.length === 0 || name.length > 128) throw new ModelFileError(`${where}: the model name must be a string of 1 to 128 characters; received ${quoteValue(name)}.`);
  if (dtype !== 'float32' && dtype !== 'float64') throw new ModelFileError(`${where}: the model dtype must be 'float32' or 'float64'; received ${quoteValue(dtype)}.`);
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new ModelFileError(`${where}: the input shape must be a list of positive integers such as [28, 28, 1]; received ${quoteValue(inputShape)}.`);
  }
  if (!Array.isArray(layers) || layers.length === 0 || layers.length > MAX_LAYERS) {
    throw new ModelFileError(`${where}: the architecture must list 1 to ${MAX_LAYERS} layers; received ${Array.isArray(layers) ? layers.length : quoteValue(layers)}.`);
  }
  layers.forEach((layer, i) => {
    if (!isObject(layer) || Object.keys(layer).length !== 2 || !Object.hasOwn(layer, 'className') || !Object.hasOwn(layer, 'config')) {
      throw new ModelFileError(`${where}: layer ${i} must be an object { className, config }; received ${quoteValue(layer)}.`);
    }
  });
  return { name, dtype, inputShape: inputShape as number[], layers: layers as ArchitectureSpec['layers'] };
}

/**
 * Builds the model the spec describes, with its weights freshly initialised
 * (the caller overwrites them). Each layer's weights are first planned from its
 * config and compared with `fileShapes` (tensor name -> shape, as the file
 * holds them): a missing or misshapen weight is refused before anything of the
 * architecture's size is allocated, so a few bytes of JSON asking for a
 * 2^30-unit Dense layer cost nothing.
 */
export function buildArchitecture(
  spec: ArchitectureSpec, fileShapes: ReadonlyMap<string, readonly number[]>, options: { seed: number; backend?: BackendChoice }, where: string,
): Sequential {
  const layers: Layer[] = spec.layers.map((l, i) => createLayer(l.className, l.config, `${where}, layer ${i}`));
  const declared = layers[0].declaredInputShape;
  if (declared && (declared.length !== spec.inputShape.length || declared.some((d, i) => d !== spec.inputShape[i]))) {
    throw new ModelFileError(`${where}: the first layer declares inputShape [${declared.join(', ')}] but the model's input shape is [${spec.inputShape.join(', ')}].`);
  }
  let shape: readonly number[] = spec.inputShape;
  for (const layer of layers) {
    const plan = layer.plan(shape);
    // A wrong rank stops the plan here; the real build below then reports it in the layer's own words.
    if (!plan) break;
    for (const { suffix, shape: needed } of plan.weights) checkWeightShape(`${layer.name}/${suffix}`, fileShapes.get(`${layer.name}/${suffix}`), needed, where);
    shape = plan.outputShape;
  }
  try {
    const model = new Sequential(layers, { name: spec.name, seed: options.seed, backend: options.backend, dtype: spec.dtype });
    if (!model.isBuilt) model.build(spec.inputShape);
    return model;
  } catch (error) {
    throw new ModelFileError(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** The one wording for a weight the file lacks or holds in another shape. */
export function checkWeightShape(name: string, held: readonly number[] | undefined, needed: readonly number[], where: string): void {
  if (!held) throw new ModelFileError(`${where}: missing weight ${quoteString(name)} of shape [${needed.join(', ')}] that the architecture needs.`);
  if (held.length !== needed.length || held.some((d, i) => d !== needed[i])) {
    throw new ModelFileError(`${where}: weight ${quoteString(name)} has shape [${held.join(', ')}] in the file; the architecture needs [${needed.join(', ')}].`);
  }
}
