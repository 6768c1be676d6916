/**
 * fit, evaluate and predict share Node's event loop: a real 5 ms interval
 * keeps firing while they run (ticks counted, never timed), and stops firing
 * when yielding is turned off. The signal option stops fit after the current step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, Tensor } from '../../src/index.js';
import { ConfigError } from '../../src/core/errors.js';
import { EventLoopTurns } from '../../src/model/event-loop-turns.js';
import { labCnnLayers, smallClassifier, zeroImages4x4 } from './small-models.js';

/** The lab CNN on the default backend (native where it loads) and random images: a run of a few hundred ms. */
function labCnnAndData(count: number): { model: Sequential; x: Tensor; y: Int32Array } {
  const model = new Sequential(labCnnLayers([28, 28, 1]), { seed: 3 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const x = new Tensor(Float32Array.from({ length: count * 784 }, (_, i) => ((i * 7919) % 256) / 255), [count, 28, 28, 1]);
  const y = Int32Array.from({ length: count }, (_, i) => i % 10);
  return { model, x, y };
}

/** Counts the ticks of a 5 ms interval while `work` runs. */
async function ticksDuring(work: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return ticks;
}

/** A callback that ends fit once `ms` of wall time have passed: a fit that lasts long enough on any machine, fast or slow. */
function stopAfter(ms: number) {
  const started = performance.now();
  let model: Sequential | undefined;
  return {
    setModel(m: Sequential) { model = m; },
    onBatchEnd() { if (performance.now() - started > ms) model!.stopTraining = true; },
  };
}

test('a timer keeps firing during fit (default: a turn at least every 50 ms of work)', async () => {
  const { model, x, y } = labCnnAndData(512);
  // 400 ms of training whatever the machine's speed (a fixed number of epochs ended within the first 50 ms on a fast one).
  const ticks = await ticksDuring(() => model.fit(x, y, { epochs: 10_000, batchSize: 32, verbose: 0, callbacks: [stopAfter(400)] }));
  assert.ok(ticks > 0, `the interval fired ${ticks} times during fit`);
});

test('yieldEveryMs: false runs fit as one task: the timer cannot fire until it ends', async () => {
  const { model, x, y } = labCnnAndData(256);
  const ticks = await ticksDuring(() => model.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0, yieldEveryMs: false }));
  assert.equal(ticks, 0);
});

test('a timer keeps firing during predict and evaluate, and not with yieldEveryMs: false', async () => {
  // 16,384 images: at 100,000 images/s (a fast machine, native) still 160 ms of work, many turns of 5 ms.
  const { model, x, y } = labCnnAndData(16_384);
  assert.ok((await ticksDuring(() => model.predict(x, { batchSize: 64, yieldEveryMs: 5 }))) > 0, 'predict yields');
  assert.ok((await ticksDuring(() => model.evaluate(x, y, { batchSize: 64, yieldEveryMs: 5 }))) > 0, 'evaluate yields');
  assert.equal(await ticksDuring(() => model.predict(x.slice(0, 512), { yieldEveryMs: false })), 0);
  assert.equal(await ticksDuring(() => model.evaluate(x.slice(0, 512), y.subarray(0, 512), { yieldEveryMs: false })), 0);
});

test('the yielding does not change the result: same seed, same weights with and without it', async () => {
  const a = labCnnAndData(96);
  const b = labCnnAndData(96);
  await a.model.fit(a.x, a.y, { epochs: 1, batchSize: 32, verbose: 0, yieldEveryMs: 0.001 });
  await b.model.fit(b.x, b.y, { epochs: 1, batchSize: 32, verbose: 0, yieldEveryMs: false });
  a.model.weights().forEach((w, i) => assert.deepEqual(w.value, b.model.weights()[i].value, w.name));
});

test('a bad yieldEveryMs is refused by fit, evaluate and predict, naming what is accepted', async () => {
  const model = smallClassifier();
  const x = zeroImages4x4(2);
  for (const bad of [0, -5, Number.NaN, Infinity, '50', true]) {
    const expected = (call: string) => (e: unknown) =>
      e instanceof ConfigError && e.message.startsWith(`${call}() expects yieldEveryMs to be a positive number of milliseconds such as 50, or false to never give the event loop a turn; received `);
    await assert.rejects(model.fit(x, [0, 1], { verbose: 0, yieldEveryMs: bad as never }), expected('fit'));
    await assert.rejects(model.evaluate(x, [0, 1], { yieldEveryMs: bad as never }), expected('evaluate'));
    await assert.rejects(model.predict(x, { yieldEveryMs: bad as never }), expected('predict'));
  }
});

test('an aborted signal stops fit after the current step; the partial epoch is not recorded nor passed to onEpochEnd', async () => {
  const model = smallClassifier();
  const controller = new AbortController();
  const epochsEnded: number[] = [];
  let trainEnded = false;
  const history = await model.fit(zeroImages4x4(10), [0, 1, 2, 0, 1, 2, 0, 1, 2, 0], {
    epochs: 5,
    batchSize: 2,
    verbose: 0,
    signal: controller.signal,
    callbacks: [{
      onBatchEnd: (step) => (step === 2 && epochsEnded.length === 1 ? controller.abort() : undefined),
      onEpochEnd: (epoch) => void epochsEnded.push(epoch),
      onTrainEnd: () => void (trainEnded = true),
    }],
  });
  assert.deepEqual(history.interrupted, { epoch: 1, step: 2, steps: 5 });
  assert.deepEqual(history.epoch, [0]);
  assert.deepEqual(epochsEnded, [0]);
  assert.equal(trainEnded, true);
});

test('fit refuses a signal that is not an AbortSignal', async () => {
  const model = smallClassifier();
  await assert.rejects(model.fit(zeroImages4x4(2), [0, 1], { verbose: 0, signal: { aborted: true } as never }),
    (e: unknown) => e instanceof ConfigError && /fit\(\) expects signal to be an AbortSignal \(from new AbortController\(\)\.signal\); received an object\./.test(e.message));
});

test('EventLoopTurns: never due when off; a turn lets a due timer run', async () => {
  assert.equal(new EventLoopTurns(false).due(), false);
  const turns = new EventLoopTurns(1e-9);
  let fired = false;
  setTimeout(() => (fired = true), 0);
  const until = Date.now() + 5;
  while (Date.now() < until); // the timer is due, but only a macrotask turn lets it run
  assert.equal(turns.due(), true);
  // Two turns: a first one queued from the poll phase runs in the same loop iteration, before timers;
  // from then on each turn is queued from the check phase and the timers phase comes first.
  await turns.turn();
  await turns.turn();
  assert.equal(fired, true);
  assert.equal(turns.count, 2);
});
