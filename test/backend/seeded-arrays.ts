/**
 * Seeded test data and the kernel tolerance the backend tests share: every
 * fast kernel is held to the reference the same way (test/backend/*.test.ts).
 */
import assert from 'node:assert/strict';
import type { FloatArray } from '../../src/backend/backend.js';

/** mulberry32: small, seeded, good enough for test data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [lo, hi) from `seed`. */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/**
 * actual == expected within float32 rounding of a k-term sum: the error of
 * each element scales with sqrt(k) and with the element's size plus the mean
 * size (so near-zero outputs of large sums are not held to a relative bound).
 * NaN matches NaN.
 */
export function assertClose(actual: FloatArray, expected: FloatArray, k: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let meanAbs = 0;
  for (const v of expected) meanAbs += Math.abs(v);
  meanAbs = expected.length ? meanAbs / expected.length : 0;
  const scale = 1e-5 * Math.sqrt(Math.max(k, 1));
  for (let i = 0; i < expected.length; i++) {
    const tol = scale * (Math.abs(expected[i]) + meanAbs) + 1e-30;
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= tol) && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      assert.fail(`${label}: element ${i} got ${actual[i]} vs reference ${expected[i]} (|diff| ${diff} > tol ${tol})`);
    }
  }
}
