/**
 * GlobalAveragePooling2D and GlobalMaxPooling2D (layers/global-*-pooling2d.ts,
 * sharing layers/global-pooling.ts): [N, H, W, C] -> [N, C] means and maxima
 * by hand, Keras's keepdims (false only), the errors, and models that export
 * to TF.js and ONNX and save and load. Gradient checks: gradient-check.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { ShapeError, Sequential, Tensor, encodeOnnx, exportTfjs, layers, loadModel, loadTfjsModel, saveModel } from '../../src/index.js';
import { parseKerasLayer } from '../../src/io/tfjs-layer-config.js';
import { onnxModel } from '../../src/io/onnx-export.js';
import { maxAbsDiff, tfjsFolderHandler, tfjsPredict, TOLERANCE } from '../io/tfjs-onnx-fixtures.js';

const POOLS = [
  { className: 'GlobalAveragePooling2D', make: () => layers.globalAveragePooling2d(), onnx: 'ReduceMean', of: (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length },
  { className: 'GlobalMaxPooling2D', make: () => layers.globalMaxPooling2d(), onnx: 'ReduceMax', of: (v: number[]) => Math.max(...v) },
] as const;

for (const pool of POOLS) {
  test(`${pool.className}: [N, H, W, C] -> [N, C], each channel pooled over the whole plane, on both backends`, async () => {
    for (const backend of ['reference', 'native'] as const) {
      const model = new Sequential([layers.flatten({ inputShape: [1] })], { backend });
      if (model.backend.name !== backend) continue;
      const m = new Sequential([pool.make()], { backend });
      m.build([3, 2, 2]);
      assert.deepEqual(m.outputShape, [2]);
      const values = Float32Array.from({ length: 2 * 12 }, (_, i) => ((i * 7) % 11) - 5);
      const got = (await m.predict(new Tensor(values, [2, 3, 2, 2]))).data;
      const expected = [0, 1].flatMap((n) => [0, 1].map((c) => pool.of(Array.from({ length: 6 }, (_, p) => values[n * 12 + p * 2 + c]))));
      assert.ok(maxAbsDiff(got, expected) < 1e-6, `${backend}: ${Array.from(got)} vs ${expected}`);
    }
  });

  test(`${pool.className}: keepdims false only; a flat input is a ShapeError`, () => {
    assert.deepEqual(parseKerasLayer(pool.className, { name: 'g', data_format: 'channels_last', keepdims: false, trainable: true }, 'model.json').config, { name: 'g' });
    assert.throws(() => parseKerasLayer(pool.className, { name: 'g', keepdims: true }, 'model.json'), /keepdims must be false \(convkit outputs \[N, C\]\); received true/);
    assert.throws(() => new Sequential([layers.dense({ units: 2, inputShape: [3] }), pool.make()], { backend: 'reference' }), (e: Error) => e instanceof ShapeError && /expects input of rank 4 \(batch, height, width, channels\)/.test(e.message));
  });

  test(`${pool.className}: a model exports to TF.js and ONNX (${pool.onnx}), which predict as convkit does, and saves and loads`, async () => {
    const model = new Sequential([
      layers.conv2d({ filters: 5, kernelSize: 3, padding: 'same', activation: 'tanh', inputShape: [7, 6, 2] }), pool.make(), layers.dense({ units: 3, activation: 'softmax' }),
    ], { backend: 'reference', seed: 6 });
    const x = new Tensor(Float32Array.from({ length: 3 * 84 }, (_, i) => Math.cos(i * 0.9)), [3, 7, 6, 2]);
    const ours = (await model.predict(x)).data;
    assert.deepEqual(onnxModel(model).graph.node.map((n) => n.opType), ['Transpose', 'Conv', 'Tanh', 'Transpose', pool.onnx, 'Gemm', 'Softmax']);
    const session = await ort.InferenceSession.create(encodeOnnx(model));
    const result = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [3, 7, 6, 2]) });
    assert.ok(maxAbsDiff(result.output.data as Float32Array, ours) <= TOLERANCE, 'ONNX Runtime');
    await session.release();
    const dir = await mkdtemp(join(tmpdir(), 'convkit-global-pool-'));
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
}
