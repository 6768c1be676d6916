/**
 * The kernels behind BatchNormalization, AveragePooling2D and the global
 * poolings: the reference against a hand computation, then the native backend
 * against the reference on seeded inputs with odd sizes (1, 3, 17, 33 ...), on
 * every ISA path this CPU runs; the native sums are bit-identical across
 * thread counts; sizes the kernels cannot take are refused.
 * Tolerance (seeded-arrays.ts): 1e-5 * sqrt(K) relative, K the terms behind an output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReferenceBackend } from '../../src/backend/reference/reference-backend.js';
import { pool2dInfo, type Padding } from '../../src/core/conv-geometry.js';
import { loadNativeBackend } from '../../src/backend/native/index.js';
import { assertClose, randomArray } from './seeded-arrays.js';

const reference = createReferenceBackend();
const loaded = loadNativeBackend();
const skip = 'error' in loaded ? `native addon did not load: ${loaded.error}` : false;

type PoolCase = [batch: number, h: number, w: number, c: number, ph: number, pw: number, sh: number, sw: number, padding: Padding];
const POOL_CASES: PoolCase[] = [
  [2, 4, 4, 3, 2, 2, 2, 2, 'valid'],
  [3, 7, 9, 5, 3, 3, 2, 2, 'same'], // edge windows hold fewer cells than 9
  [1, 5, 5, 17, 3, 2, 1, 2, 'same'],
  [2, 8, 8, 33, 8, 8, 8, 8, 'valid'], // one window over the whole plane: GlobalAveragePooling2D
  [1, 1, 1, 1, 1, 1, 1, 1, 'valid'],
  [2, 6, 5, 4, 2, 3, 1, 1, 'valid'], // overlapping windows: the backward adds several shares per cell
  [1, 3, 3, 2, 3, 3, 3, 3, 'same'],
];

/** [rows, cols]: one row, a partial chunk, several chunks of 256 rows, channel counts past a vector. */
const NORM_CASES: [number, number][] = [[1, 1], [3, 5], [17, 33], [300, 16], [2049, 3], [1030, 64]];

test('reference avgPool: a same-padded corner window averages only its cells inside the input', () => {
  const g = pool2dInfo(1, 2, 2, 1, 3, 3, 1, 1, 'same');
  const x = Float32Array.from([1, 2, 3, 4]);
  const y = new Float32Array(4);
  reference.avgPool(x, y, g);
  // Every 3x3 window centred on a 2x2 image covers all four cells.
  assert.deepEqual(Array.from(y), [2.5, 2.5, 2.5, 2.5]);
  const dx = new Float32Array(4);
  reference.avgPoolBackprop(Float32Array.from([4, 0, 0, 0]), dx, g);
  assert.deepEqual(Array.from(dx), [1, 1, 1, 1]);
  const strided = pool2dInfo(1, 3, 1, 1, 2, 1, 2, 1, 'same');
  const ys = new Float32Array(2);
  reference.avgPool(Float32Array.from([2, 4, 9]), ys, strided);
  assert.deepEqual(Array.from(ys), [3, 9], "the last window holds only row 2: 'same' padding went after it");
});

test('reference batch-norm kernels: moments, affine map with relu, and the backward by hand', () => {
  const x = Float64Array.from([1, 10, 3, 20]); // [rows 2, cols 2]
  const moments = new Float64Array(4);
  reference.batchNormMoments(x, moments, 2, 2);
  assert.deepEqual(Array.from(moments), [2, 15, 1, 25], 'means 2 and 15, biased variances 1 and 25');
  const y = new Float64Array(4);
  reference.channelAffine(x, y, Float64Array.from([2, -1]), Float64Array.from([-3, 0]), 2, 2, 'relu');
  assert.deepEqual(Array.from(y), [0, 0, 3, 0]);
  // gamma 1, invStd 1: xhat = [-1, 1] in column 0; dy = [1, 0]: dbeta 1, dgamma -1, dx = 1 - (1 + xhat * -1) / 2.
  const dx = new Float64Array(4), grads = new Float64Array(4);
  reference.batchNormBackprop(x, Float64Array.from([1, 0, 0, 0]), dx, Float64Array.from([2, 15, 1, 1, 1, 1]), grads, 2, 2, null);
  assert.deepEqual(Array.from(grads), [-1, 0, 1, 0]);
  assert.deepEqual([dx[0], dx[2]], [0, 0]);
});

