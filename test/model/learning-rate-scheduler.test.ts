/**
 * The per-step warmup + cosine schedule of the training recipe: its rates, the
 * rates fit() actually applies step by step, and its errors.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, Sequential, Tensor, layers } from '../../src/index.js';
import { LearningRateScheduler, WarmupCosineScheduler, warmupCosineRate, type Schedule } from '../../src/model/learning-rate-scheduler.js';
import type { Callback, Logs } from '../../src/model/callbacks.js';

const OPTIONS = { peak: 0.003, epochs: 2, stepsPerEpoch: 10 };

describe('warmupCosineRate', () => {
  test('warms up linearly over the first 10% of steps, peaks, then decays to 1% of the peak', () => {
    // 20 steps: warmup over steps 0 and 1, cosine over 2..19.
    assert.equal(warmupCosineRate(0, OPTIONS), 0.0015);
    assert.equal(warmupCosineRate(1, OPTIONS), 0.003);
    assert.equal(warmupCosineRate(2, OPTIONS), 0.003);
    assert.ok(Math.abs(warmupCosineRate(19, OPTIONS) - 0.00003) < 1e-12);
    const middle = 2 + (19 - 2) / 2;
    assert.ok(Math.abs(warmupCosineRate(middle, OPTIONS) - 0.003 * (0.01 + 0.99 * 0.5)) < 1e-12);
    for (let s = 2; s < 19; s++) assert.ok(warmupCosineRate(s + 1, OPTIONS) < warmupCosineRate(s, OPTIONS), `decreasing at step ${s}`);
  });

  test('no warmup when warmupFraction is 0', () => {
    assert.equal(warmupCosineRate(0, { ...OPTIONS, warmupFraction: 0 }), 0.003);
  });

  test('bad options are refused with what was expected', () => {
    assert.throws(() => new WarmupCosineScheduler({ ...OPTIONS, peak: 0 }), (e: unknown) => e instanceof ConfigError && /positive finite peak learning rate; received 0/.test(e.message));
    assert.throws(() => new WarmupCosineScheduler({ ...OPTIONS, stepsPerEpoch: 2.5 }), /stepsPerEpoch to be a positive integer; received 2.5/);
    assert.throws(() => new WarmupCosineScheduler({ ...OPTIONS, warmupFraction: 1 }), /warmupFraction in \[0, 1\); received 1/);
    assert.throws(() => new WarmupCosineScheduler({ ...OPTIONS, finalFraction: 0 }), /finalFraction in \(0, 1\]; received 0/);
  });
});

describe('WarmupCosineScheduler in fit()', () => {
  function model(): Sequential {
    const m = new Sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })], { backend: 'reference', seed: 1 });
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    return m;
  }

  /** Records the optimizer's rate as each step runs (after the scheduler set it for that step). */
  class RateRecorder implements Callback {
    rates: number[] = [];
    private m: Sequential | undefined;
    setModel(m: Sequential): void { this.m = m; }
    onEpochBegin(_epoch: number, _logs: Logs): void { this.rates.push(this.m!.optimizer!.learningRate); }
    onBatchEnd(batch: number, _logs: Logs): void {
      // The scheduler, listed first, has already set the next step's rate; record it unless the epoch ended.
      if (batch < OPTIONS.stepsPerEpoch - 1) this.rates.push(this.m!.optimizer!.learningRate);
    }
  }

  test('every step of every epoch runs at the schedule rate of its global step, also when resumed', async () => {
    const x = new Tensor(Float32Array.from({ length: 40 * 4 }, (_, i) => Math.sin(i)), [40, 4]);
    const y = Int32Array.from({ length: 40 }, (_, i) => i % 3);
    const expected = Array.from({ length: 20 }, (_, s) => warmupCosineRate(s, OPTIONS));

    const recorder = new RateRecorder();
    await model().fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false, callbacks: [new WarmupCosineScheduler(OPTIONS), recorder] });
    assert.deepEqual(recorder.rates, expected);

    const resumed = new RateRecorder();
    await model().fit(x, y, { epochs: 2, initialEpoch: 1, batchSize: 4, verbose: 0, shuffle: false, callbacks: [new WarmupCosineScheduler(OPTIONS), resumed] });
    assert.deepEqual(resumed.rates, expected.slice(10));
  });
});

test('a schedule that is not a function is refused at construction', () => {
  assert.throws(() => new LearningRateScheduler(0.001 as unknown as Schedule), (e: unknown) => e instanceof ConfigError && /LearningRateScheduler expects a schedule function .*; received 0\.001\./.test(e.message));
});
