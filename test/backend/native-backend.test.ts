/**
 * The native backend must agree with the reference backend (the oracle) on
 * seeded random inputs for every kernel, once per ISA path this CPU can run.
 * Tolerance: |native - reference| <= 1e-5 * sqrt(K) * (|reference| + mean|reference|)
 * where K is the length of the summation behind each output (1 for
 * element-wise kernels); argmax arrays must be equal. The convolutions' forward
 * and gradients over every ISA path and Winograd setting are in
 * kernel-conformance.test.ts.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, ElementwiseActivation } from '../../src/backend/backend.js';
import { createReferenceBackend } from '../../src/backend/reference/reference-backend.js';
import { conv2dInfo, pool2dInfo, type Padding } from '../../src/core/conv-geometry.js';
import { loadNativeBackend, type NativeBackend, type NativeIsa } from '../../src/backend/native/index.js';
import { Sequential } from '../../src/model/sequential.js';
import { layers } from '../../src/index.js';
import { Tensor } from '../../src/core/tensor.js';
import { assertClose, randomArray, rng } from './seeded-arrays.js';

const reference = createReferenceBackend();
const loaded = loadNativeBackend();

/** Small integers: max-pool windows then contain ties, which exercise "first max wins". */
function tiedArray(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => Math.floor(r() * 4) - 2);
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

const MATMUL_SIZES: [number, number, number][] = [
  [1, 1, 1], [3, 17, 33], [17, 3, 127], [33, 127, 17], [127, 33, 3], [64, 64, 288], [130, 70, 600], [32, 10, 128],
  // Column counts that are multiples of 16: the product reads both operands in place (panel_gemm), with a partial last row tile.
  [17, 32, 600], [5, 16, 1], [1, 128, 300],
];

function matmulCases(backend: Backend, t: TestContext) {
  return t.test('matmul: all transposes, accumulate, odd sizes', () => {
    let seed = 1;
    for (const [m, n, k] of MATMUL_SIZES) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const accumulate of [false, true]) {
            const a = randomArray(m * k, seed++), b = randomArray(k * n, seed++), c0 = randomArray(m * n, seed++);
            const cn = c0.slice(), cr = c0.slice();
            backend.matmul(a, b, cn, m, n, k, transA, transB, accumulate);
            reference.matmul(a, b, cr, m, n, k, transA, transB, accumulate);
            assertClose(cn, cr, k, `matmul m=${m} n=${n} k=${k} tA=${transA} tB=${transB} acc=${accumulate}`);
          }
        }
      }
    }
  });
}

/**
 * setWinograd(0) takes effect: on the lab CNN's conv2 the direct kernels and
 * Winograd round differently, and both stay close to each other. Every conv
 * kernel under every Winograd setting and ISA path is compared with the
 * reference in kernel-conformance.test.ts.
 */
function directConvCases(backend: NativeBackend, t: TestContext) {
  return t.test('conv2d with setWinograd(0) (direct kernels only) rounds differently from Winograd', () => {
    const saved = backend.winograd;
    const g = conv2dInfo(2, 13, 13, 32, 64, 3, 3, 1, 1, 'valid');
    const x = randomArray(2 * 13 * 13 * 32, 7), w = randomArray(9 * 32 * 64, 8);
    const winograd = new Float32Array(2 * 11 * 11 * 64), direct = new Float32Array(winograd.length);
    try {
      backend.setWinograd(5);
      backend.conv2d(x, w, winograd, g);
      backend.setWinograd(0);
      assert.equal(backend.winograd, 0);
      backend.conv2d(x, w, direct, g);
      assert.ok(!sameBits(winograd, direct), 'setWinograd(0) should change the algorithm');
      assertClose(winograd, direct, 288, 'Winograd vs direct');
    } finally {
      backend.setWinograd(saved);
    }
  });
}

type PoolCase = [batch: number, h: number, w: number, c: number, ph: number, pw: number, sh: number, sw: number, padding: Padding];
const POOL_CASES: PoolCase[] = [
  [2, 26, 26, 32, 2, 2, 2, 2, 'valid'],
  [2, 11, 11, 64, 2, 2, 2, 2, 'valid'],
  [3, 17, 17, 3, 3, 3, 2, 2, 'same'],
  [1, 5, 5, 1, 2, 2, 1, 1, 'same'],
  [2, 7, 9, 5, 3, 2, 2, 3, 'same'],
  [1, 1, 1, 1, 1, 1, 1, 1, 'valid'],
  [64, 26, 26, 32, 2, 2, 2, 2, 'valid'], // large enough to run threaded
];

/**
 * [batch, h, w, c, oc, padding]: 3x3 stride-1 conv + relu + 2x2 pool, which the
 * native backend runs in one pass: by a direct kernel for 1 channel, and for 4
 * or more by Winograd F(5x5, 3x3) tiles (up to 36 per image), or by F(2x2, 3x3)
 * tiles that are each one pool window (larger images, or setWinograd(2)).
 */
const CONV_POOL_CASES: [number, number, number, number, number, Padding][] = [
  [3, 28, 28, 1, 32, 'valid'], // the lab CNN's first block
  [2, 9, 11, 1, 40, 'valid'], // 16 + 16 channels by AVX2, 8 by the scalar tail; odd conv output width (9): its last column is in no window
  [1, 7, 8, 1, 5, 'valid'], // scalar channels only; odd conv output height (5)
  [3, 13, 13, 32, 64, 'valid'], // the lab CNN's second block (11x11 conv output: its last row and column are in no window)
  [2, 9, 10, 5, 12, 'same'], // Winograd pooled, padded input, 8 + 4 channels
  [13, 13, 13, 32, 64, 'valid'], // F(5x5): blocks of 6 images and a last one of 1, on both threads
  [1, 32, 32, 4, 8, 'same'], // 7x7 = 49 F(5x5) tiles per image, over the limit: F(2x2) windows
];

