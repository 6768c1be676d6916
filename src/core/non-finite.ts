/**
 * The first NaN or infinite value of a weight or optimizer buffer. A NaN
 * weight hides behind ReLU (which maps it to 0): the loss looks normal while
 * the model predicts the same thing for every input, so loaders, savers and
 * training look at the values themselves, not only at the loss.
 */
import type { FloatArray } from '../backend/backend.js';

/** Index of the first non-finite value, or -1 when every value is finite. */
export function firstNonFinite(values: FloatArray | ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    // x - x is 0 for every finite x and NaN for NaN and +/-Infinity: one subtraction, no call.
    const v = values[i];
    if (v - v !== 0) return i;
  }
  return -1;
}
