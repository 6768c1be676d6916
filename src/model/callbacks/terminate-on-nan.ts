/**
 * TerminateOnNaN: stops fit() at the first batch whose loss is NaN or
 * infinite, and says where it happened (epoch and step, both from 1, as the
 * progress bar counts). The running mean fit() reports turns non-finite at
 * the first bad batch, so that is the step named.
 */
import type { Callback, Logs } from '../callbacks.js';
import type { Sequential } from '../sequential.js';

export interface NonFiniteLoss {
  /** Zero-based epoch and step, as fit() passes them to callbacks. */
  epoch: number;
  step: number;
  loss: number;
}

export class TerminateOnNaN implements Callback {
  /** Where training was stopped, if it was. */
  stoppedAt: NonFiniteLoss | undefined;
  private model: Sequential | undefined;
  private epoch = 0;
  private readonly log: (line: string) => void;

  constructor(options: { log?: (line: string) => void } = {}) {
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
    const loss = logs.loss;
    if (typeof loss !== 'number' || Number.isFinite(loss) || this.stoppedAt) return;
    this.stoppedAt = { epoch: this.epoch, step, loss };
    this.log(`Epoch ${this.epoch + 1}, step ${step + 1}: the loss is ${loss}; terminating training. Try a lower learning rate, or check the inputs for NaN or huge values.`);
    this.model!.stopTraining = true;
  }
}