/**
 * setWinograd(2) keeps the fused conv + pool forward on F(2x2, 3x3): on the lab CNN's second
 * block that changes the rounding (F(5x5) is the default there), and both stay close to the reference.
 * An image of more than 36 F(5x5) tiles takes F(2x2) by default: there the switch changes nothing.
 */
function winogradTileSwitchCases(backend: NativeBackend, t: TestContext) {
  return t.test('conv2dReluMaxPool with setWinograd(2) (F(2x2) windows only)', () => {
    /** The fused forward of a random case, with setWinograd(5) and setWinograd(2), and the reference. */
    const forwards = (batch: number, h: number, c: number, oc: number, padding: Padding, seed: number) => {
      const conv = conv2dInfo(batch, h, h, c, oc, 3, 3, 1, 1, padding);
      const pool = pool2dInfo(batch, conv.outHeight, conv.outWidth, oc, 2, 2, 2, 2, 'valid');
      const x = randomArray(batch * h * h * c, seed), wt = randomArray(9 * c * oc, seed + 1), bias = randomArray(oc, seed + 2);
      const z = new Float32Array(batch * conv.outHeight * conv.outWidth * oc);
      const reference2 = new Float32Array(batch * pool.outHeight * pool.outWidth * oc);
      reference.conv2d(x, wt, z, conv, { bias, activation: 'relu' });
      reference.maxPool(z, reference2, null, pool);
      const byDefault = new Float32Array(reference2.length), tiles2 = new Float32Array(reference2.length);
      const saved = backend.winograd;
      try {
        backend.setWinograd(5);
        assert.ok(backend.convReluMaxPoolSupport!(conv, pool).forward.kernel);
        backend.conv2dReluMaxPool!(x, wt, bias, byDefault, null, conv, pool);
        backend.setWinograd(2);
        assert.ok(backend.convReluMaxPoolSupport!(conv, pool).forward.kernel);
        backend.conv2dReluMaxPool!(x, wt, bias, tiles2, null, conv, pool);
      } finally {
        backend.setWinograd(saved);
      }
      return { byDefault, tiles2, reference: reference2 };
    };
    const seedBlock = forwards(2, 13, 32, 64, 'valid', 31);
    assert.ok(!sameBits(seedBlock.byDefault, seedBlock.tiles2), 'setWinograd(2) should change the tile size');
    assertClose(seedBlock.byDefault, seedBlock.reference, 288, 'F(5x5) vs reference');
    assertClose(seedBlock.tiles2, seedBlock.reference, 288, 'F(2x2) vs reference');
    const large = forwards(1, 32, 4, 8, 'same', 41); // 7x7 = 49 F(5x5) tiles per image
    assert.ok(sameBits(large.byDefault, large.tiles2), 'an image over 36 tiles should stay on F(2x2)');
    assertClose(large.byDefault, large.reference, 36, 'F(2x2) on a large image vs reference');
  });
}

