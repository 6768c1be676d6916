/**
 * The raw surface of the compiled addon (native/addon.c). Only native-backend.ts
 * calls it; everything here takes Float32Array/Int32Array and plain integers and
 * assumes the caller has already validated shapes (C re-checks lengths as a
 * backstop). Geometry is passed as the integers of Conv2DInfo / Pool2DInfo in
 * declaration order.
 */

export type NativeIsa = 'avx512' | 'avx2' | 'portable';

type F32 = Float32Array;
type ConvArgs = [
  batch: number, inHeight: number, inWidth: number, inChannels: number,
  outHeight: number, outWidth: number, outChannels: number,
  kernelHeight: number, kernelWidth: number, strideHeight: number, strideWidth: number,
  padTop: number, padLeft: number,
];
type PoolArgs = [
  batch: number, inHeight: number, inWidth: number, channels: number,
  outHeight: number, outWidth: number, poolHeight: number, poolWidth: number,
  strideHeight: number, strideWidth: number, padTop: number, padLeft: number,
];

export interface NativeAddon {
  matmul(a: F32, b: F32, c: F32, m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean): void;
  /** Optional epilogue after the geometry: bias (null: none), activation code (null: none). */
  conv2d(x: F32, w: F32, y: F32, ...rest: [...geometry: ConvArgs, bias?: F32 | null, activation?: number | null]): void;
  conv2dBackpropInput(dy: F32, w: F32, dx: F32, ...geometry: ConvArgs): void;
  conv2dBackpropFilter(x: F32, dy: F32, dw: F32, ...geometry: ConvArgs): void;
  maxPool(x: F32, y: F32, argmax: Int32Array | null, ...geometry: PoolArgs): void;
  maxPoolBackprop(dy: F32, argmax: Int32Array, dx: F32, ...geometry: PoolArgs): void;
  /** Returns false, doing nothing, when the shapes are not the ones it fuses; throws on an argmax outside its window. */
  poolConvBackprop(g: F32, argmax: Int32Array, x: F32, w: F32 | null, dw: F32, dx: F32 | null, ...rest: [...conv: ConvArgs, ...pool: PoolArgs, pooled: F32 | null, db: F32 | null]): boolean;
  /** Returns false, doing nothing, when the shapes are not the ones it fuses. */
  convReluMaxPool(x: F32, w: F32, y: F32, ...rest: [...conv: ConvArgs, bias: F32 | null, argmax: Int32Array | null, ...pool: PoolArgs]): boolean;
  /** activation: 0 linear, 1 relu, 2 sigmoid, 3 tanh. */
  biasActivation(y: F32, bias: F32 | null, rows: number, cols: number, activation: number): void;
  activationBackprop(activation: number, y: F32, dy: F32, dx: F32, n: number): void;
  biasGrad(dy: F32, db: F32, rows: number, cols: number): void;
  activationBackpropBiasGrad(activation: number, y: F32, dy: F32, dx: F32, db: F32, rows: number, cols: number): void;
  softmax(x: F32, y: F32, rows: number, cols: number): void;
  softmaxBackprop(y: F32, dy: F32, dx: F32, rows: number, cols: number): void;
  softmaxCrossEntropySparse(logits: F32, labels: Int32Array, probs: F32, dlogits: F32, rows: number, cols: number, gradScale: number): number;
  softmaxCrossEntropyDense(logits: F32, targets: F32, probs: F32, dlogits: F32, rows: number, cols: number, gradScale: number): number;
  adamUpdate(param: F32, grad: F32, m: F32, v: F32, n: number, alpha: number, beta1: number, beta2: number, epsilon: number): void;
  sgdUpdate(param: F32, grad: F32, velocity: F32 | null, n: number, learningRate: number, momentum: number, nesterov: boolean): void;
  rmspropUpdate(param: F32, grad: F32, meanSquare: F32, n: number, learningRate: number, rho: number, epsilon: number): void;
  getThreads(): number;
  setThreads(n: number): void;
  getIsa(): NativeIsa;
  setIsa(isa: NativeIsa): void;
  supportedIsas(): NativeIsa[];
  /** Peak FMA GFLOPS of the active ISA on all pool threads, measured for `milliseconds`. */
  measurePeakGflops(milliseconds: number): number;
  /** Row i of target = row rows[i] of source; throws a RangeError, copying nothing, on a row outside the source. */
  gatherRows(source: F32, rowLength: number, rows: Int32Array, target: F32): void;
  /** Bytes (0-63) from the start of `buffer` to its first 64-byte-aligned address. */
  alignmentOffset(buffer: ArrayBuffer): number;
}
