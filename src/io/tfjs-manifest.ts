/**
 * The weightsManifest of a TF.js model.json, checked before any weight file is
 * opened: each group lists plain file names in the model.json's own folder
 * and float32 weights whose bytes, concatenated over the group's files in
 * order, must be exactly the files' bytes. Sizes are computed with overflow
 * checks, so nothing is allocated for a size the files do not back.
 */
import { ModelFileError } from '../core/errors.js';
import { quoteString, quoteValue } from '../core/quote-value.js';

export interface ManifestWeight {
  name: string;
  shape: number[];
  /** Byte offset inside its group's concatenated files, and byte length. */
  offset: number;
  byteLength: number;
  group: number;
}

export interface ManifestGroup {
  paths: string[];
  byteLength: number;
}

export interface Manifest {
  groups: ManifestGroup[];
  weights: ManifestWeight[];
}

/** Far more than a Sequential CNN has; bounds the work a manifest can ask for. */
const MAX_WEIGHTS = 10_000;
const MAX_RANK = 8;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A file name the manifest may point at: one plain name in the model.json's
 * folder. No separators, no '.' or '..', no drive letters or NUL: a manifest
 * can never reach a file outside its folder.
 */
export function checkWeightPath(path: unknown, where: string): string {
  if (typeof path !== 'string' || path.length === 0 || path.length > 255 || path === '.' || path === '..' || /[/\\:\0]/.test(path)) {
    throw new ModelFileError(`${where}: weight file path ${quoteValue(path)} must be a plain file name in the model.json's folder (no '/', '\\', ':', '..').`);
  }
  return path;
}

function checkShape(shape: unknown, name: string, where: string): { shape: number[]; byteLength: number } {
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ModelFileError(`${where}: weight ${quoteString(name)} has shape ${quoteValue(shape)}; expected a list of at most ${MAX_RANK} non-negative integers.`);
  }
  let elements = 1;
  for (const d of shape as number[]) {
    elements *= d;
    if (!Number.isSafeInteger(elements * 4)) throw new ModelFileError(`${where}: weight ${quoteString(name)} of shape [${shape.join(', ')}] is too large to address.`);
  }
  return { shape: shape as number[], byteLength: elements * 4 };
}

export function parseManifest(value: unknown, where: string): Manifest {
  if (!Array.isArray(value) || value.length === 0) throw new ModelFileError(`${where}: weightsManifest must be a non-empty list of { paths, weights } groups.`);
  const groups: ManifestGroup[] = [];
  const weights: ManifestWeight[] = [];
  const seen = new Set<string>();
  const files = new Set<string>();
  value.forEach((group, g) => {
    if (!isObject(group) || Object.keys(group).some((k) => k !== 'paths' && k !== 'weights') || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFileError(`${where}: weightsManifest[${g}] must be an object { paths: [...], weights: [...] }.`);
    }
    if (group.paths.length === 0 || group.paths.length > 1000) throw new ModelFileError(`${where}: weightsManifest[${g}].paths must list 1 to 1000 files.`);
    const paths = group.paths.map((p) => checkWeightPath(p, where));
    for (const path of paths) {
      if (files.has(path)) throw new ModelFileError(`${where}: the manifest lists weight file ${quoteString(path)} twice; each file holds one part of one group.`);
      files.add(path);
    }
    let offset = 0;
    for (const entry of group.weights) {
      if (weights.length >= MAX_WEIGHTS) throw new ModelFileError(`${where}: the manifest lists more than ${MAX_WEIGHTS} weights.`);
      if (!isObject(entry) || typeof entry.name !== 'string') throw new ModelFileError(`${where}: each manifest weight must be an object { name, shape, dtype }; received ${quoteValue(entry)}.`);
      const { name } = entry;
      if (Object.hasOwn(entry, 'quantization')) throw new ModelFileError(`${where}: weight ${quoteString(name)} is quantized; convkit loads float32 weights only. Convert the model without quantization.`);
      const extra = Object.keys(entry).filter((k) => !['name', 'shape', 'dtype'].includes(k));
      if (extra.length > 0) throw new ModelFileError(`${where}: weight ${quoteString(name)} has unsupported manifest field(s) ${extra.map((k) => quoteString(k)).join(', ')}; expected name, shape, dtype.`);
      if (entry.dtype !== 'float32') throw new ModelFileError(`${where}: weight ${quoteString(name)} has dtype ${quoteValue(entry.dtype)}; convkit loads float32 weights.`);
      if (seen.has(name)) throw new ModelFileError(`${where}: the manifest lists weight ${quoteString(name)} twice.`);
      seen.add(name);
      const { shape, byteLength } = checkShape(entry.shape, name, where);
      weights.push({ name, shape, offset, byteLength, group: g });
      offset += byteLength;
      if (!Number.isSafeInteger(offset)) throw new ModelFileError(`${where}: weightsManifest[${g}] is too large to address.`);
    }
    groups.push({ paths, byteLength: offset });
  });
  return { groups, weights };
}