function convPoolCases(backend: Backend, t: TestContext) {
  return t.test('conv2dReluMaxPool == conv2d + relu + maxPool (values, argmax)', () => {
    assert.ok(backend.conv2dReluMaxPool, 'the native backend fuses conv + relu + pool');
    let seed = 500;
    for (const [batch, h, w, c, oc, padding] of CONV_POOL_CASES) {
      const conv = conv2dInfo(batch, h, w, c, oc, 3, 3, 1, 1, padding);
      const pool = pool2dInfo(batch, conv.outHeight, conv.outWidth, oc, 2, 2, 2, 2, 'valid');
      const x = randomArray(batch * h * w * c, seed++), wt = randomArray(9 * c * oc, seed++);
      const ys = batch * pool.outHeight * pool.outWidth * oc;
      for (const bias of [randomArray(oc, seed++), null]) {
        const label = `conv+pool ${batch}x${h}x${w}x${c}->${oc} ${padding} bias=${bias !== null}`;
        const z = new Float32Array(batch * conv.outHeight * conv.outWidth * oc);
        reference.conv2d(x, wt, z, conv, { bias, activation: 'relu' });
        const yr = new Float32Array(ys), ar = new Int32Array(ys);
        reference.maxPool(z, yr, ar, pool);
        const yn = randomArray(ys, seed++), an = new Int32Array(ys).fill(-7);
        assert.ok(backend.convReluMaxPoolSupport!(conv, pool).forward.kernel, `${label}: fused`);
        backend.conv2dReluMaxPool!(x, wt, bias, yn, an, conv, pool);
        assertClose(yn, yr, 9 * c, `${label} values`);
        // Argmax equal, ties (relu zeros) included; only where rounding (FMA order) puts two
        // different window values less than 1e-4 apart may the fused pass pick the other one.
        an.forEach((a, i) => {
          if (a !== ar[i]) assert.ok(z[a] !== z[ar[i]] && Math.abs(z[a] - z[ar[i]]) < 1e-4, `${label} argmax[${i}]: ${a} vs ${ar[i]}`);
        });
        const yNoArg = new Float32Array(ys);
        assert.ok(backend.convReluMaxPoolSupport!(conv, pool).forward.kernel);
        backend.conv2dReluMaxPool!(x, wt, bias, yNoArg, null, conv, pool);
        assert.deepEqual(yNoArg, yn, `${label} values without argmax`);
        // Its backward straight from the pooled gradient and argmax: dw (1 channel without dx: the
        // first layer's kernel) and dx, by direct convolution over the argmax positions. Some windows'
        // gradients are zero in every channel (as under a relu mask): they add nothing.
        const g = randomArray(ys, seed++), dz = new Float32Array(z.length), dwr = new Float32Array(9 * c * oc);
        for (let o = 0; o < ys; o += 3 * oc) g.fill(0, o, o + oc);
        reference.maxPoolBackprop(g, ar, dz, pool);
        reference.conv2dBackpropFilter(x, dz, dwr, conv);
        const dxr = new Float32Array(x.length);
        reference.conv2dBackpropInput(dz, wt, dxr, conv);
        const dwn = randomArray(9 * c * oc, seed++), dxn = randomArray(x.length, seed++);
        const windows = batch * pool.outHeight * pool.outWidth;
        assert.ok(backend.convReluMaxPoolSupport!(conv, pool).backward.kernel, `${label}: fused backward, dw`);
        backend.maxPoolConv2dBackprop!(g, ar, x, wt, dwn, null, conv, pool);
        assertClose(dwn, dwr, windows, `${label} filter gradient from the pool`);
        const dwBoth = randomArray(9 * c * oc, seed++);
        assert.ok(backend.convReluMaxPoolSupport!(conv, pool).backward.kernel, `${label}: fused backward, dw and dx`);
        backend.maxPoolConv2dBackprop!(g, ar, x, wt, dwBoth, dxn, conv, pool);
        // One channel without dx takes the first layer's own kernel: the same sums, another order.
        if (c === 1) assertClose(dwBoth, dwn, windows, `${label}: dw with dx asked`);
        else assert.deepEqual(dwBoth, dwn, `${label}: dw does not depend on whether dx is asked`);
        assertClose(dxn, dxr, 9 * oc, `${label} input gradient from the pool`);
        // With the relu too: an unmasked gradient, masked in the call by (pooled > 0), and the bias
        // gradient (its column sums); the same as the reference's activationBackpropBiasGrad first.
        const raw = randomArray(ys, seed++), masked = new Float32Array(ys), dbr = new Float32Array(oc);
        reference.activationBackpropBiasGrad('relu', yr, raw, masked, dbr, ys / oc, oc);
        const dzRelu = new Float32Array(z.length), dwRelu = new Float32Array(9 * c * oc), dxRelu = new Float32Array(x.length);
        reference.maxPoolBackprop(masked, ar, dzRelu, pool);
        reference.conv2dBackpropFilter(x, dzRelu, dwRelu, conv);
        reference.conv2dBackpropInput(dzRelu, wt, dxRelu, conv);
        const rawCopy = raw.slice(), dbn = randomArray(oc, seed++), dwf = randomArray(9 * c * oc, seed++), dxf = randomArray(x.length, seed++);
        assert.ok(backend.convReluMaxPoolSupport!(conv, pool).backward.kernel, `${label}: fused relu backward`);
        backend.maxPoolConv2dBackprop!(raw, ar, x, wt, dwf, dxf, conv, pool, { pooled: yr, db: dbn });
        assert.deepEqual(raw, rawCopy, `${label}: g is left as it was`);
        assertClose(dbn, dbr, windows, `${label} bias gradient from the pool`);
        assertClose(dwf, dwRelu, windows, `${label} filter gradient, relu masked in the call`);
        assertClose(dxf, dxRelu, 9 * oc, `${label} input gradient, relu masked in the call`);
        const dwNoBias = randomArray(9 * c * oc, seed++);
        assert.ok(backend.convReluMaxPoolSupport!(conv, pool).backward.kernel);
        backend.maxPoolConv2dBackprop!(raw, ar, x, wt, dwNoBias, randomArray(x.length, seed++), conv, pool, { pooled: yr, db: null });
        assert.deepEqual(dwNoBias, dwf, `${label}: dw does not depend on whether db is asked`);
        // A zero gradient (every window skipped) overwrites the outputs with zeros.
        const dwZero = randomArray(9 * c * oc, seed++), dxZero = randomArray(x.length, seed++), dbZero = randomArray(oc, seed++);
        assert.ok(backend.convReluMaxPoolSupport!(conv, pool).backward.kernel);
        backend.maxPoolConv2dBackprop!(new Float32Array(ys), ar, x, wt, dwZero, dxZero, conv, pool, { pooled: yr, db: dbZero });
        assert.ok(dwZero.every((v) => v === 0) && dbZero.every((v) => v === 0) && dxZero.every((v) => v === 0), `${label}: zero gradient, zero outputs`);
      }
    }
    // The conv2 block's backward: dz as a 2x2 max pool scatters it (3/4 zeros, the last row and
    // column all zero), so Winograd skips whole zero tiles of the input gradient and the filter gradient.
    {
      const c2 = conv2dInfo(2, 13, 13, 32, 64, 3, 3, 1, 1, 'valid'), p2 = pool2dInfo(2, 11, 11, 64, 2, 2, 2, 2, 'valid');
      const z = randomArray(2 * 121 * 64, 600), pooled = new Float32Array(2 * 25 * 64), arg = new Int32Array(2 * 25 * 64);
      reference.maxPool(z, pooled, arg, p2);
      const dz = new Float32Array(z.length);
      reference.maxPoolBackprop(randomArray(pooled.length, 601), arg, dz, p2);
      const x2 = randomArray(2 * 13 * 13 * 32, 602), w2 = randomArray(9 * 32 * 64, 603);
      const dxn = randomArray(x2.length, 604), dxr = new Float32Array(x2.length);
      backend.conv2dBackpropInput(dz, w2, dxn, c2);
      reference.conv2dBackpropInput(dz, w2, dxr, c2);
      assertClose(dxn, dxr, 9 * 64, 'input gradient of a pooled gradient (zero tiles skipped)');
      const dwn = randomArray(w2.length, 605), dwr = new Float32Array(w2.length);
      backend.conv2dBackpropFilter(x2, dz, dwn, c2);
      reference.conv2dBackpropFilter(x2, dz, dwr, c2);
      assertClose(dwn, dwr, 2 * 121, 'filter gradient of a pooled gradient (zero tiles skipped)');
    }
    // The backward takes any stride-1 conv before a 2x2 pool, where the forward fuses only 3x3
    // kernels (1 channel, or 4 and more): other kernel sizes, 2 or 3 channels, padding, odd sizes.
    const BACKWARD_ONLY: [batch: number, h: number, w: number, c: number, oc: number, kh: number, kw: number, padding: Padding][] = [
      [2, 9, 11, 3, 12, 5, 5, 'same'], // 5 x 3 = 15 floats per kernel row: one vector and a scalar tail
      [3, 8, 7, 2, 5, 3, 3, 'valid'],
      [2, 10, 10, 40, 9, 3, 3, 'same'], // 120 floats per kernel row: a full 96-float segment, then 24
      [1, 6, 9, 16, 4, 1, 2, 'valid'],
    ];
    for (const [batch, h, w, c, oc, kh, kw, padding] of BACKWARD_ONLY) {
      const label = `pooled backward ${batch}x${h}x${w}x${c}->${oc} ${kh}x${kw} ${padding}`;
      const conv = conv2dInfo(batch, h, w, c, oc, kh, kw, 1, 1, padding);
      const pool = pool2dInfo(batch, conv.outHeight, conv.outWidth, oc, 2, 2, 2, 2, 'valid');
      const x = randomArray(batch * h * w * c, seed++), wt = randomArray(kh * kw * c * oc, seed++);
      const z = new Float32Array(batch * conv.outHeight * conv.outWidth * oc);
      reference.conv2d(x, wt, z, conv, { bias: randomArray(oc, seed++), activation: 'relu' });
      const ys = batch * pool.outHeight * pool.outWidth * oc, pooled = new Float32Array(ys), ar = new Int32Array(ys);
      reference.maxPool(z, pooled, ar, pool);
      const raw = randomArray(ys, seed++), masked = new Float32Array(ys), dbr = new Float32Array(oc);
      reference.activationBackpropBiasGrad('relu', pooled, raw, masked, dbr, ys / oc, oc);
      const dz = new Float32Array(z.length), dwr = new Float32Array(wt.length), dxr = new Float32Array(x.length);
      reference.maxPoolBackprop(masked, ar, dz, pool);
      reference.conv2dBackpropFilter(x, dz, dwr, conv);
      reference.conv2dBackpropInput(dz, wt, dxr, conv);
      const dwn = randomArray(wt.length, seed++), dxn = randomArray(x.length, seed++), dbn = randomArray(oc, seed++);
      assert.ok(backend.convReluMaxPoolSupport!(conv, pool).backward.kernel, `${label}: fused`);
      backend.maxPoolConv2dBackprop!(raw, ar, x, wt, dwn, dxn, conv, pool, { pooled, db: dbn });
      assertClose(dwn, dwr, ys / oc, `${label} filter gradient`);
      assertClose(dxn, dxr, kh * kw * oc, `${label} input gradient`);
      assertClose(dbn, dbr, ys / oc, `${label} bias gradient`);
    }
    // The Winograd forward keeps its transformed weights while the kernel is bitwise the same
    // (predict runs many batches on one set): a kernel changed in place, even one float, is seen.
    {
      const conv = conv2dInfo(2, 8, 8, 8, 16, 3, 3, 1, 1, 'valid');
      const pool = pool2dInfo(2, 6, 6, 16, 2, 2, 2, 2, 'valid');
      const x = randomArray(2 * 64 * 8, seed++), wt = randomArray(9 * 8 * 16, seed++), y = new Float32Array(2 * 9 * 16);
      for (const change of [null, 0, wt.length - 1, 500]) {
        if (change !== null) wt[change] += 0.25;
        const z = new Float32Array(2 * 36 * 16), yr = new Float32Array(y.length);
        reference.conv2d(x, wt, z, conv, { bias: null, activation: 'relu' });
        reference.maxPool(z, yr, null, pool);
        assert.ok(backend.convReluMaxPoolSupport!(conv, pool).forward.kernel);
        backend.conv2dReluMaxPool!(x, wt, null, y, null, conv, pool);
        assertClose(y, yr, 9 * 8, `Winograd forward after changing kernel element ${change}`);
        const again = new Float32Array(y.length);
        backend.conv2dReluMaxPool!(x, wt, null, again, null, conv, pool);
        assert.deepEqual(again, y, 'the same kernel twice: the same result');
      }
    }
    // x and dx at every 4-byte offset within a cache line: an image is read and written in place
    // when both are 64-byte aligned, and through aligned copies otherwise; both give the same sums.
    {
      const conv = conv2dInfo(2, 9, 9, 16, 8, 3, 3, 1, 1, 'valid');
      const pool = pool2dInfo(2, 7, 7, 8, 2, 2, 2, 2, 'valid');
      const x = randomArray(2 * 81 * 16, seed++), wt = randomArray(9 * 16 * 8, seed++);
      const z = new Float32Array(2 * 49 * 8);
      reference.conv2d(x, wt, z, conv, { bias: null, activation: 'relu' });
      const ys = 2 * 9 * 8, pooled = new Float32Array(ys), ar = new Int32Array(ys);
      reference.maxPool(z, pooled, ar, pool);
      const g = randomArray(ys, seed++), dz = new Float32Array(z.length), dwr = new Float32Array(wt.length), dxr = new Float32Array(x.length);
      reference.maxPoolBackprop(g, ar, dz, pool);
      reference.conv2dBackpropFilter(x, dz, dwr, conv);
      reference.conv2dBackpropInput(dz, wt, dxr, conv);
      const xBuffer = new Float32Array(x.length + 16), dxBuffer = new Float32Array(x.length + 16);
      let first: Float32Array | null = null;
      for (let xOffset = 0; xOffset < 16; xOffset++) {
        for (let dxOffset = 0; dxOffset < 16; dxOffset++) {
          const xAt = xBuffer.subarray(xOffset, xOffset + x.length), dxAt = dxBuffer.subarray(dxOffset, dxOffset + x.length);
          xAt.set(x);
          dxAt.fill(7);
          const dw = new Float32Array(wt.length), label = `x at +${xOffset}, dx at +${dxOffset}`;
          assert.ok(backend.convReluMaxPoolSupport!(conv, pool).backward.kernel);
          backend.maxPoolConv2dBackprop!(g, ar, xAt, wt, dw, dxAt, conv, pool);
          assertClose(dxAt, dxr, 9 * 8, `input gradient, ${label}`);
          assertClose(dw, dwr, ys / 8, `filter gradient, ${label}`);
          if (first) assert.deepEqual(dw, first, `filter gradient, ${label}: the same sums at every offset`);
          first ??= dw;
        }
      }
    }
    // Other shapes are declined, untouched: a stride-2 conv, and 2 channels for the forward (neither
    // the 1-channel kernel nor Winograd). The support query says so, and a call anyway throws.
    const conv = conv2dInfo(1, 8, 8, 2, 8, 3, 3, 1, 1, 'valid');
    const pool = pool2dInfo(1, 6, 6, 8, 2, 2, 2, 2, 'valid');
    const y = new Float32Array(72).fill(3), dw = new Float32Array(144).fill(3);
    assert.equal(backend.convReluMaxPoolSupport!(conv, pool).forward.kernel, null);
    assert.throws(() => backend.conv2dReluMaxPool!(randomArray(128, 1), randomArray(144, 2), null, y, null, conv, pool), /no fused kernel for this geometry/);
    const strided = conv2dInfo(1, 9, 9, 2, 8, 3, 3, 2, 2, 'valid'), stridedPool = pool2dInfo(1, 4, 4, 8, 2, 2, 2, 2, 'valid');
    const dx = new Float32Array(162).fill(3);
    assert.equal(backend.convReluMaxPoolSupport!(strided, stridedPool).backward.kernel, null);
    assert.throws(() => backend.maxPoolConv2dBackprop!(randomArray(32, 3), new Int32Array(32), randomArray(162, 1), randomArray(144, 2), dw, null, strided, stridedPool), /no fused kernel for this geometry/);
    assert.equal(backend.convReluMaxPoolSupport!(strided, stridedPool).backward.kernel, null);
    assert.throws(() => backend.maxPoolConv2dBackprop!(randomArray(32, 3), new Int32Array(32), randomArray(162, 1), randomArray(144, 2), dw, dx, strided, stridedPool), /no fused kernel for this geometry/);
    assert.ok(y.every((v) => v === 3) && dw.every((v) => v === 3) && dx.every((v) => v === 3));
    // An argmax outside its own window is an error, not a silently dropped term.
    const c1 = conv2dInfo(1, 6, 6, 1, 8, 3, 3, 1, 1, 'valid'), p1 = pool2dInfo(1, 4, 4, 8, 2, 2, 2, 2, 'valid');
    const argmax = Int32Array.from({ length: 32 }, (_, i) => i % 8); // every window's argmax at pixel (0, 0)
    assert.throws(() => backend.maxPoolConv2dBackprop!(randomArray(32, 4), argmax, randomArray(36, 5), randomArray(72, 6), new Float32Array(72), null, c1, p1),
      /argmax\[8\] = 0 is not inside its own pooling window/);
    const c4 = conv2dInfo(1, 6, 6, 4, 8, 3, 3, 1, 1, 'valid');
    assert.throws(() => backend.maxPoolConv2dBackprop!(randomArray(32, 4), argmax, randomArray(144, 5), randomArray(288, 6), new Float32Array(288), new Float32Array(144), c4, p1),
      /argmax\[8\] = 0 is not inside its own pooling window/, 'the multi-channel kernel checks it too');
  });
}

