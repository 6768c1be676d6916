/**
 * Reshape: output shapes (with a -1 inferred), refusals, the same memory on
 * the reference and the native backend, save / load, and TF.js and ONNX
 * exports that agree with @tensorflow/tfjs and ONNX Runtime. The float64
 * gradient check is in gradient-check.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { ConfigError, Sequential, ShapeError, Tensor, exportOnnx, exportTfjs, layers, loadTfjsModel } from '../../src/index.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { resolveBackend } from '../../src/backend/select-backend.js';
import { maxAbsDiff, tfjsFolderHandler, tfjsPredict, TOLERANCE } from '../io/tfjs-onnx-fixtures.js';

/** Dense features reshaped into a picture for a Conv2D: NHWC order must survive every export. */
function model(backend: 'reference' | 'native' = 'reference'): Sequential {
  const m = new Sequential([
    layers.dense({ units: 36, activation: 'tanh', inputShape: [10] }),
    layers.reshape({ targetShape: [6, -1, 2] }),
    layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu' }),
    layers.reshape({ targetShape: [-1] }),
    layers.dense({ units: 4, activation: 'softmax' }),
  ], { backend, seed: 11 });
  m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  return m;
}

const x = new Tensor(Float32Array.from({ length: 5 * 10 }, (_, i) => Math.sin(i * 1.7)), [5, 10]);

test('output shapes, with one -1 inferred, as Keras', () => {
  const m = model();
  assert.deepEqual(m.layers.map((l) => l.outputShape), [[36], [6, 3, 2], [4, 1, 3], [12], [4]]);
  assert.equal(m.countParams(), 10 * 36 + 36 + 3 * 3 * 2 * 3 + 3 + 12 * 4 + 4);
  assert.deepEqual(layers.reshape({ targetShape: [2, 3] }).getConfig(), { name: undefined, targetShape: [2, 3], inputShape: undefined });
});

test('a bad targetShape, or one whose size does not match, is refused with what was expected and received', () => {
  for (const bad of [undefined, [], [0, 3], [-1, -1], [2.5], [-2, 3], '4']) {
    assert.throws(() => layers.reshape({ targetShape: bad as never }),
      (e: unknown) => e instanceof ConfigError && /^Reshape expects targetShape as a list of positive integers without the batch dimension, at most one of them -1 \(inferred\), e\.g\. \[28, 28, 1\]; received /.test(e.message), String(bad));
  }
  assert.throws(() => new Sequential([layers.reshape({ targetShape: [5, 5], inputShape: [24] })]),
    (e: unknown) => e instanceof ShapeError && e.message === 'Reshape layer "reshape" cannot reshape input [N, 24] (24 values per sample) to targetShape [5, 5]; the sizes must match (a -1 entry must divide evenly).');
  assert.throws(() => new Sequential([layers.reshape({ targetShape: [5, -1], inputShape: [24] })]), ShapeError);
});

test('forward and backward return the very buffer they are given, on the reference and the native backend', () => {
  const backends = resolveBackend('auto').name === 'native' ? ['reference', 'native'] as const : ['reference'] as const;
  for (const backend of backends) {
    const reshape = model(backend).layers[1]!;
    const buffer = new Float32Array(2 * 36);
    assert.equal(reshape.forward(buffer, 2, true), buffer, backend);
    assert.equal(reshape.backward(buffer, 2, true), buffer, backend);
    assert.equal(reshape.backward(buffer, 2, false), null, backend);
  }
});

test('save and load give the same predictions, bit for bit', async () => {
  const m = model();
  await m.fit(x, [0, 1, 2, 3, 0], { epochs: 2, batchSize: 2, verbose: 0 });
  const back = decodeModel(encodeModel(m), { backend: 'reference' }).model;
  assert.deepEqual(back.layers.map((l) => l.getConfig()), m.layers.map((l) => l.getConfig()));
  assert.deepEqual(await back.predict(x), await m.predict(x));
});

test('TF.js export: @tensorflow/tfjs agrees within 1e-5, and convkit imports it back', async () => {
  const m = model();
  const dir = await mkdtemp(join(tmpdir(), 'convkit-reshape-tfjs-'));
  try {
    const json = await exportTfjs(m, dir);
    const theirs = await tf.loadLayersModel(tfjsFolderHandler(dir));
    const ours = (await m.predict(x)).data;
    assert.ok(maxAbsDiff(tfjsPredict(theirs, x), ours) <= TOLERANCE);
    theirs.dispose();
    const back = await loadTfjsModel(json, { backend: 'reference' });
    assert.deepEqual((await back.predict(x)).data, ours);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ONNX export: ONNX Runtime agrees within 1e-5 (Reshape in NHWC order, before the NCHW convolution)', async () => {
  const m = model();
  const dir = await mkdtemp(join(tmpdir(), 'convkit-reshape-onnx-'));
  try {
    const session = await ort.InferenceSession.create(await exportOnnx(m, dir), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const result = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [...x.shape]) });
    const output = Object.values(result)[0]!;
    assert.deepEqual(output.dims, [5, 4]);
    assert.ok(maxAbsDiff(output.data as Float32Array, (await m.predict(x)).data) <= TOLERANCE);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('Reshape refuses an option it does not read, naming the nearest one', () => {
  assert.throws(() => layers.reshape({ target_shape: [4, 4] } as never), (e: unknown) => e instanceof ConfigError && /"target_shape"; did you mean "targetShape"\?/.test(e.message));
});
