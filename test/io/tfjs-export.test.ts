/**
 * TF.js layers export: the files TF.js itself loads (through its own
 * model.json parser and tf.loadLayersModel), predicting within 1e-5 of convkit
 * on 500 MNIST test images; the model.json content; and the folder rules.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Sequential, exportTfjs, layers, tfjsArtifacts } from '../../src/index.js';
import { accuracy, maxAbsDiff, tfjsFolderHandler, tfjsPredict, TOLERANCE, trainedModels, type TrainedModels } from './tfjs-onnx-fixtures.js';

let trained: TrainedModels;
let dir: string;

before(async () => {
  trained = await trainedModels();
  dir = await mkdtemp(join(tmpdir(), 'convkit-tfjs-'));
});

test('tf.loadLayersModel runs each exported model within 1e-5 of convkit on 500 MNIST test images', async (t) => {
  try {
    for (const model of trained.models) {
      const out = join(dir, model.name);
      assert.equal(await exportTfjs(model, out), join(out, 'model.json'));
      assert.deepEqual((await readdir(out)).sort(), ['model.json', 'weights.bin']);
      const loaded = await tf.loadLayersModel(tfjsFolderHandler(out));
      const theirs = tfjsPredict(loaded, trained.images);
      const ours = (await model.predict(trained.images, { batchSize: 128 })).data;
      const diff = maxAbsDiff(theirs, ours);
      const hits = accuracy(theirs, trained.labels);
      t.diagnostic(`${model.name}: max |tfjs - convkit| = ${diff.toExponential(2)} over ${theirs.length} probabilities; accuracy ${hits}`);
      assert.ok(diff <= TOLERANCE, `${model.name}: TF.js differs from convkit by ${diff}`);
      // Trained a little: well above chance (10%), so the comparison is not of near-uniform outputs.
      assert.ok(hits > 0.25, `${model.name} predicts above chance in TF.js: ${hits}`);
      loaded.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('model.json holds Keras class names, snake_case configs and a manifest matching weights.bin byte for byte', () => {
  const cnn = trained.models[0];
  const { modelJson, weightData } = tfjsArtifacts(cnn);
  assert.equal(modelJson.format, 'layers-model');
  const topology = modelJson.modelTopology;
  assert.equal(topology.class_name, 'Sequential');
  assert.deepEqual(topology.config.layers.map((l) => l.class_name), ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
  const [conv, pool] = topology.config.layers;
  assert.deepEqual(
    { ...conv.config, kernel_initializer: undefined, bias_initializer: undefined },
    {
      name: 'conv2d', trainable: true, dtype: 'float32', batch_input_shape: [null, 28, 28, 1], filters: 32, kernel_size: [3, 3], strides: [1, 1],
      padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'relu', use_bias: true, kernel_initializer: undefined,
      bias_initializer: undefined, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    },
  );
  assert.deepEqual(pool.config, { name: 'max_pooling2d', trainable: true, dtype: 'float32', pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' });
  const [group] = modelJson.weightsManifest;
  assert.deepEqual(group.paths, ['weights.bin']);
  assert.deepEqual(group.weights.map((w) => `${w.name}:${w.shape.join('x')}:${w.dtype}`), [
    'conv2d/kernel:3x3x1x32:float32', 'conv2d/bias:32:float32', 'conv2d_1/kernel:3x3x32x64:float32', 'conv2d_1/bias:64:float32',
    'dense/kernel:1600x128:float32', 'dense/bias:128:float32', 'dense_1/kernel:128x10:float32', 'dense_1/bias:10:float32',
  ]);
  assert.equal(weightData.length, cnn.countParams() * 4);
  const view = new DataView(weightData.buffer, weightData.byteOffset);
  let offset = 0;
  for (const w of cnn.weights()) {
    for (let i = 0; i < w.value.length; i += 997) assert.equal(view.getFloat32(offset + i * 4, true), w.value[i], `${w.name}[${i}] little-endian at ${offset + i * 4}`);
    offset += w.value.length * 4;
  }
});

test('exportTfjs refuses a non-empty folder unless forced, and a float64 model', async () => {
  const out = await mkdtemp(join(tmpdir(), 'convkit-tfjs-'));
  try {
    await writeFile(join(out, 'notes.txt'), 'keep me');
    const model = trained.models[1];
    await assert.rejects(exportTfjs(model, out), /is not empty \(notes\.txt\); choose an empty or new folder, or pass --force/);
    assert.deepEqual(await readdir(out), ['notes.txt']);
    await exportTfjs(model, out, { force: true });
    assert.deepEqual((await readdir(out)).sort(), ['model.json', 'notes.txt', 'weights.bin']);
    assert.equal(await readFile(join(out, 'notes.txt'), 'utf8'), 'keep me');
    await assert.rejects(exportTfjs(model, join(out, 'notes.txt')), /notes\.txt exists and is not a folder/);

    const wide = new Sequential([layers.flatten({ inputShape: [2, 2, 1] }), layers.dense({ units: 2 })], { backend: 'reference', dtype: 'float64', seed: 1 });
    assert.throws(() => tfjsArtifacts(wide), /TF\.js export needs a float32 model; "sequential" is float64/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
