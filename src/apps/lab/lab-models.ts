/**
 * The lab's two models: the classic Conv-Pool-Conv-Pool-Dense-Dense CNN and
 * the Dense baseline 784 -> 128 -> 10, both compiled as the lab compiles them
 * (adam, sparse categorical cross-entropy, accuracy).
 */
import type { BackendChoice } from '../../backend/select-backend.js';
import * as layers from '../../layers/index.js';
import { Adam } from '../../optimizers/optimizer.js';
import { Sequential } from '../../model/sequential.js';
import { ConfigError } from '../../core/errors.js';
import { quoteValue } from '../../core/quote-value.js';

export const MODEL_KINDS = ['cnn', 'dense'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export interface LabModelOptions {
  /** Per-sample input shape, default [28, 28, 1]. */
  inputShape?: [number, number, number];
  classes?: number;
  seed?: number;
  backend?: BackendChoice;
  learningRate?: number;
  /** Adam's beta_2 (default 0.999, Keras's). */
  beta2?: number;
}

export function createLabCnn(options: LabModelOptions = {}): Sequential {
  const model = new Sequential(
    [
      layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: options.inputShape ?? [28, 28, 1] }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 128, activation: 'relu' }),
      layers.dense({ units: options.classes ?? 10, activation: 'softmax' }),
    ],
    { name: 'cnn', seed: options.seed, backend: options.backend },
  );
  compileForClassification(model, options);
  return model;
}

export function createDenseBaseline(options: LabModelOptions = {}): Sequential {
  const model = new Sequential(
    [
      layers.flatten({ inputShape: options.inputShape ?? [28, 28, 1] }),
      layers.dense({ units: 128, activation: 'relu' }),
      layers.dense({ units: options.classes ?? 10, activation: 'softmax' }),
    ],
    { name: 'dense_baseline', seed: options.seed, backend: options.backend },
  );
  compileForClassification(model, options);
  return model;
}

function compileForClassification(model: Sequential, { learningRate = 0.001, beta2 }: LabModelOptions): void {
  model.compile({ optimizer: new Adam({ learningRate, beta2 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
}

export function createLabModel(kind: ModelKind, options: LabModelOptions = {}): Sequential {
  if (kind === 'cnn') return createLabCnn(options);
  if (kind === 'dense') return createDenseBaseline(options);
  throw new ConfigError(`Unknown model ${quoteValue(kind)}; expected one of ${MODEL_KINDS.map((k) => `'${k}'`).join(', ')}.`);
}
