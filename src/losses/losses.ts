/**
 * Cross-entropy losses. Targets are class indices (sparse) or one-hot /
 * probability rows (categorical). When the model ends in softmax, the loss is
 * fused with it: computed from the logits by log-sum-exp, and its gradient with
 * respect to the logits is simply (p - target) / N, stable for any logit size.
 */
import type { Backend, FloatArray } from '../backend/backend.js';

export type Targets = Int32Array | FloatArray;

export const LOSS_NAMES = ['sparse_categorical_crossentropy', 'categorical_crossentropy'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** Keras clips probabilities to [epsilon, 1 - epsilon] before taking the log. */
const PROBABILITY_EPSILON = 1e-7;

export interface Loss {
  readonly name: LossName;
  /** True when targets are class indices (Int32Array of length N). */
  readonly sparse: boolean;
  /** True when the model output is already logits (no softmax in the model). */
  readonly fromLogits: boolean;
  /** Sum of the loss over rows, and dL/dlogits scaled by gradScale; probs receives softmax(logits). */
  fromLogitsGrad(backend: Backend, logits: FloatArray, targets: Targets, probs: FloatArray, dlogits: FloatArray, rows: number, cols: number, gradScale: number): number;
  /** Sum of the loss over rows from probabilities, and dL/dprobs scaled by gradScale (dOutput may be null). */
  fromProbabilities(probs: FloatArray, targets: Targets, dOutput: FloatArray | null, rows: number, cols: number, gradScale: number): number;
}

function targetAt(targets: Targets, sparse: boolean, row: number, col: number, cols: number): number {
  return sparse ? (targets[row] === col ? 1 : 0) : targets[row * cols + col];
}

function crossEntropy(name: LossName, sparse: boolean, fromLogits: boolean): Loss {
  return {
    name, sparse, fromLogits,
    fromLogitsGrad(backend, logits, targets, probs, dlogits, rows, cols, gradScale) {
      return sparse
        ? backend.softmaxCrossEntropySparse(logits, targets as Int32Array, probs, dlogits, rows, cols, gradScale)
        : backend.softmaxCrossEntropyDense(logits, targets as FloatArray, probs, dlogits, rows, cols, gradScale);
    },
    fromProbabilities(probs, targets, dOutput, rows, cols, gradScale) {
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const t = targetAt(targets, sparse, r, c, cols);
          const p = Math.min(Math.max(probs[r * cols + c], PROBABILITY_EPSILON), 1 - PROBABILITY_EPSILON);
          if (t !== 0) loss -= t * Math.log(p);
          if (dOutput) dOutput[r * cols + c] = (-t / p) * gradScale;
        }
      }
      return loss;
    },
  };
}

export interface LossOptions {
  fromLogits?: boolean;
}

export function getLoss(value: unknown, options: LossOptions = {}): Loss {
  const name = typeof value === 'string' ? value.toLowerCase() : value;
  const aliases: Record<string, LossName> = {
    sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
    sparsecategoricalcrossentropy: 'sparse_categorical_crossentropy',
    categorical_crossentropy: 'categorical_crossentropy',
    categoricalcrossentropy: 'categorical_crossentropy',
  };
  const resolved = typeof name === 'string' ? aliases[name.replace(/-/g, '_')] : undefined;
  if (!resolved) {
    throw new Error(`compile() got an unknown loss ${JSON.stringify(value)}; expected one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}.`);
  }
  return crossEntropy(resolved, resolved === 'sparse_categorical_crossentropy', options.fromLogits ?? false);
}
