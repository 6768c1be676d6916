/**
 * The native Backend: validates shapes in JS, then hands zero-copy views of the
 * caller's Float32Arrays to the C kernels (native/). Also exposes the ISA
 * path and thread count, which only change speed (and, for the thread count,
 * nothing else: every reduction has a fixed order independent of it).
 */
import type { Backend, BiasActivationEpilogue, Conv2DInfo, ElementwiseActivation, FloatArray, FusedConvPoolSupport, KernelSupport, Pool2DInfo, PooledReluGradient } from '../backend.js';
import type { AlgorithmAnswer, IsaChoice, NativeAddon, NativeIsa, WinogradTile } from './native-addon.js';
import { f32, i32, size } from './validate-buffers.js';
import { convGeometry, poolGeometry } from './native-geometry.js';

export type { IsaChoice, NativeIsa, WinogradTile } from './native-addon.js';

export interface NativeBackend extends Backend {
  readonly name: 'native';
  readonly supportsFloat64: false;
  /** Views 64-byte aligned within their ArrayBuffer (64 spare bytes): see Backend.allocateFloat32. */
  allocateFloat32(length: number): Float32Array;
  /** The GEMM / SIMD path in use. */
  readonly isa: NativeIsa;
  /** Paths this CPU can run, best first. */
  readonly supportedIsas: readonly NativeIsa[];
  /**
   * The path in use and why: at load the fastest path measured for this CPU's
   * family (not always the widest: see native/runtime/cpu-dispatch.c), or the one
   * CONVKIT_ISA forces; after setIsa, that call.
   */
  readonly isaChoice: IsaChoice;
  /** Switches the path (for tests and benchmarks); throws if the CPU cannot run it. */
  setIsa(isa: NativeIsa): void;
  /**
   * The largest Winograd tile the convolutions use: 0 direct only, 2 F(2x2, 3x3)
   * for 3x3 stride-1 convolutions, 5 (the default) also F(5x5, 3x3) for conv +
   * relu + pool where it applies. CONVKIT_WINOGRAD (0 or 2) sets the value at load.
   */
  readonly winograd: WinogradTile;
  /** Switches it (for tests and benchmarks: every setting gives the same results up to rounding). */
  setWinograd(tile: WinogradTile): void;
  /** Threads used inside a kernel call (the calling thread counts as one). */
  readonly threads: number;
  setThreads(count: number): void;
  /**
   * Peak FP32 multiply-add throughput of this machine in GFLOPS on the active
   * ISA path, with `threads` threads (independent FMA chains in registers on
   * every thread, for about `milliseconds`): the ceiling kernels are compared to.
   */
  measurePeakGflops(threads: number, milliseconds: number): number;
  /** The native backend has both fused conv + relu + max-pool kernels, for the geometries this names. */
  convReluMaxPoolSupport(conv: Conv2DInfo, pool: Pool2DInfo): FusedConvPoolSupport;
  conv2dReluMaxPool: NonNullable<Backend['conv2dReluMaxPool']>;
  maxPoolConv2dBackprop: NonNullable<Backend['maxPoolConv2dBackprop']>;
}

/** native/convkit.h's ck_act codes. */
const ACTIVATIONS: Record<ElementwiseActivation, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3, leaky_relu: 4, elu: 5, gelu: 6, swish: 7 };

function activationCode(kernel: string, activation: ElementwiseActivation): number {
  // Own keys only: 'constructor' or 'toString' must not find Object.prototype's.
  const code = Object.hasOwn(ACTIVATIONS, activation) ? ACTIVATIONS[activation] : undefined;
  if (code === undefined) {
    throw new RangeError(`native ${kernel}: unknown activation ${JSON.stringify(activation)}; expected one of ${Object.keys(ACTIVATIONS).join(', ')}.`);
  }
  return code;
}

