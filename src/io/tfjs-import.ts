/**
 * Import of TF.js layers models (model.json + weight files), as strict as the
 * safetensors loader: layers only from convkit's allowlist, configs checked
 * key by key (./tfjs-layer-config.ts), the manifest checked before any weight
 * file is read (./tfjs-manifest.ts), weight files only plain names in the
 * model.json's own folder and regular files (no links), their sizes exactly
 * what the manifest says, and every weight name and shape matched against the
 * rebuilt architecture before the architecture allocates anything.
 *
 * Imported models are not compiled (a model.json's training config names
 * TF.js optimizers and losses by string): predict() works at once; call
 * compile() before fit() or evaluate().
 */
import { lstat } from 'node:fs/promises';
import { withUntrustedFile } from '../data/untrusted-file.js';
import { dirname, join } from 'node:path';
import type { BackendChoice } from '../backend/select-backend.js';
import { randomSeed } from '../core/random.js';
import type { Sequential } from '../model/sequential.js';
import { buildArchitecture, MAX_LAYERS, type ArchitectureSpec } from './architecture.js';
import { findDuplicateKey } from './json-duplicate-keys.js';
import { parseJsonWithDepthLimit } from '../core/json-depth.js';
import { checkFinite, LOAD_REMEDY } from './finite-check.js';
import { parseBatchShape, parseKerasLayer } from './tfjs-layer-config.js';
import { parseManifest, type Manifest } from './tfjs-manifest.js';
import { TFJS_MODEL_FILE } from './tfjs-export.js';
import { ModelFileError } from '../core/errors.js';
import { quoteString, quoteValue } from '../core/quote-value.js';
import { sniffFileKind, SNIFF_BYTES, wrongKindMessage } from '../data/file-kind.js';

export interface TfjsLoadOptions {
  backend?: BackendChoice;
  /** Seed of the model's generator (dropout, shuffling if trained further); random when absent. */
  seed?: number;
  /** Load weights even when some are NaN or infinite (default false: refused, naming the weight). */
  allowNonFinite?: boolean;
}

/** A model.json is topology and a manifest; far less than this. */
export const MAX_MODEL_JSON_BYTES = 32 * 1024 * 1024;

const TOP_LEVEL_KEYS = ['format', 'generatedBy', 'convertedBy', 'modelTopology', 'weightsManifest', 'trainingConfig', 'userDefinedMetadata'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonText(bytes: Uint8Array, where: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ModelFileError(`${where}: model.json is not valid UTF-8.`);
  }
  const value = parseJsonWithDepthLimit(text, (why) => {
    throw new ModelFileError(`${where}: model.json ${why}`);
  });
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) throw new ModelFileError(`${where}: model.json has the key ${quoteString(duplicate)} twice in one object.`);
  return value;
}

/** The Sequential topology as convkit's architecture spec. Keras 2 converters wrap it in model_config. */
function parseTopology(topology: unknown, where: string): ArchitectureSpec {
  if (isObject(topology) && Object.hasOwn(topology, 'model_config')) topology = topology.model_config;
  if (!isObject(topology)) throw new ModelFileError(`${where}: modelTopology must be an object { class_name, config }.`);
  if (topology.class_name !== 'Sequential') {
    throw new ModelFileError(`${where}: modelTopology is a ${quoteValue(topology.class_name)}; convkit imports Sequential models only.`);
  }
  // Keras 2.0 wrote a Sequential config as the bare list of layers.
  const config = Array.isArray(topology.config) ? { layers: topology.config } : topology.config;
  if (!isObject(config) || Object.keys(config).some((k) => !['name', 'layers', 'build_input_shape'].includes(k))) {
    throw new ModelFileError(`${where}: the Sequential config must be an object with keys name, layers (and optionally build_input_shape).`);
  }
  const name = config.name ?? 'sequential';
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(name)) throw new ModelFileError(`${where}: the model name must be 1 to 128 letters, digits, '_', '.', '-'; received ${quoteValue(name)}.`);
  const entries = config.layers;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_LAYERS) {
    throw new ModelFileError(`${where}: the Sequential config must list 1 to ${MAX_LAYERS} layers.`);
  }
  let inputShape = config.build_input_shape == null ? undefined : parseBatchShape(config.build_input_shape, `${where} (build_input_shape)`);
  const layers: ArchitectureSpec['layers'] = [];
  entries.forEach((entry, i) => {
    const at = `${where}, layer ${i}`;
    if (!isObject(entry) || Object.keys(entry).some((k) => k !== 'class_name' && k !== 'config') || typeof entry.class_name !== 'string') {
      throw new ModelFileError(`${at}: expected an object { class_name, config }; received ${quoteValue(entry)}.`);
    }
    // tf.keras writes the model input as a first InputLayer: it only declares the input shape.
    if (entry.class_name === 'InputLayer' && i === 0) {
      inputShape = parseInputLayer(entry.config, at);
      return;
    }
    const layer = parseKerasLayer(entry.class_name, entry.config, at);
    if (layer.inputShape) {
      if (layers.length > 0) throw new ModelFileError(`${at}: only the first layer may declare batch_input_shape.`);
      inputShape = layer.inputShape;
    }
    layers.push({ className: layer.className, config: layer.config });
  });
  if (!inputShape) throw new ModelFileError(`${where}: the model declares no input shape; its first layer needs batch_input_shape, e.g. [null, 28, 28, 1].`);
  if (layers.length === 0) throw new ModelFileError(`${where}: the model has no layers besides its input.`);
  return { name, dtype: 'float32', inputShape, layers };
}

