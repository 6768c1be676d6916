/**
 * LearningRateScheduler: sets the optimizer's learning rate at the start of
 * each epoch from schedule(epoch, currentRate), as Keras does. Ready-made
 * schedules below; the training recipe uses cosine decay.
 */
import type { Callback, Logs } from './callbacks.js';
import type { Sequential } from './sequential.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { checkKnownKeys, optionKeys } from '../core/check-options.js';

export type Schedule = (epoch: number, learningRate: number) => number;

export class LearningRateScheduler implements Callback {
  private model: Sequential | undefined;

  constructor(private readonly schedule: Schedule) {
    if (typeof schedule !== 'function') {
      throw new ConfigError(`LearningRateScheduler expects a schedule function (epoch, learningRate) => rate, such as cosineDecay(0.001, 10); received ${quoteValue(schedule)}.`);
    }
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onEpochBegin(epoch: number, _logs: Logs): void {
    const optimizer = this.model?.optimizer;
    if (!optimizer) return;
    const rate = this.schedule(epoch, optimizer.learningRate);
    if (!(rate > 0) || !Number.isFinite(rate)) {
      throw new ConfigError(`LearningRateScheduler: the schedule returned ${quoteValue(rate)} for epoch ${epoch}; expected a positive finite learning rate.`);
    }
    optimizer.learningRate = rate;
  }
}

/**
 * Half-cosine from `initial` at epoch 0 down to initial * finalFraction at the last epoch.
 * Annealing lets Adam settle into a sharper minimum in the last epochs.
 */
export function cosineDecay(initial: number, epochs: number, finalFraction = 0.05): Schedule {
  return (epoch) => {
    const progress = epochs > 1 ? epoch / (epochs - 1) : 0;
    const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return initial * (finalFraction + (1 - finalFraction) * cosine);
  };
}

/**
 * A per-step schedule (Keras's CosineDecay with warmup, set each training
 * step rather than each epoch): a linear warmup from ~0 to `peak` over the
 * first `warmupFraction` of the run, then a half-cosine down to
 * peak * finalFraction at the last step. Short runs need this: with only a few
 * epochs a per-epoch schedule is too coarse to anneal, and a warmup lets Adam
 * start at a higher rate without its early, noisy second-moment estimates
 * throwing the weights off.
 *
 * The step is derived from the epoch and batch indices that fit() reports, so a
 * run resumed from a checkpoint at an epoch boundary follows the same rates.
 */
export interface WarmupCosineOptions {
  peak: number;
  epochs: number;
  stepsPerEpoch: number;
  /** Fraction of all steps spent warming up (default 0.1). */
  warmupFraction?: number;
  /** Final rate as a fraction of the peak (default 0.01). */
  finalFraction?: number;
}

export function warmupCosineRate(step: number, options: WarmupCosineOptions): number {
  const total = options.epochs * options.stepsPerEpoch;
  const warmup = Math.floor(total * (options.warmupFraction ?? 0.1));
  const final = options.finalFraction ?? 0.01;
  if (step < warmup) return (options.peak * (step + 1)) / warmup;
  const progress = total - warmup > 1 ? Math.min(1, (step - warmup) / (total - warmup - 1)) : 1;
  return options.peak * (final + (1 - final) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

export class WarmupCosineScheduler implements Callback {
  private model: Sequential | undefined;
  private epoch = 0;

  constructor(private readonly options: WarmupCosineOptions) {
    checkKnownKeys('WarmupCosineScheduler', options, optionKeys<WarmupCosineOptions>({ peak: true, epochs: true, stepsPerEpoch: true, warmupFraction: true, finalFraction: true }));
    const { peak, epochs, stepsPerEpoch } = options;
    if (!(peak > 0) || !Number.isFinite(peak)) throw new ConfigError(`WarmupCosineScheduler expects a positive finite peak learning rate; received ${quoteValue(peak)}.`);
    for (const [name, value] of [['epochs', epochs], ['stepsPerEpoch', stepsPerEpoch]] as const) {
      if (!Number.isInteger(value) || value <= 0) throw new ConfigError(`WarmupCosineScheduler expects ${name} to be a positive integer; received ${quoteValue(value)}.`);
    }
    const warmup = options.warmupFraction ?? 0.1, final = options.finalFraction ?? 0.01;
    if (!(warmup >= 0 && warmup < 1)) throw new ConfigError(`WarmupCosineScheduler expects warmupFraction in [0, 1); received ${quoteValue(warmup)}.`);
    if (!(final > 0 && final <= 1)) throw new ConfigError(`WarmupCosineScheduler expects finalFraction in (0, 1]; received ${quoteValue(final)}.`);
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  private setRate(step: number): void {
    if (this.model?.optimizer) this.model.optimizer.learningRate = warmupCosineRate(step, this.options);
  }

  onEpochBegin(epoch: number, _logs: Logs): void {
    this.epoch = epoch;
    this.setRate(epoch * this.options.stepsPerEpoch);
  }

  /** Sets the rate of the next step (fit() has no batch-begin hook; this runs right before it). */
  onBatchEnd(batch: number, _logs: Logs): void {
    this.setRate(this.epoch * this.options.stepsPerEpoch + batch + 1);
  }
}
