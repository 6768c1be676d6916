/**
 * AveragePooling2D (layers/average-pooling2d.ts): output shapes, 'same'
 * windows that average only their cells inside the input (checked against
 * TF.js's own avgPool), option and shape errors, and a model that exports to
 * TF.js and ONNX and saves and loads. Gradient check: gradient-check.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { ConfigError, ShapeError, Sequential, Tensor, encodeOnnx, exportTfjs, layers, loadModel, loadTfjsModel, saveModel } from '../../src/index.js';
import { AveragePooling2D } from '../../src/layers/average-pooling2d.js';
import { parseKerasLayer } from '../../src/io/tfjs-layer-config.js';
import { onnxModel } from '../../src/io/onnx-export.js';
import { maxAbsDiff, tfjsFolderHandler, tfjsPredict, TOLERANCE } from '../io/tfjs-onnx-fixtures.js';

const image = (n: number, h: number, w: number, c: number) => new Tensor(Float32Array.from({ length: n * h * w * c }, (_, i) => Math.sin(i * 0.7) * 3), [n, h, w, c]);

test("output shapes as Keras: 'valid' floors, 'same' is ceil(in / stride); strides default to poolSize", () => {
  const shape = (options: ConstructorParameters<typeof AveragePooling2D>[0], input: number[]) => new Sequential([new AveragePooling2D({ ...options, inputShape: input })], { backend: 'reference' }).outputShape;
  assert.deepEqual(shape({}, [7, 9, 2]), [3, 4, 2]);
  assert.deepEqual(shape({ poolSize: 3, strides: 2, padding: 'same' }, [7, 9, 2]), [4, 5, 2]);
  assert.deepEqual(shape({ poolSize: [2, 3], strides: 1 }, [4, 4, 1]), [3, 2, 1]);
  assert.deepEqual(new AveragePooling2D({ poolSize: 3 }).strides, [3, 3]);
});

test("'same' average pooling agrees with TF.js's avgPool, which counts only cells inside the input", async () => {
  for (const [poolSize, strides] of [[3, 2], [2, 1], [3, 3]] as const) {
    const model = new Sequential([layers.averagePooling2d({ poolSize, strides, padding: 'same', inputShape: [7, 6, 3] })], { backend: 'reference' });
    const x = image(2, 7, 6, 3);
    const theirs = tf.tidy(() => tf.avgPool(tf.tensor4d(x.data as Float32Array, [2, 7, 6, 3]), poolSize, strides, 'same').dataSync());
    assert.ok(maxAbsDiff((await model.predict(x)).data, theirs) <= 1e-6, `poolSize ${poolSize}, strides ${strides}`);
  }
});

test('option errors are ConfigErrors; a flat input is a ShapeError; Keras configs load', () => {
  assert.throws(() => new AveragePooling2D({ poolSize: 0 }), (e: Error) => e instanceof ConfigError && /AveragePooling2D expects poolSize to be a positive integer or a pair/.test(e.message));
  assert.throws(() => new AveragePooling2D({ padding: 'full' as never }), /padding to be one of 'valid', 'same'; received "full"/);
  assert.throws(() => new Sequential([layers.dense({ units: 4, inputShape: [3] }), layers.averagePooling2d()], { backend: 'reference' }), (e: Error) => e instanceof ShapeError && /expects input of rank 4/.test(e.message));
  assert.throws(() => new Sequential([layers.averagePooling2d({ poolSize: 5, inputShape: [3, 3, 1] })], { backend: 'reference' }), /needs an input of at least 5x5; received 3x3/);
  const parsed = parseKerasLayer('AveragePooling2D', { name: 'avg', trainable: true, dtype: 'float32', pool_size: [3, 3], strides: null, padding: 'same', data_format: 'channels_last' }, 'model.json');
  assert.deepEqual(parsed.config, { name: 'avg', poolSize: [3, 3], padding: 'same' });
});

test('a model with AveragePooling2D exports to TF.js and ONNX, which predict as convkit does, and saves and loads', async () => {
  const model = new Sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, activation: 'tanh', inputShape: [9, 8, 2] }),
    layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' }),
  ], { backend: 'reference', seed: 4 });
  const x = image(3, 9, 8, 2);
  const ours = (await model.predict(x)).data;
  const graph = onnxModel(model).graph;
  // A 7x6 conv output: rows pad 2 (1 before, 1 after), columns pad 1 (after, as TF).
  const pool = graph.node.find((n) => n.opType === 'AveragePool');
  assert.deepEqual(pool?.attribute?.map((a) => [a.name, a.ints ?? a.i]), [['kernel_shape', [3, 3]], ['strides', [2, 2]], ['pads', [1, 0, 1, 1]], ['count_include_pad', 0]]);
  const session = await ort.InferenceSession.create(encodeOnnx(model));
  const result = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [3, 9, 8, 2]) });
  assert.ok(maxAbsDiff(result.output.data as Float32Array, ours) <= TOLERANCE, 'ONNX Runtime');
  await session.release();
  const dir = await mkdtemp(join(tmpdir(), 'convkit-avgpool-'));
  try {
    await exportTfjs(model, join(dir, 'tfjs'));
    assert.ok(maxAbsDiff(tfjsPredict(await tf.loadLayersModel(tfjsFolderHandler(join(dir, 'tfjs'))), x), ours) <= TOLERANCE, 'TF.js');
    assert.deepEqual((await (await loadTfjsModel(join(dir, 'tfjs'), { backend: 'reference' })).predict(x)).data, ours);
    await saveModel(model, join(dir, 'm.safetensors'));
    assert.deepEqual((await (await loadModel(join(dir, 'm.safetensors'), { backend: 'reference' })).predict(x)).data, ours);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