function parseInputLayer(config: unknown, where: string): number[] {
  if (!isObject(config)) throw new ModelFileError(`${where}: the InputLayer config must be an object.`);
  const allowed = ['batch_input_shape', 'batch_shape', 'dtype', 'sparse', 'ragged', 'name'];
  const extra = Object.keys(config).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new ModelFileError(`${where}: InputLayer has unsupported config key(s) ${extra.map((k) => quoteString(k)).join(', ')}.`);
  if (config.sparse === true || config.ragged === true) throw new ModelFileError(`${where}: sparse or ragged inputs are not supported; convkit takes dense NHWC tensors.`);
  if (config.dtype !== undefined && config.dtype !== 'float32') throw new ModelFileError(`${where}: InputLayer dtype must be 'float32'; received ${quoteValue(config.dtype)}.`);
  return parseBatchShape(config.batch_input_shape ?? config.batch_shape, `${where} (InputLayer)`);
}

/** What a model.json says: the architecture and the weights manifest. */
export function parseTfjsModelJson(bytes: Uint8Array, where: string): { spec: ArchitectureSpec; manifest: Manifest } {
  const json = parseJsonText(bytes, where);
  if (!isObject(json)) throw new ModelFileError(`${where}: model.json must hold a JSON object.`);
  const extra = Object.keys(json).filter((k) => !TOP_LEVEL_KEYS.includes(k));
  if (extra.length > 0) throw new ModelFileError(`${where}: model.json has unsupported key(s) ${extra.map((k) => quoteString(k)).join(', ')}; expected ${TOP_LEVEL_KEYS.join(', ')}.`);
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new ModelFileError(`${where}: model.json has format ${quoteValue(json.format)}; convkit imports TF.js layers models ("layers-model"), not graph models.`);
  }
  if (json.modelTopology === undefined) throw new ModelFileError(`${where}: model.json has no modelTopology.`);
  if (json.weightsManifest === undefined) throw new ModelFileError(`${where}: model.json has no weightsManifest; convkit imports models with their weights.`);
  return { spec: parseTopology(json.modelTopology, where), manifest: parseManifest(json.weightsManifest, where) };
}

/**
 * Builds the model from a parsed model.json and its weight groups (each the
 * concatenation of its files, in manifest order, of exactly the manifest's size).
 */