function convShapes(g: Conv2DInfo) {
  return {
    x: [g.batch * g.inHeight * g.inWidth * g.inChannels, `[${g.batch}, ${g.inHeight}, ${g.inWidth}, ${g.inChannels}]`] as const,
    w: [g.kernelHeight * g.kernelWidth * g.inChannels * g.outChannels, `[${g.kernelHeight}, ${g.kernelWidth}, ${g.inChannels}, ${g.outChannels}]`] as const,
    y: [g.batch * g.outHeight * g.outWidth * g.outChannels, `[${g.batch}, ${g.outHeight}, ${g.outWidth}, ${g.outChannels}]`] as const,
  };
}

/** Pooling input [N,H,W,C] and output [N,OH,OW,C]: element counts and shapes for the messages. */
function poolShapes(g: Pool2DInfo) {
  return {
    x: [g.batch * g.inHeight * g.inWidth * g.channels, `[${g.batch}, ${g.inHeight}, ${g.inWidth}, ${g.channels}]`] as const,
    y: [g.batch * g.outHeight * g.outWidth * g.channels, `[${g.batch}, ${g.outHeight}, ${g.outWidth}, ${g.channels}]`] as const,
  };
}

/** The addon's answer for one side as the Backend's KernelSupport: the kernel with the algorithm in brackets. */
function kernelSupport(kernel: string, answer: AlgorithmAnswer): KernelSupport {
  return answer.algorithm !== null ? { kernel: `${kernel} (${answer.algorithm})` } : { kernel: null, reason: answer.reason };
}

/** A fused kernel called for a geometry it does not take: the caller skipped convReluMaxPoolSupport. */
function notFused(kernel: string, reason: string | undefined): RangeError {
  return new RangeError(`native ${kernel}: no fused kernel for this geometry (${reason ?? 'the kernel declined it'}); ask convReluMaxPoolSupport before calling it.`);
}

export class NativeBackendImpl implements NativeBackend {
  readonly name = 'native' as const;
  /** Moves with setWinograd, so models recompile their plans (Backend.kernelSettingsVersion). */
  kernelSettingsVersion = 0;
  readonly supportsFloat64 = false as const;
  readonly supportedIsas: readonly NativeIsa[];

  constructor(private readonly addon: NativeAddon) {
    this.supportedIsas = Object.freeze(addon.supportedIsas());
  }

