/**
 * Cross-entropy losses. Targets are class indices (sparse) or one-hot /
 * probability rows (categorical). When the model ends in softmax, the loss is
 * fused with it: computed from the logits by log-sum-exp, and its gradient with
 * respect to the logits is simply (p - target) / N, stable for any logit size.
 *
 * Per-sample weights (fit's sampleWeight / classWeight) multiply each row's loss
 * and its gradient row; the caller's gradScale stays 1 / N, so the reduction is
 * Keras's "sum_over_batch_size": sum of weighted losses / batch size.
 */
import type { Backend, FloatArray } from '../backend/backend.js';
import { logSumExp } from '../core/log-sum-exp.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';

export type Targets = Int32Array | FloatArray;

/** One loss weight per row of a batch; null means every weight is 1 (the unweighted path, untouched). */
export type RowWeights = FloatArray | null;

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
  /**
   * Sum of the loss over rows, and dL/dlogits scaled by gradScale; probs receives softmax(logits).
   * With weights, row r's loss and gradient row are multiplied by weights[r] (the sum is weighted).
   */
  fromLogitsGrad(backend: Backend, logits: FloatArray, targets: Targets, probs: FloatArray, dlogits: FloatArray, rows: number, cols: number, gradScale: number, weights?: RowWeights): number;
  /** Sum of the loss over rows from probabilities, and dL/dprobs scaled by gradScale (dOutput may be null); weighted as above. */
  fromProbabilities(probs: FloatArray, targets: Targets, dOutput: FloatArray | null, rows: number, cols: number, gradScale: number, weights?: RowWeights): number;
}

function targetAt(targets: Targets, sparse: boolean, row: number, col: number, cols: number): number {
  return sparse ? (targets[row] === col ? 1 : 0) : targets[row * cols + col];
}

/**
 * Weights the output of a fused softmax-cross-entropy kernel on the host: scales
 * each gradient row by its weight and returns the weighted loss sum, recomputed
 * from the logits by log-sum-exp (the kernels return only the unweighted sum).
 * O(rows x cols), no new kernel: both backends share it.
 */
function weightLogitRows(logits: FloatArray, targets: Targets, sparse: boolean, dlogits: FloatArray, rows: number, cols: number, weights: FloatArray): number {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const w = weights[r];
    const base = r * cols;
    const lse = logSumExp(logits, base, cols);
    if (sparse) {
      loss += w * (lse - logits[base + targets[r]]);
    } else {
      for (let c = 0; c < cols; c++) loss += w * (targets[base + c] * (lse - logits[base + c]));
    }
    if (w !== 1) for (let c = 0; c < cols; c++) dlogits[base + c] *= w;
  }
  return loss;
}

function crossEntropy(name: LossName, sparse: boolean, fromLogits: boolean): Loss {
  return {
    name, sparse, fromLogits,
    fromLogitsGrad(backend, logits, targets, probs, dlogits, rows, cols, gradScale, weights = null) {
      const lossSum = sparse
        ? backend.softmaxCrossEntropySparse(logits, targets as Int32Array, probs, dlogits, rows, cols, gradScale)
        : backend.softmaxCrossEntropyDense(logits, targets as FloatArray, probs, dlogits, rows, cols, gradScale);
      return weights ? weightLogitRows(logits, targets, sparse, dlogits, rows, cols, weights) : lossSum;
    },
    fromProbabilities(probs, targets, dOutput, rows, cols, gradScale, weights = null) {
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        // A weight of 1 multiplies exactly, so the unweighted result is unchanged.
        const w = weights ? weights[r] : 1;
        for (let c = 0; c < cols; c++) {
          const t = targetAt(targets, sparse, r, c, cols);
          const p = Math.min(Math.max(probs[r * cols + c], PROBABILITY_EPSILON), 1 - PROBABILITY_EPSILON);
          if (t !== 0) loss -= w * (t * Math.log(p));
          if (dOutput) dOutput[r * cols + c] = (-t / p) * gradScale * w;
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
    throw new ConfigError(`compile() got an unknown loss ${quoteValue(value)}; expected one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}.`);
  }
  return crossEntropy(resolved, resolved === 'sparse_categorical_crossentropy', options.fromLogits ?? false);
}
