/**
 * The activations leaky_relu, elu, gelu and swish leave convkit the way
 * the others do: a model file reloads them bit for bit; ONNX Runtime runs the
 * ONNX export and TF.js the TF.js export within 1e-5 of convkit (in Conv2D,
 * where ONNX computes them in NCHW, in Dense and as Activation layers); TF.js
 * import brings them back. TF.js has no 'leaky_relu' activation name, so that
 * export is refused with a message saying so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { ModelFileError, Sequential, Tensor, encodeOnnx, exportTfjs, layers, loadTfjsModel } from '../../src/index.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { Random } from '../../src/core/random.js';
import type { ActivationName } from '../../src/layers/activations.js';
import { maxAbsDiff, tfjsFolderHandler, tfjsPredict, TOLERANCE } from './tfjs-onnx-fixtures.js';

function model(activations: readonly ActivationName[]): Sequential {
  const [a, b, c, d] = activations;
  return new Sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: a, inputShape: [6, 6, 2] }),
    layers.conv2d({ filters: 3, kernelSize: 3, activation: b }),
    layers.activation(c),
    layers.flatten(),
    layers.dense({ units: 8, activation: d }),
    layers.dense({ units: 4, activation: a }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { backend: 'reference', seed: 8 });
}

const images = (() => {
  const random = new Random(21);
  return new Tensor(Float32Array.from({ length: 7 * 72 }, () => random.uniform(-2, 2)), [7, 6, 6, 2]);
})();

const ALL: readonly ActivationName[] = ['gelu', 'elu', 'swish', 'leaky_relu'];
/** TF.js knows every one but leaky_relu as an activation name. */
const TFJS: readonly ActivationName[] = ['gelu', 'elu', 'swish', 'gelu'];

test('a model file reloads the activations and predicts bit for bit', async () => {
  const m = model(ALL);
  const back = decodeModel(encodeModel(m), { backend: 'reference' }).model;
  assert.deepEqual(back.layers.map((l) => (l as { activation?: string }).activation), m.layers.map((l) => (l as { activation?: string }).activation));
  assert.deepEqual(Array.from((await back.predict(images)).data), Array.from((await m.predict(images)).data));
});

test('ONNX Runtime runs the export within 1e-5 of convkit', async () => {
  for (const activations of [ALL, ['swish', 'gelu', 'leaky_relu', 'elu'] as const]) {
    const m = model(activations);
    const session = await ort.InferenceSession.create(encodeOnnx(m));
    const result = await session.run({ input: new ort.Tensor('float32', images.data as Float32Array, [...images.shape]) });
    const diff = maxAbsDiff(result.output.data as Float32Array, (await m.predict(images)).data);
    assert.ok(diff <= TOLERANCE, `${activations.join(', ')}: ONNX Runtime differs by ${diff}`);
    await session.release();
  }
});

test('TF.js runs the export within 1e-5 of convkit, and TF.js import brings the activations back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-act-'));
  try {
    const m = model(TFJS);
    await exportTfjs(m, dir);
    const loaded = await tf.loadLayersModel(tfjsFolderHandler(dir));
    const ours = (await m.predict(images)).data;
    const diff = maxAbsDiff(tfjsPredict(loaded, images), ours);
    assert.ok(diff <= TOLERANCE, `TF.js differs by ${diff}`);
    const back = await loadTfjsModel(dir, { backend: 'reference' });
    assert.ok(maxAbsDiff((await back.predict(images)).data, ours) === 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("TF.js export refuses leaky_relu, naming the layer and what to use", async () => {
  await assert.rejects(
    exportTfjs(model(ALL), join(tmpdir(), 'never-written')),
    (e: unknown) => e instanceof ModelFileError && /Layer "dense" uses the activation 'leaky_relu', which TF\.js cannot load .* follow it with layers\.leakyReLU\(\{ alpha: 0\.2 \}\)/.test(e.message),
  );
});