function poolCases(backend: Backend, t: TestContext) {
  return t.test('maxPool (argmax equal, ties) and maxPoolBackprop', () => {
    let seed = 200;
    for (const [batch, h, w, c, ph, pw, sh, sw, padding] of POOL_CASES) {
      const g = pool2dInfo(batch, h, w, c, ph, pw, sh, sw, padding);
      const label = `pool ${JSON.stringify(g)}`;
      const xs = batch * h * w * c, ys = batch * g.outHeight * g.outWidth * c;
      for (const x of [randomArray(xs, seed++), tiedArray(xs, seed++)]) {
        const yn = new Float32Array(ys), yr = new Float32Array(ys);
        const an = new Int32Array(ys).fill(-7), ar = new Int32Array(ys);
        backend.maxPool(x, yn, an, g);
        reference.maxPool(x, yr, ar, g);
        assert.deepEqual(yn, yr, `${label} values`);
        assert.deepEqual(an, ar, `${label} argmax`);
        const yNoArg = new Float32Array(ys);
        backend.maxPool(x, yNoArg, null, g);
        assert.deepEqual(yNoArg, yr, `${label} values without argmax`);
        const dy = randomArray(ys, seed++);
        const dxn = randomArray(xs, seed++), dxr = new Float32Array(xs);
        backend.maxPoolBackprop(dy, an, dxn, g);
        reference.maxPoolBackprop(dy, ar, dxr, g);
        assertClose(dxn, dxr, ph * pw, `${label} backprop`);
      }
    }
    // An argmax inside its image but outside its own window is still scatter-added
    // there (the contract); the non-overlapping 2x2 fast path must fall back.
    const g = pool2dInfo(2, 5, 5, 8, 2, 2, 2, 2, 'valid');
    const ys = 2 * 2 * 2 * 8, xs = 2 * 5 * 5 * 8;
    const argmax = Int32Array.from({ length: ys }, (_, i) => Math.floor(i / 32) * 200 + ((i * 37) % 200));
    const dy = randomArray(ys, 999), dxn = randomArray(xs, 1000), dxr = new Float32Array(xs);
    backend.maxPoolBackprop(dy, argmax, dxn, g);
    reference.maxPoolBackprop(dy, argmax, dxr, g);
    assertClose(dxn, dxr, ys, 'maxPoolBackprop with argmax outside its window');
  });
}

