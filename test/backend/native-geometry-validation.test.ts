/**
 * The native addon validates every convolution and pooling geometry in one C
 * function (native/geometry-check.c) before any kernel runs, so no call from
 * JS can make C read or write outside a buffer, divide by zero, or run on a
 * geometry that src/core/conv-geometry.ts could not produce. The first three
 * tests are the reproducers of issue 19, items 1-3: before the check each one
 * crashed the process (a heap overflow that aborted in malloc, SIGFPE, and a
 * segfault after the size products wrapped to 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Conv2DInfo, Pool2DInfo } from '../../src/backend/backend.js';
import { conv2dInfo, pool2dInfo } from '../../src/core/conv-geometry.js';
import { loadNativeBackend, type NativeBackend } from '../../src/backend/native/index.js';
import { loadAddonModule } from '../../src/backend/native/load-native.js';
import type { NativeAddon } from '../../src/backend/native/native-addon.js';
import { rng } from './seeded-arrays.js';
import { DIST_SRC, describeRun, runSnippetBounded } from '../bounded-child.js';

const loaded = loadNativeBackend();
const skip = 'error' in loaded ? `native addon did not load: ${loaded.error}` : false;
const backend = (): NativeBackend => (loaded as { backend: NativeBackend }).backend;
/** The raw addon, to call it the way no TypeScript check stands in front of. */
const addon = (): NativeAddon => loadAddonModule();

const convFields = (g: Conv2DInfo) => Int32Array.of(
  g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels,
  g.kernelHeight, g.kernelWidth, g.strideHeight, g.strideWidth, g.padTop, g.padLeft,
);
const poolFields = (g: Pool2DInfo) => Int32Array.of(
  g.batch, g.inHeight, g.inWidth, g.channels, g.outHeight, g.outWidth,
  g.poolHeight, g.poolWidth, g.strideHeight, g.strideWidth, g.padTop, g.padLeft,
);

test('issue 19.1: maxPoolConv2dBackprop with padLeft past its 1x1 kernel is refused, not a heap overflow', { skip }, () => {
  const conv: Conv2DInfo = { batch: 1, inHeight: 4, inWidth: 4, inChannels: 4, outHeight: 2, outWidth: 2, outChannels: 8, kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 10 };
  const pool: Pool2DInfo = { batch: 1, inHeight: 2, inWidth: 2, channels: 8, outHeight: 1, outWidth: 1, poolHeight: 2, poolWidth: 2, strideHeight: 2, strideWidth: 2, padTop: 0, padLeft: 0 };
  assert.throws(
    () => backend().maxPoolConv2dBackprop!(new Float32Array(8), Int32Array.from({ length: 8 }, (_, i) => i), new Float32Array(64), new Float32Array(32), new Float32Array(32), new Float32Array(64), conv, pool),
    (e: Error) => e instanceof RangeError && /maxPoolConv2dBackprop: conv padLeft: expected 0 <= padLeft < kernelWidth 1; received 10/.test(e.message),
  );
});

test('issue 19.2: conv2dReluMaxPool with a 0x0 pool output (3x3 image, 3x3 valid conv, 2x2 pool) is refused, not SIGFPE', { skip }, () => {
  const conv = conv2dInfo(1, 3, 3, 4, 8, 3, 3, 1, 1, 'valid');
  const pool = pool2dInfo(1, conv.outHeight, conv.outWidth, 8, 2, 2, 2, 2, 'valid');
  assert.equal(pool.outHeight, 0, 'the library geometry gives the 0x0 pool output of the reproducer');
  assert.throws(
    () => backend().conv2dReluMaxPool!(new Float32Array(36), new Float32Array(288), null, new Float32Array(0), null, conv, pool),
    (e: Error) => e instanceof RangeError && /conv2dReluMaxPool: pool outHeight: expected an integer >= 1; received 0/.test(e.message),
  );
});

test('issue 19.3: sizes whose products wrap to 0 in 64-bit are refused by the addon itself', { skip }, () => {
  // 2^16 in each of N, H, W, C: x has 2^64 elements, 0 after a wrapping multiply.
  const huge = conv2dInfo(65536, 65536, 65536, 65536, 1, 1, 1, 1, 1, 'valid');
  assert.throws(
    () => addon().conv2d(new Float32Array(4), new Float32Array(65536), new Float32Array(4), convFields(huge), null, null),
    (e: Error) => e instanceof RangeError && /conv2d: conv x \[N, H, W, C\]: expected at most 2147483647 elements; received \[65536, 65536, 65536, 65536\]/.test(e.message),
  );
  // Large but representable sizes still meet the buffer length check.
  const big = conv2dInfo(1024, 1024, 1024, 1, 1, 1, 1, 1, 1, 'valid');
  assert.throws(
    () => addon().conv2d(new Float32Array(4), new Float32Array(1), new Float32Array(4), convFields(big), null, null),
    /x needs at least 1073741824 elements; received 4/,
  );
});

