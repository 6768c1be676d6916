/**
 * The raw surface of the compiled addon (native/napi/addon.c). Only native-backend.ts
 * calls it; everything here takes Float32Array/Int32Array and plain integers and
 * assumes the caller has already validated shapes (C re-checks every geometry
 * and length on its own, so a wrong call throws instead of corrupting memory).
 */

export type NativeIsa = 'avx512' | 'avx2' | 'portable';
export interface IsaChoice {
  readonly isa: NativeIsa;
  readonly reason: string;
}
/** One side of convReluMaxPoolAlgorithms' answer: the algorithm's name, or why no algorithm applies. */
export type AlgorithmAnswer = { readonly algorithm: string; readonly reason: null } | { readonly algorithm: null; readonly reason: string };
/** convReluMaxPoolAlgorithms' answer: the forward and the backward choose independently. */
export interface FusedAlgorithms {
  readonly forward: AlgorithmAnswer;
  readonly backward: AlgorithmAnswer;
}
/** The largest Winograd tile the convolutions may use: 0 direct only, 2 F(2x2, 3x3), 5 also F(5x5, 3x3) for conv + pool. */
export type WinogradTile = 0 | 2 | 5;

type F32 = Float32Array;
/**
 * A geometry crosses N-API as one Int32Array: Conv2DInfo's 13 fields or
 * Pool2DInfo's 12, in declaration order (native-geometry.ts packs them). The
 * addon checks the whole geometry (native/geometry-check.c) before any kernel runs.
 */
type Geometry = Int32Array;

export interface NativeAddon {
  matmul(a: F32, b: F32, c: F32, m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean): void;
  /** bias (null: none) and activation code (null: none) are an optional epilogue. */
  conv2d(x: F32, w: F32, y: F32, conv: Geometry, bias: F32 | null, activation: number | null): void;
  conv2dBackpropInput(dy: F32, w: F32, dx: F32, conv: Geometry): void;
  conv2dBackpropFilter(x: F32, dy: F32, dw: F32, conv: Geometry): void;
  maxPool(x: F32, y: F32, argmax: Int32Array | null, pool: Geometry): void;
  maxPoolBackprop(dy: F32, argmax: Int32Array, dx: F32, pool: Geometry): void;
  avgPool(x: F32, y: F32, pool: Geometry): void;
  avgPoolBackprop(dy: F32, dx: F32, pool: Geometry): void;
  batchNormMoments(x: F32, moments: F32, rows: number, cols: number): void;
  /** activation: 0 linear, 1 relu. */
  channelAffine(x: F32, y: F32, scale: F32, shift: F32, rows: number, cols: number, activation: number): void;
  batchNormBackprop(x: F32, dy: F32, dx: F32, statistics: F32, gradients: F32, reluOutput: F32 | null, rows: number, cols: number): void;
  /** Returns false, doing nothing, when the shapes are not the ones it fuses; throws on an argmax outside its window. */
  poolConvBackprop(g: F32, argmax: Int32Array, x: F32, w: F32 | null, dw: F32, dx: F32 | null, pooled: F32 | null, db: F32 | null, conv: Geometry, pool: Geometry): boolean;
  /** Returns false, doing nothing, when the shapes are not the ones it fuses. */
  convReluMaxPool(x: F32, w: F32, y: F32, bias: F32 | null, argmax: Int32Array | null, conv: Geometry, pool: Geometry): boolean;
  /**
   * The algorithms convReluMaxPool and poolConvBackprop would run for these
   * geometries under the current Winograd setting, or why none would: read
   * from the one table that also runs them (native/fused/conv-pool-algorithms.c).
   */
  convReluMaxPoolAlgorithms(conv: Geometry, pool: Geometry): FusedAlgorithms;
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
  /** The path in use and one line on why (chosen for this CPU at load, forced by CONVKIT_ISA, or set by setIsa). */
  isaChoice(): IsaChoice;
  getWinograd(): WinogradTile;
  setWinograd(tile: WinogradTile): void;
  /** Peak FMA GFLOPS of the active ISA on all pool threads, measured for `milliseconds`. */
  measurePeakGflops(milliseconds: number): number;
  /** Row i of target = row rows[i] of source; throws a RangeError, copying nothing, on a row outside the source. */
  gatherRows(source: F32, rowLength: number, rows: Int32Array, target: F32): void;
  /** Bytes (0-63) from the start of `buffer` to its first 64-byte-aligned address. */
  alignmentOffset(buffer: ArrayBuffer): number;
  /**
   * Each function's parameter names in call order, from the addon's one list
   * (native/napi/bindings.h); test/native-bindings.test.ts checks the
   * declarations above against it.
   */
  readonly parameters: Readonly<Record<string, readonly string[]>>;
}