const ACTIVATIONS: ElementwiseActivation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'gelu', 'swish'];

function elementwiseCases(backend: Backend, t: TestContext) {
  return t.test('biasActivation, activationBackprop, biasGrad', () => {
    let seed = 300;
    for (const [rows, cols] of [[1, 1], [3, 17], [17, 33], [127, 3], [2100, 33], [5000, 32]]) {
      for (const activation of ACTIVATIONS) {
        for (const withBias of [true, false]) {
          const y0 = randomArray(rows * cols, seed++, -3, 3), bias = withBias ? randomArray(cols, seed++) : null;
          const yn = y0.slice(), yr = y0.slice();
          backend.biasActivation(yn, bias, rows, cols, activation);
          reference.biasActivation(yr, bias, rows, cols, activation);
          assertClose(yn, yr, 1, `biasActivation ${activation} ${rows}x${cols} bias=${withBias}`);
        }
        const n = rows * cols;
        const y = randomArray(n, seed++, -1, 1), dy = randomArray(n, seed++);
        const dxn = new Float32Array(n), dxr = new Float32Array(n);
        backend.activationBackprop(activation, y, dy, dxn, n);
        reference.activationBackprop(activation, y, dy, dxr, n);
        assertClose(dxn, dxr, 1, `activationBackprop ${activation} n=${n}`);
        const inPlace = dy.slice();
        backend.activationBackprop(activation, y, inPlace, inPlace, n);
        assertClose(inPlace, dxr, 1, `activationBackprop ${activation} n=${n} in place`);
      }
      const dy = randomArray(rows * cols, seed++);
      const dbn = randomArray(cols, seed++), dbr = new Float32Array(cols);
      backend.biasGrad(dy, dbn, rows, cols);
      reference.biasGrad(dy, dbr, rows, cols);
      assertClose(dbn, dbr, rows, `biasGrad ${rows}x${cols}`);
      for (const activation of ACTIVATIONS) {
        // Fused activation backprop + bias gradient == the two kernels, in place too.
        const n = rows * cols, y = randomArray(n, seed++, -1, 1);
        const dzf = dy.slice(), dbf = randomArray(cols, seed++), dzr = new Float32Array(n), dbu = new Float32Array(cols);
        backend.activationBackpropBiasGrad(activation, y, dzf, dzf, dbf, rows, cols);
        reference.activationBackprop(activation, y, dy, dzr, n);
        reference.biasGrad(dzr, dbu, rows, cols);
        assertClose(dzf, dzr, 1, `activationBackpropBiasGrad ${activation} ${rows}x${cols} dz`);
        assertClose(dbf, dbu, rows, `activationBackpropBiasGrad ${activation} ${rows}x${cols} db`);
        const dzs = new Float32Array(n), dbs = new Float32Array(cols), dzo = new Float32Array(n);
        backend.activationBackprop(activation, y, dy, dzs, n);
        backend.biasGrad(dzs, dbs, rows, cols);
        backend.activationBackpropBiasGrad(activation, y, dy, dzo, dbf, rows, cols);
        assert.ok(sameBits(dzo, dzs) && sameBits(dbf, dbs), `activationBackpropBiasGrad ${activation} ${rows}x${cols}: differs from the two separate kernels`);
      }
    }
  });
}

