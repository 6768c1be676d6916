/**
 * The modern CNN (bench/modern-cnn.ts) on CIFAR-shaped random data: seconds
 * per epoch of 50,000 images at a batch size (epochs over --limit distinct
 * images, scaled to 50,000: the time per image does not depend on which
 * images they are; the median epoch is reported, with every epoch's time),
 * inference images/s (median of passes at batch 256), and where a training
 * step's time goes, per layer kind (kernel time, whichever plan step ran it).
 * Args: --batch N --backend NAME --limit N (default 10000) --epochs N (default 3)
 * --inference-passes N (default 5).
 */
import { createModernCnn, randomImages, MODERN_INPUT } from '../modern-cnn.js';
import { Tensor } from '../../src/core/tensor.js';
import type { BackendName } from '../../src/backend/select-backend.js';
import type { Backend } from '../../src/backend/backend.js';
import { resolveBackend } from '../../src/backend/select-backend.js';
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

await model.predict(x.slice(0, inferenceBatch), { batchSize: inferenceBatch }); // warm-up
const rates: number[] = [];
for (let pass = 0; pass < inferencePasses; pass++) {
  const started = performance.now();
  await model.predict(x, { batchSize: inferenceBatch });
  rates.push(limit / ((performance.now() - started) / 1000));
}

/**
 * Where a training step's time goes, per layer kind: one more epoch on a model
 * whose backend times every kernel call (as bench/profile-step.ts does), each
 * kernel counted to the layer kind it serves, whichever plan step ran it.
 */
const KIND: Record<string, string> = {
  conv2d: 'Conv2D', conv2dBackpropInput: 'Conv2D', conv2dBackpropFilter: 'Conv2D', conv2dReluMaxPool: 'Conv2D', maxPoolConv2dBackprop: 'Conv2D',
  batchNormMoments: 'BatchNormalization (+ relu)', channelAffine: 'BatchNormalization (+ relu)', batchNormBackprop: 'BatchNormalization (+ relu)',
  maxPool: 'MaxPooling2D', maxPoolBackprop: 'MaxPooling2D', avgPool: 'GlobalAveragePooling2D', avgPoolBackprop: 'GlobalAveragePooling2D',
  matmul: 'Dense', adamUpdate: 'optimizer', gatherRows: 'batches',
  softmax: 'loss', softmaxCrossEntropySparse: 'loss',
};
/** Backend methods that run no kernel (a buffer, a question about fusion): their time stays "outside kernels". */
const NOT_KERNELS = new Set(['allocateFloat32', 'convReluMaxPoolSupport']);
const inner = resolveBackend(backend);
const kindMs = new Map<string, number>();
const timed = new Proxy(inner, {
  get(target, key, receiver) {
    const value = Reflect.get(target, key, receiver) as unknown;
    if (typeof value !== 'function' || NOT_KERNELS.has(String(key))) return value;
    const kind = KIND[String(key)] ?? (String(key).startsWith('bias') || String(key).startsWith('activation') ? 'bias and activations' : 'loss');
    return (...args: unknown[]) => {
      const started = performance.now();
      const result = (value as (...a: unknown[]) => unknown).apply(target, args);
      kindMs.set(kind, (kindMs.get(kind) ?? 0) + performance.now() - started);
      return result;
    };
  },
}) as Backend;
const profiledModel = createModernCnn({ seed: 1, backend: timed });
const profileImages = Math.min(limit, 2560);
await profiledModel.fit(x.slice(0, 256), labels.subarray(0, 256), { epochs: 1, batchSize, verbose: 0 }); // warm-up
kindMs.clear();
const profiled = performance.now();
await profiledModel.fit(x.slice(0, profileImages), labels.subarray(0, profileImages), { epochs: 1, batchSize, verbose: 0 });
const wall = performance.now() - profiled;
kindMs.set('outside kernels', wall - [...kindMs.values()].reduce((a, b) => a + b, 0));
const stepShares = Object.fromEntries([...kindMs.entries()].sort((a, b) => b[1] - a[1]).map(([k, ms]) => [k, ms / wall]));

report({
  phase: 'modern-cnn-epoch', backend: model.backend.description, batchSize, images: limit, epochImages: EPOCH_IMAGES,
  epochs, secondsPerEpoch: median(epochSeconds), epochSecondsPerEpoch: epochSeconds,
  inferenceBatchSize: inferenceBatch, inferencePasses, inferenceImagesPerSecond: median(rates), inferenceBestImagesPerSecond: Math.max(...rates),
  stepShares,
});
