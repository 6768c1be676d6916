/**
 * The only layers a model file can create: a fixed map from class name to
 * convkit's own constructor. A name in a file is looked up here and nowhere
 * else; nothing is ever evaluated, imported or required because a file says so
 * (the hole behind Keras Lambda-layer and pickle exploits).
 *
 * The map is the layer registry (layers/registry.ts): each entry's accepted
 * config keys are its descriptor's, plus inputShape; every value then goes
 * through the layer's own constructor checks. What a layer will allocate for
 * an input shape, before anything is allocated, is the layer's own plan() (the
 * same rules its build() follows).
 */
import type { Layer } from '../layers/layer.js';
import type { LayerDescriptor } from '../layers/layer-descriptor.js';
import { descriptorFor, LAYER_CLASS_NAMES } from '../layers/registry.js';
import { ModelFileError } from '../core/errors.js';
import { quoteString, quoteValue } from '../core/quote-value.js';

/** The config keys a model file may give a layer class: its descriptor's, inputShape and trainable (every layer has both). */
function acceptedKeys(descriptor: LayerDescriptor): readonly string[] {
  return [...descriptor.config.map((k) => k.name), 'inputShape', 'trainable'];
}

export const ALLOWED_LAYER_CLASSES: readonly string[] = LAYER_CLASS_NAMES;

// Layer names become tensor names ("dense_1/kernel"): keep them plain.
const LAYER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Refuses, at save time, a layer that loading would refuse (a class outside
 * the allowlist, a name that cannot be a tensor prefix), so that saveModel() never
 * writes a file that cannot be read back.
 */
export function checkSavable(layer: Layer): void {
  if (!descriptorFor(layer.className)) {
    throw new ModelFileError(`saveModel(): layer ${quoteValue(layer.name)} is a ${layer.className}, which model files cannot hold; they hold ${ALLOWED_LAYER_CLASSES.join(', ')}.`);
  }
  if (typeof layer.name !== 'string' || !LAYER_NAME.test(layer.name)) {
    throw new ModelFileError(`saveModel(): layer name ${quoteValue(layer.name)} cannot be saved; use letters, digits, '_', '.', '-' (e.g. "dense_1").`);
  }
}

/** A layer from a file's { className, config }, through the allowlist and the layer's own checks. */
export function createLayer(className: unknown, config: unknown, where: string): Layer {
  const entry = descriptorFor(className);
  if (!entry) {
    throw new ModelFileError(`${where}: layer type ${quoteValue(className)} is not one convkit loads; allowed: ${ALLOWED_LAYER_CLASSES.join(', ')}.`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ModelFileError(`${where}: the config of a ${className} layer must be an object; received ${quoteValue(config)}.`);
  }
  // The constructor is called with a fresh object holding only accepted keys, so a
  // "__proto__" or any other key in the file never reaches it.
  const keys = acceptedKeys(entry);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!keys.includes(key)) {
      throw new ModelFileError(`${where}: ${className} has no config key ${quoteValue(key)}; allowed: ${keys.join(', ')}.`);
    }
    // getConfig() writes undefined values (inputShape of inner layers) that JSON turns into absent keys or null.
    if (value !== null) options[key] = value;
  }
  if (typeof options.name !== 'string' || !LAYER_NAME.test(options.name)) {
    throw new ModelFileError(`${where}: a ${className} layer needs a name of letters, digits, '_', '.', '-' (e.g. "dense_1"); received ${quoteValue(options.name)}.`);
  }
  // The constructors take useBias as given; a file must not turn it into a truthy string.
  if (options.useBias !== undefined && typeof options.useBias !== 'boolean') {
    throw new ModelFileError(`${where}: ${className} ${quoteString(options.name)} expects useBias to be true or false; received ${quoteValue(options.useBias)}.`);
  }
  // Set on the layer, not passed to the constructor: every layer has it (Layer.trainable).
  const { trainable } = options;
  delete options.trainable;
  if (trainable !== undefined && typeof trainable !== 'boolean') {
    throw new ModelFileError(`${where}: ${className} ${quoteString(options.name)} expects trainable to be true or false; received ${quoteValue(trainable)}.`);
  }
  try {
    const layer = entry.create(options);
    if (trainable === false) layer.trainable = false;
    return layer;
  } catch (error) {
    throw new ModelFileError(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