function softmaxCases(backend: Backend, t: TestContext) {
  return t.test('softmax, softmaxBackprop, fused cross-entropy', () => {
    let seed = 400;
    for (const [rows, cols] of [[1, 1], [3, 10], [17, 33], [128, 10]]) {
      const n = rows * cols;
      const x = randomArray(n, seed++, -20, 20);
      const yn = new Float32Array(n), yr = new Float32Array(n);
      backend.softmax(x, yn, rows, cols);
      reference.softmax(x, yr, rows, cols);
      assertClose(yn, yr, cols, `softmax ${rows}x${cols}`);
      const inPlace = x.slice();
      backend.softmax(inPlace, inPlace, rows, cols);
      assertClose(inPlace, yr, cols, `softmax ${rows}x${cols} in place`);

      const dy = randomArray(n, seed++);
      const dxn = new Float32Array(n), dxr = new Float32Array(n);
      backend.softmaxBackprop(yr, dy, dxn, rows, cols);
      reference.softmaxBackprop(yr, dy, dxr, rows, cols);
      assertClose(dxn, dxr, cols, `softmaxBackprop ${rows}x${cols}`);

      const r = rng(seed++);
      const labels = Int32Array.from({ length: rows }, () => Math.floor(r() * cols));
      const pn = new Float32Array(n), pr = new Float32Array(n), gn = new Float32Array(n), gr = new Float32Array(n);
      const ln = backend.softmaxCrossEntropySparse(x, labels, pn, gn, rows, cols, 1 / rows);
      const lr = reference.softmaxCrossEntropySparse(x, labels, pr, gr, rows, cols, 1 / rows);
      assert.ok(Math.abs(ln - lr) <= 1e-6 * (Math.abs(lr) + 1), `sparse loss ${ln} vs ${lr}`);
      assertClose(pn, pr, cols, `sparse probs ${rows}x${cols}`);
      assertClose(gn, gr, cols, `sparse dlogits ${rows}x${cols}`);

      const targets = randomArray(n, seed++, 0, 1);
      const ln2 = backend.softmaxCrossEntropyDense(x, targets, pn, gn, rows, cols, 0.5);
      const lr2 = reference.softmaxCrossEntropyDense(x, targets, pr, gr, rows, cols, 0.5);
      assert.ok(Math.abs(ln2 - lr2) <= 1e-6 * (Math.abs(lr2) + 1), `dense loss ${ln2} vs ${lr2}`);
      assertClose(pn, pr, cols, `dense probs ${rows}x${cols}`);
      assertClose(gn, gr, cols, `dense dlogits ${rows}x${cols}`);
    }
  });
}

