/**
 * One full training epoch of the seed CNN on all 60,000 MNIST images at a
 * given batch size, plus inference over the 10,000 test images: several
 * passes, reported as the median (and the best) rate, since one pass of a
 * third of a second moves with whatever else the machine is doing.
 * Args: --batch N --backend NAME --limit N (training images; default all)
 * --inference-limit N --inference-passes N (default 5).
 */
import { loadMnist } from '../../src/data/mnist.js';
import { createSeedCnn } from '../../src/models/seed-models.js';
import { trainingFlopsPerSample } from '../../src/model/flops.js';
import { Tensor } from '../../src/core/tensor.js';
import type { BackendName } from '../../src/backend/select-backend.js';
import { argument, report } from './phase-output.js';

const batchSize = Number(argument('batch', '128'));
const backend = argument('backend', 'native') as BackendName;
const limit = Number(argument('limit', '60000'));
const inferenceLimit = Number(argument('inference-limit', '10000'));
const inferencePasses = Number(argument('inference-passes', '5'));
const inferenceBatch = 256;

const data = await loadMnist({ trainLimit: limit, testLimit: inferenceLimit });
const model = createSeedCnn({ seed: 1, backend });
const x = new Tensor(data.train.images, [data.train.count, 28, 28, 1]);
const started = performance.now();
const history = await model.fit(x, data.train.labels, { epochs: 1, batchSize, verbose: 0 });
const seconds = (performance.now() - started) / 1000;
const flops = trainingFlopsPerSample(model) * data.train.count;

const testX = new Tensor(data.test.images, [data.test.count, 28, 28, 1]);
model.predict(testX.slice(0, Math.min(inferenceBatch, data.test.count)), { batchSize: inferenceBatch }); // warm-up
const rates: number[] = [];
for (let pass = 0; pass < inferencePasses; pass++) {
  const inferStart = performance.now();
  model.predict(testX, { batchSize: inferenceBatch });
  rates.push(data.test.count / ((performance.now() - inferStart) / 1000));
}
rates.sort((a, b) => a - b);

report({
  phase: 'train-epoch', backend: model.backend.description, batchSize, images: data.train.count,
  seconds, secondsPerEpoch: (seconds * 60000) / data.train.count, gflops: flops / seconds / 1e9,
  loss: history.history.loss[0], accuracy: history.history.accuracy[0],
  inferenceImages: data.test.count, inferenceBatchSize: inferenceBatch, inferencePasses,
  inferenceImagesPerSecond: rates[Math.floor((rates.length - 1) / 2)], inferenceBestImagesPerSecond: rates[rates.length - 1],
});
