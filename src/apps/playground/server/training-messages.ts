/** What the server asks of the training worker, and what the worker posts back (structured-cloned). */
import type { ModelKind } from '../../lab/lab-models.js';
import type { ConfusionExample, ConfusionView } from './test-set-confusion.js';

export interface TrainRequest {
  models: ModelKind[];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  trainLimit?: number;
  testLimit?: number;
}

/** The worker's workerData. */
export interface WorkerInput {
  request: TrainRequest;
  stopBuffer: SharedArrayBuffer;
  dataDir?: string;
  backend: 'auto' | 'native' | 'reference';
  seed: number;
  validationSplit: number;
  /** Progress messages per epoch (at least one, at the epoch's last step). */
  progressPerEpoch: number;
}

export interface ProgressEvent {
  model: ModelKind;
  /** Fractional: 1.25 is a quarter into the second epoch. */
  epoch: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

export interface EpochEvent {
  model: ModelKind;
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface ComparisonRow {
  model: ModelKind;
  testAccuracy: number;
  /** Test errors per 10,000 images. */
  errors: number;
  params: number;
  trainSeconds: number;
}

export interface Comparison {
  models: ComparisonRow[];
}

export type WorkerMessage =
  | { type: 'started'; backend: string; trainImages: number; testImages: number }
  | ({ type: 'progress' } & ProgressEvent)
  | ({ type: 'epoch' } & EpochEvent)
  | { type: 'weights'; inputShape: number[]; arrays: Float32Array[] }
  | { type: 'confusion'; view: ConfusionView; examples: Array<[string, ConfusionExample[]]> }
  | { type: 'done'; comparison: Comparison }
  | { type: 'stopped'; comparison: Comparison }
  | { type: 'error'; message: string };
