/** Losses by name and options: unknown names and options are refused with the choices. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallClassifier } from '../model/small-models.js';
import { getLoss } from '../../src/losses/losses.js';
import { ConfigError } from '../../src/core/errors.js';

test('unknown loss lists the choices', () => {
  const model = smallClassifier();
  assert.throws(
    // @ts-expect-error: loss names are a literal union, so a typo fails to compile as well as at run time.
    () => model.compile({ optimizer: 'adam', loss: 'msee' }),
    /compile\(\) got an unknown loss "msee"; expected one of 'sparse_categorical_crossentropy', 'categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error', 'mean_absolute_error' \(or 'mse', 'mae'\)\./,
  );
});

test("Keras's short and class names resolve to the canonical loss", () => {
  assert.equal(getLoss('mse').name, 'mean_squared_error');
  assert.equal(getLoss('MAE').name, 'mean_absolute_error');
  assert.equal(getLoss('BinaryCrossentropy').name, 'binary_crossentropy');
  assert.equal(getLoss('SparseCategoricalCrossentropy').name, 'sparse_categorical_crossentropy');
});

test('compile takes the loss as { name, fromLogits, labelSmoothing }', () => {
  const model = smallClassifier();
  model.compile({ optimizer: 'adam', loss: { name: 'categorical_crossentropy', fromLogits: true, labelSmoothing: 0.1 } });
  assert.equal(model.loss!.name, 'categorical_crossentropy');
  assert.equal(model.loss!.fromLogits, true);
  assert.equal(model.loss!.labelSmoothing, 0.1);
});

test('an unknown key in the loss object names the nearest known one', () => {
  assert.throws(
    () => getLoss({ name: 'binary_crossentropy', from_logits: true }),
    (e: unknown) => e instanceof ConfigError && e.message === 'compile() loss got an unknown option "from_logits"; did you mean "fromLogits"?',
  );
  assert.throws(() => getLoss('binary_crossentropy', { label_smoothing: 0.1 } as never), /compile\(\) lossOptions got an unknown option "label_smoothing"; did you mean "labelSmoothing"\?/);
});

test('labelSmoothing: only the categorical and binary cross-entropies take it, in [0, 1]', () => {
  assert.throws(
    () => getLoss('sparse_categorical_crossentropy', { labelSmoothing: 0.1 }),
    /loss 'sparse_categorical_crossentropy' takes no labelSmoothing \(received 0.1\); only 'categorical_crossentropy' and 'binary_crossentropy' do\. Keras's SparseCategoricalCrossentropy has none either: use 'categorical_crossentropy' with one-hot targets\./,
  );
  assert.throws(() => getLoss('mse', { labelSmoothing: 0.2 }), /loss 'mean_squared_error' takes no labelSmoothing/);
  for (const bad of [-0.1, 1.5, Number.NaN, '0.1']) {
    assert.throws(() => getLoss('binary_crossentropy', { labelSmoothing: bad as number }), /compile\(\) expects labelSmoothing in \[0, 1\], e\.g\. 0\.1; received/);
  }
  assert.equal(getLoss('binary_crossentropy', { labelSmoothing: 1 }).labelSmoothing, 1);
});

test('mse and mae refuse fromLogits; fromLogits must be a boolean', () => {
  assert.throws(() => getLoss('mae', { fromLogits: true }), /loss 'mean_absolute_error' takes no fromLogits/);
  assert.throws(() => getLoss('binary_crossentropy', { fromLogits: 'yes' as never }), /compile\(\) expects fromLogits to be true or false; received "yes"/);
});

test('values: binary cross-entropy (probabilities and logits agree), mse, mae, smoothing', () => {
  const p = Float64Array.of(0.8, 0.3), z = Float64Array.from(p, (v) => Math.log(v / (1 - v))), t = Float64Array.of(1, 0);
  const expected = -(Math.log(0.8) + Math.log(0.7)) / 2;
  const probs = new Float64Array(2), grad = new Float64Array(2);
  assert.ok(Math.abs(getLoss('binary_crossentropy').fromProbabilities(p, t, null, 1, 2, 1) - expected) < 1e-12);
  assert.ok(Math.abs(getLoss('binary_crossentropy', { fromLogits: true }).fromLogitsGrad(null as never, z, t, probs, grad, 1, 2, 1) - expected) < 1e-12);
  // d/dz = (sigmoid(z) - t) / outputs.
  assert.ok(Math.abs(grad[0] - (0.8 - 1) / 2) < 1e-12 && Math.abs(grad[1] - 0.3 / 2) < 1e-12);
  // Smoothing 0.2 makes the targets 0.9 and 0.1 (Keras: t (1 - s) + s / 2).
  const smoothed = -(0.9 * Math.log(0.8) + 0.1 * Math.log(0.2) + 0.1 * Math.log(0.3) + 0.9 * Math.log(0.7)) / 2;
  assert.ok(Math.abs(getLoss('binary_crossentropy', { labelSmoothing: 0.2 }).fromProbabilities(p, t, null, 1, 2, 1) - smoothed) < 1e-12);
  assert.ok(Math.abs(getLoss('mse').fromProbabilities(p, t, null, 1, 2, 1) - (0.04 + 0.09) / 2) < 1e-12);
  assert.ok(Math.abs(getLoss('mae').fromProbabilities(p, t, null, 1, 2, 1) - (0.2 + 0.3) / 2) < 1e-12);
  // Categorical smoothing 0.3 over 3 classes: one-hot [0, 1, 0] becomes [0.1, 0.8, 0.1].
  const probs3 = Float64Array.of(0.2, 0.5, 0.3);
  const ce = getLoss('categorical_crossentropy', { labelSmoothing: 0.3 }).fromProbabilities(probs3, Float64Array.of(0, 1, 0), null, 1, 3, 1);
  assert.ok(Math.abs(ce + (0.1 * Math.log(0.2) + 0.8 * Math.log(0.5) + 0.1 * Math.log(0.3))) < 1e-12);
});
