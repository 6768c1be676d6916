/** Reference optimizer updates, element by element (Keras 3 formulas, see backend.ts). */
import type { FloatArray } from '../backend.js';

export function adamUpdate(
  param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, n: number,
  alpha: number, beta1: number, beta2: number, epsilon: number,
): void {
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    m[i] += (g - m[i]) * (1 - beta1);
    v[i] += (g * g - v[i]) * (1 - beta2);
    param[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + epsilon);
  }
}

export function sgdUpdate(
  param: FloatArray, grad: FloatArray, velocity: FloatArray | null, n: number,
  learningRate: number, momentum: number, nesterov: boolean,
): void {
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    if (!velocity) {
      param[i] -= learningRate * g;
      continue;
    }
    velocity[i] = momentum * velocity[i] - learningRate * g;
    param[i] += nesterov ? momentum * velocity[i] - learningRate * g : velocity[i];
  }
}

export function rmspropUpdate(
  param: FloatArray, grad: FloatArray, meanSquare: FloatArray, n: number,
  learningRate: number, rho: number, epsilon: number,
): void {
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    meanSquare[i] = rho * meanSquare[i] + (1 - rho) * g * g;
    param[i] -= (learningRate * g) / Math.sqrt(meanSquare[i] + epsilon);
  }
}
