/** ReduceLROnPlateau: Keras's defaults, its patience / cooldown / minLr / minDelta semantics, and its refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReduceLROnPlateau, ConfigError } from '../../../src/index.js';
import { smallClassifier } from '../small-models.js';

/** Runs the callback over a series of val_loss values (or another monitor); returns the rate after each epoch. */
function rates(callback: ReduceLROnPlateau, values: number[], monitor = 'val_loss'): number[] {
  const model = smallClassifier();
  model.optimizer!.learningRate = 1;
  callback.setModel(model);
  callback.onTrainBegin();
  return values.map((v, epoch) => {
    callback.onEpochEnd(epoch, { loss: 1, [monitor]: v });
    return model.optimizer!.learningRate;
  });
}

test("Keras's defaults: val_loss, factor 0.1, patience 10, min mode, minDelta 1e-4, cooldown 0, minLr 0", () => {
  const callback = new ReduceLROnPlateau();
  assert.deepEqual(
    { monitor: callback.monitor, factor: callback.factor, patience: callback.patience, mode: callback.mode, minDelta: callback.minDelta, cooldown: callback.cooldown, minLr: callback.minLr },
    { monitor: 'val_loss', factor: 0.1, patience: 10, mode: 'min', minDelta: 1e-4, cooldown: 0, minLr: 0 },
  );
  // The 11th flat epoch is the 10th without improvement: the rate drops then, not before.
  const series = rates(callback, Array(11).fill(1));
  assert.deepEqual(series.slice(0, 10), Array(10).fill(1));
  assert.ok(Math.abs(series[10] - 0.1) < 1e-12);
});

test('patience, cooldown and minLr', () => {
  const series = rates(new ReduceLROnPlateau({ patience: 1, factor: 0.5, cooldown: 2, minLr: 0.2 }), [1, 1, 1, 1, 1, 1, 1, 1]);
  // Epoch 1 reduces (1 -> 0.5). As in Keras, a cooldown of 2 skips one epoch: the counter is
  // decremented before it is asked, so epoch 3 counts and reduces again; then 0.2 is the floor.
  assert.deepEqual(series, [1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2]);
});

test('an improvement larger than minDelta resets the wait; a smaller one does not', () => {
  assert.deepEqual(rates(new ReduceLROnPlateau({ patience: 2, factor: 0.5 }), [1, 0.9, 0.8, 0.7]), [1, 1, 1, 1]);
  assert.deepEqual(rates(new ReduceLROnPlateau({ patience: 2, factor: 0.5, minDelta: 0.2 }), [1, 0.9, 0.8, 0.7]), [1, 1, 0.5, 0.5]);
});

test("mode 'auto' watches accuracy-like names for an increase", () => {
  const callback = new ReduceLROnPlateau({ monitor: 'val_accuracy', patience: 1, factor: 0.5 });
  assert.equal(callback.mode, 'max');
  assert.deepEqual(rates(callback, [0.5, 0.6, 0.6], 'val_accuracy'), [1, 1, 0.5]);
});

test('trains with fit() and reduces the rate on a plateau', async () => {
  const model = smallClassifier();
  const { Tensor } = await import('../../../src/index.js');
  const x = new Tensor(new Float32Array(8 * 16), [8, 4, 4, 1]);
  const before = model.optimizer!.learningRate;
  // minDelta 10: no epoch after the first counts as an improvement, so patience 0 reduces at epochs 1 and 2.
  await model.fit(x, new Int32Array(8), { epochs: 3, verbose: 0, callbacks: [new ReduceLROnPlateau({ monitor: 'loss', patience: 0, minDelta: 10 })] });
  assert.ok(Math.abs(model.optimizer!.learningRate - before * 1e-2) < before * 1e-9, `rate ${model.optimizer!.learningRate}`);
});

test('refused options name the option, and an unknown key the nearest known one', () => {
  const refused = (options: object, pattern: RegExp) => assert.throws(() => new ReduceLROnPlateau(options as never), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
  refused({ factor: 1 }, /ReduceLROnPlateau expects factor in \(0, 1\), e\.g\. 0\.1; received 1\./);
  refused({ patience: 1.5 }, /ReduceLROnPlateau expects patience to be a non-negative integer; received 1\.5\./);
  refused({ mode: 'up' }, /ReduceLROnPlateau expects mode to be 'auto', 'min' or 'max'; received "up"\./);
  refused({ minLr: -1 }, /ReduceLROnPlateau expects minLr to be a non-negative number; received -1\./);
  refused({ min_lr: 0.001 }, /^ReduceLROnPlateau got an unknown option "min_lr"; did you mean "minLr"\?$/);
  assert.throws(() => rates(new ReduceLROnPlateau(), [1], 'loss'), /ReduceLROnPlateau monitors 'val_loss', which fit\(\) does not report; available: loss\./);
});

test('verbose 1 says each reduction as Keras does', () => {
  const lines: string[] = [];
  rates(new ReduceLROnPlateau({ patience: 0, factor: 0.5, verbose: 1, print: (line) => lines.push(line) }), [1, 1]);
  assert.deepEqual(lines, ['Epoch 2: ReduceLROnPlateau reducing learning rate to 0.5.']);
});
