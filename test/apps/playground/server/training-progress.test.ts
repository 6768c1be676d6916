/**
 * The worker's progress callback: reports evenly through each epoch (the last
 * step always), fractional epochs, images/s and the time left, the weights
 * with each report when asked, and no epoch-end point for a stopped epoch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDenseBaseline } from '../../../../src/apps/lab/lab-models.js';
import { TrainingProgress } from '../../../../src/apps/playground/server/training-progress.js';
import type { WorkerMessage } from '../../../../src/apps/playground/server/training-messages.js';

function drive(perEpoch: number, stopAt?: [number, number]): WorkerMessage[] {
  const model = createDenseBaseline({ inputShape: [2, 2, 1], classes: 2, seed: 1, backend: 'reference' });
  const posted: WorkerMessage[] = [];
  const progress = new TrainingProgress({ model: 'dense', epochs: 2, stepsPerEpoch: 10, batchSize: 8, trainImages: 75, perEpoch, sendWeights: true }, (m) => posted.push(m));
  progress.setModel(model);
  for (let epoch = 0; epoch < 2; epoch++) {
    progress.onEpochBegin(epoch);
    for (let step = 0; step < 10; step++) {
      progress.onBatchEnd(step, { loss: 1 / (step + 1), accuracy: step / 10 });
      if (stopAt && stopAt[0] === epoch && stopAt[1] === step) {
        model.stopTraining = true;
        break;
      }
    }
    progress.onEpochEnd(epoch, { loss: 0.5, accuracy: 0.5, val_loss: 0.6, val_accuracy: 0.4 });
    if (model.stopTraining) break;
  }
  return posted;
}

test('reports perEpoch times an epoch at fractional epochs, each with the weights, and validation metrics at epoch ends', () => {
  const posted = drive(3);
  const progress = posted.filter((m) => m.type === 'progress');
  // 10 steps, 3 reports asked: every 3rd step, and the last step always.
  assert.deepEqual(progress.map((m) => m.type === 'progress' && m.epoch), [0.3, 0.6, 0.9, 1, 1.3, 1.6, 1.9, 2]);
  assert.equal(posted.filter((m) => m.type === 'weights').length, progress.length);
  const weights = posted.find((m) => m.type === 'weights');
  assert.ok(weights?.type === 'weights' && weights.arrays.length === 4 && weights.arrays[0] instanceof Float32Array);
  const last = progress.at(-1)!;
  assert.ok(last.type === 'progress' && last.etaSeconds === 0 && last.imagesPerSecond > 0);
  const first = progress[0];
  assert.ok(first.type === 'progress' && first.etaSeconds > 0, 'time left while images remain');
  assert.deepEqual(posted.filter((m) => m.type === 'epoch'), [
    { type: 'epoch', model: 'dense', epoch: 1, loss: 0.5, accuracy: 0.5, valLoss: 0.6, valAccuracy: 0.4 },
    { type: 'epoch', model: 'dense', epoch: 2, loss: 0.5, accuracy: 0.5, valLoss: 0.6, valAccuracy: 0.4 },
  ]);
});

test('a stopped epoch gets no epoch-end point', () => {
  const posted = drive(10, [0, 4]);
  assert.equal(posted.filter((m) => m.type === 'epoch').length, 0);
  assert.equal(posted.filter((m) => m.type === 'progress').length, 5);
});
