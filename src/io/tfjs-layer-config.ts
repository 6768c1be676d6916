/**
 * Keras layer configs (snake_case, as TF.js model.json and Keras write them)
 * to and from convkit's getConfig() (camelCase), both directions read from each
 * layer's descriptor (layers/layer-descriptor.ts) in the layer registry;
 * nothing outside it is ever translated.
 *
 * Reading is strict: a key is either translated, checked to hold the one
 * value convkit can honour (data_format 'channels_last', dilation_rate 1, ...),
 * or listed as inert (initializers, regularizers, constraints: they shape
 * training from scratch, never a forward pass, and their values are only
 * data, never evaluated). Any other key is an error. N batch, H, W, C.
 */
import type { Layer } from '../layers/layer.js';
import type { FixedKerasKey } from '../layers/layer-descriptor.js';
import { descriptorFor, LAYER_CLASS_NAMES } from '../layers/registry.js';
import { ModelFileError } from '../core/errors.js';
import { quoteString, quoteValue } from '../core/quote-value.js';

export type KerasConfig = Record<string, unknown>;

/** Keys whose values never change what a loaded layer computes. */
const INERT = ['kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint', 'seed'];


function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Keras config of a convkit layer; `batchInputShape` goes on the first layer so TF.js can build the model. */
export function kerasLayerConfig(layer: Layer, batchInputShape: readonly number[] | undefined): KerasConfig {
  const c = layer.getConfig();
  const common: KerasConfig = { name: c.name, trainable: layer.trainable, dtype: 'float32' };
  if (batchInputShape) common.batch_input_shape = [null, ...batchInputShape];
  const descriptor = descriptorFor(layer.className);
  if (!descriptor) {
    throw new ModelFileError(`Layer ${quoteValue(layer.name)} is a ${layer.className}, which has no Keras equivalent convkit can export; exports hold ${LAYER_CLASS_NAMES.join(', ')}.`);
  }
  const out: KerasConfig = { ...common };
  for (const key of descriptor.config) out[key.keras] = c[key.name];
  if (out.activation === 'leaky_relu') {
    // TF.js knows LeakyReLU only as a layer, not as an activation name: its loader would refuse the file.
    throw new ModelFileError(`Layer ${quoteValue(layer.name)} uses the activation 'leaky_relu', which TF.js cannot load (it has a LeakyReLU layer, not the activation name); give the layer no activation and follow it with layers.leakyReLU({ alpha: 0.2 }), which TF.js loads and computes the same, or export to ONNX or a convkit model file.`);
  }
  for (const key of descriptor.fixed) if (key.exported !== undefined) out[key.keras] = key.exported;
  return { ...out, ...descriptor.kerasExtras };
}

/** Keys every layer class has, checked to hold the one value convkit implements. */
const COMMON_FIXED: readonly FixedKerasKey[] = [
  // Keras 3 writes a dtype policy object; TF.js and Keras 2 a string.
  {
    keras: 'dtype',
    exported: 'float32',
    ok: (v) => v === 'float32' || (isObject(v) && isObject(v.config) && v.config.name === 'float32'),
    expected: "'float32'",
  },
];

export interface ParsedKerasLayer {
  className: string;
  /** convkit config, ready for the layer allowlist (which runs the constructors' own checks). */
  config: Record<string, unknown>;
  /** [null, H, W, C] or similar when the layer declares the model's input, per sample (batch dropped). */
  inputShape: number[] | undefined;
}

/** Per-sample input shape from Keras' batch_input_shape / batch_shape ([null, ...]). */
export function parseBatchShape(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || value.length < 2 || value[0] !== null || !value.slice(1).every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new ModelFileError(`${where}: batch_input_shape must be [null, ...positive integers], e.g. [null, 28, 28, 1]; received ${quoteValue(value)}.`);
  }
  return value.slice(1) as number[];
}

/** A Keras { class_name, config } layer as convkit's { className, config }. The class must be one convkit has. */
export function parseKerasLayer(className: string, config: unknown, where: string): ParsedKerasLayer {
  const descriptor = descriptorFor(className);
  if (!descriptor) {
    throw new ModelFileError(`${where}: layer class ${quoteValue(className)} is not one convkit loads; allowed: ${LAYER_CLASS_NAMES.join(', ')}.`);
  }
  if (!isObject(config)) throw new ModelFileError(`${where}: the config of a ${className} layer must be an object; received ${quoteValue(config)}.`);
  const out: Record<string, unknown> = {};
  let inputShape: number[] | undefined;
  for (const [key, value] of Object.entries(config)) {
    const renamed = descriptor.config.find((k) => k.keras === key || k.kerasAliases?.includes(key));
    const fixed = descriptor.fixed.find((k) => k.keras === key) ?? COMMON_FIXED.find((k) => k.keras === key);
    if (renamed) {
      // null means "the Keras default" (e.g. MaxPooling2D strides null = pool_size); convkit applies the same default.
      if (value !== null) out[renamed.name] = value;
    } else if (key === 'trainable') {
      if (typeof value !== 'boolean') throw new ModelFileError(`${where}: ${className} trainable must be true or false; received ${quoteValue(value)}.`);
      if (!value) out.trainable = false;
    } else if (key === 'batch_input_shape' || key === 'batch_shape') {
      if (value !== null) inputShape = parseBatchShape(value, `${where} (${className})`);
    } else if (key === 'input_dim' && descriptor.kerasInputDim) {
      if (value !== null) inputShape = [value as number];
    } else if (fixed) {
      if (!fixed.ok(value)) throw new ModelFileError(`${where}: ${className} ${key} must be ${fixed.expected}; received ${quoteValue(value)}.`);
    } else if (!INERT.includes(key) && !(descriptor.kerasExtras && Object.hasOwn(descriptor.kerasExtras, key))) {
      // A layer's own initializer, regularizer and constraint keys (kerasExtras) are inert as the common ones are.
      throw new ModelFileError(`${where}: ${className} has a config key ${quoteValue(key)} that convkit does not support.`);
    }
  }
  if (inputShape) out.inputShape = inputShape;
  return { className: descriptor.className, config: out, inputShape };
}
