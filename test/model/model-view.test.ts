import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers } from '../../src/index.js';
import { imageShape, modelView } from '../../src/model/model-view.js';
import { labShapedCnn, onReference } from './small-models.js';

test('modelView of the lab CNN: its input, layers, parameters, receptive fields and kernels, as plain JSON', () => {
  const model = labShapedCnn();
  const view = modelView(model);
  assert.deepEqual(view.inputShape, [28, 28, 1]);
  assert.equal(view.classes, 10);
  assert.deepEqual(view.layers.map((l) => [l.name, l.className, l.outputShape, l.params]), [
    ['conv2d', 'Conv2D', [26, 26, 32], 320],
    ['max_pooling2d', 'MaxPooling2D', [13, 13, 32], 0],
    ['conv2d_1', 'Conv2D', [11, 11, 64], 18_496],
    ['max_pooling2d_1', 'MaxPooling2D', [5, 5, 64], 0],
    ['flatten', 'Flatten', [1600], 0],
    ['dense', 'Dense', [128], 204_928],
    ['dense_1', 'Dense', [10], 1290],
  ]);
  assert.equal(view.layers.reduce((sum, l) => sum + l.params, 0), model.countParams());
  assert.deepEqual(view.layers.map((l) => l.receptiveField.size), [3, 4, 8, 10, 10, 28, 28]);
  assert.deepEqual(view.kernels.map((k) => [k.layer, k.shape, k.data.length]), [['conv2d', [3, 3, 1, 32], 288], ['conv2d_1', [3, 3, 32, 64], 18_432]]);
  const kernel = model.layers[0].weights().find((w) => w.name === 'conv2d/kernel')!;
  assert.deepEqual(view.kernels[0].data, Array.from(kernel.value));
  // Plain JSON: a round trip changes nothing (no typed arrays, no class instances).
  assert.deepEqual(JSON.parse(JSON.stringify(view)), view);
});

test('modelView of a Dense model with a flat input shows it as the square image it was flattened from', () => {
  const model = new Sequential([layers.dense({ units: 4, inputShape: [784] }), layers.dense({ units: 3, activation: 'softmax' })], onReference);
  const view = modelView(model);
  assert.deepEqual(view.inputShape, [28, 28, 1]);
  assert.equal(view.classes, 3);
  assert.deepEqual(view.kernels, []);
  assert.deepEqual(view.layers.map((l) => l.receptiveField.global), [true, true]);
  assert.deepEqual(imageShape([10]), [1, 10, 1]);
  assert.deepEqual(imageShape([5, 7]), [5, 7, 1]);
  assert.deepEqual(imageShape([32, 32, 3]), [32, 32, 3]);
});
