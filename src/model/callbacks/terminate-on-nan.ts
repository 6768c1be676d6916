/**
 * TerminateOnNaN: stops fit() at the first batch whose loss is NaN or
 * infinite, and says where it happened (epoch and step, both from 1, as the
 * progress bar counts). The running mean fit() reports turns non-finite at
 * the first bad batch, so that is the step named.
 *
 * It also stops at the end of an epoch whose weights hold NaN or Infinity
 * while the loss looks fine: ReLU maps NaN to 0, so a NaN kernel upstream of
 * one (a blown-up update, a damaged optimizer slot) leaves the loss finite.
 * The weights are checked once per epoch, not per batch: one pass over the
 * parameters per epoch costs nothing next to the epoch, where a pass per step
 * would add a full read of every weight to the training hot path. Test:
 * test/model/callbacks.test.ts ("weights went NaN behind a ReLU").
 */
import type { Callback, Logs } from '../callbacks.js';
import type { Sequential } from '../sequential.js';
import { firstNonFinite } from '../../core/non-finite.js';
import { checkKnownKeys } from '../../core/check-options.js';

export interface NonFiniteLoss {
  /** Zero-based epoch and step, as fit() passes them to callbacks. */
  epoch: number;
  step: number;
  loss: number;
  /** The first non-finite weight, when the weights (not the loss) stopped training; step is then the epoch's last. */
  weight?: { name: string; index: number; value: number };
}

export class TerminateOnNaN implements Callback {
  /** Where training was stopped, if it was. */
  stoppedAt: NonFiniteLoss | undefined;
  private model: Sequential | undefined;
  private epoch = 0;
  private lastStep = 0;
  private readonly log: (line: string) => void;

  constructor(options: { log?: (line: string) => void } = {}) {
    checkKnownKeys('TerminateOnNaN', options, ['log']);
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.stoppedAt = undefined;
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  onBatchEnd(step: number, logs: Logs): void {
    this.lastStep = step;
    const loss = logs.loss;
    if (typeof loss !== 'number' || Number.isFinite(loss) || this.stoppedAt) return;
    this.stoppedAt = { epoch: this.epoch, step, loss };
    this.log(`Epoch ${this.epoch + 1}, step ${step + 1}: the loss is ${loss}; terminating training. Try a lower learning rate, or check the inputs for NaN or huge values.`);
    this.model!.stopTraining = true;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    if (this.stoppedAt) return;
    for (const weight of this.model!.weights()) {
      const index = firstNonFinite(weight.value);
      if (index < 0) continue;
      const value = weight.value[index];
      this.stoppedAt = { epoch, step: this.lastStep, loss: typeof logs.loss === 'number' ? logs.loss : NaN, weight: { name: weight.name, index, value } };
      this.log(`Epoch ${epoch + 1}: weight "${weight.name}" holds ${value} at index ${index}; terminating training. Try a lower learning rate, or check the inputs for NaN or huge values.`);
      this.model!.stopTraining = true;
      return;
    }
  }
}
