/**
 * The settings a lab run takes: where the data comes from, the backend and
 * random seed, and overrides of the model's recipe. The CLI parses them from
 * its flags (src/cli/common-options.ts); the bench builds them directly.
 */
import type { BackendName } from '../../backend/select-backend.js';
import type { ScheduleKind } from './recipes.js';

export interface DataOptions {
  data?: string;
  trainLimit?: number;
  testLimit?: number;
}

export interface RuntimeOptions {
  backend: BackendName;
  /** Seed of the model's random generator (initialisation, shuffling). */
  seed: number;
}

export interface TrainingOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  schedule?: ScheduleKind;
  beta2?: number;
  validationSplit?: number;
  verbose: 0 | 1 | 2;
}