/**
 * Found by `npm run fuzz` (target native-geometry, seed 1, input 21498): a pool
 * window of 2^31 - 1 rows over a 7-row image passes the check (its padding is
 * still smaller than the window), and the window loop walked every row of it.
 * The loop now visits only the rows inside the image. The call runs in a child
 * process with a watchdog, since a synchronous call cannot be timed out
 * in-process: a regression is killed and fails here instead of stalling.
 */
test('maxPool with a window far larger than the image costs the image, and pools what it covers', { skip }, async () => {
  const pool = { batch: 1, inHeight: 7, inWidth: 9, channels: 1, outHeight: 3, outWidth: 4, poolHeight: 2147483647, poolWidth: 2, strideHeight: 2, strideWidth: 2, padTop: 0, padLeft: 0 };
  const x = Float32Array.from({ length: 63 }, (_, i) => Math.sin(i * 1.7));
  const run = await runSnippetBounded(`
    const { loadNativeBackend } = await import(${JSON.stringify(`${DIST_SRC}backend/native/index.js`)});
    const y = new Float32Array(12);
    loadNativeBackend().backend.maxPool(Float32Array.from(${JSON.stringify(Array.from(x))}), y, null, ${JSON.stringify(pool)});
    console.log(JSON.stringify(Array.from(y)));
  `, { timeoutSeconds: 20 });
  assert.equal(run.killed, undefined, describeRun(run));
  assert.equal(run.status, 0, describeRun(run));
  const y = JSON.parse(run.stdout.trim()) as number[];
  for (let oh = 0; oh < 3; oh++) {
    for (let ow = 0; ow < 4; ow++) {
      // Rows from 2 * oh to the image's end, columns 2 * ow and 2 * ow + 1.
      let best = -Infinity;
      for (let ih = 2 * oh; ih < 7; ih++) for (let iw = 2 * ow; iw < 2 * ow + 2; iw++) best = Math.max(best, x[ih * 9 + iw]);
      assert.equal(y[oh * 4 + ow], best, `output (${oh}, ${ow})`);
    }
  }
});

test('every geometry field and rule is checked in C, for every entry point', { skip }, () => {
  const a = addon();
  const conv = conv2dInfo(2, 6, 7, 3, 4, 3, 3, 1, 1, 'same');
  const x = new Float32Array(2 * 6 * 7 * 3), w = new Float32Array(9 * 3 * 4), y = new Float32Array(2 * 6 * 7 * 4);
  const bad = (change: Partial<Conv2DInfo>) => convFields({ ...conv, ...change });
  assert.throws(() => a.conv2d(x, w, y, bad({ strideWidth: 0 }), null, null), /conv strideWidth: expected an integer >= 1; received 0/);
  assert.throws(() => a.conv2d(x, w, y, bad({ batch: -3 }), null, null), /conv batch: expected an integer >= 1; received -3/);
  assert.throws(() => a.conv2dBackpropInput(y, w, x, bad({ padTop: 3 })), /conv2dBackpropInput: conv padTop: expected 0 <= padTop < kernelHeight 3; received 3/);
  assert.throws(() => a.conv2dBackpropFilter(x, y, w, bad({ outHeight: 4 })), /conv2dBackpropFilter: conv outHeight: expected 5 to 7 for inHeight 6, kernelHeight 3, stride 1 and padTop 1; received 4/);
  assert.throws(() => a.conv2d(x, w, y, bad({ outWidth: 9 }), null, null), /conv outWidth: expected 6 to 8 .*received 9/);
  assert.throws(() => a.conv2d(x, w, y, convFields(conv).subarray(0, 12), null, null), /conv geometry: expected an Int32Array of 13 fields; received 12/);
  assert.throws(() => a.conv2d(x, w, y, new Float32Array(13) as unknown as Int32Array, null, null), /conv geometry must be a Int32Array/);
  const pool = pool2dInfo(2, 6, 7, 4, 2, 2, 2, 2, 'valid');
  const pooled = new Float32Array(2 * 3 * 3 * 4), argmax = new Int32Array(pooled.length);
  const badPool = (change: Partial<Pool2DInfo>) => poolFields({ ...pool, ...change });
  assert.throws(() => a.maxPool(y, pooled, argmax, badPool({ poolHeight: 0 })), /maxPool: pool poolHeight: expected an integer >= 1; received 0/);
  assert.throws(() => a.maxPool(y, pooled, argmax, badPool({ outWidth: 5 })), /pool outWidth: expected 3 to 4 for inWidth 7, poolWidth 2, stride 2 and padLeft 0; received 5/);
  assert.throws(() => a.maxPoolBackprop(pooled, argmax, y, badPool({ padLeft: 2 })), /maxPoolBackprop: pool padLeft: expected 0 <= padLeft < poolWidth 2; received 2/);
  // The fused kernels' pool must read the conv's whole output.
  const valid = conv2dInfo(2, 6, 7, 3, 4, 3, 3, 1, 1, 'valid');
  const pool2 = pool2dInfo(2, valid.outHeight, valid.outWidth, 4, 2, 2, 2, 2, 'valid');
  assert.throws(
    () => a.convReluMaxPool(x, w, pooled, null, null, convFields(valid), poolFields({ ...pool2, channels: 5 })),
    /conv2dReluMaxPool: the pool must read the conv's output: expected pool \[batch, inHeight, inWidth, channels\] = \[2, 4, 5, 4\]; received \[2, 4, 5, 5\]/,
  );
  assert.throws(
    () => a.poolConvBackprop(pooled, argmax, x, w, w, null, null, null, convFields({ ...valid, kernelWidth: 0 }), poolFields(pool2)),
    /maxPoolConv2dBackprop: conv kernelWidth: expected an integer >= 1; received 0/,
  );
  // And the valid geometries still run.
  a.conv2d(x, w, y, convFields(conv), null, null);
  a.maxPool(y, pooled, argmax, poolFields(pool));
});

