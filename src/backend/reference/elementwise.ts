/** Reference bias, activations, softmax and fused softmax + cross-entropy. */
import { ELU_ALPHA, LEAKY_RELU_SLOPE, type ElementwiseActivation, type FloatArray } from '../backend.js';
import { logSumExp } from '../../core/log-sum-exp.js';
import { erf } from '../../core/erf.js';

const INV_SQRT2 = 1 / Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Safe in double for any v: exp(-v) overflows to Infinity and 1 / Infinity is 0. */
function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

function activate(activation: ElementwiseActivation, v: number): number {
  switch (activation) {
    case 'linear': return v;
    case 'relu': return v > 0 ? v : 0;
    case 'sigmoid': return sigmoid(v);
    case 'tanh': return Math.tanh(v);
    case 'leaky_relu': return v < 0 ? v * LEAKY_RELU_SLOPE : v;
    case 'elu': return v < 0 ? ELU_ALPHA * Math.expm1(v) : v;
    case 'gelu': return 0.5 * v * (1 + erf(v * INV_SQRT2));
    case 'swish': return v * sigmoid(v);
  }
}

export function biasActivation(y: FloatArray, bias: FloatArray | null, rows: number, cols: number, activation: ElementwiseActivation): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      y[base + c] = activate(activation, y[base + c] + (bias ? bias[c] : 0));
    }
  }
}

export function activationBackprop(activation: ElementwiseActivation, y: FloatArray, dy: FloatArray, dx: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) {
    const out = y[i];
    switch (activation) {
      case 'linear': dx[i] = dy[i]; break;
      case 'relu': dx[i] = out > 0 ? dy[i] : 0; break;
      case 'sigmoid': dx[i] = dy[i] * out * (1 - out); break;
      case 'tanh': dx[i] = dy[i] * (1 - out * out); break;
      // The four below receive the pre-activation z as y (derivesFromInput).
      case 'leaky_relu': dx[i] = out < 0 ? dy[i] * LEAKY_RELU_SLOPE : dy[i]; break;
      case 'elu': dx[i] = out < 0 ? dy[i] * ELU_ALPHA * Math.exp(out) : dy[i]; break;
      // d/dz z Phi(z) = Phi(z) + z phi(z).
      case 'gelu': dx[i] = dy[i] * (0.5 * (1 + erf(out * INV_SQRT2)) + out * INV_SQRT_2PI * Math.exp(-0.5 * out * out)); break;
      case 'swish': {
        // d/dz z s(z) = s(z) (1 + z (1 - s(z))).
        const s = sigmoid(out);
        dx[i] = dy[i] * s * (1 + out * (1 - s));
        break;
      }
    }
  }
}

export function biasGrad(dy: FloatArray, db: FloatArray, rows: number, cols: number): void {
  db.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) db[c] += dy[base + c];
  }
}

export function activationBackpropBiasGrad(
  activation: ElementwiseActivation, y: FloatArray, dy: FloatArray, dx: FloatArray, db: FloatArray,
  rows: number, cols: number,
): void {
  activationBackprop(activation, y, dy, dx, rows * cols);
  biasGrad(dx, db, rows, cols);
}

/** Row-wise softmax; returns nothing, writes y. Subtracting the row max avoids overflow. */
export function softmax(x: FloatArray, y: FloatArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[base + c]);
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(x[base + c] - max);
      y[base + c] = e;
      sum += e;
    }
    for (let c = 0; c < cols; c++) y[base + c] /= sum;
  }
}

export function softmaxBackprop(y: FloatArray, dy: FloatArray, dx: FloatArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += dy[base + c] * y[base + c];
    for (let c = 0; c < cols; c++) dx[base + c] = y[base + c] * (dy[base + c] - dot);
  }
}

export function softmaxCrossEntropySparse(
  logits: FloatArray, labels: Int32Array, probs: FloatArray, dlogits: FloatArray,
  rows: number, cols: number, gradScale: number,
): number {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const lse = logSumExp(logits, base, cols);
    const label = labels[r];
    loss += lse - logits[base + label];
    for (let c = 0; c < cols; c++) {
      const p = Math.exp(logits[base + c] - lse);
      probs[base + c] = p;
      dlogits[base + c] = (p - (c === label ? 1 : 0)) * gradScale;
    }
  }
  return loss;
}

export function softmaxCrossEntropyDense(
  logits: FloatArray, targets: FloatArray, probs: FloatArray, dlogits: FloatArray,
  rows: number, cols: number, gradScale: number,
): number {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const lse = logSumExp(logits, base, cols);
    let targetSum = 0;
    for (let c = 0; c < cols; c++) {
      const t = targets[base + c];
      targetSum += t;
      loss += t * (lse - logits[base + c]);
    }
    for (let c = 0; c < cols; c++) {
      const p = Math.exp(logits[base + c] - lse);
      probs[base + c] = p;
      // d/dz of sum_c t_c (lse - z_c) = p * sum(t) - t; sum(t) is 1 for proper distributions.
      dlogits[base + c] = (p * targetSum - targets[base + c]) * gradScale;
    }
  }
  return loss;
}
