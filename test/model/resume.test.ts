/**
 * Resume: a run interrupted after epoch 2 of 4 and continued from its
 * checkpoint ends with weights bit-identical to the uninterrupted run. Every
 * source of state is exercised: Adam's slots and step count, the generator
 * (per-epoch shuffle and dropout masks), and a learning-rate schedule that is
 * a function of the epoch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LearningRateScheduler, ModelCheckpoint, Sequential, Tensor, cosineDecay, layers, loadModelFile, type Callback } from '../../src/index.js';
import { Random } from '../../src/core/random.js';

const EPOCHS = 4;

function model(): Sequential {
  const m = new Sequential([
    layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 8, activation: 'relu' }),
    layers.dropout({ rate: 0.3 }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { backend: 'reference', seed: 42 });
  m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

const random = new Random(9);
const x = new Tensor(new Float32Array(50 * 36).map(() => random.next()), [50, 6, 6, 1]);
const y = Int32Array.from({ length: 50 }, () => random.int(3));
// Batch 8 over 40 training samples: 5 steps per epoch; the last 10 samples validate.
const fitOptions = { batchSize: 8, validationSplit: 0.2, verbose: 0 as const };
const schedule = () => new LearningRateScheduler(cosineDecay(0.01, EPOCHS));

/** Stops fit() after the given number of epochs, as a killed process would (the checkpoint already written). */
function interruptAfter(epochs: number): Callback {
  let target: Sequential;
  return { setModel: (m) => { target = m; }, onEpochEnd: (epoch) => { if (epoch + 1 === epochs) target.stopTraining = true; } };
}

test('interrupted after epoch 2 of 4 and resumed: bit-identical weights, optimizer state and history', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-resume-'));
  try {
    const whole = model();
    const wholeHistory = await whole.fit(x, y, { ...fitOptions, epochs: EPOCHS, callbacks: [schedule()] });

    const path = join(dir, 'ckpt.safetensors');
    const first = model();
    await first.fit(x, y, { ...fitOptions, epochs: EPOCHS, callbacks: [schedule(), new ModelCheckpoint(path), interruptAfter(2)] });
    // The interrupted run really stopped short: its weights differ from the finished run's.
    assert.notDeepEqual(first.getWeights().map((t) => t.data), whole.getWeights().map((t) => t.data));

    const { model: resumed, epoch } = await loadModelFile(path, { backend: 'reference' });
    assert.equal(epoch, 2);
    const resumedHistory = await resumed.fit(x, y, { ...fitOptions, epochs: EPOCHS, initialEpoch: epoch, callbacks: [schedule()] });

    assert.deepEqual(resumedHistory.epoch, [2, 3]);
    const weights = resumed.getWeights();
    whole.getWeights().forEach((w, i) => assert.deepEqual(weights[i].data, w.data, `weight ${resumed.weights()[i].name} differs`));
    assert.equal(resumed.optimizer?.iterations, whole.optimizer?.iterations);
    assert.equal(resumed.optimizer?.learningRate, whole.optimizer?.learningRate);
    assert.deepEqual(resumed.random.getState(), whole.random.getState());
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) {
      assert.deepEqual(resumedHistory.history[key], wholeHistory.history[key].slice(2), key);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fit refuses a negative or fractional initialEpoch, and runs nothing when it is already at epochs', async () => {
  await assert.rejects(model().fit(x, y, { epochs: 2, initialEpoch: -1 }), /fit\(\) expects initialEpoch to be a non-negative integer; received -1/);
  await assert.rejects(model().fit(x, y, { epochs: 2, initialEpoch: 0.5 }), /received 0\.5/);
  const m = model();
  const before = m.getWeights().map((t) => t.data);
  const history = await m.fit(x, y, { ...fitOptions, epochs: 2, initialEpoch: 2 });
  assert.deepEqual(history.epoch, []);
  assert.deepEqual(m.getWeights().map((t) => t.data), before);
});
