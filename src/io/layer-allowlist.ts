/**
 * The only layers a model file can create: a fixed map from class name to
 * convkit's own constructor. A name in a file is looked up here and nowhere
 * else; nothing is ever evaluated, imported or required because a file says so
 * (the hole behind Keras Lambda-layer and pickle exploits).
 *
 * Each entry lists the config keys it accepts; every value then goes through
 * the layer's own constructor checks. What a layer will allocate for an input
 * shape, before anything is allocated, is the layer's own plan() (the same
 * rules its build() follows).
 */
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Flatten } from '../layers/flatten.js';
import type { Layer } from '../layers/layer.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';

interface AllowedLayer {
  readonly keys: readonly string[];
  create(options: Record<string, unknown>): Layer;
}

// Every constructor is called with a fresh object holding only listed keys, so a
// "__proto__" or any other key in the file never reaches it.
const ALLOWED: ReadonlyMap<string, AllowedLayer> = new Map<string, AllowedLayer>([
  ['Conv2D', {
    keys: ['name', 'filters', 'kernelSize', 'strides', 'padding', 'activation', 'useBias', 'inputShape'],
    create: (o) => new Conv2D(o as never),
  }],
  ['MaxPooling2D', {
    keys: ['name', 'poolSize', 'strides', 'padding', 'inputShape'],
    create: (o) => new MaxPooling2D(o as never),
  }],
  ['Flatten', { keys: ['name', 'inputShape'], create: (o) => new Flatten(o as never) }],
  ['Dense', {
    keys: ['name', 'units', 'activation', 'useBias', 'inputShape'],
    create: (o) => new Dense(o as never),
  }],
  ['Dropout', { keys: ['name', 'rate', 'inputShape'], create: (o) => new Dropout(o as never) }],
]);

export const ALLOWED_LAYER_CLASSES: readonly string[] = [...ALLOWED.keys()];

// Layer names become tensor names ("dense_1/kernel"): keep them plain.
const LAYER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Refuses, at save time, a layer that loading would refuse (a class outside
 * the allowlist, a name that cannot be a tensor prefix), so that save() never
 * writes a file that cannot be read back.
 */
export function checkSavable(layer: Layer): void {
  if (!ALLOWED.has(layer.className)) {
    throw new Error(`save(): layer "${layer.name}" is a ${layer.className}, which model files cannot hold; they hold ${ALLOWED_LAYER_CLASSES.join(', ')}.`);
  }
  if (typeof layer.name !== 'string' || !LAYER_NAME.test(layer.name)) {
    throw new Error(`save(): layer name ${JSON.stringify(layer.name)} cannot be saved; use letters, digits, '_', '.', '-' (e.g. "dense_1").`);
  }
}

/** A layer from a file's { className, config }, through the allowlist and the layer's own checks. */
export function createLayer(className: unknown, config: unknown, where: string): Layer {
  const entry = typeof className === 'string' ? ALLOWED.get(className) : undefined;
  if (!entry) {
    throw new Error(`${where}: layer type ${JSON.stringify(className)} is not one convkit loads; allowed: ${ALLOWED_LAYER_CLASSES.join(', ')}.`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new Error(`${where}: the config of a ${className} layer must be an object; received ${JSON.stringify(config)}.`);
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!entry.keys.includes(key)) {
      throw new Error(`${where}: ${className} has no config key ${JSON.stringify(key)}; allowed: ${entry.keys.join(', ')}.`);
    }
    // getConfig() writes undefined values (inputShape of inner layers) that JSON turns into absent keys or null.
    if (value !== null) options[key] = value;
  }
  if (typeof options.name !== 'string' || !LAYER_NAME.test(options.name)) {
    throw new Error(`${where}: a ${className} layer needs a name of letters, digits, '_', '.', '-' (e.g. "dense_1"); received ${JSON.stringify(options.name)}.`);
  }
  // The constructors take useBias as given; a file must not turn it into a truthy string.
  if (options.useBias !== undefined && typeof options.useBias !== 'boolean') {
    throw new Error(`${where}: ${className} "${options.name}" expects useBias to be true or false; received ${JSON.stringify(options.useBias)}.`);
  }
  try {
    return entry.create(options);
  } catch (error) {
    throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

