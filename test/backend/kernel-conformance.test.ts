/**
 * Kernel conformance: one table of convolution kernel cases, run over every
 * backend configuration this machine has (the reference backend in float32,
 * and the native backend on each instruction-set path it can run, with each
 * Winograd setting: 0 direct only, 2 F(2x2, 3x3), 5 also F(5x5, 3x3)), each
 * compared with the reference backend in float64 as the oracle (the way
 * TF.js's describeWithFlags and Burn's backend tests run one suite over every
 * backend). The fused conv + relu + pool kernels must also be taken exactly
 * where the algorithm table (native/fused/conv-pool-algorithms.c) says.
 * Tolerance: |got - oracle| <= 1e-5 * sqrt(K) * (|oracle| + mean|oracle|),
 * K the length of the sum behind each output.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, EpilogueActivation, FloatArray } from '../../src/backend/backend.js';
import { createReferenceBackend } from '../../src/backend/reference/reference-backend.js';
import { conv2dInfo, pool2dInfo, type Padding } from '../../src/core/conv-geometry.js';
import { loadNativeBackend, type NativeBackend, type WinogradTile } from '../../src/backend/native/index.js';
import { assertClose, randomArray } from './seeded-arrays.js';

const oracle = createReferenceBackend();
const loaded = loadNativeBackend();

const wide = (a: FloatArray) => Float64Array.from(a);

/** One backend as a suite runs it: how to select it, and the Winograd setting it runs with (null: not the native backend). */
interface Configuration {
  name: string;
  backend: Backend;
  winograd: WinogradTile | null;
  select(): void;
}

function configurations(): Configuration[] {
  const list: Configuration[] = [{ name: 'reference (float32)', backend: oracle, winograd: null, select: () => {} }];
  if ('error' in loaded) return list;
  const native: NativeBackend = loaded.backend;
  for (const isa of native.supportedIsas) {
    for (const winograd of [0, 2, 5] as const) {
      list.push({ name: `native ${isa}, Winograd ${winograd}`, backend: native, winograd, select: () => { native.setIsa(isa); native.setWinograd(winograd); } });
    }
  }
  return list;
}

type ConvCase = [batch: number, h: number, w: number, c: number, oc: number, kh: number, kw: number, sh: number, sw: number, padding: Padding];
/** Convolutions: the lab CNN's, each native kernel's special shapes, and odd sizes (1, 3, 17, 33 ...). */
const CONV_CASES: ConvCase[] = [
  [2, 28, 28, 1, 32, 3, 3, 1, 1, 'valid'], // the lab CNN's conv1
  [3, 13, 13, 32, 64, 3, 3, 1, 1, 'valid'], // the lab CNN's conv2
  [8, 28, 28, 1, 32, 3, 3, 1, 1, 'valid'], // enough positions for several filter-gradient chunks
  [2, 9, 11, 1, 40, 3, 3, 1, 1, 'same'], // single-channel direct path: padded rows, a 32 + 8 channel split
  [3, 10, 9, 1, 16, 5, 2, 2, 1, 'same'], // single channel, strided rows, 10 taps (3+3+3+1)
  [2, 7, 8, 1, 8, 2, 2, 2, 2, 'valid'], // single channel, stride 2 read in place
  [2, 6, 6, 1, 5, 3, 3, 1, 1, 'valid'], // single channel, OC not a multiple of 8
  [3, 17, 17, 3, 5, 3, 3, 2, 2, 'same'],
  [1, 5, 7, 3, 17, 3, 2, 1, 2, 'same'],
  [2, 32, 32, 3, 32, 3, 3, 1, 1, 'same'], // the modern CNN's conv1: filter gradient tiles all 3 channels across taps (C < MR)
  [2, 6, 7, 2, 9, 3, 3, 1, 1, 'same'], // 2 channels across taps, a partial last tile
  [2, 9, 9, 4, 3, 1, 1, 1, 1, 'valid'],
  [3, 17, 15, 3, 17, 3, 3, 2, 2, 'valid'], // filter gradient by window corners: 27 rows (a partial last tile), 17 columns
  [1, 6, 5, 4, 3, 3, 3, 1, 1, 'valid'], // Winograd at its smallest: 4 channels, a 4x3 output (half a tile column past the edge)
  [2, 7, 9, 12, 20, 3, 3, 1, 1, 'same'], // Winograd, padded: 12 channels (8 + a scalar tail of 4), 20 filters
  [2, 12, 10, 5, 33, 2, 3, 1, 2, 'valid'], // corners, 2x3 taps, stride 2 across, 30 rows
  [1, 3, 3, 1, 1, 3, 3, 1, 1, 'same'],
  [3, 33, 17, 5, 7, 5, 5, 2, 1, 'same'],
  [4, 16, 16, 8, 16, 4, 4, 2, 2, 'valid'],
  [1, 1, 1, 1, 1, 1, 1, 1, 1, 'valid'],
  [2, 12, 12, 33, 127, 3, 3, 1, 1, 'same'],
  [1, 12, 12, 2, 3, 9, 9, 1, 1, 'same'], // 81 taps: the packed-GEMM fallback path
];

