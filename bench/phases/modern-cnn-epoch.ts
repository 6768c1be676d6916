/**
 * The modern CNN (bench/modern-cnn.ts) on CIFAR-shaped random data: seconds
 * per epoch of 50,000 images at a batch size (epochs over --limit distinct
 * images, scaled to 50,000: the time per image does not depend on which
 * images they are; the median epoch is reported, with every epoch's time),
 * inference images/s (median of passes at batch 256), and where a training
 * step's time goes, per step of the model's execution plan (a layer, or a
 * fused block such as BatchNormalization + relu), forward and backward apart;
 * the rest (loss, optimizer, batch gathering) is "other".
 * Args: --batch N --backend NAME --limit N (default 10000) --epochs N (default 3)
 * --inference-passes N (default 5).
 */
import { createModernCnn, randomImages, MODERN_INPUT } from '../modern-cnn.js';
import { Tensor } from '../../src/core/tensor.js';
import type { BackendName } from '../../src/backend/select-backend.js';
import type { PlanStep } from '../../src/model/plan/plan-step.js';
import { argument, median, report } from './phase-output.js';

const EPOCH_IMAGES = 50000;
const batchSize = Number(argument('batch', '128'));
const backend = argument('backend', 'native') as BackendName;
const limit = Number(argument('limit', '10000'));
const epochs = Number(argument('epochs', '3'));
const inferencePasses = Number(argument('inference-passes', '5'));
const inferenceBatch = 256;

const { images, labels } = randomImages(limit, 5);
const x = new Tensor(images, [limit, ...MODERN_INPUT]);
const model = createModernCnn({ seed: 1, backend });
const epochSeconds: number[] = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  const started = performance.now();
  await model.fit(x, labels, { epochs: 1, batchSize, verbose: 0 });
  epochSeconds.push(((performance.now() - started) / 1000) * (EPOCH_IMAGES / limit));
}

model.predict(x.slice(0, inferenceBatch), { batchSize: inferenceBatch }); // warm-up
const rates: number[] = [];
for (let pass = 0; pass < inferencePasses; pass++) {
  const started = performance.now();
  model.predict(x, { batchSize: inferenceBatch });
  rates.push(limit / ((performance.now() - started) / 1000));
}

/** Time per plan step kind ("Conv2D", "BatchNormalization+Activation" ...), forward and backward, over one more epoch. */
const shares = new Map<string, number>();
const kind = (step: PlanStep): string => step.layers.map((l) => l.className).join('+');
for (const step of model.plan.steps) {
  const forward = step.forward.bind(step), backward = step.backward.bind(step);
  const name = kind(step);
  step.forward = (...args) => {
    const started = performance.now();
    const out = forward(...args);
    shares.set(`${name} forward`, (shares.get(`${name} forward`) ?? 0) + performance.now() - started);
    return out;
  };
  step.backward = (...args) => {
    const started = performance.now();
    const out = backward(...args);
    shares.set(`${name} backward`, (shares.get(`${name} backward`) ?? 0) + performance.now() - started);
    return out;
  };
}
const profiled = performance.now();
await model.fit(x, labels, { epochs: 1, batchSize, verbose: 0 });
const wall = performance.now() - profiled;
const inSteps = [...shares.values()].reduce((a, b) => a + b, 0);
shares.set('other (loss, optimizer, batches)', wall - inSteps);
const stepShares = Object.fromEntries([...shares.entries()].sort((a, b) => b[1] - a[1]).map(([k, ms]) => [k, ms / wall]));

report({
  phase: 'modern-cnn-epoch', backend: model.backend.description, batchSize, images: limit, epochImages: EPOCH_IMAGES,
  epochs, secondsPerEpoch: median(epochSeconds), epochSecondsPerEpoch: epochSeconds,
  inferenceBatchSize: inferenceBatch, inferencePasses, inferenceImagesPerSecond: median(rates), inferenceBestImagesPerSecond: Math.max(...rates),
  stepShares,
});
