/** Reference GEMM: C[m,n] (+)= op(A)[m,k] . op(B)[k,n], row-major, plain loops. */
import type { FloatArray } from '../backend.js';

export function matmul(
  a: FloatArray, b: FloatArray, c: FloatArray,
  m: number, n: number, k: number,
  transA: boolean, transB: boolean, accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, 0, m * n);
  // i-p-j order keeps the innermost loop streaming along a row of B and C.
  for (let i = 0; i < m; i++) {
    const cRow = i * n;
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[p * m + i] : a[i * k + p];
      if (aip === 0) continue;
      if (transB) {
        for (let j = 0; j < n; j++) c[cRow + j] += aip * b[j * k + p];
      } else {
        const bRow = p * n;
        for (let j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
      }
    }
  }
}
