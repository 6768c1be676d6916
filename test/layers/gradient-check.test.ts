/**
 * Central-difference gradient checks in float64 on the reference backend.
 * Every parameter gradient that Sequential.computeGradients leaves in
 * weight.grad is compared with (L(w + eps) - L(w - eps)) / 2 eps. Layers
 * without parameters (MaxPooling2D, Flatten, Dropout with rate 0) are checked
 * through a parameterised layer placed before them: its gradient is only right
 * if theirs is.
 *
 * ReLU kinks and max-pool ties make the loss non-differentiable; a coordinate
 * whose +/- eps perturbation flips any ReLU on/off pattern or any pool argmax
 * is skipped (and the test asserts that such skips are rare).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, Tensor, layers } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { Conv2D } from '../../src/layers/conv2d.js';
import { Dense } from '../../src/layers/dense.js';
import { MaxPooling2D } from '../../src/layers/max-pooling2d.js';
import { Random } from '../../src/core/random.js';
import { pool2dInfo } from '../../src/core/conv-geometry.js';
import { referenceBackend } from '../../src/backend/select-backend.js';
import type { LossOptions } from '../../src/losses/losses.js';
import { labCnnLayers } from '../model/small-models.js';

const EPS = 1e-6;
/** |a - n| / max(FLOOR, |a| + |n|) must stay below this. */
const REL_TOL = 1e-5;
/** Denominator floor: below ~1e-4 in magnitude, float64 round-off in L(w +/- eps) dominates a central difference. */
const FLOOR = 1e-4;

interface CheckSpec {
  layers: () => Layer[];
  inputShape: number[];
  batch: number;
  loss: 'sparse_categorical_crossentropy' | 'categorical_crossentropy';
  lossOptions?: LossOptions;
  /** Called on the built model before the check (e.g. to set a frozen layer's statistics). */
  prepare?: (model: Sequential) => void;
  /** Coordinates sampled per weight tensor (all of them when the tensor is smaller). */
  perWeight?: number;
  seed?: number;
}

interface CheckResult {
  checked: number;
  skipped: number;
  worst: number;
  worstAt: string;
  model: Sequential;
}

function buildModel(spec: CheckSpec): Sequential {
  // Built from spec.inputShape so one layer factory serves any input size.
  const model = new Sequential(spec.layers(), { backend: 'reference', dtype: 'float64', seed: spec.seed ?? 7 });
  model.build(spec.inputShape);
  model.compile({ optimizer: 'sgd', loss: spec.loss, lossOptions: spec.lossOptions });
  spec.prepare?.(model);
  return model;
}

function makeData(model: Sequential, spec: CheckSpec): { x: Float64Array; targets: Int32Array | Float64Array } {
  const random = new Random(1234 + (spec.seed ?? 7));
  const sample = spec.inputShape.reduce((a, b) => a * b, 1);
  const x = Float64Array.from({ length: spec.batch * sample }, () => random.uniform(-1, 1));
  const classes = model.outputShape.reduce((a, b) => a * b, 1);
  if (spec.loss === 'sparse_categorical_crossentropy') {
    return { x, targets: Int32Array.from({ length: spec.batch }, () => random.int(classes)) };
  }
  // Soft target distributions (rows sum to 1) exercise more than one-hot rows do.
  const targets = new Float64Array(spec.batch * classes);
  for (let r = 0; r < spec.batch; r++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += targets[r * classes + c] = random.uniform(0.05, 1);
    for (let c = 0; c < classes; c++) targets[r * classes + c] /= sum;
  }
  return { x, targets };
}

/** The discrete state of a forward pass: every ReLU on/off bit and every max-pool argmax. */
function signature(model: Sequential, x: Float64Array, batch: number): string {
  const parts: string[] = [];
  let out: Float64Array = x;
  for (const layer of model.layers) {
    const input = out;
    out = layer.forward(input, batch, true) as Float64Array;
    if ((layer instanceof Dense || layer instanceof Conv2D) && layer.activation === 'relu') {
      parts.push(Array.from(out, (v) => (v > 0 ? '1' : '0')).join(''));
    }
    if (layer instanceof MaxPooling2D) {
      const [h, w, c] = layer.inputShape;
      const info = pool2dInfo(batch, h, w, c, layer.poolSize[0], layer.poolSize[1], layer.strides[0], layer.strides[1], layer.padding);
      const argmax = new Int32Array(batch * info.outHeight * info.outWidth * c);
      referenceBackend().maxPool(input, new Float64Array(argmax.length), argmax, info);
      parts.push(argmax.join(','));
    }
  }
  return parts.join('|');
}

