/**
 * Activation functions as layers use them: applied in place after the bias.
 * The backend's kernels (linear, relu, sigmoid, tanh) are differentiated from
 * the activation OUTPUT, so no pre-activation copy is kept; softmax keeps its
 * logits, which the fused cross-entropy reads; the host activations
 * (host-activations.ts: leaky_relu, elu, gelu, swish) keep the pre-activation
 * while training, which their derivatives need.
 */
import type { Backend, ElementwiseActivation, FloatArray } from '../backend/backend.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { applyHostActivation, HOST_ACTIVATIONS, hostActivationBackprop, isHostActivation } from './host-activations.js';

export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', ...HOST_ACTIVATIONS] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];
/** Every name a layer's activation option accepts: 'silu' is Keras 3's name of swish, and is stored as 'swish' (TF.js knows only that one). */
export type ActivationIdentifier = ActivationName | 'silu';

/** An activation a backend kernel applies (as a conv epilogue too); the others run on the host. */
export function isKernelActivation(name: ActivationName): name is ElementwiseActivation {
  return name !== 'softmax' && !isHostActivation(name);
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
 * y = activation(y + bias) in place on y[rows, cols]. For softmax the
 * pre-softmax values are copied to `saved` first (the loss can then use the
 * stable log-sum-exp form instead of log(probability)); for a host activation
 * the pre-activation is, when `saved` is given (training).
 */
export function applyBiasActivation(
  backend: Backend, activation: ActivationName, y: FloatArray, bias: FloatArray | null,
  rows: number, cols: number, saved: FloatArray | null,
): void {
  if (isKernelActivation(activation)) {
    backend.biasActivation(y, bias, rows, cols, activation);
    return;
  }
  backend.biasActivation(y, bias, rows, cols, 'linear');
  applyActivationAfterBias(backend, activation, y, rows, cols, saved);
}

/** The part of applyBiasActivation after the bias, for a kernel whose epilogue added it (softmax and host activations). */
export function applyActivationAfterBias(
  backend: Backend, activation: Exclude<ActivationName, ElementwiseActivation>, y: FloatArray, rows: number, cols: number, saved: FloatArray | null,
): void {
  if (saved) saved.set(y.subarray(0, rows * cols));
  if (activation === 'softmax') backend.softmax(y, y, rows, cols);
  else applyHostActivation(activation, y, rows * cols);
}

/**
 * dz = dy * activation'(.), computed from the output y (kernel activations,
 * softmax) or the saved pre-activation (host activations); dz may be dy itself.
 */
export function activationBackprop(
  backend: Backend, activation: ActivationName, y: FloatArray, preActivation: FloatArray | undefined, dy: FloatArray, dz: FloatArray,
  rows: number, cols: number,
): void {
  if (activation === 'softmax') backend.softmaxBackprop(y, dy, dz, rows, cols);
  else if (isKernelActivation(activation)) backend.activationBackprop(activation, y, dy, dz, rows * cols);
  else hostActivationBackprop(activation, preActivation!, dy, dz, rows * cols);
}
