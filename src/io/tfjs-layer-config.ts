/**
 * Keras layer configs (snake_case, as TF.js model.json and Keras write them)
 * to and from convkit's getConfig() (camelCase). One table per direction, for
 * the five layer classes convkit has; nothing else is ever translated.
 *
 * Reading is strict: a key is either translated, checked to hold the one
 * value convkit can honour (data_format 'channels_last', dilation_rate 1, ...),
 * or listed as inert (initializers, regularizers, constraints: they shape
 * training from scratch, never a forward pass, and their values are only
 * data, never evaluated). Any other key is an error. N batch, H, W, C.
 */
import type { Layer } from '../layers/layer.js';

export type KerasConfig = Record<string, unknown>;

/** Keys whose values never change what a loaded layer computes. */
const INERT = ['kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint', 'seed'];

const GLOROT = { class_name: 'GlorotUniform', config: { seed: null } };
const ZEROS = { class_name: 'Zeros', config: {} };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Keras config of a convkit layer; `batchInputShape` goes on the first layer so TF.js can build the model. */
export function kerasLayerConfig(layer: Layer, batchInputShape: readonly number[] | undefined): KerasConfig {
  const c = layer.getConfig();
  const common: KerasConfig = { name: c.name, trainable: true, dtype: 'float32' };
  if (batchInputShape) common.batch_input_shape = [null, ...batchInputShape];
  switch (layer.className) {
    case 'Conv2D':
      return {
        ...common, filters: c.filters, kernel_size: c.kernelSize, strides: c.strides, padding: c.padding,
        data_format: 'channels_last', dilation_rate: [1, 1], activation: c.activation, use_bias: c.useBias,
        kernel_initializer: GLOROT, bias_initializer: ZEROS, kernel_regularizer: null, bias_regularizer: null,
        activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
      };
    case 'MaxPooling2D':
      return { ...common, pool_size: c.poolSize, strides: c.strides, padding: c.padding, data_format: 'channels_last' };
    case 'Flatten':
      return { ...common, data_format: 'channels_last' };
    case 'Dense':
      return {
        ...common, units: c.units, activation: c.activation, use_bias: c.useBias,
        kernel_initializer: GLOROT, bias_initializer: ZEROS, kernel_regularizer: null, bias_regularizer: null,
        activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
      };
    case 'Dropout':
      return { ...common, rate: c.rate, noise_shape: null, seed: null };
    default:
      throw new Error(`Layer "${layer.name}" is a ${layer.className}, which has no Keras equivalent convkit can export; exports hold Conv2D, MaxPooling2D, Flatten, Dense, Dropout.`);
  }
}

/** Keras key -> convkit key, per class. */
const RENAMED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Conv2D: { name: 'name', filters: 'filters', kernel_size: 'kernelSize', strides: 'strides', padding: 'padding', activation: 'activation', use_bias: 'useBias' },
  MaxPooling2D: { name: 'name', pool_size: 'poolSize', strides: 'strides', padding: 'padding' },
  Flatten: { name: 'name' },
  Dense: { name: 'name', units: 'units', activation: 'activation', use_bias: 'useBias' },
  Dropout: { name: 'name', rate: 'rate' },
};

const ones = (value: unknown): boolean => value === 1 || (Array.isArray(value) && value.length > 0 && value.every((v) => v === 1));

/** Keys convkit reads only to check that they hold the value it implements. */
const FIXED: Readonly<Record<string, { ok(value: unknown): boolean; expected: string; classes: readonly string[] }>> = {
  data_format: { ok: (v) => v === 'channels_last' || v === null, expected: "'channels_last' (convkit is NHWC)", classes: ['Conv2D', 'MaxPooling2D', 'Flatten'] },
  dilation_rate: { ok: ones, expected: '1 or [1, 1]', classes: ['Conv2D'] },
  groups: { ok: (v) => v === 1, expected: '1', classes: ['Conv2D'] },
  noise_shape: { ok: (v) => v === null, expected: 'null', classes: ['Dropout'] },
  trainable: { ok: (v) => v === true, expected: 'true (convkit has no frozen layers)', classes: ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dropout'] },
  // Keras 3 writes a dtype policy object; TF.js and Keras 2 a string.
  dtype: {
    ok: (v) => v === 'float32' || (isObject(v) && isObject(v.config) && v.config.name === 'float32'),
    expected: "'float32'",
    classes: ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dropout'],
  },
};

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
    throw new Error(`${where}: batch_input_shape must be [null, ...positive integers], e.g. [null, 28, 28, 1]; received ${JSON.stringify(value)}.`);
  }
  return value.slice(1) as number[];
}

/** A Keras { class_name, config } layer as convkit's { className, config }. The class must be one convkit has. */
export function parseKerasLayer(className: string, config: unknown, where: string): ParsedKerasLayer {
  const renamed = RENAMED[className];
  if (!Object.hasOwn(RENAMED, className) || !renamed) {
    throw new Error(`${where}: layer class ${JSON.stringify(className)} is not one convkit loads; allowed: ${Object.keys(RENAMED).join(', ')}.`);
  }
  if (!isObject(config)) throw new Error(`${where}: the config of a ${className} layer must be an object; received ${JSON.stringify(config)}.`);
  const out: Record<string, unknown> = {};
  let inputShape: number[] | undefined;
  for (const [key, value] of Object.entries(config)) {
    if (Object.hasOwn(renamed, key)) {
      // null means "the Keras default" (e.g. MaxPooling2D strides null = pool_size); convkit applies the same default.
      if (value !== null) out[renamed[key]] = value;
    } else if (key === 'batch_input_shape' || key === 'batch_shape') {
      if (value !== null) inputShape = parseBatchShape(value, `${where} (${className})`);
    } else if (key === 'input_dim' && className === 'Dense') {
      if (value !== null) inputShape = [value as number];
    } else if (Object.hasOwn(FIXED, key) && FIXED[key].classes.includes(className)) {
      if (!FIXED[key].ok(value)) throw new Error(`${where}: ${className} ${key} must be ${FIXED[key].expected}; received ${JSON.stringify(value)}.`);
    } else if (!INERT.includes(key)) {
      throw new Error(`${where}: ${className} has a config key ${JSON.stringify(key)} that convkit does not support.`);
    }
  }
  if (inputShape) out.inputShape = inputShape;
  return { className, config: out, inputShape };
}
