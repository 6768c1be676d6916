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

export function binaryCrossentropy(fromLogits: boolean, labelSmoothing: number): Loss {
  const keep = 1 - labelSmoothing, spread = labelSmoothing / 2;
  return {
    name: 'binary_crossentropy', sparse: false, fromLogits, labelSmoothing, fusesWithSoftmax: false,
    fromLogitsGrad(_backend, logits, targets, probs, dlogits, rows, cols, gradScale, weights = null) {
      let loss = 0;
      const perOutput = gradScale / cols;
      for (let r = 0; r < rows; r++) {
        const w = weights ? weights[r] : 1;
        let rowLoss = 0;
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const z = logits[i], t = targets[i] * keep + spread;
          rowLoss += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
          const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
          probs[i] = p;
          dlogits[i] = (p - t) * perOutput * w;
        }
        loss += (w * rowLoss) / cols;
      }
      return loss;
    },
    fromSigmoidOutput(probs, targets, dz, rows, cols, gradScale, weights = null) {
      // The loss as from probabilities (clipped, as Keras reports it from an output); the gradient with
      // respect to the sigmoid's input, (p - t), which the clipping would otherwise flatten.
      const loss = this.fromProbabilities(probs, targets, null, rows, cols, gradScale, weights);
      const perOutput = gradScale / cols;
      for (let r = 0; r < rows; r++) {
        const w = weights ? weights[r] : 1;
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          dz[i] = (probs[i] - (targets[i] * keep + spread)) * perOutput * w;
        }
      }
      return loss;
    },
    fromProbabilities(probs, targets, dOutput, rows, cols, gradScale, weights = null) {
      let loss = 0;
      const perOutput = gradScale / cols;
      for (let r = 0; r < rows; r++) {
        const w = weights ? weights[r] : 1;
        let rowLoss = 0;
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const t = targets[i] * keep + spread;
          const p = Math.min(Math.max(probs[i], PROBABILITY_EPSILON), 1 - PROBABILITY_EPSILON);
          rowLoss -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
          if (dOutput) dOutput[i] = (-(t / p) + (1 - t) / (1 - p)) * perOutput * w;
        }
        loss += (w * rowLoss) / cols;
      }
      return loss;
    },
  };
}
