import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, Tensor } from '../../src/index.js';
import { layerOutputs } from '../../src/model/layer-outputs.js';
import { Random } from '../../src/core/random.js';
import { labCnnLayers } from './small-models.js';

test('layerOutputs of the lab CNN: every layer named, shaped without the batch, and the last equals predict', () => {
  const model = new Sequential(labCnnLayers([28, 28, 1]), { backend: 'reference', seed: 3 });
  const random = new Random(5);
  const image = Float32Array.from({ length: 784 }, () => random.uniform(0, 1));
  const outputs = layerOutputs(model, image);
  assert.deepEqual(outputs.map((o) => o.name), ['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'flatten', 'dense', 'dense_1']);
  assert.deepEqual(outputs.map((o) => o.className), ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
  assert.deepEqual(outputs.map((o) => o.shape), [[26, 26, 32], [13, 13, 32], [11, 11, 64], [5, 5, 64], [1600], [128], [10]]);
  outputs.forEach((o) => assert.equal(o.data.length, o.shape.reduce((a, b) => a * b, 1), o.name));
  const predicted = model.predict(new Tensor(image, [1, 28, 28, 1])).data;
  assert.deepEqual([...outputs[6].data], [...predicted]);
  // ReLU outputs are >= 0; the pool's first value is the max of its 2x2 window of the conv's map 0.
  assert.ok(outputs[0].data.every((v) => v >= 0));
  const conv = outputs[0].data;
  const at = (r: number, c: number) => conv[(r * 26 + c) * 32];
  assert.equal(outputs[1].data[0], Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1)));
  // Flatten's output is a copy with the pool's values in the same order.
  assert.deepEqual([...outputs[4].data], [...outputs[3].data]);
  assert.notEqual(outputs[4].data, outputs[3].data);
});

test('layerOutputs returns float32 copies for a float64 model and refuses a wrong-sized input', () => {
  const model = new Sequential(labCnnLayers([28, 28, 1]), { backend: 'reference', seed: 3, dtype: 'float64' });
  const outputs = layerOutputs(model, new Float64Array(784).fill(0.5));
  assert.ok(outputs.every((o) => o.data instanceof Float32Array));
  const sum = outputs[6].data.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5, `softmax sums to 1: ${sum}`);
  assert.throws(() => layerOutputs(model, new Float32Array(783)), /expects one input of shape \[28, 28, 1\] \(784 values\); received 783 values/);
});