type ConvPoolCase = [batch: number, h: number, w: number, c: number, oc: number, kh: number, kw: number, padding: Padding];
/** Stride-1 convolutions followed by a 2x2 pool: what the fused kernels take, and shapes only their backward takes. */
const CONV_POOL_CASES: ConvPoolCase[] = [
  [3, 28, 28, 1, 32, 3, 3, 'valid'], // the lab CNN's first block: the direct 1-channel kernel
  [2, 9, 11, 1, 40, 3, 3, 'valid'], // 16 + 16 channels by AVX2, 8 by the scalar tail; odd conv output width
  [1, 7, 8, 1, 5, 3, 3, 'valid'], // scalar channels only; odd conv output height
  [3, 13, 13, 32, 64, 3, 3, 'valid'], // the lab CNN's second block (F(5x5) by default)
  [2, 9, 10, 5, 12, 3, 3, 'same'], // Winograd pooled, padded input, 8 + 4 channels
  [13, 13, 13, 32, 64, 3, 3, 'valid'], // F(5x5): blocks of 6 images and a last one of 1
  [1, 32, 32, 4, 8, 3, 3, 'same'], // 49 F(5x5) tiles per image, over its limit: F(2x2) windows
  [2, 9, 11, 3, 12, 5, 5, 'same'], // backward only: 5x5 kernel, 3 channels
  [3, 8, 7, 2, 5, 3, 3, 'valid'], // backward only: 2 channels
  [1, 6, 9, 16, 4, 1, 2, 'valid'], // backward only: a 1x2 kernel
];

/**
 * Whether the native backend runs conv + relu + pool forward as one kernel, by
 * the algorithm table: the direct kernel takes a 3x3 valid conv of 1 channel,
 * Winograd (F(5x5) or F(2x2)) a 3x3 conv of at least 4 channels unless set to 0.
 */
function fusesForward(c: ConvPoolCase, winograd: WinogradTile): boolean {
  const [, , , channels, , kh, kw, padding] = c;
  if (kh !== 3 || kw !== 3) return false;
  return (channels === 1 && padding === 'valid') || (channels >= 4 && winograd !== 0);
}

const EPILOGUES: EpilogueActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

if (!('error' in loaded)) {
  const native = loaded.backend, isa = native.isa, winograd = native.winograd;
  after(() => {
    native.setIsa(isa);
    native.setWinograd(winograd);
  });
}

