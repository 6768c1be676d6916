/**
 * Activation functions as layers use them: applied in place after the bias,
 * by the backend's kernels. linear, relu, sigmoid and tanh are differentiated
 * from the activation OUTPUT, so no pre-activation copy is kept; softmax keeps
 * its logits, which the fused cross-entropy reads; leaky_relu, elu, gelu and
 * swish keep their pre-activation while training, which their backprop reads
 * (backend.ts: derivesFromInput).
 */
import { derivesFromInput, type Backend, type ElementwiseActivation, type EpilogueActivation, type FloatArray } from '../backend/backend.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';

export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'leaky_relu', 'elu', 'gelu', 'swish'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];
/** Every name a layer's activation option accepts: 'silu' is Keras 3's name of swish, and is stored as 'swish' (TF.js knows only that one). */
export type ActivationIdentifier = ActivationName | 'silu';

/** True when the backward pass needs the pre-activation kept (leaky_relu, elu, gelu, swish). */
export function keepsPreActivation(name: ActivationName): name is Exclude<ElementwiseActivation, EpilogueActivation> {
  return derivesFromInput(name);
}

/** An activation a convolution kernel can apply as its epilogue. */
export function isEpilogueActivation(name: ActivationName): name is EpilogueActivation {
  return name === 'linear' || name === 'relu' || name === 'sigmoid' || name === 'tanh';
}

export function parseActivation(layer: string, value: unknown): ActivationName {
  const given = value === undefined || value === null ? 'linear' : value;
  const name = given === 'silu' ? 'swish' : given;
  if (typeof name !== 'string' || !(ACTIVATIONS as readonly string[]).includes(name)) {
    throw new ConfigError(
      `${layer} got an unknown activation ${quoteValue(value)}; expected one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')} (or 'silu').`,
    );
  }
  return name as ActivationName;
}

/**
 * y = activation(y + bias) in place on y[rows, cols]. The values before the
 * activation are copied to `saved` first when it is given: softmax's logits
 * (the loss can then use the stable log-sum-exp form instead of
 * log(probability)), or the pre-activation a leaky_relu, elu, gelu or swish
 * backward reads.
 */
export function applyBiasActivation(
  backend: Backend, activation: ActivationName, y: FloatArray, bias: FloatArray | null,
  rows: number, cols: number, saved: FloatArray | null,
): void {
  if (!saved && activation !== 'softmax') {
    backend.biasActivation(y, bias, rows, cols, activation);
    return;
  }
  backend.biasActivation(y, bias, rows, cols, 'linear');
  applyActivationAfterBias(backend, activation, y, rows, cols, saved);
}

/** The part of applyBiasActivation after the bias, for a kernel whose epilogue added it. */
export function applyActivationAfterBias(
  backend: Backend, activation: ActivationName, y: FloatArray, rows: number, cols: number, saved: FloatArray | null,
): void {
  if (saved) saved.set(y.subarray(0, rows * cols));
  if (activation === 'softmax') backend.softmax(y, y, rows, cols);
  else if (activation !== 'linear') backend.biasActivation(y, null, rows, cols, activation);
}

/**
 * dz = dy * activation'(.), computed from the output y, or from the saved
 * pre-activation for the activations that keep it; dz may be dy itself.
 */
export function activationBackprop(
  backend: Backend, activation: ActivationName, y: FloatArray, preActivation: FloatArray | undefined, dy: FloatArray, dz: FloatArray,
  rows: number, cols: number,
): void {
  if (activation === 'softmax') backend.softmaxBackprop(y, dy, dz, rows, cols);
  else backend.activationBackprop(activation, keepsPreActivation(activation) ? preActivation! : y, dy, dz, rows * cols);
}