for (const isa of 'error' in loaded ? [] : loaded.backend.supportedIsas) {
  test(`native == reference for avgPool, avgPoolBackprop and the batch-norm kernels on the ${isa} path`, { skip }, () => {
    if ('error' in loaded) return;
    const native = loaded.backend;
    const original = native.isa;
    native.setIsa(isa);
    try {
      let seed = 700;
      for (const [batch, h, w, c, ph, pw, sh, sw, padding] of POOL_CASES) {
        const g = pool2dInfo(batch, h, w, c, ph, pw, sh, sw, padding);
        const label = `avgPool ${JSON.stringify(g)}`;
        const xs = batch * h * w * c, ys = batch * g.outHeight * g.outWidth * c;
        const x = randomArray(xs, seed++);
        const yn = randomArray(ys, seed++), yr = new Float32Array(ys);
        native.avgPool(x, yn, g);
        reference.avgPool(x, yr, g);
        assertClose(yn, yr, ph * pw, label);
        const dy = randomArray(ys, seed++);
        const dxn = randomArray(xs, seed++), dxr = new Float32Array(xs);
        native.avgPoolBackprop(dy, dxn, g);
        reference.avgPoolBackprop(dy, dxr, g);
        assertClose(dxn, dxr, ph * pw, `${label} backprop`);
      }
      for (const [rows, cols] of NORM_CASES) {
        const label = `[${rows}, ${cols}]`, n = rows * cols;
        // Far from zero: a one-pass variance without a shift would lose its digits here.
        const x = randomArray(n, seed++, 99, 101);
        const mn = new Float32Array(2 * cols), mr = new Float32Array(2 * cols);
        native.batchNormMoments(x, mn, rows, cols);
        reference.batchNormMoments(x, mr, rows, cols);
        assertClose(mn.subarray(0, cols), mr.subarray(0, cols), rows, `${label} means`);
        assertClose(mn.subarray(cols), mr.subarray(cols), rows, `${label} variances`);
        const scale = randomArray(cols, seed++), shift = randomArray(cols, seed++);
        for (const activation of ['linear', 'relu'] as const) {
          const yn = new Float32Array(n), yr = new Float32Array(n);
          native.channelAffine(x, yn, scale, shift, rows, cols, activation);
          reference.channelAffine(x, yr, scale, shift, rows, cols, activation);
          assertClose(yn, yr, 2, `${label} channelAffine ${activation}`);
        }
        const stats = new Float32Array(3 * cols);
        for (let i = 0; i < cols; i++) {
          stats[i] = mr[i];
          stats[cols + i] = 1 / Math.sqrt(mr[cols + i] + 1e-3);
          stats[2 * cols + i] = 0.5 + i / cols;
        }
        const relu = randomArray(n, seed++);
        for (const reluOutput of [null, relu]) {
          const dy = randomArray(n, seed++);
          const gn = new Float32Array(2 * cols), gr = new Float32Array(2 * cols);
          const dxr = new Float32Array(n);
          reference.batchNormBackprop(x, dy, dxr, stats, gr, rows, cols, reluOutput);
          // dx overwrites dy, as the layer calls it.
          const dxn = dy.slice();
          native.batchNormBackprop(x, dxn, dxn, stats, gn, rows, cols, reluOutput);
          const what = `${label} batchNormBackprop${reluOutput ? ' masked by relu' : ''}`;
          assertClose(gn, gr, rows, `${what} [dgamma | dbeta]`);
          assertClose(dxn, dxr, rows, `${what} dx`);
        }
      }
    } finally {
      native.setIsa(original);
    }
  });
}

test('native batch-norm sums are bit-identical for 1 and 2 threads; rows 0 is refused', { skip }, () => {
  if ('error' in loaded) return;
  const native = loaded.backend;
  const threads = native.threads;
  const rows = 4100, cols = 24, n = rows * cols;
  const x = randomArray(n, 5), dy = randomArray(n, 6), relu = randomArray(n, 7);
  const stats = Float32Array.from({ length: 3 * cols }, (_, i) => 0.25 + (i % cols) / 64);
  const run = (count: number) => {
    native.setThreads(count);
    const moments = new Float32Array(2 * cols), grads = new Float32Array(2 * cols), dx = new Float32Array(n);
    native.batchNormMoments(x, moments, rows, cols);
    native.batchNormBackprop(x, dy, dx, stats, grads, rows, cols, relu);
    return [moments, grads, dx];
  };
  try {
    const one = run(1), two = run(2);
    for (let i = 0; i < one.length; i++) assert.deepEqual(two[i], one[i]);
  } finally {
    native.setThreads(threads);
  }
  assert.throws(() => native.batchNormMoments(x, new Float32Array(2 * cols), 0, cols), /batchNormMoments: expected rows >= 1 and cols >= 1; received rows 0, cols 24/);
  assert.throws(() => native.channelAffine(x, x, stats, stats, 2, 3, 'tanh' as never), /channelAffine: activation must be 'linear' or 'relu'; received "tanh"/);
  assert.throws(() => native.batchNormBackprop(x, dy, dy, stats.subarray(0, 5), stats, rows, cols, null), /statistics needs at least 72 elements \(\[3, 24\]\); received 5/);
});
