/**
 * Regression losses, Keras's: mean_squared_error (mean of (p - t)^2 over the
 * last axis) and mean_absolute_error (mean of |p - t|; its gradient at p = t is
 * 0, as TensorFlow's sign). They read the model's output as it is: there are no
 * logits to fuse with, so fromLogits and labelSmoothing are refused by getLoss.
 * Gradient checks: test/losses/loss-gradients.test.ts.
 */
import type { Loss } from './loss.js';
import { ConvkitError } from '../core/errors.js';

function noLogits(): never {
  // getLoss refuses fromLogits for these losses, so the model never asks.
  throw new ConvkitError('regression losses have no logits form');
}

export function meanSquaredError(): Loss {
  return {
    name: 'mean_squared_error', sparse: false, fromLogits: false, labelSmoothing: 0, fusesWithSoftmax: false,
    fromLogitsGrad: noLogits,
    fromProbabilities(output, targets, dOutput, rows, cols, gradScale, weights = null) {
      let loss = 0;
      const scale = (2 * gradScale) / cols;
      for (let r = 0; r < rows; r++) {
        const w = weights ? weights[r] : 1;
        let rowLoss = 0;
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const d = output[i] - targets[i];
          rowLoss += d * d;
          if (dOutput) dOutput[i] = d * scale * w;
        }
        loss += (w * rowLoss) / cols;
      }
      return loss;
    },
  };
}

export function meanAbsoluteError(): Loss {
  return {
    name: 'mean_absolute_error', sparse: false, fromLogits: false, labelSmoothing: 0, fusesWithSoftmax: false,
    fromLogitsGrad: noLogits,
    fromProbabilities(output, targets, dOutput, rows, cols, gradScale, weights = null) {
      let loss = 0;
      const scale = gradScale / cols;
      for (let r = 0; r < rows; r++) {
        const w = weights ? weights[r] : 1;
        let rowLoss = 0;
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const d = output[i] - targets[i];
          rowLoss += Math.abs(d);
          if (dOutput) dOutput[i] = Math.sign(d) * scale * w;
        }
        loss += (w * rowLoss) / cols;
      }
      return loss;
    },
  };
}
