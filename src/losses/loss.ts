/**
 * The loss contract every loss implements, and the constants they share.
 *
 * Per-sample weights (fit's sampleWeight / classWeight) multiply each row's loss
 * and its gradient row; the caller's gradScale stays 1 / N, so the reduction is
 * Keras's "sum_over_batch_size": sum of weighted losses / batch size. A loss
 * that averages over the last axis (binary cross-entropy, mse, mae) does so per
 * row before that, as Keras does.
 */
import type { Backend, FloatArray } from '../backend/backend.js';

export type Targets = Int32Array | FloatArray;

/** One loss weight per row of a batch; null means every weight is 1 (the unweighted path, untouched). */
export type RowWeights = FloatArray | null;

export const LOSS_NAMES = [
  'sparse_categorical_crossentropy', 'categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error', 'mean_absolute_error',
] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** Keras clips probabilities to [epsilon, 1 - epsilon] before taking the log. */
export const PROBABILITY_EPSILON = 1e-7;

export interface Loss {
  readonly name: LossName;
  /** True when targets are class indices (Int32Array of length N). */
  readonly sparse: boolean;
  /** True when the model output is already logits (no softmax / sigmoid in the model). */
  readonly fromLogits: boolean;
  /** Keras's label_smoothing: 0 leaves targets as given. */
  readonly labelSmoothing: number;
  /**
   * True for the categorical cross-entropies: when the model ends in softmax,
   * the model hands them the softmax's logits (fromLogitsGrad) instead of its output.
   */
  readonly fusesWithSoftmax: boolean;
  /**
   * Sum of the loss over rows, and dL/dlogits scaled by gradScale; probs receives the
   * probabilities (softmax or sigmoid of the logits).
   * With weights, row r's loss and gradient row are multiplied by weights[r] (the sum is weighted).
   */
  /**
   * Binary cross-entropy only: the loss from a sigmoid output, and dL/dz (z: the sigmoid's input) scaled by
   * gradScale, which is (p - t) without clipping; the model then back-propagates from the layer's pre-activation.
   */
  fromSigmoidOutput?(probs: FloatArray, targets: Targets, dz: FloatArray, rows: number, cols: number, gradScale: number, weights?: RowWeights): number;
  fromLogitsGrad(backend: Backend, logits: FloatArray, targets: Targets, probs: FloatArray, dlogits: FloatArray, rows: number, cols: number, gradScale: number, weights?: RowWeights): number;
  /** Sum of the loss over rows from the model output, and dL/doutput scaled by gradScale (dOutput may be null); weighted as above. */
  fromProbabilities(probs: FloatArray, targets: Targets, dOutput: FloatArray | null, rows: number, cols: number, gradScale: number, weights?: RowWeights): number;
}
