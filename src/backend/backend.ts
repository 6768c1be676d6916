/**
 * The kernel contract: every compute backend (reference TypeScript, native C)
 * implements exactly this interface, and layers only ever call it.
 *
 * Layout: tensors are row-major NHWC. Dimension letters used below:
 *   N batch, H/W input height/width, C input channels,
 *   OH/OW output height/width, OC output channels, KH/KW kernel size.
 * Conv kernels are [KH, KW, C, OC]; dense kernels are [IN, OUT] (Keras / TF.js).
 *
 * Shape arithmetic is done once, in core (conv-geometry.ts), and a backend only
 * receives the resulting plain integers, so two backends cannot disagree about
 * a shape. Every kernel OVERWRITES its output unless it says "accumulate".
 * Kernels are synchronous; a native backend may use its own threads inside a call.
 */

export type FloatArray = Float32Array | Float64Array;

/**
 * Element-wise activations that a kernel can apply; softmax is row-wise and separate.
 * The first four are differentiated from their output y. leaky_relu, elu, gelu and
 * swish are differentiated from their input (the pre-activation z): activationBackprop
 * and activationBackpropBiasGrad read z where the others read y (see
 * derivesFromInput), since gelu's and swish's derivatives cannot be had from y.
 * Keras's defaults: leaky_relu's slope 0.2 (keras.activations.leaky_relu,
 * tf.nn.leaky_relu), elu's alpha 1, gelu exact (erf), swish = z * sigmoid(z).
 */
export type ElementwiseActivation = EpilogueActivation | 'leaky_relu' | 'elu' | 'gelu' | 'swish';
/** The activations a convolution kernel also applies as its epilogue. */
export type EpilogueActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

export const LEAKY_RELU_SLOPE = 0.2;
export const ELU_ALPHA = 1;

/** True for the activations whose backprop reads the pre-activation z instead of the output y. */
export function derivesFromInput(activation: string): boolean {
  return activation === 'leaky_relu' || activation === 'elu' || activation === 'gelu' || activation === 'swish';
}

/** The relu of a conv + relu + max-pool block, for maxPoolConv2dBackprop: the pool's output, and where the bias gradient goes. */
export interface PooledReluGradient {
  pooled: FloatArray;
  db: FloatArray | null;
}

/** A fused kernel a backend runs for a geometry, or why it has none: "pool is 3x3, fused kernel needs 2x2". */
export type KernelSupport = { readonly kernel: string; readonly reason?: undefined } | { readonly kernel: null; readonly reason: string };

/** convReluMaxPoolSupport's answer: the fused forward and backward apply separately. */
export interface FusedConvPoolSupport {
  readonly forward: KernelSupport;
  readonly backward: KernelSupport;
}

/**
 * Optional epilogue of a kernel that produces a layer's pre-activation:
 * y = activation(y + bias) over the last axis, applied by the kernel while each
 * block of y is still in cache. Same result as calling biasActivation after.
 */
export interface BiasActivationEpilogue {
  readonly bias: FloatArray | null;
  readonly activation: EpilogueActivation;
}

/** Geometry of one 2-D convolution; padBottom/padRight are implied by the output size. */
export interface Conv2DInfo {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  /** Zero rows added above the input (input row = oh*strideHeight + kh - padTop). */
  readonly padTop: number;
  /** Zero columns added left of the input. */
  readonly padLeft: number;
}

/** Geometry of one 2-D pooling window sweep (channels are pooled independently). */
export interface Pool2DInfo {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly poolHeight: number;
  readonly poolWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  /** Padded positions never win the max (Keras 'same' pooling ignores them). */
  readonly padTop: number;
  readonly padLeft: number;
}

export interface Backend {
  /** 'reference' | 'native' ... */
  readonly name: string;
  /** Human-readable detail, e.g. the native ISA path and thread count. */
  readonly description: string;
  /** Whether kernels accept Float64Array (the reference backend does, for gradient checks). */
  readonly supportsFloat64: boolean;
  /**
   * Optional: a number that changes whenever a setting changes which kernels
   * run (the native backend's setWinograd). A model's execution plan records
   * the backend's answers (convReluMaxPoolSupport) when it compiles, and
   * compiles again when this has moved (test/model/plan/execution-plan.test.ts).
   */
  readonly kernelSettingsVersion?: number;

  /**
   * Optional: a zeroed Float32Array of `length` elements laid out as this
   * backend's kernels read fastest. The native backend aligns the data to 64
   * bytes (a cache line), so rows of a multiple of 16 floats start on a line and
   * their 32-byte loads never straddle two; layers allocate their activations,
   * gradients and weights through it. Without it,
   * buffers are plain `new Float32Array(length)`.
   */
  allocateFloat32?(length: number): Float32Array;

