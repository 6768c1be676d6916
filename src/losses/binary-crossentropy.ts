/**
 * Binary cross-entropy, Keras's: each output is the probability (or, with
 * fromLogits, the logit) of an independent yes/no, the loss of a row is the mean
 * over its outputs, and label smoothing pulls targets toward 0.5:
 * t * (1 - s) + s / 2.
 *
 * From probabilities, p is clipped to [1e-7, 1 - 1e-7] before the log, as Keras
 * does. From logits, the stable form max(z, 0) - z t + log(1 + exp(-|z|)) is
 * used, whose gradient is sigmoid(z) - t. Gradient checks:
 * test/losses/loss-gradients.test.ts.
 */
import { PROBABILITY_EPSILON, type Loss } from './loss.js';
import { sumOfRowMeans } from './row-mean-loss.js';

export function binaryCrossentropy(fromLogits: boolean, labelSmoothing: number): Loss {
  const keep = 1 - labelSmoothing, spread = labelSmoothing / 2;
  /** Keras clips a probability to [1e-7, 1 - 1e-7] before the log. */
  const clip = (p: number): number => Math.min(Math.max(p, PROBABILITY_EPSILON), 1 - PROBABILITY_EPSILON);
  /** One output's loss from its clipped probability p and smoothed target t. */
  const lossOf = (p: number, t: number): number => -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
  return {
    name: 'binary_crossentropy', sparse: false, fromLogits, labelSmoothing, fusesWithSoftmax: false,
    fromLogitsGrad(_backend, logits, targets, probs, dlogits, rows, cols, gradScale, weights = null) {
      return sumOfRowMeans(rows, cols, gradScale, weights, (i, gradWeight) => {
        const z = logits[i], t = targets[i] * keep + spread;
        const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        probs[i] = p;
        dlogits[i] = (p - t) * gradWeight;
        return Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
      });
    },
    fromSigmoidOutput(probs, targets, dz, rows, cols, gradScale, weights = null) {
      // The loss as from probabilities (clipped, as Keras reports it from an output); the gradient with
      // respect to the sigmoid's input, (p - t), which the clipping would otherwise flatten.
      return sumOfRowMeans(rows, cols, gradScale, weights, (i, gradWeight) => {
        const t = targets[i] * keep + spread;
        dz[i] = (probs[i] - t) * gradWeight;
        return lossOf(clip(probs[i]), t);
      });
    },
    fromProbabilities(probs, targets, dOutput, rows, cols, gradScale, weights = null) {
      return sumOfRowMeans(rows, cols, gradScale, weights, (i, gradWeight) => {
        const t = targets[i] * keep + spread, p = clip(probs[i]);
        if (dOutput) dOutput[i] = (-(t / p) + (1 - t) / (1 - p)) * gradWeight;
        return lossOf(p, t);
      });
    },
  };
}
