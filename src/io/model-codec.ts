/**
 * convkit model files as bytes: one safetensors file holding everything needed
 * to use a model or to resume training it. See docs/model-files.md.
 * Node-free (no files here: ./model-file.ts reads and writes them), so the
 * browser entry src/browser.ts can decode a model embedded in a page.
 *
 * Tensors (little-endian, F32 for float32 models, F64 for float64 ones):
 *   "<layer>/<weight>"                      the weights, Keras names ("conv2d/kernel", "dense_1/bias")
 *   "optimizer/<opt>/<slot>/<layer>/<weight>" optimizer slots ("optimizer/adam/m/conv2d/kernel"),
 *                                           present once the optimizer has taken a step
 * __metadata__ (strings only, as the format requires):
 *   format "convkit", format_version "1"
 *   architecture     JSON { name, dtype, inputShape, layers: [{ className, config }] }
 *   training_config  JSON { optimizer: getConfig(), loss, fromLogits, metrics }   (compiled models)
 *   seed             the model's seed
 *   rng_state        JSON [4 x uint32]: the generator state (shuffle, dropout) at save time
 *   optimizer_iterations  steps taken (Adam's bias correction needs it)            (with optimizer)
 *   epoch            epochs completed: fit({ initialEpoch: epoch }) resumes       (checkpoints)
 *   plus any caller keys (e.g. the CLI's recipe), read back as plain strings.
 *
 * Loading trusts nothing: the safetensors layer is strict (./safetensors.ts),
 * layers come only from the allowlist (./layer-allowlist.ts), and every tensor
 * name and shape must match the rebuilt architecture exactly.
 */
import type { BackendChoice } from '../backend/select-backend.js';
import type { Weight } from '../layers/layer.js';
import type { Sequential } from '../model/sequential.js';
import { buildArchitecture, checkWeightShape, describeArchitecture, parseArchitecture } from './architecture.js';
import { checkSavable } from './layer-allowlist.js';
import { checkFinite, LOAD_REMEDY, SAVE_REMEDY } from './finite-check.js';
import { parseJsonWithDepthLimit } from '../core/json-depth.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.js';
import { describeTraining, restoreTraining } from './training-config.js';
import { ConfigError, ModelFileError } from '../core/errors.js';
import { quoteString, quoteValue } from '../core/quote-value.js';

export const MODEL_FORMAT = 'convkit';
export const MODEL_FORMAT_VERSION = '1';
const OPTIMIZER_PREFIX = 'optimizer/';

const RESERVED_KEYS = ['format', 'format_version', 'architecture', 'training_config', 'seed', 'rng_state', 'optimizer_iterations', 'epoch'];

export interface SaveOptions {
  /** Save the optimizer's slots and step count, for resuming (default true, as Keras). */
  includeOptimizer?: boolean;
  /** Epochs completed so far; a file with it is a checkpoint that fit({ initialEpoch }) can resume. */
  epoch?: number;
  /** Extra string metadata kept with the model (keys must not be convkit's own). */
  metadata?: Record<string, string>;
  /** Save weights and optimizer slots even when some are NaN or infinite (default false: refused). */
  allowNonFinite?: boolean;
}

export interface LoadOptions {
  backend?: BackendChoice;
  /** Load weights and optimizer slots even when some are NaN or infinite (default false: refused). */
  allowNonFinite?: boolean;
}

export interface LoadedModelFile {
  model: Sequential;
  /** Epochs completed when the file was saved, if it was saved as a checkpoint. */
  epoch: number | undefined;
  /** All metadata strings of the file, convkit's and the caller's. */
  metadata: ReadonlyMap<string, string>;
}

function slotTensorName(optimizerName: string, slot: string, weight: string): string {
  return `${OPTIMIZER_PREFIX}${optimizerName}/${slot}/${weight}`;
}