  /**
   * C[m,n] = op(A)[m,k] . op(B)[k,n]   (C += ... when accumulate).
   * A is stored [m,k], or [k,m] when transA; B is stored [k,n], or [n,k] when transB.
   */
  matmul(
    a: FloatArray, b: FloatArray, c: FloatArray,
    m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean,
  ): void;

  /**
   * y[N,OH,OW,OC] = conv(x[N,H,W,C], w[KH,KW,C,OC]); with an epilogue,
   * y = activation(conv + bias), as biasActivation(y, bias, N*OH*OW, OC, activation) after.
   */
  conv2d(x: FloatArray, w: FloatArray, y: FloatArray, info: Conv2DInfo, epilogue?: BiasActivationEpilogue): void;
  /** dx[N,H,W,C] from dy[N,OH,OW,OC] and w[KH,KW,C,OC]. */
  conv2dBackpropInput(dy: FloatArray, w: FloatArray, dx: FloatArray, info: Conv2DInfo): void;
  /** dw[KH,KW,C,OC] = sum over batch and positions of x (x) dy. */
  conv2dBackpropFilter(x: FloatArray, dy: FloatArray, dw: FloatArray, info: Conv2DInfo): void;

  /**
   * y[N,OH,OW,C] = max over each window of x[N,H,W,C]. When argmax is given,
   * argmax[i] receives the flat index into x of the winner of output i
   * (first maximum in row-major window order wins ties).
   */
  maxPool(x: FloatArray, y: FloatArray, argmax: Int32Array | null, info: Pool2DInfo): void;
  /** dx (overwritten, size N*H*W*C) = scatter-add of dy to the recorded argmax positions. */
  maxPoolBackprop(dy: FloatArray, argmax: Int32Array, dx: FloatArray, info: Pool2DInfo): void;
  /**
   * Optional: which fused conv + relu + max-pool kernels this backend has for
   * a geometry, forward and backward apart, each the kernel's name or why it
   * does not apply. The model's execution plan asks once when it compiles and
   * then calls conv2dReluMaxPool / maxPoolConv2dBackprop only where the answer
   * named a kernel, so it can list why a block did not fuse. The answer holds
   * for any batch size of the same per-sample geometry. A backend without this
   * method has neither fused kernel.
   */
  convReluMaxPoolSupport?(conv: Conv2DInfo, pool: Pool2DInfo): FusedConvPoolSupport;
  /**
   * Fused forward, where convReluMaxPoolSupport named a forward kernel:
   * y = maxPool(relu(conv2d(x, w) + bias)) and argmax exactly as maxPool gives
   * them on the conv output, which is never stored. Throws for a geometry it
   * said it does not fuse.
   */
  conv2dReluMaxPool?(x: FloatArray, w: FloatArray, bias: FloatArray | null, y: FloatArray, argmax: Int32Array | null, conv: Conv2DInfo, pool: Pool2DInfo): void;
  /**
   * Fused backward, where convReluMaxPoolSupport named a backward kernel: with
   * dz = maxPoolBackprop(g, argmax), where g is the gradient of the pooled
   * output with the relu mask applied, dw = conv2dBackpropFilter(x, dz) and,
   * when dx is given, dx = conv2dBackpropInput(dz, w), without the conv-sized dz.
   * With `relu`, g is the gradient before the relu: the call applies the mask
   * itself (relu'(pooled) = pooled > 0) and writes the bias gradient, the
   * column sums of the masked g, to relu.db when given; g is left as it was.
   * Throws for a geometry it said it does not fuse.
   */
  maxPoolConv2dBackprop?(
    g: FloatArray, argmax: Int32Array, x: FloatArray, w: FloatArray, dw: FloatArray, dx: FloatArray | null,
    conv: Conv2DInfo, pool: Pool2DInfo, relu?: PooledReluGradient,
  ): void;

  /**
   * y[N,OH,OW,C] = mean over each window of x[N,H,W,C], counting only the
   * window's cells inside the input (Keras/TF 'same' average pooling ignores
   * padding, as ONNX AveragePool with count_include_pad 0 does). A window with
   * no cell inside the input gives 0.
   */
  avgPool(x: FloatArray, y: FloatArray, info: Pool2DInfo): void;
  /** dx (overwritten, size N*H*W*C) = each dy spread evenly over its window's cells inside the input. */
  avgPoolBackprop(dy: FloatArray, dx: FloatArray, info: Pool2DInfo): void;

