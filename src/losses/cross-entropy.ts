/**
 * Categorical cross-entropies. Targets are class indices (sparse) or one-hot /
 * probability rows (categorical). When the model ends in softmax, the loss is
 * fused with it: computed from the logits by log-sum-exp, and its gradient with
 * respect to the logits is simply (p - target) / N, stable for any logit size.
 *
 * Label smoothing (categorical only) is Keras's: targets become
 * t * (1 - s) + s / classes, written into a scratch buffer reused across steps
 * so the fused kernel reads them as any probability rows. Keras's
 * SparseCategoricalCrossentropy has no label_smoothing, so neither has the sparse loss
 * (getLoss refuses it: test/losses/losses.test.ts).
 */
import type { FloatArray } from '../backend/backend.js';
import { batchBuffer } from '../core/batch-buffer.js';
import { logSumExp } from '../core/log-sum-exp.js';
import { PROBABILITY_EPSILON, type Loss, type LossName, type Targets } from './loss.js';

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

export function crossEntropy(name: LossName, sparse: boolean, fromLogits: boolean, labelSmoothing: number): Loss {
  let smoothed: FloatArray | undefined;
  /** The targets the loss reads: the given ones, or their smoothed copy (no copy when smoothing is 0). */
  const effectiveTargets = (targets: Targets, rows: number, cols: number): Targets => {
    if (sparse || labelSmoothing === 0) return targets;
    const n = rows * cols;
    const type = targets instanceof Float64Array ? Float64Array : Float32Array;
    smoothed = batchBuffer(smoothed, n, type, (size) => new type(size));
    const keep = 1 - labelSmoothing, spread = labelSmoothing / cols;
    for (let i = 0; i < n; i++) smoothed[i] = targets[i] * keep + spread;
    return smoothed;
  };
  return {
    name, sparse, fromLogits, labelSmoothing, fusesWithSoftmax: true,
    fromLogitsGrad(backend, logits, targets, probs, dlogits, rows, cols, gradScale, weights = null) {
      const t = effectiveTargets(targets, rows, cols);
      const lossSum = sparse
        ? backend.softmaxCrossEntropySparse(logits, t as Int32Array, probs, dlogits, rows, cols, gradScale)
        : backend.softmaxCrossEntropyDense(logits, t as FloatArray, probs, dlogits, rows, cols, gradScale);
      return weights ? weightLogitRows(logits, t, sparse, dlogits, rows, cols, weights) : lossSum;
    },
    fromProbabilities(probs, targets, dOutput, rows, cols, gradScale, weights = null) {
      const t = effectiveTargets(targets, rows, cols);
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        // A weight of 1 multiplies exactly, so the unweighted result is unchanged.
        const w = weights ? weights[r] : 1;
        for (let c = 0; c < cols; c++) {
          const target = targetAt(t, sparse, r, c, cols);
          const p = Math.min(Math.max(probs[r * cols + c], PROBABILITY_EPSILON), 1 - PROBABILITY_EPSILON);
          if (target !== 0) loss -= w * (target * Math.log(p));
          if (dOutput) dOutput[r * cols + c] = (-target / p) * gradScale * w;
        }
      }
      return loss;
    },
  };
}