/** The tensors and metadata that make up the file for `model`. */
export function modelFileContent(model: Sequential, options: SaveOptions = {}): { tensors: NamedTensor[]; metadata: Record<string, string> } {
  const weights = model.weights();
  model.layers.forEach(checkSavable);
  const tensors: NamedTensor[] = weights.map((w) => ({ name: w.name, shape: w.shape, data: w.value }));
  const checkSaved = (what: string, tensor: NamedTensor) => {
    if (!options.allowNonFinite) checkFinite(what, tensor.name, tensor.data, `saveModel() of model ${quoteString(model.name)}`, SAVE_REMEDY);
  };
  tensors.forEach((t) => checkSaved('weight', t));
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.metadata ?? {})) {
    if (RESERVED_KEYS.includes(key)) throw new ConfigError(`saveModel(): metadata key ${quoteString(key)} is reserved by convkit; choose another name.`);
    metadata[key] = value;
  }
  metadata.format = MODEL_FORMAT;
  metadata.format_version = MODEL_FORMAT_VERSION;
  metadata.architecture = JSON.stringify(describeArchitecture(model));
  const training = describeTraining(model);
  if (training) metadata.training_config = JSON.stringify(training);
  metadata.seed = String(model.seed);
  metadata.rng_state = JSON.stringify(model.random.getState());
  const optimizer = model.optimizer;
  if (optimizer && (options.includeOptimizer ?? true)) {
    metadata.optimizer_iterations = String(optimizer.iterations);
    for (const weight of weights) {
      const slots = optimizer.getSlots(weight);
      slots?.forEach((data, i) => {
        const tensor = { name: slotTensorName(optimizer.name, optimizer.slotNames[i], weight.name), shape: weight.shape, data };
        checkSaved('optimizer tensor', tensor);
        tensors.push(tensor);
      });
    }
  }
  if (options.epoch !== undefined) {
    if (!Number.isSafeInteger(options.epoch) || options.epoch < 0) throw new ConfigError(`saveModel() expects epoch to be a non-negative integer; received ${quoteValue(options.epoch)}.`);
    metadata.epoch = String(options.epoch);
  }
  return { tensors, metadata };
}

/** The model file as bytes (for tests and in-memory use; saveModel() streams instead). */
export function encodeModel(model: Sequential, options: SaveOptions = {}): Uint8Array {
  const { tensors, metadata } = modelFileContent(model, options);
  return encodeSafetensors(tensors, metadata);
}

function parseCount(text: string | undefined, key: string, where: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^(0|[1-9]\d*)$/.test(text) || !Number.isSafeInteger(value)) throw new ModelFileError(`${where}: metadata ${quoteString(key)} must be a non-negative integer; received ${quoteValue(text)}.`);
  return value;
}

