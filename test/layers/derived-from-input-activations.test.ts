/**
 * leaky_relu, elu, gelu and swish: their values against closed forms,
 * float64 gradient checks through Dense, Conv2D and the Activation layer, and
 * the native backend's kernels against the reference backend's, in a model,
 * forward and backward (test/backend/native-backend.test.ts compares the kernels alone).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers } from '../../src/index.js';
import { Random } from '../../src/core/random.js';
import { loadNativeBackend } from '../../src/backend/native/index.js';
import { referenceBackend } from '../../src/backend/select-backend.js';

const INPUT_DERIVED = ['leaky_relu', 'elu', 'gelu', 'swish'] as const;
import { worstGradientError } from '../model/finite-difference.js';

test("values: Keras's defaults (leaky_relu slope 0.2, elu alpha 1, exact gelu, swish = x sigmoid x)", () => {
  const x = [-2, -0.5, 0, 1.5];
  const run = (name: (typeof INPUT_DERIVED)[number]) => {
    const v = Float64Array.from(x);
    referenceBackend().biasActivation(v, null, 1, v.length, name);
    return Array.from(v);
  };
  assert.deepEqual(run('leaky_relu'), [-0.4, -0.1, 0, 1.5]);
  assert.deepEqual(run('elu'), [Math.expm1(-2), Math.expm1(-0.5), 0, 1.5]);
  // gelu(x) = x Phi(x); Phi(1.5) = 0.9331927987311419, Phi(-2) = 0.022750131948179195 (tabulated).
  const gelu = run('gelu');
  assert.ok(Math.abs(gelu[3] - 1.5 * 0.9331927987311419) < 1e-15 && Math.abs(gelu[0] + 2 * 0.022750131948179195) < 1e-15, `${gelu}`);
  const swish = run('swish');
  x.forEach((v, i) => assert.ok(Math.abs(swish[i] - v / (1 + Math.exp(-v))) < 1e-15));
});

const FEATURES = 4, BATCH = 3;

function inputs(size: number, seed: number): Float64Array {
  const random = new Random(seed);
  return Float64Array.from({ length: size }, () => random.uniform(-2, 2));
}

function targets(rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) y[r * cols + (r % cols)] = 1;
  return y;
}

for (const activation of INPUT_DERIVED) {
  test(`gradient check in float64: ${activation} in Dense, Conv2D and Activation`, () => {
    const dense = worstGradientError(
      [layers.dense({ units: 5, activation }), layers.dense({ units: 3, activation: 'softmax' })],
      [FEATURES], 'categorical_crossentropy', inputs(BATCH * FEATURES, 1), targets(BATCH, 3), BATCH,
    );
    const conv = worstGradientError(
      [layers.conv2d({ filters: 3, kernelSize: 2, activation }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
      [3, 3, 2], 'categorical_crossentropy', inputs(BATCH * 18, 2), targets(BATCH, 3), BATCH,
    );
    const separate = worstGradientError(
      [layers.dense({ units: 5 }), layers.activation(activation), layers.dense({ units: 1, activation: 'sigmoid' })],
      [FEATURES], 'binary_crossentropy', inputs(BATCH * FEATURES, 3), Float64Array.of(1, 0, 1), BATCH,
    );
    for (const [where, worst] of [['Dense', dense], ['Conv2D', conv], ['Activation', separate]] as const) {
      assert.ok(worst < 1e-6, `${activation} in ${where}: worst relative error ${worst}`);
    }
  });
}

const native = loadNativeBackend();

test('the native backend computes leaky_relu, elu, gelu and swish as the reference backend does, forward and backward', { skip: 'backend' in native ? false : 'native addon not loaded' }, () => {
  for (const activation of INPUT_DERIVED) {
    const make = (backend: 'native' | 'reference') => {
      const m = new Sequential([
        layers.conv2d({ filters: 4, kernelSize: 3, activation, inputShape: [5, 5, 2] }),
        layers.activation(activation), layers.flatten(), layers.dense({ units: 6, activation }), layers.dense({ units: 3, activation: 'softmax' }),
      ], { backend, seed: 4 });
      m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
      return m;
    };
    const [onNative, onReference] = [make('native'), make('reference')];
    onNative.setWeights(onReference.getWeights());
    const x = Float32Array.from(inputs(BATCH * 50, 5)), y = Float32Array.from(targets(BATCH, 3));
    const lossNative = onNative.computeGradients(x, y, BATCH), lossReference = onReference.computeGradients(x, y, BATCH);
    assert.ok(Math.abs(lossNative - lossReference) < 1e-5, `${activation}: loss ${lossNative} vs ${lossReference}`);
    onNative.weights().forEach((w, k) => {
      const r = onReference.weights()[k];
      let worst = 0;
      for (let i = 0; i < w.grad.length; i++) worst = Math.max(worst, Math.abs(w.grad[i] - r.grad[i]) / Math.max(1e-3, Math.abs(r.grad[i])));
      assert.ok(worst < 1e-3, `${activation}: ${w.name} gradient differs by ${worst} (relative)`);
      assert.ok(r.grad.some((v) => v !== 0), `${activation}: ${w.name} got a gradient`);
    });
  }
});
