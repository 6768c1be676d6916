/**
 * LearningRateScheduler: sets the optimizer's learning rate at the start of
 * each epoch from schedule(epoch, currentRate), as Keras does. Ready-made
 * schedules below; the training recipe uses cosine decay.
 */
import type { Callback, Logs } from './callbacks.js';
import type { Sequential } from './sequential.js';

export type Schedule = (epoch: number, learningRate: number) => number;

export class LearningRateScheduler implements Callback {
  private model: Sequential | undefined;

  constructor(private readonly schedule: Schedule) {}

  setModel(model: Sequential): void {
    this.model = model;
  }

  onEpochBegin(epoch: number, _logs: Logs): void {
    const optimizer = this.model?.optimizer;
    if (!optimizer) return;
    const rate = this.schedule(epoch, optimizer.learningRate);
    if (!(rate > 0) || !Number.isFinite(rate)) {
      throw new Error(`LearningRateScheduler: the schedule returned ${rate} for epoch ${epoch}; expected a positive finite learning rate.`);
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
