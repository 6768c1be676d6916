/**
 * Stop takes effect within one training step: the flag set during a batch
 * (as the server sets it, from another thread) ends fit() after that batch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { Tensor } from '../../../../src/core/tensor.js';
import { createDenseBaseline } from '../../../../src/apps/lab/lab-models.js';
import { StopFlag, StopOnFlag } from '../../../../src/apps/playground/server/stop-flag.js';
import type { Callback } from '../../../../src/model/callbacks.js';

test('a flag set during batch 2 ends fit() right after batch 2: no further step, no further epoch', async () => {
  const model = createDenseBaseline({ inputShape: [4, 4, 1], classes: 3, seed: 1, backend: 'reference' });
  const x = new Tensor(Float32Array.from({ length: 64 * 16 }, (_, i) => (i % 7) / 7), [64, 4, 4, 1]);
  const y = Int32Array.from({ length: 64 }, (_, i) => i % 3);
  const flag = new StopFlag();
  const batches: number[] = [];
  const counter: Callback = {
    onBatchEnd(batch) {
      batches.push(batch);
      if (batch === 2) flag.set();
    },
  };
  const history = await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, callbacks: [counter, new StopOnFlag(flag)] });
  assert.deepEqual(batches, [0, 1, 2]);
  assert.equal(history.epoch.length, 1);
});

test('the flag is shared: set in one thread, it is seen in another', async () => {
  const flag = new StopFlag();
  const worker = new Worker('const { workerData, parentPort } = require("node:worker_threads"); Atomics.store(new Int32Array(workerData, 0, 1), 0, 1); parentPort.postMessage("set");', { eval: true, workerData: flag.buffer });
  await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
  assert.equal(flag.isSet, true);
  assert.equal(new StopFlag().isSet, false);
});
