/**
 * The reference backend against tiny cases computed by hand (not by another
 * implementation), plus the shared 'same'/'valid' geometry against the sizes
 * and pad split TensorFlow uses. The reference backend is the oracle the
 * native backend is tested against, so its own correctness is pinned here.
 * Layout: NHWC; conv kernels [KH, KW, C, OC].
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createReferenceBackend } from '../../src/backend/reference/reference-backend.js';
import { conv2dInfo, pool2dInfo, windowGeometry } from '../../src/core/conv-geometry.js';
import { Adam, RMSprop, SGD } from '../../src/optimizers/optimizer.js';
import type { Weight } from '../../src/layers/layer.js';
import type { FloatArray } from '../../src/backend/backend.js';

const backend = createReferenceBackend();

function f64(values: number[]): Float64Array {
  return Float64Array.from(values);
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12, what = 'value'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i]));
    assert.ok(ok, `${what}[${i}] = ${actual[i]}, expected ${expected[i]}`);
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Deterministic pseudo-random values in [-1, 1) (a tiny LCG, independent of src/core/random). */
function randomValues(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

describe('conv geometry matches TensorFlow', () => {
  test("'valid' output size is floor((in - k) / s) + 1 with no padding", () => {
    assert.deepEqual(windowGeometry(28, 3, 1, 'valid'), { outSize: 26, padBefore: 0, padAfter: 0 });
    assert.deepEqual(windowGeometry(26, 2, 2, 'valid'), { outSize: 13, padBefore: 0, padAfter: 0 });
    assert.deepEqual(windowGeometry(11, 2, 2, 'valid'), { outSize: 5, padBefore: 0, padAfter: 0 });
    assert.deepEqual(windowGeometry(5, 3, 2, 'valid'), { outSize: 2, padBefore: 0, padAfter: 0 });
    assert.equal(windowGeometry(2, 3, 1, 'valid').outSize, 0);
  });

  test("'same' output size is ceil(in / s) and the odd padding pixel goes after", () => {
    // (in, k, s) -> (out, before, after), as tf.nn.conv2d / tf.nn.max_pool compute them.
    const cases: [number, number, number, number, number, number][] = [
      [28, 3, 1, 28, 1, 1], // odd kernel, stride 1: symmetric
      [4, 2, 1, 4, 0, 1], // even kernel: the extra row is at the end
      [5, 3, 2, 3, 1, 1], // odd input, stride 2
      [6, 3, 2, 3, 0, 1], // even input, stride 2: total 1, all after
      [7, 4, 3, 3, 1, 2], // total 3 split 1 + 2
      [2, 5, 1, 2, 2, 2], // kernel larger than the input
      [6, 2, 2, 3, 0, 0], // windows tile exactly: no padding
      [1, 3, 2, 1, 1, 1],
    ];
    for (const [inSize, k, s, out, before, after] of cases) {
      assert.deepEqual(windowGeometry(inSize, k, s, 'same'), { outSize: out, padBefore: before, padAfter: after }, `in ${inSize}, k ${k}, s ${s}`);
    }
  });

  test('conv2dInfo and pool2dInfo pass per-axis sizes and the leading pad', () => {
    const c = conv2dInfo(2, 7, 6, 3, 5, 4, 3, 3, 2, 'same');
    assert.equal(c.outHeight, 3);
    assert.equal(c.outWidth, 3);
    assert.equal(c.padTop, 1);
    assert.equal(c.padLeft, 0);
    assert.equal(c.outChannels, 5);
    assert.equal(c.batch, 2);
    const p = pool2dInfo(1, 5, 4, 2, 3, 2, 2, 2, 'same');
    assert.equal(p.outHeight, 3);
    assert.equal(p.outWidth, 2);
    assert.equal(p.padTop, 1);
    assert.equal(p.padLeft, 0);
  });
});

describe('matmul', () => {
  // A = [[1,2,3],[4,5,6]] (2x3), B = [[7,8],[9,10],[11,12]] (3x2): AB = [[58,64],[139,154]]
  const A = f64([1, 2, 3, 4, 5, 6]);
  const B = f64([7, 8, 9, 10, 11, 12]);
  const AB = [58, 64, 139, 154];

  test('plain product', () => {
    const C = new Float64Array(4);
    backend.matmul(A, B, C, 2, 2, 3, false, false, false);
    assertClose(C, AB);
  });

  test('transA and transB read the transposed storage', () => {
    const At = f64([1, 4, 2, 5, 3, 6]); // A stored [k, m]
    const Bt = f64([7, 9, 11, 8, 10, 12]); // B stored [n, k]
    const C = new Float64Array(4);
    backend.matmul(At, B, C, 2, 2, 3, true, false, false);
    assertClose(C, AB);
    backend.matmul(A, Bt, C, 2, 2, 3, false, true, false);
    assertClose(C, AB);
    backend.matmul(At, Bt, C, 2, 2, 3, true, true, false);
    assertClose(C, AB);
  });

  test('overwrites without accumulate, adds with accumulate', () => {
    const C = f64([100, 100, 100, 100]);
    backend.matmul(A, B, C, 2, 2, 3, false, false, false);
    assertClose(C, AB);
    backend.matmul(A, B, C, 2, 2, 3, false, false, true);
    assertClose(C, AB.map((v) => 2 * v));
  });
});

describe('conv2d', () => {
  // x = 1..9 as a 3x3 single-channel image; kernel = Sobel-x [[1,0,-1],[2,0,-2],[1,0,-1]].
  const x = f64([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const sobel = f64([1, 0, -1, 2, 0, -2, 1, 0, -1]);

  test("3x3 'valid' with a known kernel gives the single hand value -8", () => {
    const info = conv2dInfo(1, 3, 3, 1, 1, 3, 3, 1, 1, 'valid');
    const y = new Float64Array(1);
    backend.conv2d(x, sobel, y, info);
    assertClose(y, [-8]);
  });

  test("3x3 'same' zero-pads one pixel on each side", () => {
    const info = conv2dInfo(1, 3, 3, 1, 1, 3, 3, 1, 1, 'same');
    const y = new Float64Array(9).fill(123); // must be overwritten
    backend.conv2d(x, sobel, y, info);
    assertClose(y, [-9, -6, 9, -20, -8, 20, -21, -6, 21]);
  });

  test("even kernel 'same' pads after (TensorFlow split), not before", () => {
    // 1x4 row, kernel 1x2 [1, 10]: y[j] = x[j] + 10 x[j+1], zero past the end.
    const info = conv2dInfo(1, 1, 4, 1, 1, 1, 2, 1, 1, 'same');
    assert.equal(info.padLeft, 0);
    const y = new Float64Array(4);
    backend.conv2d(f64([1, 2, 3, 4]), f64([1, 10]), y, info);
    assertClose(y, [21, 32, 43, 4]);
  });

  test('stride 2 sums 2x2 blocks with a ones kernel', () => {
    const img = f64(Array.from({ length: 16 }, (_, i) => i)); // 4x4: 0..15
    const info = conv2dInfo(1, 4, 4, 1, 1, 2, 2, 2, 2, 'valid');
    const y = new Float64Array(4);
    backend.conv2d(img, f64([1, 1, 1, 1]), y, info);
    assertClose(y, [0 + 1 + 4 + 5, 2 + 3 + 6 + 7, 8 + 9 + 12 + 13, 10 + 11 + 14 + 15]);
  });

  test('channels mix through w[kh, kw, c, oc], batch items stay separate', () => {
    // 1x1 kernel, C = 2, OC = 3, 1x2 image, batch 2: y[n,0,j,oc] = sum_c x[n,0,j,c] w[c,oc]
    const w = f64([1, 2, 3, 10, 20, 30]); // w[0,:] = 1 2 3, w[1,:] = 10 20 30
    const xs = f64([1, 0, 0, 1, 2, 3, -1, 1]);
    const info = conv2dInfo(2, 1, 2, 2, 3, 1, 1, 1, 1, 'valid');
    const y = new Float64Array(12);
    backend.conv2d(xs, w, y, info);
    assertClose(y, [1, 2, 3, 10, 20, 30, 32, 64, 96, 9, 18, 27]);
  });

  test('backprop of a 2x2 valid conv with dy = 1: dx = w and dw = x', () => {
    const info = conv2dInfo(1, 2, 2, 1, 1, 2, 2, 1, 1, 'valid');
    const w = f64([1, 2, 3, 4]);
    const xi = f64([5, 6, 7, 8]);
    const dx = new Float64Array(4).fill(9);
    const dw = new Float64Array(4).fill(9);
    backend.conv2dBackpropInput(f64([1]), w, dx, info);
    backend.conv2dBackpropFilter(xi, f64([1]), dw, info);
    assertClose(dx, [1, 2, 3, 4]);
    assertClose(dw, [5, 6, 7, 8]);
  });

  test('backprop of the 3x3 same Sobel case by hand', () => {
    // dy = 1 at the top-left output only: it saw x[0..1][0..1] through kernel taps [1..2][1..2].
    const info = conv2dInfo(1, 3, 3, 1, 1, 3, 3, 1, 1, 'same');
    const dy = f64([1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const dx = new Float64Array(9);
    backend.conv2dBackpropInput(dy, sobel, dx, info);
    // dx[ih][iw] = w[ih+1][iw+1] for ih, iw in {0, 1}
    assertClose(dx, [0, -2, 0, 0, -1, 0, 0, 0, 0]);
    const dw = new Float64Array(9);
    backend.conv2dBackpropFilter(x, dy, dw, info);
    // dw[kh][kw] = x[kh-1][kw-1] (zero in the padding)
    assertClose(dw, [0, 0, 0, 0, 1, 2, 0, 4, 5]);
  });

  test('backprops are the adjoints of the forward conv on odd shapes (same padding, stride 2)', () => {
    for (const [padding, stride] of [['same', 2], ['valid', 2], ['same', 1], ['valid', 1]] as const) {
      const info = conv2dInfo(3, 7, 5, 3, 4, 3, 2, stride, stride, padding);
      const xs = randomValues(3 * 7 * 5 * 3, 1);
      const w = randomValues(3 * 2 * 3 * 4, 2);
      const dy = randomValues(3 * info.outHeight * info.outWidth * 4, 3);
      const y = new Float64Array(dy.length);
      const dx = new Float64Array(xs.length);
      const dw = new Float64Array(w.length);
      backend.conv2d(xs, w, y, info);
      backend.conv2dBackpropInput(dy, w, dx, info);
      backend.conv2dBackpropFilter(xs, dy, dw, info);
      // <conv(x, w), dy> = <x, dx(dy, w)> = <w, dw(x, dy)>
      const lhs = dot(y, dy);
      assert.ok(Math.abs(lhs - dot(xs, dx)) < 1e-10 * Math.max(1, Math.abs(lhs)), `${padding}/${stride}: input adjoint`);
      assert.ok(Math.abs(lhs - dot(w, dw)) < 1e-10 * Math.max(1, Math.abs(lhs)), `${padding}/${stride}: filter adjoint`);
    }
  });
});

describe('maxPool', () => {
  test('2x2 pooling of a 4x4 image, argmax are flat indices into x', () => {
    const x = f64([1, 2, 5, 3, 4, 0, 1, 1, -1, -2, 7, 8, -3, -4, 9, 6]);
    const info = pool2dInfo(1, 4, 4, 1, 2, 2, 2, 2, 'valid');
    const y = new Float64Array(4);
    const argmax = new Int32Array(4);
    backend.maxPool(x, y, argmax, info);
    assertClose(y, [4, 5, -1, 9]);
    assert.deepEqual([...argmax], [4, 2, 8, 14]);
  });

  test('the first maximum in row-major window order wins ties', () => {
    const x = f64([3, 5, 5, 5]); // 2x2, three tied maxima
    const info = pool2dInfo(1, 2, 2, 1, 2, 2, 2, 2, 'valid');
    const y = new Float64Array(1);
    const argmax = new Int32Array(1);
    backend.maxPool(x, y, argmax, info);
    assert.equal(y[0], 5);
    assert.equal(argmax[0], 1);
  });

  test('channels are pooled independently', () => {
    // 2x1 image with 2 channels: c0 = [1, 2], c1 = [4, 3]
    const x = f64([1, 4, 2, 3]);
    const info = pool2dInfo(1, 2, 1, 2, 2, 1, 2, 1, 'valid');
    const y = new Float64Array(2);
    const argmax = new Int32Array(2);
    backend.maxPool(x, y, argmax, info);
    assertClose(y, [2, 4]);
    assert.deepEqual([...argmax], [2, 1]);
  });

  test("'same' padding never lets a padded zero win over negative inputs", () => {
    const x = f64([-3, -2, -5, -1, -7, -6, -4, -8, -9]); // 3x3, all negative
    const info = pool2dInfo(1, 3, 3, 1, 2, 2, 2, 2, 'same'); // out 2x2, pad after
    assert.equal(info.outHeight, 2);
    const y = new Float64Array(4);
    const argmax = new Int32Array(4);
    backend.maxPool(x, y, argmax, info);
    assertClose(y, [-1, -5, -4, -9]);
    assert.deepEqual([...argmax], [3, 2, 6, 8]);
  });

  test('backprop scatter-adds dy to the argmax, accumulating where windows overlap', () => {
    // 1x3 row [1, 9, 2], pool 1x2 stride 1: both windows pick the 9.
    const info = pool2dInfo(1, 1, 3, 1, 1, 2, 1, 1, 'valid');
    const y = new Float64Array(2);
    const argmax = new Int32Array(2);
    backend.maxPool(f64([1, 9, 2]), y, argmax, info);
    assert.deepEqual([...argmax], [1, 1]);
    const dx = f64([7, 7, 7]); // must be overwritten
    backend.maxPoolBackprop(f64([0.5, 0.25]), argmax, dx, info);
    assertClose(dx, [0, 0.75, 0]);
  });
});

describe('bias, activations and their gradients', () => {
  test('biasActivation adds the bias per column then applies the activation', () => {
    const y = f64([0, -1, 1, 2]);
    backend.biasActivation(y, f64([1, -1]), 2, 2, 'linear');
    assertClose(y, [1, -2, 2, 1]);
    const r = f64([0, -1, 1, 2]);
    backend.biasActivation(r, f64([1, -1]), 2, 2, 'relu');
    assertClose(r, [1, 0, 2, 1]);
    const s = f64([0, Math.log(3)]);
    backend.biasActivation(s, null, 1, 2, 'sigmoid');
    assertClose(s, [0.5, 0.75]);
    const t = f64([0, Math.log(2)]);
    backend.biasActivation(t, null, 1, 2, 'tanh');
    assertClose(t, [0, 0.6]); // tanh(ln 2) = (4 - 1) / (4 + 1)
  });

  test('activationBackprop uses the activation output', () => {
    const dy = f64([2, 2, 2]);
    const dx = new Float64Array(3);
    backend.activationBackprop('relu', f64([0, 3, 0.5]), dy, dx, 3);
    assertClose(dx, [0, 2, 2]);
    backend.activationBackprop('sigmoid', f64([0.5, 0.75, 0.1]), dy, dx, 3);
    assertClose(dx, [0.5, 2 * 0.75 * 0.25, 2 * 0.1 * 0.9]);
    backend.activationBackprop('tanh', f64([0, 0.6, -0.5]), dy, dx, 3);
    assertClose(dx, [2, 2 * 0.64, 2 * 0.75]);
    backend.activationBackprop('linear', f64([9, 9, 9]), f64([1, -2, 3]), dx, 3);
    assertClose(dx, [1, -2, 3]);
  });

  test('activationBackprop may run in place (dx aliases dy)', () => {
    const d = f64([1, 1]);
    backend.activationBackprop('sigmoid', f64([0.5, 0.2]), d, d, 2);
    assertClose(d, [0.25, 0.16]);
  });

  test('biasGrad writes column sums, overwriting', () => {
    const db = f64([100, 100]);
    backend.biasGrad(f64([1, 2, 3, 4, 5, 6]), db, 3, 2);
    assertClose(db, [9, 12]);
  });
});

describe('softmax', () => {
  test('rows sum to 1 and match exp(x)/sum(exp(x))', () => {
    const x = f64([0, Math.log(2), Math.log(5), 1, 1, 1]);
    const y = new Float64Array(6);
    backend.softmax(x, y, 2, 3);
    assertClose(y, [1 / 8, 2 / 8, 5 / 8, 1 / 3, 1 / 3, 1 / 3]);
  });

  test('survives logits like 1000 and -1000 without NaN or Infinity (float32 and float64)', () => {
    for (const make of [(v: number[]) => Float32Array.from(v), f64] as ((v: number[]) => FloatArray)[]) {
      const x = make([1000, 1000, 1000, 1000, 0, -1000, -1000, -1000, 1000]);
      const y = make(new Array(9).fill(0));
      backend.softmax(x, y, 3, 3);
      for (const v of y) assert.ok(Number.isFinite(v), `finite, got ${v}`);
      assertClose(y, [1 / 3, 1 / 3, 1 / 3, 1, 0, 0, 0, 0, 1], 1e-6);
      for (let r = 0; r < 3; r++) assert.ok(Math.abs(y[3 * r] + y[3 * r + 1] + y[3 * r + 2] - 1) < 1e-6);
    }
  });

  test('softmax may run in place', () => {
    const x = f64([0, 0, Math.log(2)]);
    backend.softmax(x, x, 1, 3);
    assertClose(x, [0.25, 0.25, 0.5]);
  });

  test('softmaxBackprop: dx = y * (dy - sum(dy * y))', () => {
    const dx = new Float64Array(2);
    backend.softmaxBackprop(f64([0.5, 0.5]), f64([1, 0]), dx, 1, 2);
    assertClose(dx, [0.25, -0.25]);
    const y = f64([0.2, 0.3, 0.5]);
    const dy = f64([1, 2, 3]); // sum(dy*y) = 2.3
    backend.softmaxBackprop(y, dy, dy, 1, 3);
    assertClose(dy, [0.2 * -1.3, 0.3 * -0.3, 0.5 * 0.7]);
  });
});

describe('fused softmax cross-entropy', () => {
  test('sparse: loss sum is -log p[label], dlogits = (p - onehot) * gradScale', () => {
    // Row 0: logits [0, 0] -> p = [.5, .5], label 1. Row 1: [0, ln 3] -> p = [.25, .75], label 0.
    const probs = new Float64Array(4);
    const dlogits = new Float64Array(4);
    const loss = backend.softmaxCrossEntropySparse(f64([0, 0, 0, Math.log(3)]), Int32Array.from([1, 0]), probs, dlogits, 2, 2, 0.5);
    assert.ok(Math.abs(loss - (Math.log(2) + Math.log(4))) < 1e-12, `loss ${loss}`);
    assertClose(probs, [0.5, 0.5, 0.25, 0.75]);
    assertClose(dlogits, [0.25, -0.25, -0.375, 0.375]);
  });

  test('sparse: extreme logits give exact -log p, no NaN, for float32 and float64', () => {
    for (const make of [(v: number[]) => Float32Array.from(v), f64] as ((v: number[]) => FloatArray)[]) {
      const logits = make([1000, 0, -1000, 1000, 0, -1000]);
      const probs = make([0, 0, 0, 0, 0, 0]);
      const dlogits = make([0, 0, 0, 0, 0, 0]);
      // Row 0 labelled with the winner: loss ~ 0. Row 1 labelled with the loser: loss = 2000.
      const loss = backend.softmaxCrossEntropySparse(logits, Int32Array.from([0, 2]), probs, dlogits, 2, 3, 1);
      assert.ok(Number.isFinite(loss), `loss finite, got ${loss}`);
      assert.ok(Math.abs(loss - 2000) < 1e-9, `loss ${loss}`);
      for (const v of [...probs, ...dlogits]) assert.ok(Number.isFinite(v));
      assertClose(dlogits, [0, 0, 0, 1, 0, -1], 1e-9);

      const single = backend.softmaxCrossEntropySparse(make([-1000, 1000]), Int32Array.from([0]), make([0, 0]), make([0, 0]), 1, 2, 1);
      assert.equal(single, 2000);
    }
  });

  test('dense targets: loss sum_c t_c (lse - z_c) and dlogits = p * sum(t) - t', () => {
    const probs = new Float64Array(3);
    const dlogits = new Float64Array(3);
    // logits [0, ln 2, ln 5]: p = [1/8, 2/8, 5/8]; targets [0, 0.5, 0.5]
    const loss = backend.softmaxCrossEntropyDense(f64([0, Math.log(2), Math.log(5)]), f64([0, 0.5, 0.5]), probs, dlogits, 1, 3, 1);
    assert.ok(Math.abs(loss - (-0.5 * Math.log(0.25) - 0.5 * Math.log(0.625))) < 1e-12, `loss ${loss}`);
    assertClose(probs, [0.125, 0.25, 0.625]);
    assertClose(dlogits, [0.125, -0.25, 0.125]);
  });

  test('dense targets with extreme logits stay finite', () => {
    const probs = new Float64Array(2);
    const dlogits = new Float64Array(2);
    const loss = backend.softmaxCrossEntropyDense(f64([1000, -1000]), f64([0, 1]), probs, dlogits, 1, 2, 1);
    assert.equal(loss, 2000);
    assertClose(dlogits, [1, -1]);
  });
});

/** A Weight for driving Optimizer classes directly. */
function weight(value: number[], grad: number[]): Weight {
  return { name: 'w', shape: [value.length], value: f64(value), grad: f64(grad), trainable: true };
}

describe('optimizer kernels (Keras 3 formulas)', () => {
  test('adamUpdate one step from zero moments', () => {
    // m = 0.1 g, v = 0.001 g^2; alpha folded by the caller.
    const param = f64([1, -2]);
    const m = new Float64Array(2);
    const v = new Float64Array(2);
    const alpha = 0.01;
    backend.adamUpdate(param, f64([0.5, -2]), m, v, 2, alpha, 0.9, 0.999, 1e-7);
    assertClose(m, [0.05, -0.2]);
    assertClose(v, [0.00025, 0.004]);
    assertClose(param, [1 - (0.01 * 0.05) / (Math.sqrt(0.00025) + 1e-7), -2 + (0.01 * 0.2) / (Math.sqrt(0.004) + 1e-7)]);
  });

  test('adamUpdate from non-zero moments', () => {
    const param = f64([0.3]);
    const m = f64([0.2]);
    const v = f64([0.01]);
    backend.adamUpdate(param, f64([1]), m, v, 1, 0.5, 0.8, 0.9, 0.1);
    // m = 0.2 + (1 - 0.2) * 0.2 = 0.36; v = 0.01 + (1 - 0.01) * 0.1 = 0.109
    assertClose(m, [0.36]);
    assertClose(v, [0.109]);
    assertClose(param, [0.3 - (0.5 * 0.36) / (Math.sqrt(0.109) + 0.1)]);
  });

  test('Adam optimizer folds bias correction into alpha at each step', () => {
    const w = weight([1], [0.5]);
    const adam = new Adam({ learningRate: 0.1 });
    adam.applyGradients(backend, [w]);
    // t = 1: alpha = 0.1 * sqrt(0.001) / 0.1; m = 0.05, v = 0.00025
    const a1 = (0.1 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    const p1 = 1 - (a1 * 0.05) / (Math.sqrt(0.00025) + 1e-7);
    assertClose(w.value, [p1]);
    assert.ok(Math.abs(p1 - 0.9) < 1e-4); // about lr * sign(g) on the first step
    w.grad[0] = -1;
    adam.applyGradients(backend, [w]);
    const m2 = 0.05 + (-1 - 0.05) * 0.1;
    const v2 = 0.00025 + (1 - 0.00025) * 0.001;
    const a2 = (0.1 * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    assertClose(w.value, [p1 - (a2 * m2) / (Math.sqrt(v2) + 1e-7)]);
    assert.equal(adam.iterations, 2);
  });

  test('sgdUpdate plain, momentum and nesterov', () => {
    const plain = f64([1, 2]);
    backend.sgdUpdate(plain, f64([0.5, -1]), null, 2, 0.1, 0, false);
    assertClose(plain, [0.95, 2.1]);

    // momentum 0.9, lr 0.1, v0 = 0.2, g = 1: v = 0.18 - 0.1 = 0.08
    const p = f64([1]);
    const vel = f64([0.2]);
    backend.sgdUpdate(p, f64([1]), vel, 1, 0.1, 0.9, false);
    assertClose(vel, [0.08]);
    assertClose(p, [1.08]);

    // nesterov: param += momentum * v - lr * g = 0.072 - 0.1
    const pn = f64([1]);
    const vn = f64([0.2]);
    backend.sgdUpdate(pn, f64([1]), vn, 1, 0.1, 0.9, true);
    assertClose(vn, [0.08]);
    assertClose(pn, [1 + 0.9 * 0.08 - 0.1]);
  });

  test('SGD optimizer with nesterov momentum over two steps', () => {
    const w = weight([0], [1]);
    const sgd = new SGD({ learningRate: 0.1, momentum: 0.5, nesterov: true });
    sgd.applyGradients(backend, [w]);
    // v1 = -0.1; p1 = 0.5 * -0.1 - 0.1 = -0.15
    assertClose(w.value, [-0.15]);
    sgd.applyGradients(backend, [w]);
    // v2 = 0.5 * -0.1 - 0.1 = -0.15; p2 = -0.15 + 0.5 * -0.15 - 0.1 = -0.325
    assertClose(w.value, [-0.325]);
  });

  test('rmspropUpdate: s = rho s + (1 - rho) g^2; param -= lr g / sqrt(s + eps)', () => {
    const param = f64([1, 1]);
    const s = f64([0, 0.5]);
    backend.rmspropUpdate(param, f64([2, -1]), s, 2, 0.01, 0.9, 1e-7);
    assertClose(s, [0.4, 0.55]);
    assertClose(param, [1 - (0.01 * 2) / Math.sqrt(0.4 + 1e-7), 1 + 0.01 / Math.sqrt(0.55 + 1e-7)]);
  });

  test('RMSprop optimizer keeps its mean square between steps', () => {
    const w = weight([0], [1]);
    const rms = new RMSprop({ learningRate: 0.1, rho: 0.5, epsilon: 0 });
    rms.applyGradients(backend, [w]);
    assertClose(w.value, [-0.1 / Math.sqrt(0.5)]);
    rms.applyGradients(backend, [w]);
    assertClose(w.value, [-0.1 / Math.sqrt(0.5) - 0.1 / Math.sqrt(0.75)]);
  });

  test('optimizers skip non-trainable weights', () => {
    const frozen: Weight = { ...weight([1], [1]), trainable: false };
    new SGD({ learningRate: 0.5 }).applyGradients(backend, [frozen]);
    assertClose(frozen.value, [1]);
  });
});
