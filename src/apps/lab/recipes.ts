/**
 * Training recipes: the settings under which `convkit train` / `compare`
 * reach the lab's accuracies on MNIST. The architecture stays the lab's (./lab-models.ts);
 * only batch size, epochs and the learning-rate schedule are chosen here.
 * docs/performance.md ("Training recipe") has the measured results.
 */
import type { ModelKind } from './lab-models.js';

export const SCHEDULE_KINDS = ['cosine', 'warmup-cosine', 'constant'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export interface Recipe {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /**
   * 'cosine': half-cosine decay per epoch to 5% of the initial rate over the run;
   * 'warmup-cosine': per step, a linear warmup over the first 10% of steps to the
   * rate, then a half-cosine down to 1% of it; 'constant': none.
   */
  schedule: ScheduleKind;
  /**
   * Adam's beta_2, the decay of its running mean of squared gradients (Keras's
   * default is 0.999). A few-epoch run is better served by a shorter memory:
   * docs/performance.md ("Training recipe") has what each value measured.
   */
  beta2: number;
}

export const RECIPES: Record<ModelKind, Recipe> = {
  cnn: { epochs: 3, batchSize: 128, learningRate: 0.005, schedule: 'warmup-cosine', beta2: 0.98 },
  dense: { epochs: 10, batchSize: 64, learningRate: 0.001, schedule: 'cosine', beta2: 0.999 },
};
