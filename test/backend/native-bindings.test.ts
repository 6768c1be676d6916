/**
 * The addon's functions and their parameters are written once, in
 * native/napi/bindings.h; the addon exports that list as `parameters`. This
 * test holds the TypeScript declarations of the raw addon
 * (src/backend/native/native-addon.ts) to it: the same functions, and each
 * with the same parameter names in the same order, so a reordered or added
 * argument on one side fails here instead of passing the wrong buffer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNativeBackend, packageRoot } from '../../src/backend/native/index.js';
import { loadAddonModule } from '../../src/backend/native/load-native.js';
import type { NativeAddon } from '../../src/backend/native/native-addon.js';
import { NativeBackendImpl } from '../../src/backend/native/native-backend.js';
import { conv2dInfo, pool2dInfo } from '../../src/core/conv-geometry.js';

const loaded = loadNativeBackend();
const skip = 'error' in loaded ? `native addon did not load: ${loaded.error}` : false;

/** Method name -> parameter names, from the NativeAddon interface's declarations (one per line). */
function declaredMethods(source: string): Map<string, string[]> {
  const body = source.slice(source.indexOf('export interface NativeAddon {'));
  const methods = new Map<string, string[]>();
  for (const line of body.slice(0, body.indexOf('\n}')).split('\n')) {
    const match = /^ {2}(\w+)\((.*)\): [^;]+;$/.exec(line);
    if (!match) continue;
    const names = match[2] === '' ? [] : match[2].split(/, (?=\w+\??: )/).map((parameter) => parameter.slice(0, parameter.indexOf(':')).replace('?', ''));
    methods.set(match[1], names);
  }
  return methods;
}

test('every addon function is declared in native-addon.ts with the parameters of native/napi/bindings.h, in order', { skip }, () => {
  const addon = loadAddonModule();
  const declared = declaredMethods(readFileSync(join(packageRoot(), 'src', 'backend', 'native', 'native-addon.ts'), 'utf8'));
  const exported = Object.getOwnPropertyNames(addon).filter((key) => typeof (addon as unknown as Record<string, unknown>)[key] === 'function').sort();
  assert.deepEqual([...declared.keys()].sort(), exported, 'the declared methods are the exported functions');
  for (const name of exported) {
    assert.deepEqual(declared.get(name), addon.parameters[name] ?? [], `${name}: parameters declared in native-addon.ts vs bindings.h`);
  }
  // The parser reads what it should: a known declaration, and a known list from the addon.
  assert.deepEqual(declared.get('conv2d'), ['x', 'w', 'y', 'conv', 'bias', 'activation']);
  assert.deepEqual(addon.parameters.poolConvBackprop, ['g', 'argmax', 'x', 'w', 'dw', 'dx', 'pooled', 'db', 'conv', 'pool']);
});

test('a call with fewer arguments than the binding has parameters is a TypeError naming the count', { skip }, () => {
  const addon = loadAddonModule();
  const call = addon.conv2dBackpropInput as unknown as (...args: unknown[]) => void;
  assert.throws(() => call(new Float32Array(1), new Float32Array(1)), (e: Error) => e instanceof TypeError && /conv2dBackpropInput expects 4 arguments; received 2/.test(e.message));
});

/**
 * The third place a binding's argument order is written is native-backend.ts's
 * calls, which TypeScript checks by type only: two Float32Arrays swapped would
 * compile. Here the backend runs on a recording addon that names each
 * argument by the addon's own parameter list (bindings.h) before calling the
 * real function; every buffer the test passes is a distinct object, every
 * size a distinct number, so each named argument must be exactly what the
 * test gave under that name. Every binding with parameters has a case.
 */