function optimizerCases(backend: Backend, t: TestContext) {
  return t.test('adamUpdate, sgdUpdate, rmspropUpdate', () => {
    let seed = 500;
    for (const n of [1, 17, 100003]) {
      const p = randomArray(n, seed++), g = randomArray(n, seed++), m = randomArray(n, seed++, -0.1, 0.1), v = randomArray(n, seed++, 0, 0.1);
      const [pn, mn, vn, pr, mr, vr] = [p.slice(), m.slice(), v.slice(), p.slice(), m.slice(), v.slice()];
      backend.adamUpdate(pn, g, mn, vn, n, 1e-3, 0.9, 0.999, 1e-7);
      reference.adamUpdate(pr, g, mr, vr, n, 1e-3, 0.9, 0.999, 1e-7);
      assertClose(pn, pr, 1, `adam param n=${n}`);
      assertClose(mn, mr, 1, `adam m n=${n}`);
      assertClose(vn, vr, 1, `adam v n=${n}`);
      for (const [momentum, nesterov] of [[0, false], [0.9, false], [0.9, true]] as const) {
        const pa = p.slice(), pb = p.slice(), va = m.slice(), vb = m.slice();
        backend.sgdUpdate(pa, g, momentum ? va : null, n, 0.01, momentum, nesterov);
        reference.sgdUpdate(pb, g, momentum ? vb : null, n, 0.01, momentum, nesterov);
        assertClose(pa, pb, 1, `sgd momentum=${momentum} nesterov=${nesterov} n=${n}`);
        assertClose(va, vb, 1, `sgd velocity n=${n}`);
      }
      const pa = p.slice(), pb = p.slice(), sa = v.slice(), sb = v.slice();
      backend.rmspropUpdate(pa, g, sa, n, 1e-3, 0.9, 1e-7);
      reference.rmspropUpdate(pb, g, sb, n, 1e-3, 0.9, 1e-7);
      assertClose(pa, pb, 1, `rmsprop param n=${n}`);
      assertClose(sa, sb, 1, `rmsprop meanSquare n=${n}`);
    }
  });
}

function determinismCases(backend: NativeBackend, t: TestContext) {
  return t.test('determinism: identical bits run to run and across thread counts', () => {
    const g = conv2dInfo(32, 13, 13, 32, 64, 3, 3, 1, 1, 'valid');
    const x = randomArray(32 * 13 * 13 * 32, 7), w = randomArray(3 * 3 * 32 * 64, 8), dy = randomArray(32 * 11 * 11 * 64, 9);
    const run = () => {
      const y = new Float32Array(32 * 11 * 11 * 64), dx = new Float32Array(x.length), dw = new Float32Array(w.length), db = new Float32Array(64);
      backend.conv2d(x, w, y, g);
      backend.conv2dBackpropInput(dy, w, dx, g);
      backend.conv2dBackpropFilter(x, dy, dw, g);
      backend.biasGrad(dy, db, 32 * 11 * 11, 64);
      const g1 = conv2dInfo(32, 28, 28, 1, 32, 3, 3, 1, 1, 'valid');
      const x1 = randomArray(32 * 28 * 28, 12), dy1 = randomArray(32 * 26 * 26 * 32, 13);
      const y1 = new Float32Array(dy1.length), dw1 = new Float32Array(288);
      backend.conv2d(x1, w.subarray(0, 288), y1, g1);
      backend.conv2dBackpropFilter(x1, dy1, dw1, g1);
      const c = new Float32Array(64 * 128);
      backend.matmul(randomArray(1600 * 64, 10), randomArray(1600 * 128, 11), c, 64, 128, 1600, true, false, false);
      const dense = new Float32Array(50 * 128);
      backend.matmul(randomArray(50 * 1600, 14), randomArray(1600 * 128, 15), dense, 50, 128, 1600, false, false, false);
      return [y, dx, dw, db, c, y1, dw1, dense];
    };
    const threads = backend.threads;
    try {
      const first = run(), second = run();
      first.forEach((a, i) => assert.ok(sameBits(a, second[i]), `output ${i} differs between two identical runs`));
      for (const count of [1, 3]) {
        backend.setThreads(count);
        const other = run();
        first.forEach((a, i) => assert.ok(sameBits(a, other[i]), `output ${i} differs with ${count} thread(s) vs ${threads}`));
      }
    } finally {
      backend.setThreads(threads);
    }
  });
}

