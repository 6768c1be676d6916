/**
 * Reference BatchNormalization kernels over x[rows, cols] (rows = N*H*W for
 * NHWC images, cols = C): batch moments, the per-channel affine map the
 * forward pass reduces to, and the backward. Sums run in double, as the
 * native kernels' do.
 */
import type { FloatArray } from '../backend.js';

export function batchNormMoments(x: FloatArray, moments: FloatArray, rows: number, cols: number): void {
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * cols + c];
    const mean = sum / rows;
    let squares = 0;
    for (let r = 0; r < rows; r++) squares += (x[r * cols + c] - mean) ** 2;
    moments[c] = mean;
    moments[cols + c] = squares / rows;
  }
}

export function channelAffine(x: FloatArray, y: FloatArray, scale: FloatArray, shift: FloatArray, rows: number, cols: number, activation: 'linear' | 'relu'): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = x[r * cols + c] * scale[c] + shift[c];
      y[r * cols + c] = activation === 'relu' && !(v > 0) ? 0 : v;
    }
  }
}

export function batchNormBackprop(
  x: FloatArray, dy: FloatArray, dx: FloatArray, statistics: FloatArray, gradients: FloatArray,
  rows: number, cols: number, reluOutput: FloatArray | null,
): void {
  const g = (i: number): number => (reluOutput && !(reluOutput[i] > 0) ? 0 : dy[i]);
  for (let c = 0; c < cols; c++) {
    const mean = statistics[c], invStd = statistics[cols + c], gamma = statistics[2 * cols + c];
    let dbeta = 0, dgamma = 0;
    for (let r = 0; r < rows; r++) {
      const i = r * cols + c;
      dbeta += g(i);
      dgamma += g(i) * (x[i] - mean) * invStd;
    }
    gradients[c] = dgamma;
    gradients[cols + c] = dbeta;
    for (let r = 0; r < rows; r++) {
      const i = r * cols + c;
      const xhat = (x[i] - mean) * invStd;
      dx[i] = gamma * invStd * (g(i) - (dbeta + xhat * dgamma) / rows);
    }
  }
}
