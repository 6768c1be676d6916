/**
 * fit()'s classWeight / sampleWeight (Keras's class_weight / sample_weight):
 * each sample's loss and gradient are multiplied by its weight and the batch
 * loss is "sum_over_batch_size" (weighted sum / batch size). Exact comparisons
 * use the reference backend, in float64 where rounding could differ.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, SGD, Tensor, layers } from '../../src/index.js';
import { Random } from '../../src/core/random.js';
import { loadNativeBackend } from '../../src/backend/native/index.js';
import type { LossOptions } from '../../src/losses/losses.js';
import type { DType } from '../../src/core/tensor.js';
import type { FitOptions } from '../../src/model/fit.js';

const FEATURES = 4;
const CLASSES = 3;

type Head = 'fused softmax' | 'from logits' | 'from probabilities';
type LossName = 'sparse_categorical_crossentropy' | 'categorical_crossentropy';

interface ModelSpec {
  head?: Head;
  loss?: LossName;
  dtype?: DType;
  backend?: 'reference' | 'native';
  learningRate?: number;
}

/** Dense(5, tanh) -> Dense(3, head); SGD, so that a step is a plain multiple of the gradient. */
function makeModel(spec: ModelSpec = {}): Sequential {
  const head = spec.head ?? 'fused softmax';
  const activation = head === 'fused softmax' ? 'softmax' : head === 'from logits' ? 'linear' : 'sigmoid';
  const model = new Sequential(
    [layers.dense({ units: 5, activation: 'tanh', inputShape: [FEATURES] }), layers.dense({ units: CLASSES, activation })],
    { backend: spec.backend ?? 'reference', dtype: spec.dtype ?? 'float64', seed: 5 },
  );
  const lossOptions: LossOptions = head === 'from logits' ? { fromLogits: true } : {};
  model.compile({ optimizer: new SGD({ learningRate: spec.learningRate ?? 0.1 }), loss: spec.loss ?? 'sparse_categorical_crossentropy', lossOptions, metrics: ['accuracy'] });
  return model;
}

function makeData(count: number, dtype: DType = 'float64', seed = 9): { x: Float32Array | Float64Array; labels: Int32Array } {
  const random = new Random(seed);
  const x = dtype === 'float64' ? new Float64Array(count * FEATURES) : new Float32Array(count * FEATURES);
  for (let i = 0; i < x.length; i++) x[i] = random.uniform(-1, 1);
  return { x, labels: Int32Array.from({ length: count }, (_, i) => i % CLASSES) };
}

function oneHot(labels: Int32Array, dtype: DType): Float32Array | Float64Array {
  const rows = dtype === 'float64' ? new Float64Array(labels.length * CLASSES) : new Float32Array(labels.length * CLASSES);
  labels.forEach((label, i) => (rows[i * CLASSES + label] = 1));
  return rows;
}

function targetsFor(loss: LossName, labels: Int32Array, dtype: DType): Int32Array | Float32Array | Float64Array {
  return loss === 'categorical_crossentropy' ? oneHot(labels, dtype) : labels;
}

function gradients(model: Sequential): Float64Array[] {
  return model.weights().map((w) => Float64Array.from(w.grad));
}

function weightsOf(model: Sequential): number[][] {
  return model.getWeights().map((t) => Array.from(t.data));
}

async function fitWith(spec: ModelSpec, options: FitOptions, count = 12): Promise<{ model: Sequential; loss: number[] }> {
  const dtype = spec.dtype ?? 'float64';
  const model = makeModel(spec);
  const { x, labels } = makeData(count, dtype);
  const y = spec.loss === 'categorical_crossentropy' ? new Tensor(oneHot(labels, dtype), [count, CLASSES]) : labels;
  const history = await model.fit(new Tensor(x, [count, FEATURES]), y, { epochs: 3, batchSize: 5, verbose: 0, ...options });
  return { model, loss: history.history.loss };
}

const HEADS: Head[] = ['fused softmax', 'from logits', 'from probabilities'];
const LOSSES: LossName[] = ['sparse_categorical_crossentropy', 'categorical_crossentropy'];

