/**
 * Stop, across threads: the server sets one Int32 in a SharedArrayBuffer and
 * the training worker reads it after every batch, setting model.stopTraining,
 * which fit() checks before the next step. So Stop takes effect within one
 * training step without a message having to reach the worker's busy event
 * loop. Test: test/apps/playground/server/stop-flag.test.ts.
 */
import type { Callback } from '../../../model/callbacks.js';
import type { Sequential } from '../../../model/sequential.js';

export class StopFlag {
  private readonly cell: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer, 0, 1);
  }

  set(): void {
    Atomics.store(this.cell, 0, 1);
  }

  get isSet(): boolean {
    return Atomics.load(this.cell, 0) === 1;
  }
}

/** The fit() callback that ends training after the batch during which the flag was set. */
export class StopOnFlag implements Callback {
  private model: Sequential | undefined;

  constructor(private readonly flag: StopFlag) {}

  setModel(model: Sequential): void {
    this.model = model;
  }

  onBatchEnd(): void {
    if (this.model && this.flag.isSet) this.model.stopTraining = true;
  }
}
