/**
 * TF.js layers import: convkit -> TF.js files -> convkit gives bit-identical
 * weights; a model built and saved by TF.js itself loads and predicts within
 * 1e-5 of TF.js; and each way a model.json can lie is refused with a message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ModelFileError, Sequential, Tensor, exportTfjs, layers, loadMnist, loadTfjsModel, tfjsArtifacts } from '../../src/index.js';
import { maxAbsDiff, tfjsPredict, TOLERANCE } from './tfjs-onnx-fixtures.js';

async function withFolder(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-tfjs-import-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function smallModel(seed: number): Sequential {
  return new Sequential([
    layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: [1, 2], padding: 'same', activation: 'tanh', inputShape: [7, 6, 2] }),
    layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
    layers.flatten(),
    layers.dropout({ rate: 0.5 }),
    layers.dense({ units: 4, activation: 'sigmoid', useBias: false }),
    layers.dense({ units: 3, activation: 'softmax', name: 'probabilities' }),
  ], { backend: 'reference', seed, name: 'small' });
}

test('convkit -> TF.js files -> convkit: same layers, bit-identical weights, identical predictions', async () => {
  await withFolder(async (dir) => {
    const model = smallModel(21);
    await exportTfjs(model, dir);
    const back = await loadTfjsModel(dir, { backend: 'reference', seed: 1 });
    assert.equal(back.name, 'small');
    assert.deepEqual(back.layers.map((l) => l.getConfig()), model.layers.map((l) => l.getConfig()));
    const [ours, theirs] = [model.weights(), back.weights()];
    assert.deepEqual(theirs.map((w) => [w.name, w.shape]), ours.map((w) => [w.name, w.shape]));
    theirs.forEach((w, i) => assert.deepEqual(w.value, ours[i].value, `${w.name} is bit-identical`));
    const x = new Tensor(Float32Array.from({ length: 5 * 7 * 6 * 2 }, (_, i) => Math.cos(i * 0.7)), [5, 7, 6, 2]);
    assert.deepEqual((await back.predict(x)).data, (await model.predict(x)).data);
    // The path of model.json itself works as well as its folder.
    assert.equal((await loadTfjsModel(join(dir, 'model.json'), { backend: 'reference' })).countParams(), model.countParams());
  });
});

/** Saves a TF.js model the way tfjs-node's file:// handler does: model.json + weights.bin. */
async function saveWithTfjs(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson = {
      modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    };
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(weights));
    await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

test('a model built and saved by TF.js itself loads into convkit and predicts within 1e-5 of TF.js on 500 MNIST images', async (t) => {
  await withFolder(async (dir) => {
    // Seeded initializers: the same weights every run, so the tolerance is checked on a fixed case
    // (unseeded, a rare draw of weights put float32 rounding of large logits just past 1e-5).
    const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
    const made = tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [28, 28, 1], kernelInitializer: glorot(1) }),
        tf.layers.maxPooling2d({ poolSize: 2, padding: 'valid' }),
        tf.layers.conv2d({ filters: 8, kernelSize: [3, 2], activation: 'tanh', kernelInitializer: tf.initializers.heNormal({ seed: 2 }), biasInitializer: tf.initializers.randomNormal({ seed: 3 }) }),
        tf.layers.flatten(),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 16, activation: 'sigmoid', kernelInitializer: glorot(4), biasInitializer: tf.initializers.randomNormal({ seed: 5 }) }),
        // Linear outputs: a comparison of logits, not of near-uniform softmax values of an untrained model.
        tf.layers.dense({ units: 10, kernelInitializer: glorot(6) }),
      ],
    });
    await saveWithTfjs(made, dir);
    const loaded = await loadTfjsModel(dir, { backend: 'reference' });
    assert.deepEqual(loaded.layers.map((l) => l.className), ['Conv2D', 'MaxPooling2D', 'Conv2D', 'Flatten', 'Dropout', 'Dense', 'Dense']);
    assert.equal(loaded.countParams(), made.countParams());

    const { test: images } = await loadMnist({ trainLimit: 1, testLimit: 500 });
    const x = new Tensor(images.images, [images.count, 28, 28, 1]);
    const theirs = tfjsPredict(made, x);
    const ours = (await loaded.predict(x, { batchSize: 128 })).data;
    const diff = maxAbsDiff(theirs, ours);
    const spread = Math.max(...theirs) - Math.min(...theirs);
    t.diagnostic(`TF.js-made model: max |convkit - tfjs| = ${diff.toExponential(2)} over ${theirs.length} logits spanning ${spread.toFixed(2)}`);
    assert.ok(spread > 1, 'outputs vary, so agreement means something');
    assert.ok(diff <= TOLERANCE, `convkit differs from TF.js by ${diff}`);
    made.dispose();
  });
});