function badInputCases(backend: NativeBackend, t: TestContext) {
  return t.test('bad buffers throw Errors naming expected and received', () => {
    const g = conv2dInfo(2, 8, 8, 3, 4, 3, 3, 1, 1, 'valid');
    const x = new Float32Array(2 * 8 * 8 * 3), w = new Float32Array(3 * 3 * 3 * 4), y = new Float32Array(2 * 6 * 6 * 4);
    assert.throws(() => backend.conv2d(x.subarray(1), w, y, g), (e: Error) => e instanceof Error && /x needs at least 384 elements \(\[2, 8, 8, 3\]\); received 383/.test(e.message));
    assert.throws(() => backend.conv2dBackpropFilter(x, y, w.subarray(0, 10), g), /dw needs at least 108 elements .*received 10/);
    assert.throws(() => backend.matmul(new Float32Array(5), new Float32Array(6), new Float32Array(6), 2, 3, 3, false, false, false), /a needs at least 6 elements .*received 5/);
    assert.throws(() => backend.conv2d(new Float64Array(x.length), w, y, g), /Float32Array.*received Float64Array/);
    assert.equal(backend.supportsFloat64, false);
    const p = pool2dInfo(1, 4, 4, 1, 2, 2, 2, 2, 'valid');
    assert.throws(() => backend.maxPool(new Float32Array(16), new Float32Array(4), new Int32Array(3), p), /argmax needs at least 4 elements .*received 3/);
    // A corrupt argmax must be refused, not written through.
    assert.throws(() => backend.maxPoolBackprop(new Float32Array(4), Int32Array.of(0, 1, 2, 99), new Float32Array(16), p), /argmax\[3\] = 99/);
    assert.throws(() => backend.softmaxCrossEntropySparse(new Float32Array(4), Int32Array.of(0, 2), new Float32Array(4), new Float32Array(4), 2, 2, 1), /labels\[1\] = 2/);
    assert.throws(() => backend.biasActivation(new Float32Array(4), null, 2, 2, 'selu' as ElementwiseActivation), /unknown activation/);
    // A name of Object.prototype is not an activation code either.
    assert.throws(() => backend.biasActivation(new Float32Array(4), null, 2, 2, 'constructor' as ElementwiseActivation), /unknown activation "constructor"/);
    // A geometry field that is not a count: named, with the value received.
    assert.throws(() => backend.conv2d(x, w, y, { ...g, batch: 1.5 }), (e: Error) => e instanceof RangeError && /conv batch must be an integer from 0 to 2147483647; received 1\.5/.test(e.message));
    assert.throws(() => backend.maxPool(new Float32Array(16), new Float32Array(4), null, { ...p, channels: -1 }), /pool channels must be an integer from 0 to 2147483647; received -1/);
  });
}

if ('error' in loaded) {
  test('native backend', (t) => {
    console.log(`# native backend not tested: ${loaded.error}`);
    t.skip(`native addon did not load: ${loaded.error}`);
  });
} else {
  const backend = loaded.backend;
  const original = backend.isa;

  test('native backend description and settings', () => {
    assert.match(backend.description, /^native \((avx512|avx2|portable), \d+ threads?\)$/);
    assert.ok(backend.supportedIsas.includes('portable'));
    assert.throws(() => backend.setThreads(0), /thread count/);
  });

  test('allocateFloat32: zeroed views 64-byte aligned in their buffer, used by layers for activations, gradients and weights', async () => {
    for (const length of [0, 1, 17, 1600 * 128]) {
      const a = backend.allocateFloat32(length);
      assert.ok(a instanceof Float32Array && a.length === length && a.every((v) => v === 0));
      // 64 spare bytes, of which byteOffset (the alignment offset the addon reported) come first.
      assert.equal(a.buffer.byteLength, length * 4 + 64);
      assert.ok(a.byteOffset % 4 === 0 && a.byteOffset < 64, `byteOffset ${a.byteOffset}`);
    }
    assert.throws(() => backend.allocateFloat32(-1), /allocateFloat32: length must be a non-negative integer; received -1/);
    const model = new Sequential([layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), layers.flatten(), layers.dense({ units: 3 })], { backend, seed: 1 });
    model.build([6, 6, 1]);
    for (const w of model.weights()) {
      assert.equal(w.value.buffer.byteLength, w.value.byteLength + 64, `${w.name} value from allocateFloat32`);
      assert.equal(w.grad.buffer.byteLength, w.grad.byteLength + 64, `${w.name} gradient from allocateFloat32`);
    }
    const y = await model.predict(new Tensor(new Float32Array(2 * 36).fill(0.5), [2, 6, 6, 1]));
    assert.ok(y.data.every(Number.isFinite));
  });

  test('measurePeakGflops returns a positive rate and restores the thread count', () => {
    const threads = backend.threads;
    const gflops = backend.measurePeakGflops(1, 20);
    assert.ok(Number.isFinite(gflops) && gflops > 0.1, `peak ${gflops} GFLOPS`);
    assert.equal(backend.threads, threads);
    assert.throws(() => backend.measurePeakGflops(1, 0), /milliseconds/);
  });

  for (const isa of ['avx512', 'avx2', 'portable'] as NativeIsa[]) {
    test(`native == reference on the ${isa} path`, async (t) => {
      if (!backend.supportedIsas.includes(isa)) {
        console.log(`# ${isa} path not tested: this CPU cannot run it`);
        t.skip(`this CPU cannot run the ${isa} path`);
        return;
      }
      backend.setIsa(isa);
      try {
        await matmulCases(backend, t);
        await directConvCases(backend, t);
        await poolCases(backend, t);
        await convPoolCases(backend, t);
        await winogradTileSwitchCases(backend, t);
        await elementwiseCases(backend, t);
        await softmaxCases(backend, t);
        await optimizerCases(backend, t);
        await determinismCases(backend, t);
        await badInputCases(backend, t);
      } finally {
        backend.setIsa(original);
      }
    });
  }
}
