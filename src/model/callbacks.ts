/**
 * The fit() callback hook (Keras-shaped) and the History it returns.
 * Every method is optional and may be async; fit awaits it.
 */
import type { Sequential } from './sequential.js';

export type Logs = Record<string, number>;

export interface Callback {
  /** Called once before training with the model being trained (Keras set_model). */
  setModel?(model: Sequential): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

export class History {
  /** Zero-based indices of the epochs that ran. */
  readonly epoch: number[] = [];
  /** Per-metric series, one value per epoch: loss, accuracy, val_loss, val_accuracy. */
  readonly history: Record<string, number[]> = {};
  /** Seconds of wall time per epoch (training + validation). */
  readonly epochSeconds: number[] = [];
  /** Where fit() stopped when its signal was aborted: zero-based epoch and step (the last step that ran), of `steps` per epoch. */
  interrupted: { epoch: number; step: number; steps: number } | undefined;

  constructor(readonly params: { epochs: number; steps: number; batchSize: number; samples: number; seed: number }) {}

  record(epoch: number, logs: Logs, seconds: number): void {
    this.epoch.push(epoch);
    this.epochSeconds.push(seconds);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}
