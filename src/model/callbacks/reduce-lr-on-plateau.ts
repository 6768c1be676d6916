/**
 * ReduceLROnPlateau (Keras semantics and defaults): when the monitored
 * quantity has not improved by more than minDelta for `patience` epochs,
 * multiply the optimizer's learning rate by `factor` (never below minLr), then
 * wait `cooldown` epochs before counting again.
 *
 * As Keras: mode 'auto' watches for a decrease unless the name contains
 * 'acc'; an improvement is current < best - minDelta ('min') or
 * current > best + minDelta ('max'); a reduction happens only while the rate
 * is above minLr. Tests: test/model/callbacks/reduce-lr-on-plateau.test.ts.
 */
import type { Callback, Logs } from '../callbacks.js';
import type { Sequential } from '../sequential.js';
import type { MonitorMode } from './monitor.js';
import { monitoredValue, nonNegativeNumber } from './monitor.js';
import { ConfigError } from '../../core/errors.js';
import { quoteValue } from '../../core/quote-value.js';
import { checkKnownKeys, checkNonNegativeInteger, optionKeys } from '../../core/check-options.js';

export interface ReduceLROnPlateauOptions {
  /** Logged quantity to watch (default 'val_loss'). */
  monitor?: string;
  /** The rate is multiplied by this, in (0, 1) (default 0.1). */
  factor?: number;
  /** Epochs without improvement before a reduction (default 10). */
  patience?: number;
  /** 'auto' (default), 'min' or 'max'. */
  mode?: MonitorMode;
  /** A change must exceed this to count as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** The rate never goes below this (default 0). */
  minLr?: number;
  /** 1: print a line on each reduction (default 0). */
  verbose?: 0 | 1;
  /** Where a verbose line goes (default console.log). */
  print?: (line: string) => void;
}

const OPTION_KEYS = optionKeys<ReduceLROnPlateauOptions>({
  monitor: true, factor: true, patience: true, mode: true, minDelta: true, cooldown: true, minLr: true, verbose: true, print: true,
});

export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private readonly verbose: 0 | 1;
  private readonly print: (line: string) => void;
  /** Best monitored value so far (Infinity / -Infinity before the first epoch). */
  best = Infinity;
  private wait = 0;
  private cooldownCounter = 0;
  private model: Sequential | undefined;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    checkKnownKeys('ReduceLROnPlateau', options, OPTION_KEYS);
    this.monitor = options.monitor ?? 'val_loss';
    if (typeof this.monitor !== 'string' || this.monitor === '') throw new ConfigError(`ReduceLROnPlateau expects monitor to be a logged name such as 'val_loss'; received ${quoteValue(options.monitor)}.`);
    this.factor = options.factor ?? 0.1;
    // Keras refuses factor >= 1: the rate would never go down.
    if (typeof this.factor !== 'number' || !(this.factor > 0 && this.factor < 1)) {
      throw new ConfigError(`ReduceLROnPlateau expects factor in (0, 1), e.g. 0.1; received ${quoteValue(options.factor)}.`);
    }
    this.patience = checkNonNegativeInteger('ReduceLROnPlateau', 'patience', options.patience ?? 10);
    this.cooldown = checkNonNegativeInteger('ReduceLROnPlateau', 'cooldown', options.cooldown ?? 0);
    this.minDelta = nonNegativeNumber('ReduceLROnPlateau', 'minDelta', options.minDelta ?? 1e-4);
    this.minLr = nonNegativeNumber('ReduceLROnPlateau', 'minLr', options.minLr ?? 0);
    const mode = options.mode ?? 'auto';
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new ConfigError(`ReduceLROnPlateau expects mode to be 'auto', 'min' or 'max'; received ${quoteValue(mode)}.`);
    this.mode = mode === 'min' || (mode === 'auto' && !this.monitor.includes('acc')) ? 'min' : 'max';
    const verbose = options.verbose ?? 0;
    if (verbose !== 0 && verbose !== 1) throw new ConfigError(`ReduceLROnPlateau expects verbose to be 0 or 1; received ${quoteValue(verbose)}.`);
    this.verbose = verbose;
    if (options.print !== undefined && typeof options.print !== 'function') throw new ConfigError(`ReduceLROnPlateau expects print to be a function; received ${quoteValue(options.print)}.`);
    this.print = options.print ?? ((line) => console.log(line));
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  private improves(current: number): boolean {
    return this.mode === 'min' ? current < this.best - this.minDelta : current > this.best + this.minDelta;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const optimizer = this.model?.optimizer;
    if (!optimizer) return;
    const current = monitoredValue('ReduceLROnPlateau', this.monitor, logs);
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.improves(current)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    // As Keras, the cooldown is asked again after the decrement: its last epoch already counts.
    if (this.cooldownCounter > 0) return;
    this.wait++;
    if (this.wait < this.patience) return;
    // Keras compares against min_lr in float32, the optimizer's precision.
    if (optimizer.learningRate > Math.fround(this.minLr)) {
      optimizer.learningRate = Math.max(optimizer.learningRate * this.factor, this.minLr);
      if (this.verbose) this.print(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${optimizer.learningRate}.`);
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }
}
