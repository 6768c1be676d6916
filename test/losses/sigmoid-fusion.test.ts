/**
 * Sigmoid + binary cross-entropy (model/plan/fusion-rules.ts, sigmoidOutputOf): a model that ends in a
 * sigmoid back-propagates binary cross-entropy from dL/dz = p - t, as Keras's TF backend does through the
 * sigmoid's logits. A saturated wrong output keeps a full gradient instead of the clipped one's ~1e-7,
 * and the fused gradient is the derivative of the loss (central differences in float64).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers } from '../../src/index.js';
import { Random } from '../../src/core/random.js';

function binaryModel(last: 'dense' | 'activation'): Sequential {
  const model = new Sequential(
    last === 'dense'
      ? [layers.dense({ units: 3, activation: 'tanh', inputShape: [4] }), layers.dense({ units: 2, activation: 'sigmoid' })]
      : [layers.dense({ units: 3, activation: 'tanh', inputShape: [4] }), layers.dense({ units: 2 }), layers.activation('sigmoid')],
    { backend: 'reference', dtype: 'float64', seed: 3 },
  );
  model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
  return model;
}

test('a saturated wrong sigmoid output still gets the full gradient (p - t), not one flattened by the clipped log', () => {
  const model = new Sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { backend: 'reference', dtype: 'float64', seed: 1 });
  model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
  const [kernel, bias] = model.weights();
  kernel.value.fill(0);
  bias.value[0] = -30; // sigmoid(-30) = 9.4e-14: far below the 1e-7 clip
  assert.ok(model.plan.sigmoidOutput, 'the sigmoid output is fused');
  model.computeGradients(new Float64Array(8).fill(0.5), new Float64Array(4).fill(1), 4);
  // dL/dbias = mean over the batch of (p - t) = -1 + 9.4e-14. Through the clipped probability it would be about -9.4e-7.
  assert.ok(Math.abs(bias.grad[0] + 1) < 1e-9, `bias gradient ${bias.grad[0]}`);
});

test('the fused gradient is the derivative of the loss, for a Dense sigmoid and an Activation("sigmoid") last layer', () => {
  for (const last of ['dense', 'activation'] as const) {
    const model = binaryModel(last);
    assert.ok(model.plan.sigmoidOutput, `${last}: fused`);
    const random = new Random(11);
    const x = Float64Array.from({ length: 5 * 4 }, () => random.uniform(-1, 1));
    const t = Float64Array.from({ length: 5 * 2 }, () => random.int(2));
    model.computeGradients(x, t, 5);
    let checked = 0;
    for (const w of model.weights()) {
      const analytic = Float64Array.from(w.grad);
      for (let i = 0; i < w.value.length; i++) {
        const original = w.value[i];
        w.value[i] = original + 1e-6;
        const plus = model.computeGradients(x, t, 5);
        w.value[i] = original - 1e-6;
        const minus = model.computeGradients(x, t, 5);
        w.value[i] = original;
        const numeric = (plus - minus) / 2e-6;
        assert.ok(Math.abs(numeric - analytic[i]) <= 1e-6 * Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[i])), `${last} ${w.name}[${i}]: ${analytic[i]} vs ${numeric}`);
        checked++;
      }
    }
    assert.equal(checked, 4 * 3 + 3 + 3 * 2 + 2);
  }
});

test('a model that does not end in a sigmoid, or a loss on logits, is not fused', () => {
  const relu = new Sequential([layers.dense({ units: 2, activation: 'relu', inputShape: [3] })], { backend: 'reference' });
  assert.equal(relu.plan.sigmoidOutput, null);
  // fromLogits takes the sigmoid's output p = 0.5 as a logit: dL/dp = sigmoid(0.5) - t, then through the
  // sigmoid's slope p (1 - p) = 0.25. Fused, the bias gradient would be p - t = -0.5 instead.
  const logits = new Sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { backend: 'reference', dtype: 'float64', seed: 1 });
  logits.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', lossOptions: { fromLogits: true } });
  const [kernel, bias] = logits.weights();
  kernel.value.fill(0);
  bias.value[0] = 0;
  logits.computeGradients(new Float64Array(2).fill(1), Float64Array.of(1), 1);
  assert.ok(Math.abs(bias.grad[0] - (1 / (1 + Math.exp(-0.5)) - 1) * 0.25) < 1e-12, `bias gradient ${bias.grad[0]}`);
  let text = '';
  logits.summary({ print: (t) => (text = t), plan: true });
  assert.match(text, /sigmoid-binary-cross-entropy: not fused: the loss is compiled with fromLogits/);
});

test('the plan says so: fused for binary cross-entropy, not fused (and why) for another loss', () => {
  const model = binaryModel('dense');
  let text = '';
  model.summary({ print: (t) => (text = t), plan: true });
  assert.match(text, /fused sigmoid-binary-cross-entropy: binary_crossentropy starts backward from dL\/dz = p - t, unclipped/);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  model.summary({ print: (t) => (text = t), plan: true });
  assert.match(text, /sigmoid-binary-cross-entropy: not fused: mean_squared_error is not binary cross-entropy/);
});
