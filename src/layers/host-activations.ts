/**
 * The activations computed on the host, in TypeScript, over the backend's
 * buffers (float32 from the native backend, float64 in gradient checks):
 * leaky_relu, elu, gelu and swish. Neither backend has a kernel for them; they
 * are one pass over a layer's output, next to a matmul or convolution that
 * dominates the step. Their derivatives need the pre-activation z (gelu's and
 * swish's cannot be recovered from the output), so a layer keeps z while
 * training.
 *
 * Keras's defaults: leaky_relu's slope is 0.2 (keras.activations.leaky_relu and
 * tf.nn.leaky_relu; the LeakyReLU *layer* defaults to 0.3, but an activation
 * name means the function, and a model exported to Keras then computes the
 * same); elu's alpha is 1; gelu is exact (erf), as Keras's approximate=False
 * and TF.js's 'gelu'; swish is x * sigmoid(x) (Keras's silu, an alias).
 * Gradient checks: test/layers/host-activations.test.ts.
 */
import type { FloatArray } from '../backend/backend.js';
import { erf, FLOAT32_TOLERANCE } from '../core/erf.js';

export const HOST_ACTIVATIONS = ['leaky_relu', 'elu', 'gelu', 'swish'] as const;
export type HostActivation = (typeof HOST_ACTIVATIONS)[number];

export const LEAKY_RELU_SLOPE = 0.2;
export const ELU_ALPHA = 1;
const INV_SQRT2 = 1 / Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function isHostActivation(name: string): name is HostActivation {
  return (HOST_ACTIVATIONS as readonly string[]).includes(name);
}

/** Safe in double for any z: exp(-z) overflows to Infinity and 1 / Infinity is 0. */
function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** erf's series tolerance for a buffer: full double precision only where the values are doubles (gradient checks). */
function tolerance(values: FloatArray): number {
  return values instanceof Float64Array ? 1e-17 : FLOAT32_TOLERANCE;
}

/** values[i] = f(values[i]) for i < n, in place. */
export function applyHostActivation(activation: HostActivation, values: FloatArray, n: number): void {
  switch (activation) {
    case 'leaky_relu':
      for (let i = 0; i < n; i++) if (values[i] < 0) values[i] *= LEAKY_RELU_SLOPE;
      return;
    case 'elu':
      for (let i = 0; i < n; i++) if (values[i] < 0) values[i] = ELU_ALPHA * Math.expm1(values[i]);
      return;
    case 'gelu': {
      const tol = tolerance(values);
      for (let i = 0; i < n; i++) values[i] = 0.5 * values[i] * (1 + erf(values[i] * INV_SQRT2, tol));
      return;
    }
    case 'swish':
      for (let i = 0; i < n; i++) values[i] *= sigmoid(values[i]);
      return;
  }
}

/** dz[i] = dy[i] * f'(z[i]) for i < n; dz may be dy itself. */
export function hostActivationBackprop(activation: HostActivation, z: FloatArray, dy: FloatArray, dz: FloatArray, n: number): void {
  switch (activation) {
    case 'leaky_relu':
      for (let i = 0; i < n; i++) dz[i] = z[i] < 0 ? dy[i] * LEAKY_RELU_SLOPE : dy[i];
      return;
    case 'elu':
      for (let i = 0; i < n; i++) dz[i] = z[i] < 0 ? dy[i] * ELU_ALPHA * Math.exp(z[i]) : dy[i];
      return;
    case 'gelu': {
      // d/dz z Phi(z) = Phi(z) + z phi(z).
      const tol = tolerance(z);
      for (let i = 0; i < n; i++) {
        const v = z[i];
        dz[i] = dy[i] * (0.5 * (1 + erf(v * INV_SQRT2, tol)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
      }
      return;
    }
    case 'swish':
      // d/dz z s(z) = s(z) (1 + z (1 - s(z))).
      for (let i = 0; i < n; i++) {
        const s = sigmoid(z[i]);
        dz[i] = dy[i] * s * (1 + z[i] * (1 - s));
      }
      return;
  }
}