  allocateFloat32(length: number): Float32Array {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`native allocateFloat32: length must be a non-negative integer; received ${length}.`);
    const buffer = new ArrayBuffer(length * 4 + 64);
    return new Float32Array(buffer, this.addon.alignmentOffset(buffer), length);
  }

  get description(): string {
    const t = this.threads;
    return `native (${this.isa}, ${t} thread${t === 1 ? '' : 's'})`;
  }

  get isa(): NativeIsa {
    return this.addon.getIsa();
  }

  get isaChoice(): IsaChoice {
    return this.addon.isaChoice();
  }

  setIsa(isa: NativeIsa): void {
    if (!this.supportedIsas.includes(isa)) {
      throw new Error(`native backend: this CPU cannot run the ${JSON.stringify(isa)} path; supported: ${this.supportedIsas.join(', ')}.`);
    }
    this.addon.setIsa(isa);
  }

  get winograd(): WinogradTile {
    return this.addon.getWinograd();
  }

  setWinograd(tile: WinogradTile): void {
    if (tile !== 0 && tile !== 2 && tile !== 5) {
      throw new RangeError(`native backend: Winograd tile must be 0 (direct only), 2 or 5; received ${String(tile)}.`);
    }
    if (tile !== this.winograd) this.kernelSettingsVersion++;
    this.addon.setWinograd(tile);
  }

  get threads(): number {
    return this.addon.getThreads();
  }

  setThreads(count: number): void {
    if (!Number.isInteger(count) || count < 1 || count > 64) {
      throw new RangeError(`native backend: thread count must be an integer from 1 to 64; received ${String(count)}.`);
    }
    this.addon.setThreads(count);
  }

  measurePeakGflops(threads: number, milliseconds: number): number {
    if (!(Number.isFinite(milliseconds) && milliseconds > 0 && milliseconds <= 60000)) {
      throw new RangeError(`native measurePeakGflops: milliseconds must be in (0, 60000]; received ${String(milliseconds)}.`);
    }
    const previous = this.threads;
    if (threads !== previous) this.setThreads(threads);
    try {
      return this.addon.measurePeakGflops(milliseconds);
    } finally {
      if (threads !== previous) this.setThreads(previous);
    }
  }

  matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean): void {
    const K = 'matmul';
    size(K, 'm', m); size(K, 'n', n); size(K, 'k', k);
    this.addon.matmul(
      f32(K, 'a', a, m * k, transA ? `[k=${k}, m=${m}]` : `[m=${m}, k=${k}]`),
      f32(K, 'b', b, k * n, transB ? `[n=${n}, k=${k}]` : `[k=${k}, n=${n}]`),
      f32(K, 'c', c, m * n, `[m=${m}, n=${n}]`),
      m, n, k, transA, transB, accumulate,
    );
  }

  conv2d(x: FloatArray, w: FloatArray, y: FloatArray, info: Conv2DInfo, epilogue?: BiasActivationEpilogue): void {
    const K = 'conv2d', geometry = convGeometry(K, info), s = convShapes(info);
    const bias = epilogue?.bias ? f32(K, 'bias', epilogue.bias, info.outChannels, `[${info.outChannels}]`) : null;
    const code = epilogue ? activationCode(K, epilogue.activation) : null;
    this.addon.conv2d(f32(K, 'x', x, ...s.x), f32(K, 'w', w, ...s.w), f32(K, 'y', y, ...s.y), geometry, bias, code);
  }

  conv2dBackpropInput(dy: FloatArray, w: FloatArray, dx: FloatArray, info: Conv2DInfo): void {
    const K = 'conv2dBackpropInput', geometry = convGeometry(K, info), s = convShapes(info);
    this.addon.conv2dBackpropInput(f32(K, 'dy', dy, ...s.y), f32(K, 'w', w, ...s.w), f32(K, 'dx', dx, ...s.x), geometry);
  }

  conv2dBackpropFilter(x: FloatArray, dy: FloatArray, dw: FloatArray, info: Conv2DInfo): void {
    const K = 'conv2dBackpropFilter', geometry = convGeometry(K, info), s = convShapes(info);
    this.addon.conv2dBackpropFilter(f32(K, 'x', x, ...s.x), f32(K, 'dy', dy, ...s.y), f32(K, 'dw', dw, ...s.w), geometry);
  }

  maxPool(x: FloatArray, y: FloatArray, argmax: Int32Array | null, info: Pool2DInfo): void {
    const K = 'maxPool', geometry = poolGeometry(K, info);
    const xs = info.batch * info.inHeight * info.inWidth * info.channels;
    const ys = info.batch * info.outHeight * info.outWidth * info.channels;
    const yShape = `[${info.batch}, ${info.outHeight}, ${info.outWidth}, ${info.channels}]`;
    this.addon.maxPool(
      f32(K, 'x', x, xs, `[${info.batch}, ${info.inHeight}, ${info.inWidth}, ${info.channels}]`),
      f32(K, 'y', y, ys, yShape),
      argmax === null ? null : i32(K, 'argmax', argmax, ys, yShape),
      geometry,
    );
  }

  maxPoolConv2dBackprop(
    g: FloatArray, argmax: Int32Array, x: FloatArray, w: FloatArray, dw: FloatArray, dx: FloatArray | null,
    conv: Conv2DInfo, pool: Pool2DInfo, relu?: PooledReluGradient,
  ): void {
    const K = 'maxPoolConv2dBackprop', c = convGeometry(K, conv), p = poolGeometry(K, pool), s = convShapes(conv);
    const ys = pool.batch * pool.outHeight * pool.outWidth * pool.channels;
    const yShape = `[${pool.batch}, ${pool.outHeight}, ${pool.outWidth}, ${pool.channels}]`;
    const done = this.addon.poolConvBackprop(
      f32(K, 'g', g, ys, yShape), i32(K, 'argmax', argmax, ys, yShape), f32(K, 'x', x, ...s.x), f32(K, 'w', w, ...s.w),
      f32(K, 'dw', dw, ...s.w), dx === null ? null : f32(K, 'dx', dx, ...s.x),
      relu ? f32(K, 'pooled', relu.pooled, ys, yShape) : null,
      relu?.db ? f32(K, 'db', relu.db, conv.outChannels, `[${conv.outChannels}]`) : null,
      c, p,
    );
    if (!done) throw notFused(K, this.convReluMaxPoolSupport(conv, pool).backward.reason);
  }

  conv2dReluMaxPool(x: FloatArray, w: FloatArray, bias: FloatArray | null, y: FloatArray, argmax: Int32Array | null, conv: Conv2DInfo, pool: Pool2DInfo): void {
    const K = 'conv2dReluMaxPool', c = convGeometry(K, conv), p = poolGeometry(K, pool), s = convShapes(conv);
    const ys = pool.batch * pool.outHeight * pool.outWidth * pool.channels;
    const yShape = `[${pool.batch}, ${pool.outHeight}, ${pool.outWidth}, ${pool.channels}]`;
    const done = this.addon.convReluMaxPool(
      f32(K, 'x', x, ...s.x), f32(K, 'w', w, ...s.w), f32(K, 'y', y, ys, yShape),
      bias === null ? null : f32(K, 'bias', bias, conv.outChannels, `[${conv.outChannels}]`),
      argmax === null ? null : i32(K, 'argmax', argmax, ys, yShape), c, p,
    );
    if (!done) throw notFused(K, this.convReluMaxPoolSupport(conv, pool).forward.reason);
  }

  /**
   * Asks the C table that runs the fused kernels, under the current Winograd
   * setting. Not cached: the plan asks once per block when it compiles, and
   * the kernels ask only to explain a refusal.
   */
  convReluMaxPoolSupport(conv: Conv2DInfo, pool: Pool2DInfo): FusedConvPoolSupport {
    const K = 'convReluMaxPoolSupport';
    const answer = this.addon.convReluMaxPoolAlgorithms(convGeometry(K, conv), poolGeometry(K, pool));
    return { forward: kernelSupport('conv2dReluMaxPool', answer.forward), backward: kernelSupport('maxPoolConv2dBackprop', answer.backward) };
  }

  maxPoolBackprop(dy: FloatArray, argmax: Int32Array, dx: FloatArray, info: Pool2DInfo): void {
    const K = 'maxPoolBackprop', geometry = poolGeometry(K, info);
    const xs = info.batch * info.inHeight * info.inWidth * info.channels;
    const ys = info.batch * info.outHeight * info.outWidth * info.channels;
    const yShape = `[${info.batch}, ${info.outHeight}, ${info.outWidth}, ${info.channels}]`;
    this.addon.maxPoolBackprop(
      f32(K, 'dy', dy, ys, yShape),
      i32(K, 'argmax', argmax, ys, yShape),
      f32(K, 'dx', dx, xs, `[${info.batch}, ${info.inHeight}, ${info.inWidth}, ${info.channels}]`),
      geometry,
    );
  }

  avgPool(x: FloatArray, y: FloatArray, info: Pool2DInfo): void {
    const K = 'avgPool', geometry = poolGeometry(K, info), s = poolShapes(info);
    this.addon.avgPool(f32(K, 'x', x, ...s.x), f32(K, 'y', y, ...s.y), geometry);
  }

  avgPoolBackprop(dy: FloatArray, dx: FloatArray, info: Pool2DInfo): void {
    const K = 'avgPoolBackprop', geometry = poolGeometry(K, info), s = poolShapes(info);
    this.addon.avgPoolBackprop(f32(K, 'dy', dy, ...s.y), f32(K, 'dx', dx, ...s.x), geometry);
  }

  batchNormMoments(x: FloatArray, moments: FloatArray, rows: number, cols: number): void {
    const K = 'batchNormMoments';
    size(K, 'rows', rows); size(K, 'cols', cols);
    this.addon.batchNormMoments(f32(K, 'x', x, rows * cols, `[${rows}, ${cols}]`), f32(K, 'moments', moments, 2 * cols, `[2, ${cols}]`), rows, cols);
  }

  channelAffine(x: FloatArray, y: FloatArray, scale: FloatArray, shift: FloatArray, rows: number, cols: number, activation: 'linear' | 'relu'): void {
    const K = 'channelAffine', shape = `[${rows}, ${cols}]`;
    size(K, 'rows', rows); size(K, 'cols', cols);
    if (activation !== 'linear' && activation !== 'relu') {
      throw new RangeError(`native ${K}: activation must be 'linear' or 'relu'; received ${JSON.stringify(activation)}.`);
    }
    this.addon.channelAffine(
      f32(K, 'x', x, rows * cols, shape), f32(K, 'y', y, rows * cols, shape),
      f32(K, 'scale', scale, cols, `[${cols}]`), f32(K, 'shift', shift, cols, `[${cols}]`), rows, cols, activation === 'relu' ? 1 : 0,
    );
  }

  batchNormBackprop(
    x: FloatArray, dy: FloatArray, dx: FloatArray, statistics: FloatArray, gradients: FloatArray,
    rows: number, cols: number, reluOutput: FloatArray | null,
  ): void {
    const K = 'batchNormBackprop', shape = `[${rows}, ${cols}]`, n = rows * cols;
    size(K, 'rows', rows); size(K, 'cols', cols);
    this.addon.batchNormBackprop(
      f32(K, 'x', x, n, shape), f32(K, 'dy', dy, n, shape), f32(K, 'dx', dx, n, shape),
      f32(K, 'statistics', statistics, 3 * cols, `[3, ${cols}]`), f32(K, 'gradients', gradients, 2 * cols, `[2, ${cols}]`),
      reluOutput === null ? null : f32(K, 'reluOutput', reluOutput, n, shape), rows, cols,
    );
  }

  biasActivation(y: FloatArray, bias: FloatArray | null, rows: number, cols: number, activation: ElementwiseActivation): void {
    const K = 'biasActivation';
    size(K, 'rows', rows); size(K, 'cols', cols);
    this.addon.biasActivation(
      f32(K, 'y', y, rows * cols, `[${rows}, ${cols}]`),
      bias === null ? null : f32(K, 'bias', bias, cols, `[${cols}]`),
      rows, cols, activationCode(K, activation),
    );
  }

  activationBackprop(activation: ElementwiseActivation, y: FloatArray, dy: FloatArray, dx: FloatArray, n: number): void {
    const K = 'activationBackprop';
    size(K, 'n', n);
    const code = activationCode(K, activation);
    this.addon.activationBackprop(code, f32(K, 'y', y, n, `[${n}]`), f32(K, 'dy', dy, n, `[${n}]`), f32(K, 'dx', dx, n, `[${n}]`), n);
  }

  biasGrad(dy: FloatArray, db: FloatArray, rows: number, cols: number): void {
    const K = 'biasGrad';
    size(K, 'rows', rows); size(K, 'cols', cols);
    this.addon.biasGrad(f32(K, 'dy', dy, rows * cols, `[${rows}, ${cols}]`), f32(K, 'db', db, cols, `[${cols}]`), rows, cols);
  }

  activationBackpropBiasGrad(
    activation: ElementwiseActivation, y: FloatArray, dy: FloatArray, dx: FloatArray, db: FloatArray,
    rows: number, cols: number,
  ): void {
    const K = 'activationBackpropBiasGrad', shape = `[${rows}, ${cols}]`;
    size(K, 'rows', rows); size(K, 'cols', cols);
    const code = activationCode(K, activation), n = rows * cols;
    this.addon.activationBackpropBiasGrad(
      code, f32(K, 'y', y, n, shape), f32(K, 'dy', dy, n, shape), f32(K, 'dx', dx, n, shape), f32(K, 'db', db, cols, `[${cols}]`),
      rows, cols,
    );
  }

  softmax(x: FloatArray, y: FloatArray, rows: number, cols: number): void {
    const K = 'softmax', shape = `[${rows}, ${cols}]`;
    size(K, 'rows', rows); size(K, 'cols', cols);
    this.addon.softmax(f32(K, 'x', x, rows * cols, shape), f32(K, 'y', y, rows * cols, shape), rows, cols);
  }

  softmaxBackprop(y: FloatArray, dy: FloatArray, dx: FloatArray, rows: number, cols: number): void {
    const K = 'softmaxBackprop', shape = `[${rows}, ${cols}]`, n = rows * cols;
    size(K, 'rows', rows); size(K, 'cols', cols);
    this.addon.softmaxBackprop(f32(K, 'y', y, n, shape), f32(K, 'dy', dy, n, shape), f32(K, 'dx', dx, n, shape), rows, cols);
  }

  softmaxCrossEntropySparse(logits: FloatArray, labels: Int32Array, probs: FloatArray, dlogits: FloatArray, rows: number, cols: number, gradScale: number): number {
    const K = 'softmaxCrossEntropySparse', shape = `[${rows}, ${cols}]`, n = rows * cols;
    size(K, 'rows', rows); size(K, 'cols', cols);
    return this.addon.softmaxCrossEntropySparse(
      f32(K, 'logits', logits, n, shape), i32(K, 'labels', labels, rows, `[${rows}]`),
      f32(K, 'probs', probs, n, shape), f32(K, 'dlogits', dlogits, n, shape), rows, cols, gradScale,
    );
  }

  softmaxCrossEntropyDense(logits: FloatArray, targets: FloatArray, probs: FloatArray, dlogits: FloatArray, rows: number, cols: number, gradScale: number): number {
    const K = 'softmaxCrossEntropyDense', shape = `[${rows}, ${cols}]`, n = rows * cols;
    size(K, 'rows', rows); size(K, 'cols', cols);
    return this.addon.softmaxCrossEntropyDense(
      f32(K, 'logits', logits, n, shape), f32(K, 'targets', targets, n, shape),
      f32(K, 'probs', probs, n, shape), f32(K, 'dlogits', dlogits, n, shape), rows, cols, gradScale,
    );
  }

  gatherRows(source: FloatArray, rowLength: number, rows: Int32Array, target: FloatArray): void {
    const K = 'gatherRows';
    size(K, 'rowLength', rowLength);
    const shape = `[${rows.length} rows of ${rowLength}]`;
    this.addon.gatherRows(f32(K, 'source', source, 0, shape), rowLength, i32(K, 'rows', rows, 0, shape), f32(K, 'target', target, rows.length * rowLength, shape));
  }

  adamUpdate(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, n: number, alpha: number, beta1: number, beta2: number, epsilon: number): void {
    const K = 'adamUpdate', shape = `[${n}]`;
    size(K, 'n', n);
    this.addon.adamUpdate(f32(K, 'param', param, n, shape), f32(K, 'grad', grad, n, shape), f32(K, 'm', m, n, shape), f32(K, 'v', v, n, shape), n, alpha, beta1, beta2, epsilon);
  }

  sgdUpdate(param: FloatArray, grad: FloatArray, velocity: FloatArray | null, n: number, learningRate: number, momentum: number, nesterov: boolean): void {
    const K = 'sgdUpdate', shape = `[${n}]`;
    size(K, 'n', n);
    this.addon.sgdUpdate(
      f32(K, 'param', param, n, shape), f32(K, 'grad', grad, n, shape),
      velocity === null ? null : f32(K, 'velocity', velocity, n, shape), n, learningRate, momentum, nesterov,
    );
  }

  rmspropUpdate(param: FloatArray, grad: FloatArray, meanSquare: FloatArray, n: number, learningRate: number, rho: number, epsilon: number): void {
    const K = 'rmspropUpdate', shape = `[${n}]`;
    size(K, 'n', n);
    this.addon.rmspropUpdate(f32(K, 'param', param, n, shape), f32(K, 'grad', grad, n, shape), f32(K, 'meanSquare', meanSquare, n, shape), n, learningRate, rho, epsilon);
  }
}
