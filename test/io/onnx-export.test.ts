/**
 * ONNX export: ONNX Runtime (onnxruntime-node) runs each exported model within
 * 1e-5 of convkit on 500 MNIST test images, with a symbolic batch dimension;
 * the graph transposes NHWC <-> NCHW where the issue says; bad exports are refused.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Sequential, Tensor, exportOnnx, layers } from '../../src/index.js';
import { encodeOnnx, onnxModel } from '../../src/io/onnx-export.js';
import { accuracy, maxAbsDiff, TOLERANCE, trainedModels, type TrainedModels } from './tfjs-onnx-fixtures.js';

let trained: TrainedModels;

before(async () => {
  trained = await trainedModels();
});

async function runOnnx(session: ort.InferenceSession, images: Tensor): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const result = await session.run({ input: new ort.Tensor('float32', images.data as Float32Array, [...images.shape]) });
  return { data: result.output.data as Float32Array, dims: result.output.dims };
}

test('ONNX Runtime runs each exported model within 1e-5 of convkit on 500 MNIST test images, at any batch size', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-onnx-'));
  try {
    for (const model of trained.models) {
      const out = join(dir, model.name);
      const path = await exportOnnx(model, out);
      assert.deepEqual(await readdir(out), ['model.onnx']);
      const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
      assert.deepEqual([session.inputNames, session.outputNames], [['input'], ['output']]);
      const ours = (await model.predict(trained.images, { batchSize: 128 })).data;
      const { data, dims } = await runOnnx(session, trained.images);
      assert.deepEqual(dims, [500, 10]);
      const diff = maxAbsDiff(data, ours);
      const hits = accuracy(data, trained.labels);
      t.diagnostic(`${model.name}: max |onnxruntime - convkit| = ${diff.toExponential(2)} over ${data.length} probabilities; accuracy ${hits}`);
      assert.ok(diff <= TOLERANCE, `${model.name}: ONNX Runtime differs from convkit by ${diff}`);
      assert.ok(hits > 0.25, `${model.name} predicts above chance (10%) in ONNX Runtime: ${hits}`);
      // The batch dimension is symbolic: one image runs through the same graph.
      const one = await runOnnx(session, new Tensor(trained.images.data.subarray(0, 784), [1, 28, 28, 1]));
      assert.deepEqual(one.dims, [1, 10]);
      assert.ok(maxAbsDiff(one.data, ours.subarray(0, 10)) <= TOLERANCE);
      await session.release();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the graph goes to NCHW for Conv/MaxPool and back to NHWC before Flatten, with pads from convkit geometry', () => {
  const [cnn, dense, strided] = trained.models;
  const ops = (m: Sequential) => onnxModel(m).graph.node.map((n) => n.opType);
  assert.deepEqual(ops(cnn), ['Transpose', 'Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'MaxPool', 'Transpose', 'Flatten', 'Gemm', 'Relu', 'Gemm', 'Softmax']);
  assert.deepEqual(ops(dense), ['Flatten', 'Gemm', 'Relu', 'Gemm', 'Softmax']);
  const graph = onnxModel(strided).graph;
  const attr = (op: string, name: string) => graph.node.find((n) => n.opType === op)?.attribute?.find((a) => a.name === name)?.ints;
  // 'same' on 28 with kernel 3, stride 2: 14 outputs need 1 pixel of padding, which TF puts after (bottom/right).
  assert.deepEqual(attr('Conv', 'pads'), [0, 0, 1, 1]);
  assert.deepEqual(attr('Conv', 'strides'), [2, 2]);
  assert.deepEqual(attr('MaxPool', 'pads'), [0, 0, 1, 1]);
  const perms = graph.node.filter((n) => n.opType === 'Transpose').map((n) => n.attribute?.[0].ints);
  assert.deepEqual(perms, [[0, 3, 1, 2], [0, 2, 3, 1]]);
  assert.equal(graph.node.at(-1)?.output[0], 'output');
  const kernel = graph.initializer.find((i) => i.name === 'conv2d/kernel');
  assert.deepEqual(kernel?.dims, [8, 1, 3, 3]); // [OC, C, KH, KW] from Keras [KH, KW, C, OC]
});

test('a conv-only model ends back in NHWC; a float64 model is refused', async () => {
  const convOnly = new Sequential([layers.conv2d({ filters: 3, kernelSize: 2, activation: 'softmax', inputShape: [5, 4, 2] })], { backend: 'reference', seed: 3 });
  const x = new Tensor(Float32Array.from({ length: 2 * 5 * 4 * 2 }, (_, i) => Math.sin(i)), [2, 5, 4, 2]);
  const bytes = encodeOnnx(convOnly);
  const session = await ort.InferenceSession.create(bytes);
  const { data, dims } = await runOnnx(session, x);
  assert.deepEqual(dims, [2, 4, 3, 3]);
  // Softmax over the channels (convkit's last axis), which is axis 1 while the graph is NCHW.
  assert.ok(maxAbsDiff(data, (await convOnly.predict(x)).data) <= TOLERANCE);
  await session.release();

  const wide = new Sequential([layers.flatten({ inputShape: [2, 2, 1] }), layers.dense({ units: 2 })], { backend: 'reference', dtype: 'float64', seed: 1 });
  assert.throws(() => onnxModel(wide), /ONNX export needs a float32 model; "sequential" is float64/);
});
