/**
 * EarlyStopping (Keras 3 semantics): stop fit() when the monitored quantity
 * has not improved by more than minDelta for `patience` epochs; optionally put
 * back the weights of the best epoch when training ends.
 */
import type { Tensor } from '../../core/tensor.js';
import type { Callback, Logs } from '../callbacks.js';
import type { Sequential } from '../sequential.js';
import { isImprovement, monitoredValue, nonNegativeNumber, resolveMode, type MonitorMode } from './monitor.js';
import { ConfigError } from '../../core/errors.js';
import { quoteValue } from '../../core/quote-value.js';
import { checkBoolean, checkKnownKeys, checkNonNegativeInteger, optionKeys } from '../../core/check-options.js';

export interface EarlyStoppingOptions {
  /** Logged quantity to watch (default 'val_loss'). */
  monitor?: string;
  /** A change smaller than this is not an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  mode?: MonitorMode;
  /** The run must beat this value before patience is reset (default: none). */
  baseline?: number;
  /** At the end of training, restore the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching at all, for a warm-up (default 0). */
  startFromEpoch?: number;
}

export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Best monitored value so far, and the zero-based epoch it came from. */
  best: number | undefined;
  bestEpoch = -1;
  /** Zero-based epoch at which training was stopped, or -1. */
  stoppedEpoch = -1;
  private wait = 0;
  private bestWeights: Tensor[] | undefined;
  private model: Sequential | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    checkKnownKeys('EarlyStopping', options, optionKeys<EarlyStoppingOptions>({
      monitor: true, minDelta: true, patience: true, mode: true, baseline: true, restoreBestWeights: true, startFromEpoch: true,
    }));
    this.monitor = options.monitor ?? 'val_loss';
    if (typeof this.monitor !== 'string' || this.monitor === '') throw new ConfigError(`EarlyStopping expects monitor to be a logged name such as 'val_loss'; received ${quoteValue(options.monitor)}.`);
    this.minDelta = nonNegativeNumber('EarlyStopping', 'minDelta', options.minDelta ?? 0);
    // Counts of epochs, integers as in Keras: a fractional patience would silently round up.
    this.patience = checkNonNegativeInteger('EarlyStopping', 'patience', options.patience ?? 0);
    this.startFromEpoch = checkNonNegativeInteger('EarlyStopping', 'startFromEpoch', options.startFromEpoch ?? 0);
    this.mode = resolveMode('EarlyStopping', this.monitor, options.mode ?? 'auto');
    if (options.baseline !== undefined && !Number.isFinite(options.baseline)) throw new ConfigError(`EarlyStopping expects baseline to be a finite number; received ${quoteValue(options.baseline)}.`);
    this.baseline = options.baseline;
    this.restoreBestWeights = checkBoolean('EarlyStopping', 'restoreBestWeights', options.restoreBestWeights ?? false);
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.best = undefined;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.bestWeights = undefined;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    if (epoch < this.startFromEpoch) return;
    const current = monitoredValue('EarlyStopping', this.monitor, logs);
    const model = this.model!;
    // Until some epoch improves, the first watched epoch's weights stand in as the best.
    if (this.restoreBestWeights && !this.bestWeights) this.bestWeights = model.getWeights();
    this.wait++;
    if (isImprovement(this.mode, current, this.best, this.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = model.getWeights();
      // Patience restarts only once the run also beats the baseline.
      if (this.baseline === undefined || isImprovement(this.mode, current, this.baseline, this.minDelta)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights) this.model!.setWeights(this.bestWeights);
  }
}