function sampleIndices(size: number, count: number, random: Random): number[] {
  if (size <= count) return Array.from({ length: size }, (_, i) => i);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(random.int(size));
  return [...picked].sort((a, b) => a - b);
}

function gradientCheck(spec: CheckSpec): CheckResult {
  const model = buildModel(spec);
  const { x, targets } = makeData(model, spec);
  const batch = spec.batch;
  model.computeGradients(x, targets, batch);
  // Trainable weights only: a frozen or non-trainable weight's gradient is never computed nor applied.
  const weights = model.weights().filter((w) => w.trainable);
  const analytic = weights.map((w) => Float64Array.from(w.grad));
  const baseSignature = signature(model, x, batch);
  const random = new Random(99);

  let checked = 0;
  let skipped = 0;
  let worst = 0;
  let worstAt = '';
  weights.forEach((w, wi) => {
    assert.ok(w.value instanceof Float64Array, `${w.name} should be float64`);
    for (const i of sampleIndices(w.value.length, spec.perWeight ?? 1000, random)) {
      const original = w.value[i];
      w.value[i] = original + EPS;
      const plus = model.computeGradients(x, targets, batch);
      const plusSig = signature(model, x, batch);
      w.value[i] = original - EPS;
      const minus = model.computeGradients(x, targets, batch);
      const minusSig = signature(model, x, batch);
      w.value[i] = original;
      if (plusSig !== baseSignature || minusSig !== baseSignature) {
        skipped++;
        continue;
      }
      const numeric = (plus - minus) / (2 * EPS);
      const a = analytic[wi][i];
      const rel = Math.abs(a - numeric) / Math.max(FLOOR, Math.abs(a) + Math.abs(numeric));
      checked++;
      if (rel > worst) {
        worst = rel;
        worstAt = `${w.name}[${i}]: analytic ${a}, numeric ${numeric}`;
      }
    }
  });
  return { checked, skipped, worst, worstAt, model };
}

function expectGradientsMatch(spec: CheckSpec): CheckResult {
  const result = gradientCheck(spec);
  if (process.env.GRADCHECK_VERBOSE) console.log(`checked ${result.checked} skipped ${result.skipped} worst ${result.worst.toExponential(2)} ${result.worstAt}`);
  assert.ok(result.checked > 0, 'no coordinate was checked');
  assert.ok(result.skipped <= Math.max(2, 0.1 * (result.checked + result.skipped)), `too many kink/tie skips: ${result.skipped} of ${result.checked + result.skipped}`);
  assert.ok(result.worst < REL_TOL, `relative error ${result.worst.toExponential(2)} at ${result.worstAt}`);
  // The gradient must not be trivially zero (a zero gradient matches a flat loss only).
  const total = result.model.weights().reduce((s, w) => s + Array.from(w.grad).reduce((t, g) => t + Math.abs(g), 0), 0);
  assert.ok(total > 1e-6, 'all gradients are zero');
  return result;
}

const sparse = 'sparse_categorical_crossentropy' as const;
const categorical = 'categorical_crossentropy' as const;