test('native-backend.ts passes every binding its arguments under the names bindings.h gives them', { skip }, () => {
  if ('error' in loaded) return;
  const addon = loadAddonModule();
  const received = new Map<string, Record<string, unknown>>();
  // A plain object of wrappers: the addon's own properties are read-only, so a Proxy could not change them.
  const recording = Object.fromEntries(Object.getOwnPropertyNames(addon).map((key) => {
    const value = (addon as unknown as Record<string, unknown>)[key];
    if (typeof value !== 'function') return [key, value];
    return [key, (...args: unknown[]) => {
      const names = addon.parameters[key] ?? [];
      received.set(key, Object.fromEntries(names.map((name, i) => [name, args[i]])));
      return (value as (...a: unknown[]) => unknown).apply(addon, args);
    }];
  })) as unknown as NativeAddon;
  const backend = new NativeBackendImpl(recording);
  const f = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i % 7) * 0.25 - 0.5);
  const conv = conv2dInfo(2, 6, 6, 4, 8, 3, 3, 1, 1, 'valid'), pool = pool2dInfo(2, 4, 4, 8, 2, 2, 2, 2, 'valid');
  const x = f(2 * 6 * 6 * 4), w = f(3 * 3 * 4 * 8), z = f(2 * 4 * 4 * 8), y = f(2 * 2 * 2 * 8), bias = f(8);
  const argmax = new Int32Array(y.length), zArgmax = new Int32Array(y.length);
  const rows = 3, cols = 5, n = rows * cols;
  const [r1, r2, r3, r4, r5] = [f(n), f(n), f(n), f(n), f(cols)];
  const [r6, r7, r8] = [f(2 * cols), f(cols), Float32Array.from({ length: 3 * cols }, () => 0.5)];
  const pooledGrad = f(y.length), dw = f(w.length), dx = f(x.length);
  const labels = Int32Array.from({ length: rows }, (_, i) => i), gathered = Int32Array.from([2, 0]);
  const allocated: Float32Array[] = [];
  const cases: Record<string, { run: () => unknown; expect: Record<string, unknown> }> = {
    matmul: { run: () => backend.matmul(f(6), f(15), f(10), 2, 5, 3, false, true, true), expect: { m: 2, n: 5, k: 3, transA: false, transB: true, accumulate: true } },
    conv2d: { run: () => backend.conv2d(x, w, z, conv, { bias, activation: 'tanh' }), expect: { x, w, y: z, bias, activation: 3 } },
    conv2dBackpropInput: { run: () => backend.conv2dBackpropInput(z, w, x, conv), expect: { dy: z, w, dx: x } },
    conv2dBackpropFilter: { run: () => backend.conv2dBackpropFilter(x, z, w, conv), expect: { x, dy: z, dw: w } },
    maxPool: { run: () => backend.maxPool(z, y, zArgmax, pool), expect: { x: z, y, argmax: zArgmax } },
    maxPoolBackprop: { run: () => backend.maxPoolBackprop(y, zArgmax, z, pool), expect: { dy: y, argmax: zArgmax, dx: z } },
    avgPool: { run: () => backend.avgPool(z, y, pool), expect: { x: z, y } },
    avgPoolBackprop: { run: () => backend.avgPoolBackprop(y, z, pool), expect: { dy: y, dx: z } },
    batchNormMoments: { run: () => backend.batchNormMoments(r1, r6, rows, cols), expect: { x: r1, moments: r6, rows, cols } },
    channelAffine: {
      run: () => backend.channelAffine(r1, r2, r5, r7, rows, cols, 'relu'),
      expect: { x: r1, y: r2, scale: r5, shift: r7, rows, cols, activation: 1 },
    },
    batchNormBackprop: {
      run: () => backend.batchNormBackprop(r1, r2, r3, r8, r6, rows, cols, r4),
      expect: { x: r1, dy: r2, dx: r3, statistics: r8, gradients: r6, reluOutput: r4, rows, cols },
    },
    convReluMaxPool: { run: () => backend.conv2dReluMaxPool(x, w, bias, y, argmax, conv, pool), expect: { x, w, y, bias, argmax } },
    poolConvBackprop: {
      run: () => backend.maxPoolConv2dBackprop(pooledGrad, argmax, x, w, dw, dx, conv, pool, { pooled: y, db: bias }),
      expect: { g: pooledGrad, argmax, x, w, dw, dx, pooled: y, db: bias },
    },
    convReluMaxPoolAlgorithms: { run: () => backend.convReluMaxPoolSupport(conv, pool), expect: {} },
    biasActivation: { run: () => backend.biasActivation(r1, r5, rows, cols, 'sigmoid'), expect: { y: r1, bias: r5, rows, cols, activation: 2 } },
    activationBackprop: { run: () => backend.activationBackprop('relu', r1, r2, r3, n), expect: { activation: 1, y: r1, dy: r2, dx: r3, n } },
    biasGrad: { run: () => backend.biasGrad(r1, r5, rows, cols), expect: { dy: r1, db: r5, rows, cols } },
    activationBackpropBiasGrad: {
      run: () => backend.activationBackpropBiasGrad('tanh', r1, r2, r3, r5, rows, cols),
      expect: { activation: 3, y: r1, dy: r2, dx: r3, db: r5, rows, cols },
    },
    softmax: { run: () => backend.softmax(r1, r2, rows, cols), expect: { x: r1, y: r2, rows, cols } },
    softmaxBackprop: { run: () => backend.softmaxBackprop(r1, r2, r3, rows, cols), expect: { y: r1, dy: r2, dx: r3, rows, cols } },
    softmaxCrossEntropySparse: {
      run: () => backend.softmaxCrossEntropySparse(r1, labels, r2, r3, rows, cols, 0.5),
      expect: { logits: r1, labels, probs: r2, dlogits: r3, rows, cols, gradScale: 0.5 },
    },
    softmaxCrossEntropyDense: {
      run: () => backend.softmaxCrossEntropyDense(r1, r4, r2, r3, rows, cols, 0.5),
      expect: { logits: r1, targets: r4, probs: r2, dlogits: r3, rows, cols, gradScale: 0.5 },
    },
    adamUpdate: { run: () => backend.adamUpdate(r1, r2, r3, r4, n, 0.1, 0.8, 0.9, 1e-3), expect: { param: r1, grad: r2, m: r3, v: r4, n, alpha: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3 } },
    sgdUpdate: { run: () => backend.sgdUpdate(r1, r2, r3, n, 0.1, 0.8, true), expect: { param: r1, grad: r2, velocity: r3, n, learningRate: 0.1, momentum: 0.8, nesterov: true } },
    rmspropUpdate: { run: () => backend.rmspropUpdate(r1, r2, r3, n, 0.1, 0.8, 1e-3), expect: { param: r1, grad: r2, meanSquare: r3, n, learningRate: 0.1, rho: 0.8, epsilon: 1e-3 } },
    gatherRows: { run: () => backend.gatherRows(r1, cols, gathered, r2.subarray(0, 2 * cols)), expect: { source: r1, rowLength: cols, rows: gathered } },
    setThreads: { run: () => backend.setThreads(backend.threads), expect: { n: backend.threads } },
    setIsa: { run: () => backend.setIsa(backend.isa), expect: { isa: backend.isa } },
    setWinograd: { run: () => backend.setWinograd(backend.winograd), expect: { tile: backend.winograd } },
    measurePeakGflops: { run: () => backend.measurePeakGflops(1, 1), expect: { milliseconds: 1 } },
    alignmentOffset: { run: () => allocated.push(backend.allocateFloat32(3)), expect: {} },
  };
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(addon.parameters).sort(), 'a case for every binding with parameters');
  for (const [binding, { run, expect }] of Object.entries(cases)) {
    received.delete(binding);
    run();
    const args = received.get(binding);
    assert.ok(args, `${binding}: the backend called it`);
    for (const [name, value] of Object.entries(expect)) assert.equal(args[name], value, `${binding}: argument '${name}'`);
    // Geometries cross as Int32Arrays of different lengths, so a swapped conv and pool shows too.
    if ('conv' in args) assert.equal((args.conv as Int32Array).length, 13, `${binding}: 'conv' is a conv geometry`);
    if ('pool' in args) assert.equal((args.pool as Int32Array).length, 12, `${binding}: 'pool' is a pool geometry`);
  }
  assert.equal(received.get('alignmentOffset')?.buffer, allocated[0].buffer, 'alignmentOffset: the allocation\'s ArrayBuffer');
});