test('the TypeScript wrapper refuses geometry fields an Int32Array cannot hold', { skip }, () => {
  const conv = conv2dInfo(1, 4, 4, 1, 1, 3, 3, 1, 1, 'valid');
  const x = new Float32Array(16), w = new Float32Array(9), y = new Float32Array(4);
  assert.throws(() => backend().conv2d(x, w, y, { ...conv, inChannels: 2 ** 32 + 1 }), /conv2d: conv inChannels must be an integer from 0 to 2147483647; received 4294967297/);
});


test('seeded random geometries, valid and not, through every geometry entry point: each runs or throws, none crashes', { skip }, () => {
  const a = addon();
  const random = rng(19);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  /** Mostly small sizes, sometimes 0, negative, or far too large. */
  const field = () => {
    const r = random();
    return r < 0.05 ? 0 : r < 0.08 ? -int(1, 3) : r < 0.1 ? int(1 << 16, 2147483647) : int(1, 6);
  };
  let ran = 0, refused = 0;
  for (let i = 0; i < 3000; i++) {
    const conv = Int32Array.from({ length: 13 }, field);
    const pool = Int32Array.from({ length: 12 }, field);
    // Half the time derive the outputs and the pool from the inputs, so valid geometries come up often.
    if (random() < 0.5) {
      const c = conv2dInfo(int(1, 3), int(1, 9), int(1, 9), int(1, 5), int(1, 6), int(1, 4), int(1, 4), int(1, 3), int(1, 3), random() < 0.5 ? 'same' : 'valid');
      conv.set(convFields(c));
      const p = pool2dInfo(c.batch, c.outHeight, c.outWidth, c.outChannels, int(1, 3), int(1, 3), int(1, 3), int(1, 3), random() < 0.5 ? 'same' : 'valid');
      pool.set(poolFields(p));
    }
    // Buffers of random small lengths: sometimes enough, sometimes not.
    const len = () => int(0, 2000);
    const f = () => new Float32Array(len());
    const arg = () => Int32Array.from({ length: len() }, () => int(-2, 3000));
    const calls = [
      () => a.conv2d(f(), f(), f(), conv, random() < 0.5 ? null : f(), random() < 0.5 ? null : int(0, 3)),
      () => a.conv2dBackpropInput(f(), f(), f(), conv),
      () => a.conv2dBackpropFilter(f(), f(), f(), conv),
      () => a.maxPool(f(), f(), random() < 0.5 ? null : arg(), pool),
      () => a.maxPoolBackprop(f(), arg(), f(), pool),
      () => a.convReluMaxPool(f(), f(), f(), random() < 0.5 ? null : f(), random() < 0.5 ? null : arg(), conv, pool),
      () => a.poolConvBackprop(f(), arg(), f(), f(), f(), random() < 0.5 ? null : f(), random() < 0.5 ? null : f(), random() < 0.5 ? null : f(), conv, pool),
    ];
    try {
      calls[int(0, calls.length - 1)]();
      ran++;
    } catch (e) {
      assert.ok(e instanceof RangeError || e instanceof TypeError, `unexpected ${String(e)}`);
      assert.match((e as Error).message, /^convkit native/);
      refused++;
    }
  }
  console.log(`# geometry fuzz: ${ran} ran, ${refused} refused`);
  // Both outcomes occur, so the loop exercises the kernels and the checks alike.
  assert.ok(ran > 50, `ran ${ran}`);
  assert.ok(refused > 50, `refused ${refused}`);
});
