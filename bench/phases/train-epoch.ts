/**
 * Full training epochs of the lab CNN on all 60,000 MNIST images at a given
 * batch size (consecutive epochs of one model; the median is reported, with
 * every epoch's time), plus inference over the 10,000 test images: several
 * passes, reported as the median (and the best) rate. One epoch or one pass
 * moves with whatever else the shared machine is doing at that moment, so
 * consecutive epochs of one model can differ widely within one run: hence the
 * median, printed with every epoch's time so the spread shows.
 * Args: --batch N --backend NAME --limit N (training images; default all)
 * --epochs N (default 3) --inference-limit N --inference-passes N (default 5).
 */
import { loadMnist } from '../../src/data/mnist.js';
import { createLabCnn } from '../../src/apps/lab/lab-models.js';
import { trainingFlopsPerSample } from '../../src/model/flops.js';
import { Tensor } from '../../src/core/tensor.js';
import type { BackendName } from '../../src/backend/select-backend.js';
import { argument, median, report } from './phase-output.js';

const batchSize = Number(argument('batch', '128'));
const backend = argument('backend', 'native') as BackendName;
const limit = Number(argument('limit', '60000'));
const epochs = Number(argument('epochs', '3'));
if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs: expected a whole number of epochs, at least 1; received ${argument('epochs', '3')}`);
const inferenceLimit = Number(argument('inference-limit', '10000'));
const inferencePasses = Number(argument('inference-passes', '5'));
const inferenceBatch = 256;

const data = await loadMnist({ trainLimit: limit, testLimit: inferenceLimit });
const model = createLabCnn({ seed: 1, backend });
const x = new Tensor(data.train.images, [data.train.count, 28, 28, 1]);
const epochSeconds: number[] = [];
let history: Awaited<ReturnType<typeof model.fit>> | undefined;
for (let epoch = 0; epoch < epochs; epoch++) {
  const started = performance.now();
  history = await model.fit(x, data.train.labels, { epochs: 1, batchSize, verbose: 0 });
  epochSeconds.push((performance.now() - started) / 1000);
}
const seconds = median(epochSeconds);
const flops = trainingFlopsPerSample(model) * data.train.count;

const testX = new Tensor(data.test.images, [data.test.count, 28, 28, 1]);
await model.predict(testX.slice(0, Math.min(inferenceBatch, data.test.count)), { batchSize: inferenceBatch }); // warm-up
const rates: number[] = [];
for (let pass = 0; pass < inferencePasses; pass++) {
  const inferStart = performance.now();
  await model.predict(testX, { batchSize: inferenceBatch });
  rates.push(data.test.count / ((performance.now() - inferStart) / 1000));
}

report({
  phase: 'train-epoch', backend: model.backend.description, batchSize, images: data.train.count,
  // The native instruction-set path and why the addon chose it (native/runtime/cpu-dispatch.c), for bench's table.
  isaChoice: 'isaChoice' in model.backend ? model.backend.isaChoice : null,
  epochs, seconds, secondsPerEpoch: (seconds * 60000) / data.train.count, gflops: flops / seconds / 1e9,
  epochSecondsPerEpoch: epochSeconds.map((s) => (s * 60000) / data.train.count),
  loss: history!.history.loss[0], accuracy: history!.history.accuracy[0],
  inferenceImages: data.test.count, inferenceBatchSize: inferenceBatch, inferencePasses,
  inferenceImagesPerSecond: median(rates), inferenceBestImagesPerSecond: Math.max(...rates),
});