// Tests edit model.json freely, as an attacker would.
type Json = Record<string, any>;

/** Writes a valid export of a tiny model, lets `edit` change model.json (and the folder), then loads it. */
async function loadEdited(edit: (json: Json, dir: string) => Promise<void> | void): Promise<unknown> {
  const model = new Sequential([
    layers.flatten({ inputShape: [2, 2, 1] }),
    layers.dense({ units: 3, activation: 'relu' }),
  ], { backend: 'reference', seed: 2, name: 'tiny' });
  const { modelJson, weightData } = tfjsArtifacts(model);
  const dir = await mkdtemp(join(tmpdir(), 'convkit-tfjs-bad-'));
  try {
    const json = JSON.parse(JSON.stringify(modelJson)) as Json;
    await writeFile(join(dir, 'weights.bin'), weightData);
    await edit(json, dir);
    // An edit may write model.json itself (text that JSON.stringify cannot produce).
    if (!existsSync(join(dir, 'model.json'))) await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    return await loadTfjsModel(dir, { backend: 'reference' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const layersOf = (json: Json): Json[] => json.modelTopology.config.layers;
/** Puts a Conv2D first (the tiny model has none), to test Conv2D rules. */
const convFirst = (json: Json): void => {
  layersOf(json)[0].config.batch_input_shape = undefined;
  layersOf(json).unshift({ class_name: 'Conv2D', config: { name: 'conv2d', filters: 1, kernel_size: [1, 1], batch_input_shape: [null, 2, 2, 1] } });
};
const weightsOf = (json: Json): Json[] => json.weightsManifest[0].weights;

const BAD: [string, (json: Json, dir: string) => Promise<void> | void, RegExp][] = [
  ['a manifest path that climbs out of the folder', (j) => { j.weightsManifest[0].paths = ['../weights.bin']; }, /weight file path "\.\.\/weights\.bin" must be a plain file name in the model\.json's folder/],
  ['an absolute manifest path', (j) => { j.weightsManifest[0].paths = ['/etc/passwd']; }, /weight file path "\/etc\/passwd" must be a plain file name/],
  ['a manifest path into a subfolder', (j) => { j.weightsManifest[0].paths = ['sub\\weights.bin']; }, /must be a plain file name/],
  ['"..", alone', (j) => { j.weightsManifest[0].paths = ['..']; }, /weight file path "\.\." must be a plain file name/],
  ['a weight file that is a link', async (j, dir) => {
    await symlink(join(dir, 'weights.bin'), join(dir, 'link.bin'));
    j.weightsManifest[0].paths = ['link.bin'];
  }, /link\.bin is not a regular file \(links are not followed\)/],
  ['a missing weight file', (j) => { j.weightsManifest[0].paths = ['gone.bin']; }, /gone\.bin named in the manifest does not exist/],
  ['a weight file one float short', async (_j, dir) => { await writeFile(join(dir, 'weights.bin'), new Uint8Array(14 * 4)); }, /holds 56 bytes; its manifest entries need exactly 60/],
  ['a weight file with trailing bytes', async (_j, dir) => { await writeFile(join(dir, 'weights.bin'), new Uint8Array(15 * 4 + 1)); }, /holds 61 bytes; its manifest entries need exactly 60/],
  ['a layer class outside the allowlist', (j) => { layersOf(j)[1].class_name = 'Lambda'; }, /layer 1: layer class "Lambda" is not one convkit loads; allowed: Conv2D, MaxPooling2D, Flatten, Dense, Dropout/],
  ['a functional model', (j) => { j.modelTopology.class_name = 'Model'; }, /modelTopology is a "Model"; convkit imports Sequential models only/],
  ['a graph model', (j) => { j.format = 'graph-model'; }, /format "graph-model"; convkit imports TF\.js layers models/],
  ['an unknown config key', (j) => { layersOf(j)[1].config.function = 'lambda x: x'; }, /Dense has a config key "function" that convkit does not support/],
  ['channels_first data', (j) => { layersOf(j)[0].config.data_format = 'channels_first'; }, /Flatten data_format must be 'channels_last' \(convkit is NHWC\); received "channels_first"/],
  ['an unknown activation', (j) => { layersOf(j)[1].config.activation = 'selu'; }, /Dense got an unknown activation "selu"/],
  ['a float16 layer', (j) => { layersOf(j)[1].config.dtype = 'float16'; }, /Dense dtype must be 'float32'; received "float16"/],
  ['a trainable that is not a boolean', (j) => { layersOf(j)[1].config.trainable = 'no'; }, /Dense trainable must be true or false; received "no"/],
  ['a weight shape that does not fit the architecture', (j) => { weightsOf(j)[0].shape = [3, 4]; }, /weight "dense\/kernel" has shape \[3, 4\] in the file; the architecture needs \[4, 3\]/],
  ['a missing weight', async (j, dir) => {
    weightsOf(j).splice(1, 1);
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(12 * 4));
  }, /missing weight "dense\/bias" of shape \[3\] that the architecture needs/],
  ['an extra weight', async (j, dir) => {
    weightsOf(j).push({ name: 'dense/extra', shape: [3], dtype: 'float32' });
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(18 * 4));
  }, /the manifest has weight\(s\) "dense\/extra" that the architecture does not; it has dense\/kernel, dense\/bias/],
  ['a weight listed twice', (j) => { weightsOf(j)[1] = { ...weightsOf(j)[0] }; }, /lists weight "dense\/kernel" twice/],
  ['a non-float32 weight', (j) => { weightsOf(j)[1].dtype = 'int32'; }, /weight "dense\/bias" has dtype "int32"; convkit loads float32 weights/],
  ['a quantized weight', (j) => { weightsOf(j)[1].quantization = { dtype: 'uint8', scale: 1, min: 0 }; }, /weight "dense\/bias" is quantized/],
  ['a shape too large to address', (j) => { weightsOf(j)[0].shape = [2 ** 40, 2 ** 20]; }, /is too large to address/],
  ['a huge Dense layer asked for in a few bytes', (j) => { layersOf(j)[1].config.units = 2 ** 30; }, /weight "dense\/kernel" has shape \[4, 3\] in the file; the architecture needs \[4, 1073741824\]/],
  ['no input shape', (j) => { delete layersOf(j)[0].config.batch_input_shape; }, /declares no input shape; its first layer needs batch_input_shape/],
  ['a duplicate key', async (j, dir) => {
    await writeFile(join(dir, 'model.json'), JSON.stringify(j).replace('"format":"layers-model"', '"format":"layers-model","format":"layers-model"'));
  }, /model\.json has the key "format" twice in one object/],
  ['text that is not UTF-8', async (_j, dir) => { await writeFile(join(dir, 'model.json'), new Uint8Array([0x7b, 0xff, 0x7d])); }, /model\.json is not valid UTF-8/],
  ['a model.json over 32 MB', async (j, dir) => {
    await writeFile(join(dir, 'model.json'), JSON.stringify(j));
    await truncate(join(dir, 'model.json'), 33 * 1024 * 1024); // sparse: costs no disk
  }, /bytes; a model\.json above 33554432 bytes is refused/],
  ['dilated convolution', (j) => { convFirst(j); layersOf(j)[0].config.dilation_rate = [2, 2]; }, /Conv2D dilation_rate must be 1 or \[1, 1\]; received \[2,2\]/],
  ['a Dropout noise_shape', (j) => { layersOf(j).splice(1, 0, { class_name: 'Dropout', config: { name: 'dropout', rate: 0.5, noise_shape: [1, 4] } }); }, /Dropout noise_shape must be null/],
  ['text that is not JSON', async (_j, dir) => { await writeFile(join(dir, 'model.json'), '{"modelTopology": '); }, /model\.json is not valid JSON/],
  ['an unknown top-level key', (j) => { j.modelInitializer = {}; }, /unsupported key\(s\) "modelInitializer"/],
  ['a NaN weight', async (_j, dir) => {
    const floats = new Float32Array(15);
    floats[7] = NaN;
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(floats.buffer));
  }, /weight "dense\/kernel" holds NaN at index 7 \(of 12\).*allowNonFinite: true/],
  ['a model.json nested 5,000 levels deep', async (_j, dir) => {
    await writeFile(join(dir, 'model.json'), `{"modelTopology": ${'['.repeat(5000)}${']'.repeat(5000)}}`);
  }, /model\.json: .*nests deeper than 64 levels/],
  ['an escape sequence in a config key', (j) => { layersOf(j)[1].config['\x1b[2J\x1b[31mkey'] = 1; }, /config key "\\x1b\[2J\\x1b\[31mkey"/],
];

for (const [what, edit, message] of BAD) {
  test(`refuses ${what}`, async () => {
    await assert.rejects(loadEdited(edit), (error: unknown) => {
      assert.ok(error instanceof ModelFileError, `expected a ModelFileError, got ${String(error)}`);
      assert.match(error.message, message);
      return true;
    });
  });
}

test('the message names the model.json, shows no raw control character, and stays short for a 10 MB value', async () => {
  await assert.rejects(loadEdited((j) => { layersOf(j)[1].config.activation = `\x1b]0;title\x07${'x'.repeat(10_000_000)}`; }), (error: unknown) => {
    assert.ok(error instanceof ModelFileError, String(error));
    assert.match(error.message, /model\.json/);
    assert.doesNotMatch(error.message, /[\x00-\x1f\x7f-\x9f]/);
    assert.ok(error.message.length < 500, `${error.message.length} characters`);
    assert.match(error.message, /\(10000010 characters\)/);
    return true;
  });
});

test('{ allowNonFinite: true } loads NaN weights for whoever really wants them', async () => {
  await withFolder(async (dir) => {
    const model = new Sequential([layers.flatten({ inputShape: [2, 2, 1] }), layers.dense({ units: 3 })], { backend: 'reference', seed: 2 });
    const { modelJson } = tfjsArtifacts(model);
    await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(new Float32Array(15).fill(NaN).buffer));
    const back = await loadTfjsModel(dir, { backend: 'reference', allowNonFinite: true });
    assert.ok(Number.isNaN(back.weights()[0].value[0]));
  });
});

test('a Keras-converter model.json loads: model_config wrapper, a first InputLayer, Keras 2 keys with inert values', async () => {
  const model = (await loadEdited((j) => {
    const [flatten, dense] = layersOf(j);
    delete flatten.config.batch_input_shape;
    dense.config.kernel_initializer = { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } };
    dense.config.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } };
    const input = { class_name: 'InputLayer', config: { batch_input_shape: [null, 2, 2, 1], dtype: 'float32', sparse: false, ragged: false, name: 'flatten_input' } };
    j.modelTopology = {
      keras_version: '2.15.0', backend: 'tensorflow',
      model_config: { class_name: 'Sequential', config: { name: 'keras_made', layers: [input, flatten, dense] } },
      training_config: { loss: 'sparse_categorical_crossentropy' },
    };
  })) as Sequential;
  assert.equal(model.name, 'keras_made');
  assert.deepEqual(model.inputShape, [2, 2, 1]);
  assert.deepEqual(model.layers.map((l) => l.className), ['Flatten', 'Dense']);
});

test('the untouched tiny export loads (so each refusal above is caused by its edit)', async () => {
  const model = (await loadEdited(() => undefined)) as Sequential;
  assert.equal(model.countParams(), 15);
});

test('loadTfjsModel given a convkit model file (or a PNG) says what it is and what reads it', async () => {
  const { saveModel } = await import('../../src/io/model-file.js');
  const dir = await mkdtemp(join(tmpdir(), 'convkit-tfjs-kind-'));
  try {
    const model = new Sequential([layers.dense({ units: 2, inputShape: [3] })], { backend: 'reference', seed: 1 });
    const file = join(dir, 'm.safetensors');
    await saveModel(model, file);
    await assert.rejects(loadTfjsModel(file), (e: unknown) => e instanceof ModelFileError &&
      e.message === `${file} is a safetensors file (a convkit model), not a TF.js model.json: read it with loadModel() or loadModelFile(), or pass it as --model to predict, evaluate, export, inspect or summary.`);
    const png = join(dir, 'x.png');
    await writeFile(png, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    await assert.rejects(loadTfjsModel(png), /x\.png is a PNG image, not a TF\.js model\.json: convkit predict reads PNG images/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
