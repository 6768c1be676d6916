/**
 * LeakyReLU layer: Keras's default slope 0.3; with slope 0.2 it computes what the
 * 'leaky_relu' activation does, bit for bit, and that is the form TF.js loads;
 * float64 gradient check; ONNX and TF.js exports within 1e-5; refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { ConfigError, Sequential, Tensor, encodeOnnx, exportTfjs, layers, loadTfjsModel } from '../../src/index.js';
import { Random } from '../../src/core/random.js';
import { worstGradientError } from '../model/finite-difference.js';
import { maxAbsDiff, tfjsFolderHandler, tfjsPredict, TOLERANCE } from '../io/tfjs-onnx-fixtures.js';

function inputs(size: number): Float64Array {
  const random = new Random(17);
  return Float64Array.from({ length: size }, () => random.uniform(-2, 2));
}

test("Keras's default slope is 0.3; alpha must be finite and >= 0; unknown keys are refused", () => {
  assert.equal(layers.leakyReLU().alpha, 0.3);
  assert.equal(layers.leakyReLU().getConfig().alpha, 0.3);
  for (const bad of [-0.1, Number.NaN, Infinity, '0.2']) {
    assert.throws(() => layers.leakyReLU({ alpha: bad as number }), (e: unknown) => e instanceof ConfigError && /LeakyReLU expects alpha to be a finite number >= 0, e\.g\. 0\.3; received/.test(e.message));
  }
  assert.throws(() => layers.leakyReLU({ negative_slope: 0.2 } as never), /LeakyReLU got an unknown option "negative_slope"/);
});

test("Dense followed by LeakyReLU({ alpha: 0.2 }) == Dense(activation: 'leaky_relu'), outputs and gradients bit for bit", () => {
  const make = (stack: () => Parameters<Sequential['add']>[0][]) => {
    const m = new Sequential(stack(), { backend: 'reference', dtype: 'float64', seed: 6 });
    m.build([4]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    return m;
  };
  const inOne = make(() => [layers.dense({ units: 5, activation: 'leaky_relu' }), layers.dense({ units: 2 })]);
  const separate = make(() => [layers.dense({ units: 5 }), layers.leakyReLU({ alpha: 0.2 }), layers.dense({ units: 2 })]);
  separate.setWeights(inOne.getWeights());
  const x = inputs(12), y = inputs(6);
  assert.equal(separate.computeGradients(x, y, 3), inOne.computeGradients(x, y, 3));
  assert.deepEqual(separate.weights().map((w) => Array.from(w.grad)), inOne.weights().map((w) => Array.from(w.grad)));
});

test('float64 gradient check through LeakyReLU', () => {
  const worst = worstGradientError([layers.dense({ units: 5 }), layers.leakyReLU(), layers.dense({ units: 2 })], [4], 'mse', inputs(12), inputs(6), 3);
  assert.ok(worst < 1e-6, `worst relative error ${worst}`);
});

test('ONNX Runtime and TF.js run the exports within 1e-5; TF.js import reads the layer back', async () => {
  const model = new Sequential([
    layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [5, 5, 2] }), layers.leakyReLU(),
    layers.flatten(), layers.dense({ units: 4 }), layers.leakyReLU({ alpha: 0.2 }), layers.dense({ units: 2, activation: 'softmax' }),
  ], { backend: 'reference', seed: 3 });
  const images = new Tensor(Float32Array.from(inputs(4 * 50)), [4, 5, 5, 2]);
  const ours = (await model.predict(images)).data;
  const session = await ort.InferenceSession.create(encodeOnnx(model));
  const out = await session.run({ input: new ort.Tensor('float32', images.data as Float32Array, [...images.shape]) });
  assert.ok(maxAbsDiff(out.output.data as Float32Array, ours) <= TOLERANCE);
  await session.release();
  const dir = await mkdtemp(join(tmpdir(), 'convkit-leaky-'));
  try {
    await exportTfjs(model, dir);
    const loaded = await tf.loadLayersModel(tfjsFolderHandler(dir));
    assert.ok(maxAbsDiff(tfjsPredict(loaded, images), ours) <= TOLERANCE);
    const back = await loadTfjsModel(dir, { backend: 'reference' });
    assert.deepEqual(back.layers.map((l) => l.className), model.layers.map((l) => l.className));
    assert.deepEqual(Array.from((await back.predict(images)).data), Array.from(ours));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("TF.js / Keras import reads the slope as alpha (TF.js, Keras 2) or negative_slope (Keras 3)", async () => {
  const { parseKerasLayer } = await import('../../src/io/tfjs-layer-config.js');
  assert.deepEqual(parseKerasLayer('LeakyReLU', { name: 'l', alpha: 0.1, trainable: true, dtype: 'float32' }, 'model.json').config, { name: 'l', alpha: 0.1 });
  assert.deepEqual(parseKerasLayer('LeakyReLU', { name: 'l', negative_slope: 0.25 }, 'model.json').config, { name: 'l', alpha: 0.25 });
});