export function buildTfjsModel(spec: ArchitectureSpec, manifest: Manifest, groupBytes: readonly Uint8Array[], options: TfjsLoadOptions, where: string): Sequential {
  manifest.groups.forEach((group, g) => {
    if (groupBytes[g]?.length !== group.byteLength) {
      throw new ModelFileError(`${where}: weight group ${g} (${group.paths.join(', ')}) holds ${groupBytes[g]?.length ?? 0} bytes; its manifest entries need exactly ${group.byteLength}.`);
    }
  });
  const fileShapes = new Map(manifest.weights.map((w) => [w.name, w.shape]));
  // Refuses missing or misshapen weights before allocating the architecture.
  const model = buildArchitecture(spec, fileShapes, { seed: options.seed ?? randomSeed(), backend: options.backend }, where);
  const weights = new Map(model.weights().map((w) => [w.name, w]));
  const extra = manifest.weights.filter((w) => !weights.has(w.name)).map((w) => w.name);
  if (extra.length > 0) throw new ModelFileError(`${where}: the manifest has weight(s) ${extra.map((k) => quoteString(k)).join(', ')} that the architecture does not; it has ${[...weights.keys()].join(', ')}.`);
  for (const entry of manifest.weights) {
    const weight = weights.get(entry.name)!;
    const bytes = groupBytes[entry.group];
    const view = new DataView(bytes.buffer, bytes.byteOffset + entry.offset, entry.byteLength);
    for (let i = 0; i < weight.value.length; i++) weight.value[i] = view.getFloat32(i * 4, true);
    if (!options.allowNonFinite) checkFinite('weight', entry.name, weight.value, where, LOAD_REMEDY);
  }
  return model;
}

/** model.json inside `path` when it is a folder, else `path` itself. */
async function modelJsonPath(path: string): Promise<string> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) throw new ModelFileError(`${path} does not exist; give a TF.js model.json or the folder holding it.`);
  return info.isDirectory() ? join(path, TFJS_MODEL_FILE) : path;
}

/** Size of a weight file, which must be a regular file (a link could lead outside the folder). */
async function weightFileSize(path: string, where: string): Promise<number> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) throw new ModelFileError(`${where}: weight file ${path} named in the manifest does not exist.`);
  if (!info.isFile()) throw new ModelFileError(`${where}: weight file ${path} is not a regular file (links are not followed).`);
  return info.size;
}

/** Loads a TF.js layers model from its model.json (or the folder holding it). */
export async function loadTfjsModel(path: string, options: TfjsLoadOptions = {}): Promise<Sequential> {
  const jsonPath = await modelJsonPath(path);
  const jsonBytes = await withUntrustedFile(jsonPath, { what: 'the TF.js model.json', kind: ModelFileError }, async (file) => {
    if (file.size > MAX_MODEL_JSON_BYTES) throw new ModelFileError(`${jsonPath} is ${file.size} bytes; a model.json above ${MAX_MODEL_JSON_BYTES} bytes is refused.`);
    return file.readAll(MAX_MODEL_JSON_BYTES);
  });
  const found = sniffFileKind(jsonBytes.subarray(0, SNIFF_BYTES), jsonPath);
  if (found && found.name !== 'tfjs-model-json') throw new ModelFileError(wrongKindMessage(jsonPath, found, 'a TF.js model.json'));
  const { spec, manifest } = parseTfjsModelJson(jsonBytes, jsonPath);
  const folder = dirname(jsonPath);
  const groupBytes: Uint8Array[] = [];
  for (const [g, group] of manifest.groups.entries()) {
    const files = group.paths.map((name) => join(folder, name));
    const sizes = await Promise.all(files.map((file) => weightFileSize(file, jsonPath)));
    const total = sizes.reduce((a, b) => a + b, 0);
    // Checked before reading: nothing is read or allocated beyond what the manifest accounts for.
    if (total !== group.byteLength) {
      throw new ModelFileError(`${jsonPath}: weight group ${g} (${group.paths.join(', ')}) holds ${total} bytes; its manifest entries need exactly ${group.byteLength}.`);
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const [i, path] of files.entries()) {
      // The size lstat gave is the size read: a file swapped or grown since is refused, never read past.
      const data = await withUntrustedFile(path, { what: `weight file of ${jsonPath}`, kind: ModelFileError, noFollow: true }, (file) => file.readAll(sizes[i]!));
      if (data.length !== sizes[i]) throw new ModelFileError(`${jsonPath}: weight file ${path} changed size while being read.`);
      bytes.set(data, offset);
      offset += data.length;
    }
    groupBytes.push(bytes);
  }
  return buildTfjsModel(spec, manifest, groupBytes, options, jsonPath);
}