  /**
   * BatchNormalization's batch statistics over the rows of x[rows,cols]:
   * moments[0, cols) = column means, moments[cols, 2*cols) = biased column
   * variances (divided by rows, as Keras's moments).
   */
  batchNormMoments(x: FloatArray, moments: FloatArray, rows: number, cols: number): void;
  /** y[rows,cols] = act(x * scale[col] + shift[col]), act linear or relu; y may alias x. */
  channelAffine(x: FloatArray, y: FloatArray, scale: FloatArray, shift: FloatArray, rows: number, cols: number, activation: 'linear' | 'relu'): void;
  /**
   * BatchNormalization backward over x[rows,cols] normalised with the batch
   * statistics: statistics = [mean | invStd | gamma] (3*cols), xhat = (x - mean) * invStd.
   * With reluOutput (the output of a relu right after the normalisation), dy is
   * first masked by reluOutput > 0. Writes gradients = [dgamma | dbeta] (2*cols):
   * dgamma = sum over rows of g*xhat, dbeta = sum of g (g the masked dy), and
   * dx = gamma*invStd*(g - (dbeta + xhat*dgamma)/rows). dx may alias dy.
   */
  batchNormBackprop(
    x: FloatArray, dy: FloatArray, dx: FloatArray, statistics: FloatArray, gradients: FloatArray,
    rows: number, cols: number, reluOutput: FloatArray | null,
  ): void;

  /** In place on y[rows,cols]: y = act(y + bias[cols]); bias may be null. */
  biasActivation(y: FloatArray, bias: FloatArray | null, rows: number, cols: number, activation: ElementwiseActivation): void;
  /**
   * dx[i] = dy[i] * act'(.) computed from the activation OUTPUT y (relu: y>0, sigmoid: y(1-y), tanh: 1-y^2),
   * or, for leaky_relu, elu, gelu and swish, from the pre-activation z passed as y (derivesFromInput). dx may alias dy.
   */
  activationBackprop(activation: ElementwiseActivation, y: FloatArray, dy: FloatArray, dx: FloatArray, n: number): void;
  /** db[cols] = column sums of dy[rows,cols]. */
  biasGrad(dy: FloatArray, db: FloatArray, rows: number, cols: number): void;
  /**
   * Both in one pass: dx = activationBackprop(activation, y, dy) on [rows,cols],
   * then db = biasGrad(dx). dx may alias dy.
   */
  activationBackpropBiasGrad(
    activation: ElementwiseActivation, y: FloatArray, dy: FloatArray, dx: FloatArray, db: FloatArray,
    rows: number, cols: number,
  ): void;

  /** Row-wise numerically stable softmax: y[rows,cols] = softmax(x) (y may alias x). */
  softmax(x: FloatArray, y: FloatArray, rows: number, cols: number): void;
  /** dx = y * (dy - sum(dy*y)) per row, from the softmax output y. dx may alias dy. */
  softmaxBackprop(y: FloatArray, dy: FloatArray, dx: FloatArray, rows: number, cols: number): void;

  /**
   * Fused softmax + sparse categorical cross-entropy on logits[rows,cols].
   * Writes probs = softmax(logits) and dlogits = (probs - onehot(labels)) * gradScale,
   * returns the SUM over rows of -log softmax(logits)[label] (computed via log-sum-exp).
   * Labels must already be validated to lie in [0, cols).
   */
  softmaxCrossEntropySparse(
    logits: FloatArray, labels: Int32Array, probs: FloatArray, dlogits: FloatArray,
    rows: number, cols: number, gradScale: number,
  ): number;
  /** Same with dense target distributions targets[rows,cols] (categorical cross-entropy). */
  softmaxCrossEntropyDense(
    logits: FloatArray, targets: FloatArray, probs: FloatArray, dlogits: FloatArray,
    rows: number, cols: number, gradScale: number,
  ): number;

  /**
   * Row i of `target` = row rows[i] of `source`, rows of `rowLength` elements: the
   * shuffled batch that fit() trains on. Every index is checked before anything is
   * copied; one outside the source is a RangeError and `target` is left as it was.
   */
  gatherRows(source: FloatArray, rowLength: number, rows: Int32Array, target: FloatArray): void;

  /**
   * Adam step (Keras 3 form): m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2);
   * param -= alpha * m / (sqrt(v) + epsilon), where the caller has folded the bias
   * correction into alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t).
   */
  adamUpdate(
    param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, n: number,
    alpha: number, beta1: number, beta2: number, epsilon: number,
  ): void;
  /**
   * SGD step (Keras 3 form). Without velocity: param -= lr * g.
   * With velocity: v = momentum*v - lr*g; param += nesterov ? momentum*v - lr*g : v.
   */
  sgdUpdate(
    param: FloatArray, grad: FloatArray, velocity: FloatArray | null, n: number,
    learningRate: number, momentum: number, nesterov: boolean,
  ): void;
  /** RMSprop step (Keras 3 form): s = rho*s + (1-rho)*g^2; param -= lr * g / sqrt(s + epsilon). */
  rmspropUpdate(
    param: FloatArray, grad: FloatArray, meanSquare: FloatArray, n: number,
    learningRate: number, rho: number, epsilon: number,
  ): void;
}
