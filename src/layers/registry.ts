/**
 * The layer classes convkit knows, one line each: model files, TF.js import
 * and export and ONNX export read a layer's facts from its descriptor here
 * (layers/layer-descriptor.ts). The list is fixed and explicit: a class name
 * from a file is looked up in this map and nowhere else, so no file can name
 * code outside it (a Map, so "__proto__" or "constructor" find nothing).
 */
import type { Layer } from './layer.js';
import type { LayerDescriptor } from './layer-descriptor.js';
import { activationDescriptor } from './activation.js';
import { conv2dDescriptor } from './conv2d.js';
import { denseDescriptor } from './dense.js';
import { dropoutDescriptor } from './dropout.js';
import { flattenDescriptor } from './flatten.js';
import { maxPooling2dDescriptor } from './max-pooling2d.js';
import { leakyReluDescriptor } from './leaky-relu.js';
import { reshapeDescriptor } from './reshape.js';
import { averagePooling2dDescriptor } from './average-pooling2d.js';
import { batchNormalizationDescriptor } from './batch-normalization.js';
import { globalAveragePooling2dDescriptor } from './global-average-pooling2d.js';
import { globalMaxPooling2dDescriptor } from './global-max-pooling2d.js';

const DESCRIPTORS: readonly LayerDescriptor[] = [
  conv2dDescriptor,
  maxPooling2dDescriptor,
  flattenDescriptor,
  denseDescriptor,
  dropoutDescriptor,
  activationDescriptor,
  leakyReluDescriptor,
  reshapeDescriptor,
  batchNormalizationDescriptor,
  averagePooling2dDescriptor,
  globalAveragePooling2dDescriptor,
  globalMaxPooling2dDescriptor,
];

const BY_CLASS_NAME: ReadonlyMap<string, LayerDescriptor> = new Map(DESCRIPTORS.map((d) => [d.className, d]));

/** Keras class names of every registered layer, in registration order. */
export const LAYER_CLASS_NAMES: readonly string[] = DESCRIPTORS.map((d) => d.className);

/** The descriptor registered under a class name, or undefined (never one outside the list). */
export function descriptorFor(className: unknown): LayerDescriptor | undefined {
  return typeof className === 'string' ? BY_CLASS_NAME.get(className) : undefined;
}

/** The descriptor of a layer object's class, or undefined for a class outside the list. */
export function descriptorOf(layer: Layer): LayerDescriptor | undefined {
  return descriptorFor(layer.className);
}
