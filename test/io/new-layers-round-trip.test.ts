/**
 * A small model using every layer issue 17 added (BatchNormalization, with
 * and without a relu after it, AveragePooling2D, GlobalAveragePooling2D and
 * GlobalMaxPooling2D) trains on each backend, saves, reloads and predicts bit
 * for bit, and its TF.js and ONNX exports agree with TF.js and ONNX Runtime
 * within 1e-5.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { Sequential, Tensor, encodeOnnx, exportTfjs, layers, loadModel, saveModel } from '../../src/index.js';
import { maxAbsDiff, tfjsFolderHandler, tfjsPredict, TOLERANCE } from './tfjs-onnx-fixtures.js';

/** Two branches cannot exist in a Sequential: the global max pool reads a second conv's output after the average pool. */
function everyNewLayer(backend: 'reference' | 'native'): Sequential {
  return new Sequential([
    layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', inputShape: [12, 12, 3] }), layers.batchNormalization(), layers.activation('relu'),
    layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
    layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }), layers.batchNormalization({ momentum: 0.9 }),
    layers.globalMaxPooling2d(), layers.batchNormalization({ center: false }),
    layers.dense({ units: 6, activation: 'relu' }), layers.dense({ units: 3, activation: 'softmax' }),
  ], { backend, seed: 21 });
}

function averageHead(backend: 'reference' | 'native'): Sequential {
  return new Sequential([
    layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', inputShape: [12, 12, 3] }), layers.batchNormalization(), layers.activation('relu'),
    layers.globalAveragePooling2d(), layers.dense({ units: 3, activation: 'softmax' }),
  ], { backend, seed: 22 });
}

function data(count: number): { x: Tensor; y: Int32Array } {
  const y = Int32Array.from({ length: count }, (_, i) => i % 3);
  // The class shows as a brighter channel, so a few epochs learn it.
  const x = Float32Array.from({ length: count * 432 }, (_, i) => Math.sin(i * 0.61) * 0.5 + (i % 3 === y[Math.floor(i / 432)] ? 1 : 0));
  return { x: new Tensor(x, [count, 12, 12, 3]), y };
}

for (const backend of ['reference', 'native'] as const) {
  test(`every new layer on the ${backend} backend: trains, saves, reloads and predicts bit for bit; TF.js and ONNX Runtime agree within 1e-5`, async (t) => {
    const { x, y } = data(48);
    const dir = await mkdtemp(join(tmpdir(), `convkit-new-layers-${backend}-`));
    try {
      for (const model of [everyNewLayer(backend), averageHead(backend)]) {
        if (model.backend.name !== backend) return t.skip('the native addon did not load');
        model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
        const history = await model.fit(x, y, { epochs: 6, batchSize: 16, verbose: 0 });
        const losses = history.history.loss as number[];
        assert.ok(losses[losses.length - 1] < losses[0], `${model.layers.length} layers: the loss fell (${losses.join(', ')})`);
        const ours = (await model.predict(x)).data;
        const file = join(dir, `${model.layers.length}.safetensors`);
        await saveModel(model, file);
        const back = await loadModel(file, { backend });
        assert.deepEqual((await back.predict(x)).data, ours, 'the reloaded model predicts bit for bit');
        await exportTfjs(model, join(dir, `tfjs-${model.layers.length}`));
        const theirs = tfjsPredict(await tf.loadLayersModel(tfjsFolderHandler(join(dir, `tfjs-${model.layers.length}`))), x);
        t.diagnostic(`${model.layers.length} layers: |TF.js - convkit| ${maxAbsDiff(theirs, ours).toExponential(2)}`);
        assert.ok(maxAbsDiff(theirs, ours) <= TOLERANCE, `TF.js differs by ${maxAbsDiff(theirs, ours)}`);
        const session = await ort.InferenceSession.create(encodeOnnx(model));
        const onnx = (await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [...x.shape]) })).output.data as Float32Array;
        t.diagnostic(`${model.layers.length} layers: |ONNX Runtime - convkit| ${maxAbsDiff(onnx, ours).toExponential(2)}`);
        assert.ok(maxAbsDiff(onnx, ours) <= TOLERANCE, `ONNX Runtime differs by ${maxAbsDiff(onnx, ours)}`);
        await session.release();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
