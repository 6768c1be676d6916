/**
 * The native backend's convReluMaxPoolSupport says which fused conv + relu +
 * max-pool kernels run for a geometry, read from the C table that also runs
 * them (native/fused/conv-pool-algorithms.c). This runs the kernels over a
 * table of geometries, on both sides of each condition, and checks that a
 * kernel runs (and matches the reference) exactly where the answer names one,
 * that the name is the algorithm's, and that the call throws, writing
 * nothing, where the answer gives a reason, and that the reason is specific.
 * N batch, H/W input, C channels, OC filters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Conv2DInfo, Pool2DInfo } from '../../src/backend/backend.js';
import { createReferenceBackend } from '../../src/backend/reference/reference-backend.js';
import { conv2dInfo, pool2dInfo, type Padding } from '../../src/core/conv-geometry.js';
import { randomArray } from './seeded-arrays.js';
import { loadNativeBackend } from '../../src/backend/native/index.js';

const reference = createReferenceBackend();
const native = loadNativeBackend();

interface Case {
  h: number; c: number; oc: number; k: number; stride: number; padding: Padding;
  pool: number; poolStride: number; poolPadding: Padding;
  /** What the answer must say: the kernel and algorithm (a string), or a reason matching this. */
  forward: string | RegExp;
  backward: string | RegExp;
}

const CASES: Case[] = [
  { h: 8, c: 1, oc: 8, k: 3, stride: 1, padding: 'valid', pool: 2, poolStride: 2, poolPadding: 'valid', forward: 'conv2dReluMaxPool (direct, 1 input channel)', backward: 'maxPoolConv2dBackprop (direct, 1 input channel; dx by argmax-sparse)' },
  { h: 9, c: 4, oc: 8, k: 3, stride: 1, padding: 'valid', pool: 2, poolStride: 2, poolPadding: 'valid', forward: 'conv2dReluMaxPool (Winograd F(5x5, 3x3))', backward: 'maxPoolConv2dBackprop (argmax-sparse)' },
  // A 32x32 conv output needs 7 x 7 F(5x5) tiles per image, past that kernel's limit: F(2x2) runs.
  { h: 34, c: 4, oc: 8, k: 3, stride: 1, padding: 'valid', pool: 2, poolStride: 2, poolPadding: 'valid', forward: 'conv2dReluMaxPool (Winograd F(2x2, 3x3))', backward: 'maxPoolConv2dBackprop (argmax-sparse)' },
  { h: 8, c: 5, oc: 3, k: 3, stride: 1, padding: 'same', pool: 2, poolStride: 2, poolPadding: 'valid', forward: 'conv2dReluMaxPool (Winograd F(5x5, 3x3))', backward: 'maxPoolConv2dBackprop (argmax-sparse)' },
  { h: 8, c: 1, oc: 8, k: 3, stride: 1, padding: 'same', pool: 2, poolStride: 2, poolPadding: 'valid', forward: /padded \('same'\)/, backward: 'maxPoolConv2dBackprop (argmax-sparse)' },
  { h: 8, c: 2, oc: 8, k: 3, stride: 1, padding: 'valid', pool: 2, poolStride: 2, poolPadding: 'valid', forward: /1 input channel; this conv has 2, and Winograd needs at least 4 input channels; this conv has 2/, backward: 'maxPoolConv2dBackprop (argmax-sparse)' },
  { h: 9, c: 4, oc: 8, k: 5, stride: 1, padding: 'valid', pool: 2, poolStride: 2, poolPadding: 'valid', forward: /^conv kernel is 5x5, the fused forwards need 3x3$/, backward: 'maxPoolConv2dBackprop (argmax-sparse)' },
  { h: 9, c: 2, oc: 8, k: 3, stride: 2, padding: 'valid', pool: 2, poolStride: 2, poolPadding: 'valid', forward: /^conv stride is 2x2, the fused kernels need 1$/, backward: /^conv stride is 2x2, the fused kernels need 1$/ },
  { h: 10, c: 4, oc: 8, k: 3, stride: 1, padding: 'valid', pool: 3, poolStride: 2, poolPadding: 'valid', forward: /^pool is 3x3, the fused kernels need 2x2$/, backward: /pool is 3x3/ },
  { h: 10, c: 4, oc: 8, k: 3, stride: 1, padding: 'valid', pool: 2, poolStride: 1, poolPadding: 'valid', forward: /pool stride is 1x1/, backward: /pool stride/ },
  { h: 9, c: 4, oc: 8, k: 3, stride: 1, padding: 'valid', pool: 2, poolStride: 2, poolPadding: 'same', forward: /pool is padded/, backward: /pool is padded/ },
];

function geometry(c: Case, batch: number): { conv: Conv2DInfo; pool: Pool2DInfo } {
  const conv = conv2dInfo(batch, c.h, c.h, c.c, c.oc, c.k, c.k, c.stride, c.stride, c.padding);
  const pool = pool2dInfo(batch, conv.outHeight, conv.outWidth, c.oc, c.pool, c.pool, c.poolStride, c.poolStride, c.poolPadding);
  return { conv, pool };
}

const label = (c: Case): string => `${c.h}x${c.h}x${c.c} conv ${c.k}x${c.k}/${c.stride} ${c.padding}, pool ${c.pool}x${c.pool}/${c.poolStride} ${c.poolPadding}`;

