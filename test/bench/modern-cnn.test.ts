/**
 * The bench's modern CNN (bench/modern-cnn.ts), issue 17's item 9 model as a
 * Keras user writes it: Keras's parameter counts (BatchNormalization's moving
 * statistics non-trainable), the plan's blocks, and a short fit and evaluate
 * on its random data that lower the loss.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModernCnn, randomImages } from '../../bench/modern-cnn.js';
import { Tensor } from '../../src/core/tensor.js';

test('the modern CNN has the parameters Keras counts and runs as four conv-batchnorm blocks', () => {
  const model = createModernCnn({ backend: 'reference' });
  let text = '';
  model.summary({ print: (t) => (text = t) });
  // 896 + 9,248 + 18,496 + 36,928 conv, 650 dense, 4 x 32 x 2 + 4 x 64 x 2 gamma and beta; the moving statistics 2 x (32 + 32 + 64 + 64).
  assert.match(text, /Total params: 66,986 /);
  assert.match(text, /Non-trainable params: 384 /);
  assert.deepEqual(model.plan.decisions.map((d) => d.rule), ['conv-batchnorm', 'conv-batchnorm', 'conv-batchnorm', 'conv-batchnorm', null, null]);
});

test('the modern CNN fits, evaluates and predicts on its random data', async () => {
  const model = createModernCnn({ seed: 3 });
  const { images, labels } = randomImages(64, 9);
  const x = new Tensor(images, [64, 32, 32, 3]);
  const history = await model.fit(x, labels, { epochs: 3, batchSize: 16, verbose: 0 });
  const losses = history.history.loss as number[];
  assert.ok(losses[2] < losses[0], `the loss fell on the training images: ${losses.join(', ')}`);
  const probabilities = (await model.predict(x)).data;
  assert.equal(probabilities.length, 640);
  for (let r = 0; r < 64; r++) {
    const sum = Array.from(probabilities.subarray(r * 10, r * 10 + 10)).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5);
  }
  const evaluation = await model.evaluate(x, labels, { batchSize: 32 });
  assert.ok(Number.isFinite(evaluation.loss));
});
