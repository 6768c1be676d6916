/**
 * Regression losses, Keras's: mean_squared_error (mean of (p - t)^2 over the
 * last axis) and mean_absolute_error (mean of |p - t|; its gradient at p = t is
 * 0, as TensorFlow's sign). They read the model's output as it is: there are no
 * logits to fuse with, so fromLogits and labelSmoothing are refused by getLoss.
 * Gradient checks: test/losses/loss-gradients.test.ts.
 */
import type { Loss } from './loss.js';
import { sumOfRowMeans } from './row-mean-loss.js';
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
      return sumOfRowMeans(rows, cols, gradScale, weights, (i, gradWeight) => {
        const d = output[i] - targets[i];
        if (dOutput) dOutput[i] = 2 * d * gradWeight;
        return d * d;
      });
    },
  };
}

export function meanAbsoluteError(): Loss {
  return {
    name: 'mean_absolute_error', sparse: false, fromLogits: false, labelSmoothing: 0, fusesWithSoftmax: false,
    fromLogitsGrad: noLogits,
    fromProbabilities(output, targets, dOutput, rows, cols, gradScale, weights = null) {
      return sumOfRowMeans(rows, cols, gradScale, weights, (i, gradWeight) => {
        const d = output[i] - targets[i];
        if (dOutput) dOutput[i] = Math.sign(d) * gradWeight;
        return Math.abs(d);
      });
    },
  };
}
