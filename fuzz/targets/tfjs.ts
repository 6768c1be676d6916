/**
 * The TF.js importer (src/io/tfjs-import.ts): model.json mutated as JSON
 * (values, keys, nesting) and as text, and the weight bytes mutated or cut,
 * read the way loadTfjsModel reads a folder (each manifest group handed over
 * as the bytes that were on disk, whatever their length).
 */
import { buildTfjsModel, parseTfjsModelJson } from '../../src/io/tfjs-import.js';
import { tfjsArtifacts } from '../../src/io/tfjs-export.js';
import { ConvkitError } from '../../src/core/errors.js';
import { deepenJsonText, mutateBytes, mutateJson } from '../mutate.js';
import { seedModels } from '../seed-models.js';
import { jsonDepth } from '../options.js';
import { assertFiniteWeights, type FuzzTarget } from '../target.js';

export interface TfjsInput {
  modelJson: Uint8Array;
  weights: Uint8Array;
}

const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

export const tfjsTarget: FuzzTarget<TfjsInput> = {
  name: 'tfjs',
  async seeds() {
    return (await seedModels()).map((model) => {
      const { modelJson, weightData } = tfjsArtifacts(model);
      return { modelJson: text(JSON.stringify(modelJson)), weights: weightData };
    });
  },
  generate(random, seeds, profile) {
    const seed = seeds[random.int(seeds.length)]!;
    const roll = random.next();
    if (roll < 0.45) {
      let json = JSON.stringify(mutateJson(random, JSON.parse(Buffer.from(seed.modelJson).toString('utf8'))));
      if (random.next() < 0.15) json = deepenJsonText(random, json, jsonDepth(profile));
      return { modelJson: text(json), weights: seed.weights };
    }
    if (roll < 0.7) return { modelJson: mutateBytes(random, seed.modelJson, seeds.map((s) => s.modelJson)), weights: seed.weights };
    return { modelJson: seed.modelJson, weights: mutateBytes(random, seed.weights, seeds.map((s) => s.weights)) };
  },
  run(input) {
    const where = 'fuzz/model.json';
    const { spec, manifest } = parseTfjsModelJson(input.modelJson, where);
    // One weight file holds every group in turn, as a folder with one shard per group would.
    let offset = 0;
    const groups = manifest.groups.map((group) => {
      const bytes = input.weights.subarray(offset, offset + group.byteLength);
      offset += group.byteLength;
      return bytes;
    });
    const model = buildTfjsModel(spec, manifest, groups, { backend: 'reference', seed: 1 }, where);
    // Known, being fixed in issue 19 item 8 (for model files; TF.js weights go through the same question).
    assertFiniteWeights(model.weights(), 'the TF.js importer');
  },
  isRefusal: (error) => error instanceof ConvkitError,
  files: (input) => [{ name: 'model.json', bytes: input.modelJson }, { name: 'weights.bin', bytes: input.weights }],
};