for (const config of configurations()) {
  describe(`kernel conformance: ${config.name}`, () => {
    const be = config.backend;
    test('conv2d forward (with and without a bias + activation epilogue), input gradient, filter gradient', () => {
      config.select();
      let seed = 100;
      for (const [batch, h, w, c, oc, kh, kw, sh, sw, padding] of CONV_CASES) {
        const g = conv2dInfo(batch, h, w, c, oc, kh, kw, sh, sw, padding);
        const label = `${config.name}: conv ${batch}x${h}x${w}x${c}->${oc} ${kh}x${kw}/${sh}x${sw} ${padding}`;
        const xs = batch * h * w * c, ws = kh * kw * c * oc, ys = batch * g.outHeight * g.outWidth * oc;
        const x = randomArray(xs, seed++), wt = randomArray(ws, seed++), dy = randomArray(ys, seed++);
        const activation = EPILOGUES[seed % EPILOGUES.length], bias = seed % 3 === 0 ? null : randomArray(oc, seed);
        seed++;
        const y = new Float64Array(ys), yEpilogue = new Float64Array(ys), dx = new Float64Array(xs), dw = new Float64Array(ws);
        oracle.conv2d(wide(x), wide(wt), y, g);
        oracle.conv2d(wide(x), wide(wt), yEpilogue, g, { bias: bias && wide(bias), activation });
        oracle.conv2dBackpropInput(wide(dy), wide(wt), dx, g);
        oracle.conv2dBackpropFilter(wide(x), wide(dy), dw, g);
        // Outputs start as garbage: every kernel must overwrite them.
        const got = randomArray(ys, seed++);
        be.conv2d(x, wt, got, g);
        assertClose(got, y, kh * kw * c, `${label} forward`);
        const gotEpilogue = randomArray(ys, seed++);
        be.conv2d(x, wt, gotEpilogue, g, { bias, activation });
        assertClose(gotEpilogue, yEpilogue, kh * kw * c, `${label} forward + ${activation} epilogue, bias=${bias !== null}`);
        // The fused epilogue is the separate pass applied while the block is in cache: the same bits.
        const separate = got.slice();
        be.biasActivation(separate, bias, ys / oc, oc, activation);
        assert.deepEqual(new Uint32Array(gotEpilogue.buffer), new Uint32Array(separate.buffer), `${label}: the fused epilogue differs from conv2d then biasActivation`);
        const gotDx = randomArray(xs, seed++);
        be.conv2dBackpropInput(dy, wt, gotDx, g);
        assertClose(gotDx, dx, kh * kw * oc, `${label} input gradient`);
        const gotDw = randomArray(ws, seed++);
        be.conv2dBackpropFilter(x, dy, gotDw, g);
        assertClose(gotDw, dw, batch * g.outHeight * g.outWidth, `${label} filter gradient`);
      }
    });

    test('conv + relu + 2x2 max pool as one kernel, forward and backward, where the algorithm table takes it', () => {
      config.select();
      let seed = 700;
      for (const testCase of CONV_POOL_CASES) {
        const [batch, h, w, c, oc, kh, kw, padding] = testCase;
        const conv = conv2dInfo(batch, h, w, c, oc, kh, kw, 1, 1, padding);
        const pool = pool2dInfo(batch, conv.outHeight, conv.outWidth, oc, 2, 2, 2, 2, 'valid');
        const label = `${config.name}: conv+pool ${batch}x${h}x${w}x${c}->${oc} ${kh}x${kw} ${padding}`;
        const x = randomArray(batch * h * w * c, seed++), wt = randomArray(kh * kw * c * oc, seed++), bias = randomArray(oc, seed++);
        const zs = batch * conv.outHeight * conv.outWidth * oc, ys = batch * pool.outHeight * pool.outWidth * oc;
        // The oracle, unfused: conv + bias + relu, pool, then the pooled gradient masked by relu' and scattered back.
        const z = new Float64Array(zs), pooled = new Float64Array(ys), argmax = new Int32Array(ys);
        oracle.conv2d(wide(x), wide(wt), z, conv, { bias: wide(bias), activation: 'relu' });
        oracle.maxPool(z, pooled, argmax, pool);
        const raw = randomArray(ys, seed++), masked = new Float64Array(ys), db = new Float64Array(oc);
        oracle.activationBackpropBiasGrad('relu', pooled, wide(raw), masked, db, ys / oc, oc);
        const dz = new Float64Array(zs), dw = new Float64Array(wt.length), dx = new Float64Array(x.length);
        oracle.maxPoolBackprop(masked, argmax, dz, pool);
        oracle.conv2dBackpropFilter(wide(x), dz, dw, conv);
        oracle.conv2dBackpropInput(dz, wide(wt), dx, conv);

        if (be.conv2dReluMaxPool && be.convReluMaxPoolSupport) {
          // The capability the plan asks must say exactly where the kernel runs: it runs there and throws elsewhere.
          const got = randomArray(ys, seed++), before = got.slice();
          const fused = be.convReluMaxPoolSupport(conv, pool).forward.kernel !== null;
          if (config.winograd !== null) assert.equal(fused, fusesForward(testCase, config.winograd), `${label}: forward fused`);
          if (fused) {
            be.conv2dReluMaxPool(x, wt, bias, got, null, conv, pool);
            assertClose(got, pooled, kh * kw * c, `${label} fused forward`);
          } else {
            assert.throws(() => be.conv2dReluMaxPool!(x, wt, bias, got, null, conv, pool), /no fused kernel for this geometry/);
            assert.deepEqual(got, before, `${label}: a declined forward leaves y as it was`);
          }
        }
        if (be.maxPoolConv2dBackprop && be.convReluMaxPoolSupport) {
          // The pooled output in float32, as a layer holds it, with the oracle's argmax.
          const pooled32 = Float32Array.from(pooled), gotDw = randomArray(wt.length, seed++), gotDx = randomArray(x.length, seed++), gotDb = randomArray(oc, seed++);
          const fused = be.convReluMaxPoolSupport(conv, pool).backward.kernel !== null;
          if (config.winograd !== null) assert.equal(fused, true, `${label}: the argmax-sparse backward takes every stride-1 conv before a 2x2 pool`);
          if (fused) {
            be.maxPoolConv2dBackprop(raw, argmax, x, wt, gotDw, gotDx, conv, pool, { pooled: pooled32, db: gotDb });
            assertClose(gotDw, dw, ys / oc, `${label} fused backward: filter gradient`);
            assertClose(gotDx, dx, kh * kw * oc, `${label} fused backward: input gradient`);
            assertClose(gotDb, db, ys / oc, `${label} fused backward: bias gradient`);
          }
        }
      }
    });
  });
}