function parseJson(text: string, key: string, where: string): unknown {
  return parseJsonWithDepthLimit(text, (why) => {
    throw new ModelFileError(`${where}: metadata ${quoteString(key)} ${why}`);
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Copies the file's weights into the rebuilt model; every name, shape and dtype must match exactly. */
function restoreWeights(model: Sequential, weights: readonly Weight[], byName: Map<string, NamedTensor>, where: string, allowNonFinite: boolean): void {
  const expected = new Set(weights.map((w) => w.name));
  const extra = [...byName.keys()].filter((name) => !expected.has(name) && !name.startsWith(OPTIMIZER_PREFIX));
  if (extra.length > 0) throw new ModelFileError(`${where}: unexpected tensor(s) ${extra.map((n) => `${quoteString(n)}`).join(', ')}; the architecture has weights ${[...expected].join(', ')}.`);
  for (const weight of weights) {
    // Already checked against the plan before building; checked again against what was built.
    checkWeightShape(weight.name, byName.get(weight.name)?.shape, weight.shape, where);
    const tensor = byName.get(weight.name)!;
    if (tensor.data.constructor !== weight.value.constructor) {
      throw new ModelFileError(`${where}: weight ${quoteString(weight.name)} is stored as ${tensor.data.constructor.name}; a ${model.dtype} model needs ${weight.value.constructor.name} (${model.dtype === 'float32' ? 'F32' : 'F64'}).`);
    }
    if (!allowNonFinite) checkFinite('weight', weight.name, tensor.data, where, LOAD_REMEDY);
    weight.value.set(tensor.data);
  }
}

/** Restores optimizer slots and step count: all slots of every trainable weight, or none (a model saved before training). */
function restoreOptimizerState(model: Sequential, weights: readonly Weight[], byName: Map<string, NamedTensor>, iterations: number | undefined, where: string, allowNonFinite: boolean): void {
  const weightNames = new Set(weights.map((w) => w.name));
  // A layer may be named "optimizer": its weights ("optimizer/kernel") are weights, not slots.
  const slotTensors = [...byName.keys()].filter((name) => name.startsWith(OPTIMIZER_PREFIX) && !weightNames.has(name));
  const optimizer = model.optimizer;
  if (!optimizer) {
    if (slotTensors.length > 0 || iterations !== undefined) throw new ModelFileError(`${where}: the file has optimizer state but no training_config to say which optimizer it belongs to.`);
    return;
  }
  const wanted = new Map<string, { weight: Weight; slot: number }>();
  for (const weight of weights.filter((w) => w.trainable)) {
    optimizer.slotNames.forEach((slot, i) => wanted.set(slotTensorName(optimizer.name, slot, weight.name), { weight, slot: i }));
  }
  const unknown = slotTensors.filter((name) => !wanted.has(name));
  if (unknown.length > 0) {
    throw new ModelFileError(`${where}: unexpected optimizer tensor(s) ${unknown.map((n) => `${quoteString(n)}`).join(', ')}; a ${optimizer.name} optimizer for this architecture has ${[...wanted.keys()].slice(0, 4).join(', ')}${wanted.size > 4 ? ', ...' : ''}.`);
  }
  if (slotTensors.length > 0 && slotTensors.length !== wanted.size) {
    const missing = [...wanted.keys()].filter((name) => !byName.has(name));
    throw new ModelFileError(`${where}: incomplete optimizer state: missing ${missing.map((n) => `${quoteString(n)}`).join(', ')}.`);
  }
  if (slotTensors.length > 0 && iterations === undefined) throw new ModelFileError(`${where}: the file has optimizer slots but no "optimizer_iterations".`);
  const slots = new Map<Weight, NamedTensor[]>();
  for (const [name, { weight, slot }] of wanted) {
    const tensor = byName.get(name);
    if (!tensor) continue;
    if (!sameShape(tensor.shape, weight.shape) || tensor.data.constructor !== weight.value.constructor) {
      throw new ModelFileError(`${where}: optimizer tensor ${quoteString(name)} has shape [${tensor.shape.join(', ')}] of ${tensor.data.constructor.name}; expected [${weight.shape.join(', ')}] of ${weight.value.constructor.name}.`);
    }
    if (!allowNonFinite) checkFinite('optimizer tensor', name, tensor.data, where, LOAD_REMEDY);
    const list = slots.get(weight) ?? [];
    list[slot] = tensor;
    slots.set(weight, list);
  }
  for (const [weight, list] of slots) optimizer.setSlots(weight, list.map((t) => t.data as typeof weight.value));
  optimizer.iterations = iterations ?? 0;
}

function restoreRandomState(model: Sequential, text: string | undefined, where: string): void {
  if (text === undefined) return;
  const state = parseJson(text, 'rng_state', where);
  if (!Array.isArray(state) || state.length !== 4 || !state.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff) || state.every((v) => v === 0)) {
    throw new ModelFileError(`${where}: metadata "rng_state" must be 4 unsigned 32-bit integers, not all zero; received ${quoteString(text)}.`);
  }
  model.random.setState(state as number[]);
}

/** Rebuilds a model (weights, compile settings, optimizer and generator state) from model-file bytes. */
export function decodeModel(bytes: Uint8Array, options: LoadOptions & { source?: string } = {}): LoadedModelFile {
  const where = options.source ?? 'model file';
  const { tensors, metadata } = decodeSafetensors(bytes, where);
  const format = metadata.get('format');
  if (format !== MODEL_FORMAT) throw new ModelFileError(`${where} is not a convkit model file: its metadata "format" is ${quoteValue(format)}, expected "${MODEL_FORMAT}".`);
  const version = metadata.get('format_version');
  if (version !== MODEL_FORMAT_VERSION) {
    throw new ModelFileError(`${where} has format_version ${quoteValue(version)}; this convkit reads version ${MODEL_FORMAT_VERSION}. A newer convkit may read it.`);
  }
  const architectureText = metadata.get('architecture');
  if (architectureText === undefined) throw new ModelFileError(`${where}: metadata "architecture" is missing.`);
  const spec = parseArchitecture(architectureText, where);
  const seedText = metadata.get('seed') ?? '';
  if (!/^-?\d{1,16}$/.test(seedText) || !Number.isSafeInteger(Number(seedText))) throw new ModelFileError(`${where}: metadata "seed" must be an integer; received ${quoteValue(seedText)}.`);

  const byName = new Map(tensors.map((t) => [t.name, t]));
  const fileShapes = new Map(tensors.map((t) => [t.name, t.shape]));
  const model = buildArchitecture(spec, fileShapes, { seed: Number(seedText), backend: options.backend }, where);
  const weights = model.weights();
  const allowNonFinite = options.allowNonFinite ?? false;
  restoreWeights(model, weights, byName, where, allowNonFinite);
  const training = metadata.get('training_config');
  if (training !== undefined) restoreTraining(model, parseJson(training, 'training_config', where), where);
  restoreOptimizerState(model, weights, byName, parseCount(metadata.get('optimizer_iterations'), 'optimizer_iterations', where), where, allowNonFinite);
  restoreRandomState(model, metadata.get('rng_state'), where);
  return { model, epoch: parseCount(metadata.get('epoch'), 'epoch', where), metadata };
}