describe('weights of 1', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`fit() with sampleWeight or classWeight all 1 trains bit-identically to no weights (${dtype})`, async () => {
      const plain = await fitWith({ dtype }, {});
      const bySample = await fitWith({ dtype }, { sampleWeight: new Array(12).fill(1) });
      const byClass = await fitWith({ dtype }, { classWeight: { 0: 1, 1: 1, 2: 1 } });
      for (const run of [bySample, byClass]) {
        assert.deepEqual(weightsOf(run.model), weightsOf(plain.model));
        assert.deepEqual(run.loss, plain.loss);
      }
    });
  }

  for (const head of HEADS) {
    for (const loss of LOSSES) {
      test(`the weighted path with explicit ones gives the same loss and gradients bit for bit (${head}, ${loss})`, () => {
        for (const dtype of ['float32', 'float64'] as const) {
          const { x, labels } = makeData(6, dtype);
          const targets = targetsFor(loss, labels, dtype);
          const model = makeModel({ head, loss, dtype });
          const plainLoss = model.computeGradients(x, targets, 6);
          const plain = gradients(model);
          const ones = dtype === 'float64' ? new Float64Array(6).fill(1) : new Float32Array(6).fill(1);
          assert.equal(model.computeGradients(x, targets, 6, ones), plainLoss);
          assert.deepEqual(gradients(model), plain);
        }
      });
    }
  }
});

test('a classWeight trains exactly as the matching sampleWeight, also in array form and on one-hot targets (argmax class)', async () => {
  const { labels } = makeData(12);
  const perClass = [2, 1, 0.5];
  const perSample = Array.from(labels, (label) => perClass[label]);
  for (const loss of LOSSES) {
    const bySample = await fitWith({ loss }, { sampleWeight: perSample });
    const byRecord = await fitWith({ loss }, { classWeight: { 0: 2, 2: 0.5 } }); // class 1 left out: weight 1, as in Keras
    const byArray = await fitWith({ loss }, { classWeight: perClass });
    const unweighted = await fitWith({ loss }, {});
    assert.notDeepEqual(weightsOf(bySample.model), weightsOf(unweighted.model), 'the weights must change the training');
    for (const run of [byRecord, byArray]) {
      assert.deepEqual(weightsOf(run.model), weightsOf(bySample.model), loss);
      assert.deepEqual(run.loss, bySample.loss, loss);
    }
  }
  // Both given: the weights multiply (Keras).
  const both = await fitWith({}, { classWeight: perClass, sampleWeight: new Array(12).fill(0.5) });
  const product = await fitWith({}, { sampleWeight: perSample.map((w) => w * 0.5) });
  assert.deepEqual(weightsOf(both.model), weightsOf(product.model));
});