test('the native fused kernels run exactly where convReluMaxPoolSupport names them', { skip: 'error' in native ? native.error : false }, () => {
  if ('error' in native) return;
  const backend = native.backend;
  for (const c of CASES) {
    const batch = 2;
    const { conv, pool } = geometry(c, batch);
    const support = backend.convReluMaxPoolSupport(conv, pool);
    // The answer does not depend on the batch size.
    assert.deepEqual(backend.convReluMaxPoolSupport(geometry(c, 1).conv, geometry(c, 1).pool), support, label(c));
    const x = randomArray(batch * c.h * c.h * c.c, 1), w = randomArray(c.k * c.k * c.c * c.oc, 2), bias = randomArray(c.oc, 3);
    const z = new Float32Array(batch * conv.outHeight * conv.outWidth * c.oc);
    const ys = batch * pool.outHeight * pool.outWidth * c.oc;
    const expected = new Float32Array(ys), argmax = new Int32Array(ys);
    reference.conv2d(x, w, z, conv, { bias, activation: 'relu' });
    reference.maxPool(z, expected, argmax, pool);

    const y = new Float32Array(ys).fill(7);
    if (typeof c.forward === 'string') {
      assert.equal(support.forward.kernel, c.forward, `${label(c)}: reason ${support.forward.reason}`);
      backend.conv2dReluMaxPool(x, w, bias, y, null, conv, pool);
      y.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= 1e-4, `${label(c)}: y[${i}] ${v} vs ${expected[i]}`));
    } else {
      assert.equal(support.forward.kernel, null, label(c));
      assert.match(support.forward.reason!, c.forward, label(c));
      assert.throws(() => backend.conv2dReluMaxPool(x, w, bias, y, null, conv, pool), /no fused kernel for this geometry/);
      assert.ok(y.every((v) => v === 7), `${label(c)}: nothing written`);
    }

    const g = randomArray(ys, 4), dw = new Float32Array(w.length).fill(7), dx = new Float32Array(x.length).fill(7);
    if (typeof c.backward === 'string') {
      assert.equal(support.backward.kernel, c.backward, `${label(c)}: reason ${support.backward.reason}`);
      backend.maxPoolConv2dBackprop(g, argmax, x, w, dw, dx, conv, pool);
      // dz by scatter, then the reference's filter and input gradients.
      const dz = new Float32Array(z.length), dwRef = new Float32Array(w.length), dxRef = new Float32Array(x.length);
      reference.maxPoolBackprop(g, argmax, dz, pool);
      reference.conv2dBackpropFilter(x, dz, dwRef, conv);
      reference.conv2dBackpropInput(dz, w, dxRef, conv);
      dw.forEach((v, i) => assert.ok(Math.abs(v - dwRef[i]) <= 1e-4, `${label(c)}: dw[${i}] ${v} vs ${dwRef[i]}`));
      dx.forEach((v, i) => assert.ok(Math.abs(v - dxRef[i]) <= 1e-4, `${label(c)}: dx[${i}] ${v} vs ${dxRef[i]}`));
    } else {
      assert.equal(support.backward.kernel, null, label(c));
      assert.match(support.backward.reason!, c.backward, label(c));
      assert.throws(() => backend.maxPoolConv2dBackprop(g, argmax, x, w, dw, dx, conv, pool), /no fused kernel for this geometry/);
      assert.ok(dw.every((v) => v === 7) && dx.every((v) => v === 7), `${label(c)}: nothing written`);
    }
  }
});

test('the answer follows setWinograd: F(2x2) with 2, and with 0 no multi-channel fused forward, saying why', { skip: 'error' in native ? native.error : false }, () => {
  if ('error' in native) return;
  const { conv, pool } = geometry(CASES[1], 1);
  const saved = native.backend.winograd;
  try {
    native.backend.setWinograd(2);
    assert.equal(native.backend.convReluMaxPoolSupport(conv, pool).forward.kernel, 'conv2dReluMaxPool (Winograd F(2x2, 3x3))');
    native.backend.setWinograd(0);
    const support = native.backend.convReluMaxPoolSupport(conv, pool);
    assert.equal(support.forward.kernel, null);
    assert.equal(support.forward.reason, 'the direct fused forward needs 1 input channel; this conv has 4, and Winograd is off (setWinograd(0))');
    assert.equal(support.backward.kernel, 'maxPoolConv2dBackprop (argmax-sparse)', 'the backward does not use Winograd');
    assert.throws(() => native.backend.conv2dReluMaxPool(randomArray(81 * 4, 1), randomArray(9 * 32, 2), null, new Float32Array(128), null, conv, pool), /no fused kernel.*Winograd is off/);
  } finally {
    native.backend.setWinograd(saved);
  }
});

test('a pool that does not read the conv output is a reason, not a crash', { skip: 'error' in native ? native.error : false }, () => {
  if ('error' in native) return;
  const conv = conv2dInfo(1, 9, 9, 4, 8, 3, 3, 1, 1, 'valid');
  const pool = pool2dInfo(1, 8, 8, 8, 2, 2, 2, 2, 'valid');
  const support = native.backend.convReluMaxPoolSupport(conv, pool);
  assert.equal(support.forward.reason, 'pool input 1x8x8x8 is not the conv output 1x7x7x8');
  assert.equal(support.backward.reason, 'pool input 1x8x8x8 is not the conv output 1x7x7x8');
});
