/**
 * Activation functions as layers use them: applied in place after the bias,
 * and differentiated from the activation OUTPUT (so no pre-activation copy is
 * kept, except for softmax, whose logits the fused cross-entropy needs).
 */
import type { Backend, FloatArray } from '../backend/backend.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';

export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export function parseActivation(layer: string, value: unknown): ActivationName {
  const name = value === undefined || value === null ? 'linear' : value;
  if (typeof name !== 'string' || !(ACTIVATIONS as readonly string[]).includes(name)) {
    throw new ConfigError(
      `${layer} got an unknown activation ${quoteValue(value)}; expected one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}.`,
    );
  }
  return name as ActivationName;
}

/**
 * y = activation(y + bias) in place on y[rows, cols]. For softmax the
 * pre-softmax values are copied to `logits` first (the loss can then use the
 * stable log-sum-exp form instead of log(probability)).
 */
export function applyBiasActivation(
  backend: Backend, activation: ActivationName, y: FloatArray, bias: FloatArray | null,
  rows: number, cols: number, logits: FloatArray | null,
): void {
  if (activation !== 'softmax') {
    backend.biasActivation(y, bias, rows, cols, activation);
    return;
  }
  backend.biasActivation(y, bias, rows, cols, 'linear');
  if (logits) logits.set(y.subarray(0, rows * cols));
  backend.softmax(y, y, rows, cols);
}

/** dz = dy * activation'(.), computed from the output y; dz may be dy itself. */
export function activationBackprop(
  backend: Backend, activation: ActivationName, y: FloatArray, dy: FloatArray, dz: FloatArray,
  rows: number, cols: number,
): void {
  if (activation === 'softmax') backend.softmaxBackprop(y, dy, dz, rows, cols);
  else backend.activationBackprop(activation, y, dy, dz, rows * cols);
}