describe('Dense', () => {
  for (const activation of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
    test(`hidden Dense with ${activation}, softmax output, sparse CE`, () => {
      expectGradientsMatch({
        layers: () => [layers.dense({ units: 6, activation }), layers.dense({ units: 4, activation: 'softmax' })],
        inputShape: [5], batch: 3, loss: sparse,
      });
    });
  }

  test('hidden Dense with softmax (unfused softmax backprop), linear output with fromLogits', () => {
    expectGradientsMatch({
      layers: () => [layers.dense({ units: 5, activation: 'softmax' }), layers.dense({ units: 3 })],
      inputShape: [4], batch: 3, loss: sparse, lossOptions: { fromLogits: true },
    });
  });

  test('Dense without bias', () => {
    const { model } = expectGradientsMatch({
      layers: () => [layers.dense({ units: 5, activation: 'tanh', useBias: false }), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [4], batch: 2, loss: sparse,
    });
    assert.equal(model.weights().length, 3);
  });
});

describe('losses and the output path', () => {
  test('fused softmax + sparse categorical cross-entropy', () => {
    expectGradientsMatch({
      layers: () => [layers.dense({ units: 4, activation: 'softmax' })],
      inputShape: [6], batch: 4, loss: sparse,
    });
  });

  test('fused softmax + categorical cross-entropy with soft targets', () => {
    expectGradientsMatch({
      layers: () => [layers.dense({ units: 5, activation: 'tanh' }), layers.dense({ units: 4, activation: 'softmax' })],
      inputShape: [6], batch: 3, loss: categorical,
    });
  });

  test('unfused: linear last layer, sparse CE with fromLogits', () => {
    expectGradientsMatch({
      layers: () => [layers.dense({ units: 5, activation: 'sigmoid' }), layers.dense({ units: 4 })],
      inputShape: [3], batch: 3, loss: sparse, lossOptions: { fromLogits: true },
    });
  });

  test('unfused: linear last layer, categorical CE with fromLogits', () => {
    expectGradientsMatch({
      layers: () => [layers.dense({ units: 4 })],
      inputShape: [5], batch: 3, loss: categorical, lossOptions: { fromLogits: true },
    });
  });

  test('unfused: sigmoid last layer, categorical CE from probabilities', () => {
    expectGradientsMatch({
      layers: () => [layers.dense({ units: 5, activation: 'tanh' }), layers.dense({ units: 3, activation: 'sigmoid' })],
      inputShape: [4], batch: 3, loss: categorical,
    });
  });

  test('unfused: sigmoid last layer, sparse CE from probabilities', () => {
    expectGradientsMatch({
      layers: () => [layers.dense({ units: 3, activation: 'sigmoid' })],
      inputShape: [4], batch: 3, loss: sparse,
    });
  });

  test('computeGradients returns the mean loss: -mean log p[label] from predict', async () => {
    const spec: CheckSpec = {
      layers: () => [layers.dense({ units: 5, activation: 'tanh' }), layers.dense({ units: 4, activation: 'softmax' })],
      inputShape: [3], batch: 5, loss: sparse,
    };
    const model = buildModel(spec);
    const { x, targets } = makeData(model, spec);
    const loss = model.computeGradients(x, targets, 5);
    const probs = (await model.predict(new Tensor(x, [5, 3]))).data;
    let expected = 0;
    for (let r = 0; r < 5; r++) expected -= Math.log(probs[r * 4 + targets[r]]);
    expected /= 5;
    assert.ok(Math.abs(loss - expected) < 1e-12, `loss ${loss}, expected ${expected}`);
  });
});

describe('Conv2D', () => {
  test("valid padding, tanh", () => {
    expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 3, kernelSize: 3, activation: 'tanh' }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [5, 5, 2], batch: 2, loss: sparse,
    });
  });

  test("same padding, relu", () => {
    expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [5, 5, 2], batch: 2, loss: sparse,
    });
  });

  test('same padding, even kernel (padding after), linear', () => {
    expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 2, kernelSize: 2, padding: 'same' }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [4, 4, 1], batch: 2, loss: sparse,
    });
  });

  test("strides 2, 'same', non-square input and kernel", () => {
    const { model } = expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'sigmoid' }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [7, 6, 2], batch: 2, loss: sparse,
    });
    assert.deepEqual(model.layers[0].outputShape, [4, 3, 3]);
  });

  test("strides [2, 1], 'valid', non-square input", () => {
    const { model } = expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 2, kernelSize: [2, 3], strides: [2, 1], activation: 'tanh' }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [6, 7, 1], batch: 3, loss: sparse,
    });
    assert.deepEqual(model.layers[0].outputShape, [3, 5, 2]);
  });

  test('two stacked convolutions without bias on the first', () => {
    expectGradientsMatch({
      layers: () => [
        layers.conv2d({ filters: 2, kernelSize: 2, useBias: false, activation: 'tanh' }),
        layers.conv2d({ filters: 3, kernelSize: 2, activation: 'tanh' }),
        layers.flatten(), layers.dense({ units: 2, activation: 'softmax' }),
      ],
      inputShape: [5, 4, 2], batch: 2, loss: categorical,
    });
  });
});

describe('parameter-free layers, checked through the layer before them', () => {
  test('MaxPooling2D 2x2 valid after a conv', () => {
    expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), layers.maxPooling2d({ poolSize: 2 }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [6, 6, 1], batch: 2, loss: sparse,
    });
  });

  test("MaxPooling2D 'same' padding, pool 3 with strides 2 on an odd, non-square map", () => {
    const { model } = expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 2, kernelSize: 2 }), layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [6, 8, 1], batch: 2, loss: sparse,
    });
    assert.deepEqual(model.layers[1].outputShape, [3, 4, 2]);
  });

  test('MaxPooling2D with overlapping windows (pool 2, strides 1) and a rectangular pool', () => {
    expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 2, kernelSize: 2, activation: 'tanh' }), layers.maxPooling2d({ poolSize: [2, 3], strides: [1, 2] }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [5, 7, 2], batch: 2, loss: sparse,
    });
  });

  test('Flatten between a conv and a dense layer (relu conv)', () => {
    expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 4, kernelSize: 2, activation: 'relu' }), layers.flatten(), layers.dense({ units: 5, activation: 'relu' }), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [3, 4, 2], batch: 3, loss: sparse,
    });
  });

  test('Dropout with rate 0 after a conv and after a dense layer', () => {
    expectGradientsMatch({
      layers: () => [
        layers.conv2d({ filters: 2, kernelSize: 2, activation: 'tanh' }), layers.dropout({ rate: 0 }), layers.flatten(),
        layers.dense({ units: 4, activation: 'tanh' }), layers.dropout({ rate: 0 }), layers.dense({ units: 3, activation: 'softmax' }),
      ],
      inputShape: [4, 4, 1], batch: 2, loss: sparse,
    });
  });
});

