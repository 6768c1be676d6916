/**
 * The model-file loader (src/io/model-file.ts over src/io/safetensors.ts):
 * byte mutations of saved models, and structural ones of the safetensors
 * header and of the architecture JSON inside its metadata.
 */
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { ConvkitError } from '../../src/core/errors.js';
import type { Random } from '../../src/core/random.js';
import { deepenJsonText, mutateBytes, mutateJson } from '../mutate.js';
import { seedModels } from '../seed-models.js';
import { assertFiniteWeights, type FuzzTarget, type Profile } from '../target.js';
import { jsonDepth } from '../options.js';

/** The header JSON and the data after it, or undefined when the bytes are not a safetensors layout. */
function split(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } | undefined {
  if (bytes.length < 8) return undefined;
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (length > bytes.length - 8) return undefined;
  try {
    return { header: JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8')) as Record<string, unknown>, data: bytes.subarray(8 + length) };
  } catch {
    return undefined;
  }
}

function join(headerText: string, data: Uint8Array, random: Random): Uint8Array {
  const header = Buffer.from(headerText, 'utf8');
  const out = new Uint8Array(8 + header.length + data.length);
  // Mostly the true length; sometimes one that lies.
  const declared = random.next() < 0.9 ? BigInt(header.length) : BigInt(random.int(header.length * 2 + 16));
  new DataView(out.buffer).setBigUint64(0, declared, true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}

function structural(random: Random, seed: Uint8Array, profile: Profile): Uint8Array {
  const parts = split(seed)!;
  const header = parts.header;
  const metadata = header.__metadata__ as Record<string, string>;
  const roll = random.next();
  if (roll < 0.4 && metadata.architecture !== undefined) {
    // The architecture is JSON inside a JSON string: mutate it as JSON, sometimes nest it deep.
    let text = JSON.stringify(mutateJson(random, JSON.parse(metadata.architecture)));
    if (random.next() < 0.2) text = deepenJsonText(random, text, jsonDepth(profile));
    header.__metadata__ = { ...metadata, architecture: text };
    return join(JSON.stringify(header), parts.data, random);
  }
  let text = JSON.stringify(mutateJson(random, header));
  if (roll > 0.85) text = deepenJsonText(random, text, jsonDepth(profile));
  return join(text, parts.data, random);
}

export const modelFileTarget: FuzzTarget<Uint8Array> = {
  name: 'model-file',
  async seeds() {
    const models = await seedModels();
    return models.map((m, i) => encodeModel(m, { epoch: i }));
  },
  generate(random, seeds, profile) {
    const seed = seeds[random.int(seeds.length)]!;
    return random.next() < 0.5 ? mutateBytes(random, seed, seeds) : structural(random, seed, profile);
  },
  run(bytes) {
    const { model } = decodeModel(bytes, { backend: 'reference', source: 'fuzz.safetensors' });
    // Known, being fixed in issue 19 item 8: a file of NaN weights loads without a word.
    assertFiniteWeights(model.weights(), 'the model-file loader');
  },
  isRefusal: (error) => error instanceof ConvkitError,
  files: (bytes) => [{ name: 'model.safetensors', bytes }],
};
