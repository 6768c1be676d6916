/**
 * End to end on real MNIST: the lab's two models, trained on a small slice,
 * must reach a stated test accuracy. Uses the default backend (native when it
 * loads), as a user would; the slice keeps it to seconds. The thresholds sit
 * below what seed 7 reaches (a failure prints the accuracy reached), leaving
 * room for kernel rounding changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMnist, Tensor } from '../../../src/index.js';
import { createDenseBaseline, createLabCnn } from '../../../src/apps/lab/index.js';

const TRAIN = 3000;
const TEST = 1000;

async function trainAndTest(create: typeof createLabCnn, epochs: number): Promise<number> {
  const data = await loadMnist({ trainLimit: TRAIN, testLimit: TEST });
  const model = create({ seed: 7 });
  await model.fit(new Tensor(data.train.images, [TRAIN, 28, 28, 1]), data.train.labels, { epochs, batchSize: 32, verbose: 0 });
  return (await model.evaluate(new Tensor(data.test.images, [TEST, 28, 28, 1]), data.test.labels)).accuracy!;
}

test(`the lab CNN trained on ${TRAIN} MNIST images reaches >= 93% on ${TEST} test images`, async () => {
  const accuracy = await trainAndTest(createLabCnn, 3);
  assert.ok(accuracy >= 0.93, `test accuracy ${accuracy}`);
});

test(`the Dense baseline trained on ${TRAIN} MNIST images reaches >= 87% on ${TEST} test images`, async () => {
  const accuracy = await trainAndTest(createDenseBaseline, 5);
  assert.ok(accuracy >= 0.87, `test accuracy ${accuracy}`);
});