describe('the lab CNN', () => {
  test('Conv32-Pool-Conv64-Pool-Flatten-Dense128-Dense10 on 10x10x1, batch 2', () => {
    const { model, checked } = expectGradientsMatch({
      layers: () => labCnnLayers(),
      inputShape: [10, 10, 1], batch: 2, loss: sparse, perWeight: 25, seed: 3,
    });
    assert.equal(model.weights().length, 8);
    assert.ok(checked >= 150, `checked ${checked}`);
  });
});

test('Reshape between Dense and Conv2D passes gradients through unchanged (the same values, another shape)', () => {
  expectGradientsMatch({
    layers: () => [
      layers.dense({ units: 16, activation: 'tanh' }),
      layers.reshape({ targetShape: [4, -1, 1] }),
      layers.conv2d({ filters: 2, kernelSize: 3, activation: 'tanh' }),
      layers.reshape({ targetShape: [8] }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    inputShape: [6], batch: 3, loss: sparse,
  });
});

describe('BatchNormalization, AveragePooling2D and global pooling', () => {
  test('Conv2D -> BatchNormalization (batch statistics) on images', () => {
    expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 3, kernelSize: 3, activation: 'tanh' }), layers.batchNormalization(), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [5, 5, 2], batch: 3, loss: sparse,
    });
  });

  test('Dense -> BatchNormalization without center and scale -> relu (the fused batchnorm-relu block)', () => {
    const { model } = expectGradientsMatch({
      layers: () => [layers.dense({ units: 6, activation: 'tanh' }), layers.batchNormalization({ center: false, scale: false, epsilon: 0.01 }), layers.activation('relu'), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [4], batch: 5, loss: categorical,
    });
    assert.equal(model.plan.decisions[1].rule, 'batchnorm-relu');
  });

  test('Conv2D(linear) -> BatchNormalization -> relu -> MaxPooling2D (the conv-batchnorm block)', () => {
    const { model } = expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), layers.batchNormalization(), layers.activation('relu'), layers.maxPooling2d({ poolSize: 2 }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [6, 6, 2], batch: 3, loss: sparse,
    });
    assert.deepEqual(model.plan.decisions[0].rule, 'conv-batchnorm');
  });

  test('a frozen BatchNormalization (inference map during fit) between trainable layers, alone and in the conv-batchnorm block', () => {
    // Moving statistics away from 0 and 1, so the fixed map is not the identity.
    const statistics = (model: Sequential) => {
      const bn = model.layers.find((l) => l.constructor.name === 'BatchNormalization')!;
      const random = new Random(5);
      // getWeights order: gamma, beta, moving_mean, moving_variance (kept positive).
      bn.setWeights(bn.getWeights().map((w, k) => new Tensor(Float64Array.from(w.data, () => (k === 3 ? random.uniform(0.5, 2) : random.uniform(-0.5, 1.5))), w.shape)));
    };
    expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 3, kernelSize: 3, activation: 'tanh' }), layers.batchNormalization({ trainable: false }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [5, 5, 2], batch: 3, loss: sparse, prepare: statistics,
    });
    const { model } = expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), layers.batchNormalization({ trainable: false }), layers.activation('relu'), layers.maxPooling2d({ poolSize: 2 }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [6, 6, 2], batch: 3, loss: sparse, prepare: statistics,
    });
    assert.deepEqual(model.plan.decisions[0].rule, 'conv-batchnorm');
  });

  test("AveragePooling2D 3x3, stride 2, 'same' (edge windows average fewer cells)", () => {
    expectGradientsMatch({
      layers: () => [layers.conv2d({ filters: 2, kernelSize: 2, activation: 'tanh' }), layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      inputShape: [6, 7, 2], batch: 2, loss: sparse,
    });
  });

  test('GlobalAveragePooling2D and GlobalMaxPooling2D', () => {
    for (const pool of [() => layers.globalAveragePooling2d(), () => layers.globalMaxPooling2d()]) {
      expectGradientsMatch({
        layers: () => [layers.conv2d({ filters: 4, kernelSize: 3, activation: 'tanh' }), pool(), layers.dense({ units: 3, activation: 'softmax' })],
        inputShape: [5, 6, 2], batch: 3, loss: sparse,
      });
    }
  });
});
