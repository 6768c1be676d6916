/** The confusion matrix on a test set and its examples: counts per cell, at most 40 examples each, their pixels and probabilities. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers } from '../../../../src/index.js';
import { cellKey, fitsTestSet, MAX_EXAMPLES_PER_CELL, testSetConfusion } from '../../../../src/apps/playground/server/test-set-confusion.js';
import type { ImageSet } from '../../../../src/data/mnist.js';

test('a model that answers by the first pixel: its matrix, at most 40 examples a cell in test-set order, their pixels as bytes', async () => {
  // Dense on a 2x2 input whose only weight reads the first pixel: class 1 when it is bright.
  const model = new Sequential([layers.flatten({ inputShape: [2, 2, 1] }), layers.dense({ units: 2, activation: 'softmax' })], { seed: 1, backend: 'reference' });
  const [kernel, bias] = model.weights();
  kernel.value.set([-10, 10, 0, 0, 0, 0, 0, 0]);
  bias.value.set([5, -5]);
  const count = 100;
  const images = new Float32Array(count * 4);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    images[i * 4] = i % 2; // bright on odd images
    images[i * 4 + 1] = 0.5;
    labels[i] = i < 90 ? i % 2 : 0; // the last 10 odd ones are labelled 0 but look like 1
  }
  const test: ImageSet = { images, labels, count, height: 2, width: 2, channels: 1 };
  assert.equal(fitsTestSet(model, test), true);
  const { view, examples, report } = await testSetConfusion(model, test);
  assert.deepEqual(view, { labels: ['0', '1'], matrix: [[50, 5], [0, 45]] });
  assert.equal(report.errors, 5);
  assert.equal(examples.get(cellKey(0, 0))!.length, MAX_EXAMPLES_PER_CELL);
  assert.deepEqual(examples.get(cellKey(0, 0))!.slice(0, 3).map((e) => e.index), [0, 2, 4]);
  const wrong = examples.get(cellKey(0, 1))!;
  assert.deepEqual(wrong.map((e) => e.index), [91, 93, 95, 97, 99]);
  assert.deepEqual([...wrong[0].pixels], [255, 128, 0, 0]);
  assert.ok(wrong[0].probabilities[1] > 0.99);
  assert.equal(examples.has(cellKey(1, 0)), false);
  assert.equal(fitsTestSet(model, { ...test, height: 3 }), false);
});