describe('sum_over_batch_size', () => {
  for (const head of HEADS) {
    for (const loss of LOSSES) {
      test(`a weight of 2 counts as the sample twice: batch 3 with weights [2, 1, 1] x 3 = batch [a, a, b, c] x 4 (${head}, ${loss})`, () => {
        const { x, labels } = makeData(3);
        const model = makeModel({ head, loss });
        const weighted = model.computeGradients(x, targetsFor(loss, labels, 'float64'), 3, Float64Array.of(2, 1, 1));
        const weightedGrads = gradients(model);

        const dupX = new Float64Array(4 * FEATURES);
        dupX.set(x.subarray(0, FEATURES), 0);
        dupX.set(x, FEATURES);
        const dupLabels = Int32Array.of(labels[0], labels[0], labels[1], labels[2]);
        const duplicated = model.computeGradients(dupX, targetsFor(loss, dupLabels, 'float64'), 4);
        const duplicatedGrads = gradients(model);

        assert.ok(Math.abs(weighted * 3 - duplicated * 4) < 1e-12, `loss ${weighted} x 3 vs ${duplicated} x 4`);
        weightedGrads.forEach((g, k) => g.forEach((v, i) => {
          const expected = (duplicatedGrads[k][i] * 4) / 3;
          assert.ok(Math.abs(v - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `weight ${k}[${i}]: ${v} vs ${expected}`);
        }));
      });
    }
  }

  test('the batch loss is the weighted sum of -log p[label] over the batch size, computed by hand', async () => {
    const { x, labels } = makeData(5);
    const model = makeModel();
    const weights = Float64Array.of(0.5, 2, 0, 1, 3);
    const probs = (await model.predict(new Tensor(x, [5, FEATURES]))).data;
    let expected = 0;
    for (let r = 0; r < 5; r++) expected -= weights[r] * Math.log(probs[r * CLASSES + labels[r]]);
    expected /= 5; // all 5 samples, the zero-weight one included
    const loss = model.computeGradients(x, labels, 5, weights);
    assert.ok(Math.abs(loss - expected) < 1e-14, `loss ${loss}, expected ${expected}`);
  });

  test('the logged training loss follows the same reduction (one batch: the loss before the step)', async () => {
    const { x, labels } = makeData(6);
    const sampleWeight = [1, 0.25, 4, 0, 2, 1];
    const model = makeModel();
    const probs = (await model.predict(new Tensor(x, [6, FEATURES]))).data;
    let expected = 0;
    for (let r = 0; r < 6; r++) expected -= sampleWeight[r] * Math.log(probs[r * CLASSES + labels[r]]);
    expected /= 6;
    const history = await model.fit(new Tensor(x, [6, FEATURES]), labels, { epochs: 1, batchSize: 6, verbose: 0, shuffle: false, sampleWeight });
    assert.ok(Math.abs(history.history.loss[0] - expected) < 1e-14, `logged ${history.history.loss[0]}, expected ${expected}`);
  });

  test('validation metrics stay unweighted', async () => {
    const { x, labels } = makeData(12);
    const validationData: [Tensor, Int32Array] = [new Tensor(x.slice(0, 6 * FEATURES), [6, FEATURES]), labels.slice(0, 6)];
    const a = makeModel();
    const b = makeModel();
    const weighted = await a.fit(new Tensor(x, [12, FEATURES]), labels, { epochs: 1, batchSize: 4, verbose: 0, classWeight: [3, 1, 1], validationData });
    await b.fit(new Tensor(x, [12, FEATURES]), labels, { epochs: 1, batchSize: 4, verbose: 0, classWeight: [3, 1, 1] });
    assert.deepEqual(weighted.history.val_loss, [(await b.evaluate(validationData[0], validationData[1], { batchSize: 4 })).loss]);
  });
});

test('a zero-weight sample has no effect on the update: any values in its place give bit-identical training', async () => {
  const count = 10;
  const { x, labels } = makeData(count);
  const sampleWeight = Array.from({ length: count }, (_, i) => (i === 3 ? 0 : 1));
  const other = x.slice();
  for (let k = 0; k < FEATURES; k++) other[3 * FEATURES + k] = 7 - k;
  const otherLabels = labels.slice();
  otherLabels[3] = (labels[3] + 1) % CLASSES;
  const runs = [];
  for (const [data, y] of [[x, labels], [other, otherLabels]] as const) {
    const model = makeModel();
    await model.fit(new Tensor(data, [count, FEATURES]), y, { epochs: 2, batchSize: 4, verbose: 0, sampleWeight });
    runs.push(weightsOf(model));
  }
  assert.deepEqual(runs[1], runs[0]);
  // Its gradient is zero, yet it still counts in the batch size (sum_over_batch_size):
  // the gradient of [a, zero, b] is 2/3 of that of [a, b].
  const model = makeModel();
  model.computeGradients(x.subarray(0, 3 * FEATURES), labels.subarray(0, 3), 3, Float64Array.of(1, 0, 1));
  const withZero = gradients(model);
  const pair = new Float64Array(2 * FEATURES);
  pair.set(x.subarray(0, FEATURES), 0);
  pair.set(x.subarray(2 * FEATURES, 3 * FEATURES), FEATURES);
  model.computeGradients(pair, Int32Array.of(labels[0], labels[2]), 2);
  gradients(model).forEach((g, k) => g.forEach((v, i) => assert.ok(Math.abs(withZero[k][i] - (v * 2) / 3) < 1e-15, `weight ${k}[${i}]`)));
});

const native = loadNativeBackend();
test('the native backend weights the fused loss as the reference backend does', { skip: 'error' in native ? `native addon did not load: ${native.error}` : false }, () => {
  const { x, labels } = makeData(8, 'float32');
  const weights = Float32Array.of(1, 0, 2, 0.5, 3, 1, 0.25, 4);
  const results = (['reference', 'native'] as const).map((backend) => {
    const model = makeModel({ backend, dtype: 'float32' });
    const loss = model.computeGradients(x, labels, 8, weights);
    return { loss, grads: gradients(model) };
  });
  const [ref, nat] = results;
  assert.ok(Math.abs(ref.loss - nat.loss) < 1e-5 * Math.abs(ref.loss), `loss ${nat.loss} vs ${ref.loss}`);
  ref.grads.forEach((g, k) => g.forEach((v, i) => assert.ok(Math.abs(nat.grads[k][i] - v) < 1e-5 * (1 + Math.abs(v)), `weight ${k}[${i}]: ${nat.grads[k][i]} vs ${v}`)));
});

test('fit() refuses malformed weights, saying what it expected and what it received', async () => {
  const { x, labels } = makeData(6);
  const fit = (options: FitOptions, y: unknown = labels) => makeModel().fit(new Tensor(x, [6, FEATURES]), y, { verbose: 0, ...options });
  await assert.rejects(fit({ sampleWeight: [1, 1, 1] }), /fit\(\) expects sampleWeight to hold one weight per sample of x \(6\); received 3\./);
  await assert.rejects(fit({ sampleWeight: [1, 1, -2, 1, 1, 1] }), /fit\(\): sampleWeight\[2\] is -2; loss weights must be finite numbers >= 0\./);
  await assert.rejects(fit({ sampleWeight: [1, NaN, 1, 1, 1, 1] }), /sampleWeight\[1\] is NaN; loss weights must be finite/);
  await assert.rejects(fit({ sampleWeight: Float32Array.of(1, 1, 1, 1, 1, Infinity) }), /sampleWeight\[5\] is Infinity/);
  await assert.rejects(fit({ sampleWeight: [1, '2', 1, 1, 1, 1] as unknown as number[] }), /sampleWeight\[1\] is string "2"; loss weights must be finite numbers >= 0/);
  await assert.rejects(fit({ sampleWeight: 1 as unknown as number[] }), /fit\(\) expects sampleWeight as a Float32Array or number\[\] with one weight per sample; received number 1\./);
  await assert.rejects(fit({ classWeight: { 3: 2 } }), /fit\(\): classWeight key "3" is not a class index; expected integers 0\.\.2 for a model with 3 output classes\./);
  await assert.rejects(fit({ classWeight: { '-1': 2 } }), /classWeight key "-1" is not a class index/);
  await assert.rejects(fit({ classWeight: { 1.5: 2 } }), /classWeight key "1\.5" is not a class index/);
  await assert.rejects(fit({ classWeight: { 1: -1 } }), /fit\(\): classWeight\[1\] is -1; loss weights must be finite numbers >= 0\./);
  await assert.rejects(fit({ classWeight: [1, Infinity, 1] }), /classWeight\[1\] is Infinity/);
  await assert.rejects(fit({ classWeight: [1, 2] }), /fit\(\) expects classWeight as an array to hold one weight per class \(3, the model's output classes\); received 2\./);
  await assert.rejects(fit({ classWeight: 2 as unknown as number[] }), /fit\(\) expects classWeight as \{ classIndex: weight \} \(e\.g\. \{ 0: 1, 1: 5 \}\) or an array of 3 weights; received number 2\./);
  await assert.rejects(fit({ classWeight: new Map([[0, 2]]) as unknown as number[] }), /received a Map \(use a plain object\)/);
  await assert.rejects(fit({ classWeight: null as unknown as number[] }), /or an array of 3 weights; received null\./);
  // The low-level steps check the batch's weights too.
  assert.throws(() => makeModel().computeGradients(x, labels, 6, Float64Array.of(1, 1)), /computeGradients\(\) expects one weight per sample of the batch \(6\); received 2\./);
  assert.throws(() => makeModel().trainStep(x, labels, 6, Float64Array.of(1)), /trainStep\(\) expects one weight per sample of the batch \(6\); received 1\./);
});

test('classWeight on a one-output binary classifier weighs by the rounded 0 / 1 target, as Keras', async () => {
  const { resolveSampleWeights } = await import('../../src/model/fit.js');
  const targets = Float32Array.of(0, 1, 1, 0.05);
  assert.deepEqual(Array.from(resolveSampleWeights({ classWeight: { 1: 4 } }, targets, false, 4, 1)!), [1, 4, 4, 1]);
  assert.deepEqual(Array.from(resolveSampleWeights({ classWeight: [0.5, 2] }, targets, false, 4, 1)!), [0.5, 2, 2, 0.5]);
  assert.throws(() => resolveSampleWeights({ classWeight: { 1: 4 } }, Float32Array.of(3), false, 1, 1), /fit\(\): classWeight needs targets 0 or 1 for a model with one output; target 0 is 3\./);
});
